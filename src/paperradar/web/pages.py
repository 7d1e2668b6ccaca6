"""Server-rendered pages: digest, past days, weekly reports, search, paper, feedback forms, profiles, log-in."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paperradar.index import QueryError, SearchFilters
from paperradar.radar import RadarError, ReportError
from paperradar.relevance import ProfileError, profile_text, save_profile
from paperradar.render import html_fragment
from paperradar.render import render as render_doc
from paperradar.reports import week_of
from paperradar.store import now_iso
from paperradar.web.auth import SESSION_COOKIE, require_user, require_write, set_session_cookie
from paperradar.web.views import known_paper, need_login, paper_view, radar_of, reader_of, render, valid_day

router = APIRouter()


def digest_items(request: Request, day: str, interest: str) -> tuple[list[dict[str, object]], int]:
    """View dicts of a day's digest (a preview: the web page does not consume the reader's seen-set)."""
    radar = radar_of(request)
    reader = reader_of(request)
    d = radar.digest(day, interest, reader=reader or "web", owner=reader, mark=False)
    fb = radar.feedback_of(d.interest, reader)
    items = [
        paper_view(
            i.paper,
            score=i.score,
            explanation=i.explanation,
            bullets=i.summary.bullets,
            headline=i.summary.headline,
            status=i.status,
            topic=i.topic,
            feedback=fb.get(i.paper.id or ""),
        )
        for i in d.items
    ]
    return items, d.considered


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request, day: Annotated[str | None, Query(alias="date")] = None, interest: str | None = None
) -> Response:
    """Today's digest (or the latest day that has papers)."""
    need_login(request)
    radar = radar_of(request)
    interest = radar.interest(interest)
    day = valid_day(day) or radar.latest_day()
    try:
        items, considered = digest_items(request, day, interest)
    except ProfileError as e:
        raise HTTPException(400, str(e)) from e
    groups: dict[str, list[dict[str, object]]] = {}
    for it in items:
        groups.setdefault(str(it["topic"]), []).append(it)
    return render(
        request,
        "digest.html",
        {"day": day, "groups": groups, "considered": considered, "interest": interest, "next_url": f"/?date={day}"},
    )


@router.get("/digests", response_class=HTMLResponse)
def past_days(request: Request) -> Response:
    """Days with papers, newest first."""
    need_login(request)
    radar = radar_of(request)
    return render(request, "days.html", {"days": radar.store.papers.days(limit=60), "interest": radar.interest()})


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request) -> Response:
    """Weeks that have papers."""
    need_login(request)
    radar = radar_of(request)
    days = radar.store.papers.days(limit=400)
    weeks: dict[str, int] = {}
    for d, n in days:
        weeks[week_of(d)] = weeks.get(week_of(d), 0) + n
    return render(request, "weeks.html", {"weeks": list(weeks.items())[:26], "interest": radar.interest()})


@router.get("/reports/{week}", response_class=HTMLResponse)
def weekly(request: Request, week: str, interest: str | None = None) -> Response:
    """One week's trend report, with its chart."""
    need_login(request)
    radar = radar_of(request)
    interest = radar.interest(interest)
    try:
        report = radar.week_report(week, interest, owner=reader_of(request))
    except (ValueError, ProfileError) as e:
        raise HTTPException(400, str(e)) from e
    except ReportError as e:
        raise HTTPException(500, str(e)) from e
    body = html_fragment(report)  # Markup built by the renderer, every piece of paper text escaped
    return render(request, "report.html", {"week": week, "body": body, "interest": interest})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = "",
    date_from: str | None = None,
    date_to: str | None = None,
    category: str | None = None,
    tag: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 30,
) -> Response:
    """Hybrid search with filters; a malformed query is answered with a message, not an error page."""
    need_login(request)
    radar = radar_of(request)
    f = {
        "date_from": valid_day(date_from or None),
        "date_to": valid_day(date_to or None),
        "category": category or None,
        "tag": tag or None,
    }
    hits, error = [], None
    interest = radar.interest()
    if q.strip():
        filters = SearchFilters(
            date_from=f["date_from"], date_to=f["date_to"], categories=[category] if category else [], tag=tag or None
        )
        try:
            found = radar.search(q, limit=limit, filters=filters, update=False)
        except QueryError as e:
            found, error = [], str(e)
        papers = {p.id: p for p in radar.store.papers.iter([h.id for h in found])}
        fb = radar.feedback_of(interest, reader_of(request))
        hits = [
            paper_view(
                papers[h.id],
                score=h.relevance,
                explanation=h.why,
                snippet_parts=h.snippet_parts(),
                feedback=fb.get(h.id),
            )
            for h in found
            if h.id in papers
        ]
    return render(
        request,
        "search.html",
        {"q": q, "hits": hits, "error": error, "f": f, "interest": interest, "next_url": f"/search?q={quote(q)}"},
    )


@router.get("/papers/{paper_id:path}", response_class=HTMLResponse)
def paper_page(request: Request, paper_id: str) -> Response:
    """A paper: summary, relevance and why, similar papers, versions, tags, feedback."""
    need_login(request)
    radar = radar_of(request)
    pid = known_paper(request, paper_id)
    p = radar.paper(pid)
    interest = radar.interest()
    reader = reader_of(request)
    from paperradar.summarize import ensure_summaries

    store = radar.store
    summary = ensure_summaries(store, [pid])[pid]
    scored = {s.id: s for s in radar.score(interest, [pid], reader=reader)}.get(pid)  # the user's own profile first
    similar = radar.more_like_this(pid, limit=8, update=False)
    item = paper_view(
        p,
        bullets=summary.bullets,
        headline=summary.headline,
        status=store.papers.status(pid),
        score=scored.score if scored else None,
        relevant=scored.relevant if scored else None,
        explanation=scored.explanation if scored else None,
        tags=store.feedback.tags(pid),
        feedback=radar.feedback_of(interest, reader).get(pid),
    )
    return render(
        request,
        "paper.html",
        {"item": item, "versions": p.versions, "similar": similar, "interest": interest, "next_url": f"/papers/{pid}"},
    )


def _back(next_url: str, fallback: str) -> RedirectResponse:
    safe = next_url if next_url.startswith("/") and not next_url.startswith("//") else fallback
    return RedirectResponse(safe, status_code=303)


@router.post("/papers/{paper_id:path}/feedback")
async def feedback_form(
    request: Request,
    paper_id: str,
    value: Annotated[str, Form()],
    interest: Annotated[str | None, Form()] = None,
    next: Annotated[str, Form()] = "",
) -> Response:
    """Like/dislike from a page (works without JavaScript); pressing the same button again clears it."""
    await require_write(request, request.state.auth)
    pid = known_paper(request, paper_id)
    try:
        radar_of(request).feedback(pid, value, interest=interest, reader=reader_of(request), toggle=True)
    except RadarError as e:
        raise HTTPException(400, str(e)) from e
    return _back(next, f"/papers/{pid}")


@router.post("/papers/{paper_id:path}/tags")
async def tag_form(
    request: Request,
    paper_id: str,
    tag: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")],
) -> Response:
    """Add a tag from the paper page."""
    await require_write(request, request.state.auth)
    pid = known_paper(request, paper_id)
    radar_of(request).store.feedback.tag(pid, tag, now_iso())
    return _back(f"/papers/{pid}", "/")


@router.get("/profiles", response_class=HTMLResponse)
def profiles_page(request: Request) -> Response:
    """Interest profiles, each editable."""
    need_login(request)
    return render(request, "profiles.html", {"profiles": radar_of(request).profiles(reader_of(request))})


@router.get("/profiles/{name}", response_class=HTMLResponse)
def profile_edit(request: Request, name: str, error: str | None = None, text: str | None = None) -> Response:
    """Edit one profile's TOML."""
    need_login(request)
    try:
        text = text or profile_text(name, reader_of(request))
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    return render(request, "profile.html", {"name": name, "text": text, "error": error})


@router.post("/profiles/{name}")
async def profile_save(request: Request, name: str, toml: Annotated[str, Form(max_length=200_000)]) -> Response:
    """Save a profile (validated first; errors are shown on the form)."""
    require_user(request.state.auth)
    await require_write(request, request.state.auth)
    try:
        save_profile(name, toml, reader_of(request))
    except ProfileError as e:
        return profile_edit(request, name, error=str(e), text=toml)
    return RedirectResponse(f"/profiles/{name}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    """The log-in form (multi-user mode)."""
    return render(request, "login.html", {"next_url": next, "error": None})


@router.post("/login")
def login(
    request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    """Check the password and start a session."""
    store = radar_of(request).store
    throttle, address = request.app.state.login_throttle, request.client.host if request.client else "?"
    if wait := throttle.retry_after(name, address):  # checked before the (deliberately slow) scrypt
        refused = render(
            request, "login.html", {"next_url": next, "error": f"too many failed log-ins; wait {wait} s"}, status=429
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    user = store.accounts.authenticate(name, password)
    if user is None:
        throttle.failed(name, address)
        return render(request, "login.html", {"next_url": next, "error": "wrong user name or password"}, status=401)
    throttle.succeeded(name)
    token, _csrf = store.accounts.new_session(user)
    back = _back(next, "/")
    set_session_cookie(back, token, request.app.state.options.secure_cookies)
    return back


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    await require_write(request, request.state.auth)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        radar_of(request).store.accounts.end_session(cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    """Confirm an unsubscription (the e-mail link)."""
    return render(request, "unsubscribe.html", {"token": token, "done": False})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> Response:
    """Unsubscribe (also RFC 8058 one-click from mail clients; the token is the credential)."""
    n = radar_of(request).store.delivery.unsubscribe(token)
    if not n:
        raise HTTPException(404, "no active subscription for this link")
    return render(request, "unsubscribe.html", {"token": token, "done": True})


@router.get("/feeds/{interest}.atom")
def feed(request: Request, interest: str) -> Response:
    """Atom feed of an interest's latest digest."""
    radar = radar_of(request)
    try:
        d = radar.digest(radar.latest_day(), interest, reader="feed", mark=False)
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    return Response(render_doc(d, "atom"), media_type="application/atom+xml")
