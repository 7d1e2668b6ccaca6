"""Who is asking, and may they change things: sessions, CSRF tokens, API tokens.

Single-user mode (the default, bound to 127.0.0.1): every browser gets a session of the implicit user ``local``.
Multi-user mode: users log in with a password. In both modes a state-changing request needs a session plus a
matching CSRF token (form field ``csrf`` or header ``X-CSRF-Token``), or an API token (``Authorization: Bearer``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request, Response

from paperradar.store import Store, User, now_iso

SESSION_COOKIE = "pr_session"


@dataclass
class Auth:
    """The caller: a user (or None), the session's CSRF token, and whether they came with an API token."""

    user: User | None
    csrf: str = ""
    via_token: bool = False


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def resolve(request: Request, store: Store, multi_user: bool) -> tuple[Auth, tuple[str, str] | None]:
    """The caller's Auth, plus a (token, csrf) pair when a new single-user session must be set as a cookie."""
    token = _bearer(request)
    if token:
        user = store.accounts.api_user(token)
        return Auth(user, via_token=user is not None), None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = store.accounts.session(cookie)
        if found:
            return Auth(found[0], found[1]), None
    if multi_user:
        return Auth(None), None
    user = store.accounts.local_user(now_iso())
    new = store.accounts.new_session(user)
    return Auth(user, new[1]), new


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    """HttpOnly, SameSite=Lax session cookie."""
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, max_age=30 * 86400)


def require_user(auth: Auth) -> User:
    """The user, or 401."""
    if auth.user is None:
        raise HTTPException(status_code=401, detail="log in first (or send an API token)")
    return auth.user


async def require_write(request: Request, auth: Auth) -> User:
    """A user allowed to change state: API token, or a session with the matching CSRF token; else 401/403."""
    user = require_user(auth)
    if auth.via_token:
        return user
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or sent != auth.csrf:
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")
    return user
