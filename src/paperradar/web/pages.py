"""Server-rendered pages: digest, past days, weekly reports, search, paper, feedback forms, profiles, log-in."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paperradar.index import QueryError, SearchFilters, more_like_this, search
from paperradar.models import normalize_arxiv_id
from paperradar.relevance import ProfileError, feedback_key, list_profiles, profile_text, save_profile, score_papers
from paperradar.render import html_body
from paperradar.render import render as render_doc
from paperradar.reports import build_digest, build_report, week_of, week_range
from paperradar.store import now_iso
from paperradar.web.app import render
from paperradar.web.auth import SESSION_COOKIE, Auth, require_user, require_write, set_session_cookie
from paperradar.web.views import paper_view

router = APIRouter()


def _reader(request: Request) -> str | None:
    """Per-user namespaces exist only in multi-user mode."""
    auth: Auth = request.state.auth
    return auth.user.name if request.app.state.settings.multi_user and auth.user else None


def _need_login(request: Request) -> None:
    if request.app.state.settings.multi_user and request.state.auth.user is None:
        raise HTTPException(401, "log in first")


def _valid_day(day: str | None) -> str | None:
    if day is None:
        return None
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError as e:
        raise HTTPException(400, f"date must be YYYY-MM-DD, not {day!r}") from e


def digest_items(request: Request, day: str, interest: str) -> tuple[list[dict[str, object]], int]:
    """View dicts of a day's digest (a preview: the web page does not consume the reader's seen-set)."""
    store = request.app.state.stores.get()
    reader = _reader(request)
    d = build_digest(store, day, interest, reader=reader or "web", owner=reader, mark=False)
    fb = store.feedback.of_profile(feedback_key(interest, reader))
    items = [
        paper_view(
            i.paper,
            score=i.score,
            explanation=i.explanation,
            bullets=i.summary.bullets,
            headline=i.summary.headline,
            status=i.status,
            topic=i.topic,
            feedback=fb.get(i.paper.id),
        )
        for i in d.items
    ]
    return items, d.considered


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request, day: Annotated[str | None, Query(alias="date")] = None, interest: str | None = None
) -> Response:
    """Today's digest (or the latest day that has papers)."""
    _need_login(request)
    store = request.app.state.stores.get()
    interest = interest or request.app.state.settings.interest
    day = _valid_day(day) or store.papers.latest_day() or date.today().isoformat()
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
    _need_login(request)
    days = request.app.state.stores.get().papers.days(limit=60)
    return render(request, "days.html", {"days": days, "interest": request.app.state.settings.interest})


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request) -> Response:
    """Weeks that have papers."""
    _need_login(request)
    days = request.app.state.stores.get().papers.days(limit=400)
    weeks: dict[str, int] = {}
    for d, n in days:
        weeks[week_of(d)] = weeks.get(week_of(d), 0) + n
    return render(
        request, "weeks.html", {"weeks": list(weeks.items())[:26], "interest": request.app.state.settings.interest}
    )


@router.get("/reports/{week}", response_class=HTMLResponse)
def weekly(request: Request, week: str, interest: str | None = None) -> Response:
    """One week's trend report, with its chart."""
    _need_login(request)
    interest = interest or request.app.state.settings.interest
    try:
        a, b = week_range(week)
        report = build_report(request.app.state.stores.get(), a, b, interest, period=week)
    except (ValueError, ProfileError) as e:
        raise HTTPException(400, str(e)) from e
    body = html_body(report)  # Markup built by the renderer, every piece of paper text escaped
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
    _need_login(request)
    store = request.app.state.stores.get()
    f = {
        "date_from": _valid_day(date_from or None),
        "date_to": _valid_day(date_to or None),
        "category": category or None,
        "tag": tag or None,
    }
    hits, error = [], None
    interest = request.app.state.settings.interest
    if q.strip():
        filters = SearchFilters(
            date_from=f["date_from"], date_to=f["date_to"], categories=[category] if category else [], tag=tag or None
        )
        try:
            found = search(store, q, limit=limit, filters=filters, update=False)
        except QueryError as e:
            found, error = [], str(e)
        papers = {p.id: p for p in store.papers.iter([h.id for h in found])}
        fb = store.feedback.of_profile(feedback_key(interest, _reader(request)))
        hits = [paper_view(papers[h.id], score=h.score, feedback=fb.get(h.id)) for h in found if h.id in papers]
    return render(
        request,
        "search.html",
        {"q": q, "hits": hits, "error": error, "f": f, "interest": interest, "next_url": f"/search?q={quote(q)}"},
    )


@router.get("/papers/{paper_id:path}", response_class=HTMLResponse)
def paper_page(request: Request, paper_id: str) -> Response:
    """A paper: summary, relevance and why, similar papers, versions, tags, feedback."""
    _need_login(request)
    store = request.app.state.stores.get()
    pid = normalize_arxiv_id(paper_id) or paper_id
    p = store.papers.get(pid)
    if p is None:
        raise HTTPException(404, f"no paper {paper_id!r} in this database")
    interest = request.app.state.settings.interest
    from paperradar.summarize import ensure_summaries

    summary = ensure_summaries(store, [pid])[pid]
    scored = {s.id: s for s in score_papers(store, interest, [pid], reader=_reader(request))}.get(
        pid
    )  # user's own profile first
    similar = more_like_this(store, pid, limit=8, embed_limit=0)  # never carry an ingest's backlog
    item = paper_view(
        p,
        bullets=summary.bullets,
        headline=summary.headline,
        status=store.papers.status(pid),
        score=scored.score if scored else None,
        relevant=scored.relevant if scored else None,
        explanation=scored.explanation if scored else None,
        tags=store.feedback.tags(pid),
        feedback=store.feedback.get(feedback_key(interest, _reader(request)), pid),
    )
    return render(
        request,
        "paper.html",
        {"item": item, "versions": p.versions, "similar": similar, "interest": interest, "next_url": f"/papers/{pid}"},
    )


def _known_paper(request: Request, paper_id: str) -> str:
    """The stored id of ``paper_id`` (any arXiv spelling), or 404."""
    pid = normalize_arxiv_id(paper_id) or paper_id
    if request.app.state.stores.get().papers.status(pid) is None:
        raise HTTPException(404, f"no paper {paper_id!r} in this database")
    return pid


def _back(next_url: str, fallback: str) -> RedirectResponse:
    safe = next_url if next_url.startswith("/") and not next_url.startswith("//") else fallback
    return RedirectResponse(safe, status_code=303)


@router.post("/papers/{paper_id:path}/feedback")
async def feedback_form(
    request: Request,
    paper_id: str,
    value: Annotated[str, Form()],
    interest: Annotated[str, Form()] = "efficiency",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Like/dislike from a page (works without JavaScript)."""
    await require_write(request, request.state.auth)
    store = request.app.state.stores.get()
    pid = _known_paper(request, paper_id)
    if value not in ("like", "dislike", "none"):
        raise HTTPException(400, "value must be like, dislike or none")
    key = feedback_key(interest, _reader(request))
    current = store.feedback.get(key, pid)
    store.feedback.set(key, pid, None if value in ("none", current) else value, now_iso())
    return _back(next, f"/papers/{pid}")


@router.post("/papers/{paper_id:path}/tags")
async def tag_form(
    request: Request,
    paper_id: str,
    tag: Annotated[str, Form(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")],
) -> Response:
    """Add a tag from the paper page."""
    await require_write(request, request.state.auth)
    store = request.app.state.stores.get()
    pid = _known_paper(request, paper_id)
    store.feedback.tag(pid, tag, now_iso())
    return _back(f"/papers/{pid}", "/")


@router.get("/profiles", response_class=HTMLResponse)
def profiles_page(request: Request) -> Response:
    """Interest profiles, each editable."""
    _need_login(request)
    return render(request, "profiles.html", {"profiles": list_profiles(_reader(request))})


@router.get("/profiles/{name}", response_class=HTMLResponse)
def profile_edit(request: Request, name: str, error: str | None = None, text: str | None = None) -> Response:
    """Edit one profile's TOML."""
    _need_login(request)
    try:
        text = text or profile_text(name, _reader(request))
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    return render(request, "profile.html", {"name": name, "text": text, "error": error})


@router.post("/profiles/{name}")
async def profile_save(request: Request, name: str, toml: Annotated[str, Form(max_length=200_000)]) -> Response:
    """Save a profile (validated first; errors are shown on the form)."""
    require_user(request.state.auth)
    await require_write(request, request.state.auth)
    try:
        save_profile(name, toml, _reader(request))
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
    store = request.app.state.stores.get()
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
    response = _back(next, "/")
    set_session_cookie(response, token, request.app.state.settings.secure_cookies)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    await require_write(request, request.state.auth)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        request.app.state.stores.get().accounts.end_session(cookie)
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
    n = request.app.state.stores.get().delivery.unsubscribe(token)
    if not n:
        raise HTTPException(404, "no active subscription for this link")
    return render(request, "unsubscribe.html", {"token": token, "done": True})


@router.get("/feeds/{interest}.atom")
def feed(request: Request, interest: str) -> Response:
    """Atom feed of an interest's latest digest."""
    store = request.app.state.stores.get()
    day = store.papers.latest_day() or date.today().isoformat()
    try:
        d = build_digest(store, day, interest, reader="feed", mark=False)
    except ProfileError as e:
        raise HTTPException(404, str(e)) from e
    return Response(render_doc(d, "atom"), media_type="application/atom+xml")
