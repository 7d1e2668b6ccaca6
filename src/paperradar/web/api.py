"""The JSON API under /api (OpenAPI at /openapi.json). Reads are open like the pages; writes need a token
(``Authorization: Bearer``, from `paperradar token`) or a browser session with its CSRF token."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from paperradar.index import QueryError, SearchFilters
from paperradar.radar import RadarError, ReportError
from paperradar.relevance import ProfileError, profile_text, save_profile
from paperradar.render import render as render_doc
from paperradar.store import now_iso
from paperradar.web.auth import require_write
from paperradar.web.views import known_paper, need_login, paper_view, radar_of, reader_of, valid_day

router = APIRouter(prefix="/api", tags=["api"])


class FeedbackIn(BaseModel):
    """A like or dislike ("none" removes it) for one interest profile."""

    value: Literal["like", "dislike", "none"]
    interest: str | None = Field(default=None, description="A profile name (default: the server's interest).")


class TagIn(BaseModel):
    """A tag to add to a paper."""

    tag: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")


class ProfileIn(BaseModel):
    """A profile's TOML text."""

    toml: str = Field(max_length=200_000)


@router.get("/papers")
def list_papers(
    request: Request,
    date_from: str | None = None,
    date_to: str | None = None,
    category: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Stored papers, filtered by date and category."""
    need_login(request)
    papers = list(
        radar_of(request).store.papers.select(
            date_from=valid_day(date_from),
            date_to=valid_day(date_to),
            categories=[category] if category else [],
            limit=limit,
        )
    )
    return {"papers": [paper_view(p) for p in papers]}


@router.get("/papers/{paper_id:path}/export", response_class=PlainTextResponse)
def export_paper(
    request: Request,
    paper_id: str,
    format: Literal["bibtex", "ris", "csv", "json"] = "bibtex",
) -> Response:
    """One paper as BibTeX, RIS, CSV or JSON Lines."""
    radar = radar_of(request)
    return PlainTextResponse(radar.export(format, [radar.paper(known_paper(request, paper_id))]))


@router.get("/papers/{paper_id:path}")
def get_paper(request: Request, paper_id: str) -> dict[str, Any]:
    """One paper with its versions and tags."""
    need_login(request)
    pid = known_paper(request, paper_id)
    radar = radar_of(request)
    store = radar.store
    p = radar.paper(pid)
    return paper_view(
        p,
        status=store.papers.status(pid),
        tags=store.feedback.tags(pid),
        versions=[{"version": v.version, "date": v.date, "size": v.size} for v in p.versions],
    )


@router.post("/papers/{paper_id:path}/feedback")
async def post_feedback(request: Request, paper_id: str, body: FeedbackIn) -> dict[str, Any]:
    """Like or dislike a paper for an interest (the profile learns from it)."""
    user = await require_write(request, request.state.auth)
    pid = known_paper(request, paper_id)
    reader = user.name if request.app.state.options.multi_user else None
    try:
        done = radar_of(request).feedback(pid, body.value, interest=body.interest, reader=reader)
    except RadarError as e:
        raise HTTPException(400, str(e)) from e
    return {"id": done.paper_id, "interest": done.interest, "value": done.value or "none"}


@router.post("/papers/{paper_id:path}/tags")
async def post_tag(request: Request, paper_id: str, body: TagIn) -> dict[str, Any]:
    """Tag a paper."""
    await require_write(request, request.state.auth)
    pid = known_paper(request, paper_id)
    store = radar_of(request).store
    store.feedback.tag(pid, body.tag, now_iso())
    return {"id": pid, "tags": store.feedback.tags(pid)}


@router.get("/search")
def api_search(
    request: Request,
    q: str,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    date_from: str | None = None,
    date_to: str | None = None,
    category: str | None = None,
    tag: str | None = None,
) -> dict[str, Any]:
    """Hybrid search; a malformed query is a 400 with the reason."""
    need_login(request)
    filters = SearchFilters(
        date_from=valid_day(date_from), date_to=valid_day(date_to), categories=[category] if category else [], tag=tag
    )
    try:
        hits = radar_of(request).search(q, limit=limit, filters=filters, update=False)
    except QueryError as e:
        raise HTTPException(400, str(e)) from e
    return {"query": q, "hits": [h.as_dict() for h in hits]}


@router.get("/digests/{day}")
def api_digest(request: Request, day: str, interest: str | None = None) -> Any:
    """A day's digest (a preview: the reader's seen-set is not changed); ``interest`` defaults to the server's."""
    need_login(request)
    reader = reader_of(request)
    try:
        d = radar_of(request).digest(valid_day(day), interest, reader=reader or "web", owner=reader, mark=False)
    except ProfileError as e:
        raise HTTPException(400, str(e)) from e
    return json.loads(render_doc(d, "json"))


@router.get("/reports/{week}")
def api_report(request: Request, week: str, interest: str | None = None) -> Any:
    """A week's verified trend report (ISO week, e.g. 2025-W20); ``interest`` defaults to the server's."""
    need_login(request)
    try:
        r = radar_of(request).week_report(week, interest, owner=reader_of(request))
    except (ValueError, ProfileError) as e:
        raise HTTPException(400, str(e)) from e
    except ReportError as e:
        raise HTTPException(500, str(e)) from e
    return json.loads(render_doc(r, "json"))


@router.get("/profiles")
def api_profiles(request: Request) -> dict[str, Any]:
    """Profile names."""
    return {"profiles": radar_of(request).profiles(reader_of(request))}


@router.get("/profiles/{name}", response_class=PlainTextResponse)
def api_profile(request: Request, name: str) -> Response:
    """A profile's TOML."""
    try:
        return PlainTextResponse(profile_text(name, reader_of(request)), media_type="application/toml")
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e


@router.put("/profiles/{name}")
async def api_profile_put(request: Request, name: str, body: ProfileIn) -> dict[str, Any]:
    """Create or replace a profile (validated first)."""
    await require_write(request, request.state.auth)
    try:
        save_profile(name, body.toml, reader_of(request))
    except ProfileError as e:
        raise HTTPException(400, str(e)) from e
    return {"saved": name}
