"""The JSON API under /api (OpenAPI at /openapi.json). Reads are open like the pages; writes need a token
(``Authorization: Bearer``, from `paperradar token`) or a browser session with its CSRF token."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from paperradar.deliver.exports import EXPORTERS
from paperradar.index import QueryError, SearchFilters, search
from paperradar.relevance import ProfileError, feedback_key, list_profiles, profile_text, save_profile
from paperradar.render import render as render_doc
from paperradar.reports import build_digest, build_report, week_range
from paperradar.store import now_iso
from paperradar.web.auth import require_write
from paperradar.web.pages import _known_paper, _need_login, _reader, _valid_day
from paperradar.web.views import paper_view

router = APIRouter(prefix="/api", tags=["api"])


class FeedbackIn(BaseModel):
    """A like or dislike ("none" removes it) for one interest profile."""

    value: Literal["like", "dislike", "none"]
    interest: str = "efficiency"


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
    _need_login(request)
    store = request.app.state.stores.get()
    papers = list(
        store.papers.select(
            date_from=_valid_day(date_from),
            date_to=_valid_day(date_to),
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
    pid = _known_paper(request, paper_id)
    p = request.app.state.stores.get().papers.get(pid)
    return PlainTextResponse(EXPORTERS[format]([p]))


@router.get("/papers/{paper_id:path}")
def get_paper(request: Request, paper_id: str) -> dict[str, Any]:
    """One paper with its versions and tags."""
    _need_login(request)
    pid = _known_paper(request, paper_id)
    store = request.app.state.stores.get()
    p = store.papers.get(pid)
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
    pid = _known_paper(request, paper_id)
    reader = user.name if request.app.state.settings.multi_user else None
    if body.interest not in list_profiles(reader):
        raise HTTPException(400, f"no interest profile named {body.interest!r}")
    request.app.state.stores.get().feedback.set(
        feedback_key(body.interest, reader), pid, None if body.value == "none" else body.value, now_iso()
    )
    return {"id": pid, "interest": body.interest, "value": body.value}


@router.post("/papers/{paper_id:path}/tags")
async def post_tag(request: Request, paper_id: str, body: TagIn) -> dict[str, Any]:
    """Tag a paper."""
    await require_write(request, request.state.auth)
    pid = _known_paper(request, paper_id)
    store = request.app.state.stores.get()
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
    _need_login(request)
    filters = SearchFilters(
        date_from=_valid_day(date_from), date_to=_valid_day(date_to), categories=[category] if category else [], tag=tag
    )
    try:
        hits = search(request.app.state.stores.get(), q, limit=limit, filters=filters, update=False)
    except QueryError as e:
        raise HTTPException(400, str(e)) from e
    return {"query": q, "hits": [h.as_dict() for h in hits]}


@router.get("/digests/{day}")
def api_digest(request: Request, day: str, interest: str = "efficiency") -> Any:
    """A day's digest (a preview: the reader's seen-set is not changed)."""
    _need_login(request)
    day = _valid_day(day) or date.today().isoformat()
    try:
        d = build_digest(
            request.app.state.stores.get(),
            day,
            interest,
            reader=_reader(request) or "web",
            owner=_reader(request),
            mark=False,
        )
    except ProfileError as e:
        raise HTTPException(400, str(e)) from e
    return json.loads(render_doc(d, "json"))


@router.get("/reports/{week}")
def api_report(request: Request, week: str, interest: str = "efficiency") -> Any:
    """A week's trend report (ISO week, e.g. 2025-W20)."""
    _need_login(request)
    try:
        a, b = week_range(week)
        r = build_report(request.app.state.stores.get(), a, b, interest, period=week)
    except (ValueError, ProfileError) as e:
        raise HTTPException(400, str(e)) from e
    return json.loads(render_doc(r, "json"))


@router.get("/profiles")
def api_profiles(request: Request) -> dict[str, Any]:
    """Profile names."""
    return {"profiles": list_profiles(_reader(request))}


@router.get("/profiles/{name}", response_class=PlainTextResponse)
def api_profile(request: Request, name: str) -> Response:
    """A profile's TOML."""
    try:
        return PlainTextResponse(profile_text(name, _reader(request)), media_type="application/toml")
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e


@router.put("/profiles/{name}")
async def api_profile_put(request: Request, name: str, body: ProfileIn) -> dict[str, Any]:
    """Create or replace a profile (validated first)."""
    await require_write(request, request.state.auth)
    try:
        save_profile(name, body.toml, _reader(request))
    except ProfileError as e:
        raise HTTPException(400, str(e)) from e
    return {"saved": name}
