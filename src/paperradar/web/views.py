"""What pages and the JSON API share: the request's radar and caller, parameter checks, and the plain dicts
the templates and the API show (one place for both)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from paperradar.models import Paper, is_arxiv_id
from paperradar.radar import Radar, RadarError
from paperradar.web.auth import Auth


def radar_of(request: Request) -> Radar:
    """The application object every route asks."""
    radar: Radar = request.app.state.radar
    return radar


def reader_of(request: Request) -> str | None:
    """The caller's account in multi-user mode (their own profiles, feedback and seen-set), else None."""
    auth: Auth = request.state.auth
    return auth.user.name if request.app.state.options.multi_user and auth.user else None


def need_login(request: Request) -> None:
    """401 in multi-user mode for a caller who has not logged in."""
    if request.app.state.options.multi_user and request.state.auth.user is None:
        raise HTTPException(401, "log in first")


def valid_day(day: str | None) -> str | None:
    """A YYYY-MM-DD parameter, or 400."""
    if day is None:
        return None
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError as e:
        raise HTTPException(400, f"date must be YYYY-MM-DD, not {day!r}") from e


def known_paper(request: Request, paper_id: str) -> str:
    """The stored id of ``paper_id`` (any arXiv spelling), or 404."""
    try:
        return radar_of(request).paper_id(paper_id)
    except RadarError as e:
        raise HTTPException(404, f"no paper {paper_id!r} in this database") from e


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page template with the caller and CSRF token available to it."""
    auth: Auth = request.state.auth
    ctx = {
        "request": request,
        "user": auth.user,
        "csrf": auth.csrf,
        "multi_user": request.app.state.options.multi_user,
        **context,
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status)
    return response


def paper_view(p: Paper, **extra: Any) -> dict[str, Any]:
    """A paper as a dict for pages and the API; ``extra`` adds score, explanation, bullets, feedback..."""
    view = {
        "id": p.id,
        "title": p.title,
        "abstract": p.abstract,
        "authors": p.authors,
        "categories": p.categories,
        "primary_category": p.primary_category,
        "published": p.published,
        "updated": p.updated,
        "announced": p.announced,
        "date": p.day,
        "version": p.version,
        "comment": p.comment,
        "doi": p.doi,
        "journal_ref": p.journal_ref,
        "withdrawn": p.withdrawn,
        "arxiv": is_arxiv_id(p.id),
        "url": p.url,
        "score": None,
        "explanation": None,
        "relevant": None,
        "bullets": [],
        "headline": None,
        "feedback": None,
        "status": None,
        "tags": [],
    }
    view.update(extra)
    return view
