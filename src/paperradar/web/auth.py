"""Who is asking, and may they change things: sessions, CSRF tokens, API tokens.

Single-user mode (the default, bound to 127.0.0.1): every browser gets a session of the implicit user ``local``.
Multi-user mode: users log in with a password. In both modes a state-changing request needs a session plus a
matching CSRF token (form field ``csrf`` or header ``X-CSRF-Token``), or an API token (``Authorization: Bearer``).

A single-user session is not a database row: the cookie is a random token and its CSRF token an HMAC of it under a
secret kept in the database, so a cookieless request (a crawler, a 404) stores nothing. Failed log-ins are throttled
per user name and per client address (:class:`LoginThrottle`). What multi-user mode serves without a log-in is
decided in one place, :func:`public_without_login` (see docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
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


_SECRET_NAME = "web.csrf_secret"


def csrf_secret(store: Store) -> bytes:
    """The secret single-user CSRF tokens are derived from (made once, kept in the database)."""
    value = store.state.get(_SECRET_NAME)
    if value is None:
        store.state.set(_SECRET_NAME, secrets.token_hex(32), now_iso())
        value = store.state.get(_SECRET_NAME) or ""
    return bytes.fromhex(value)


def _derived_csrf(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def resolve(
    request: Request, store: Store, multi_user: bool, secret: bytes = b""
) -> tuple[Auth, tuple[str, str] | None]:
    """The caller's Auth, plus a (token, csrf) pair when a new single-user session must be set as a cookie.

    Single-user sessions are stateless (see the module's docstring): nothing is written for a cookieless request
    but, once, the implicit user. Feeds also accept an API token as ``?token=`` (feed readers cannot send headers).
    """
    token = _bearer(request)
    if token is None and request.url.path.startswith("/feeds/"):
        token = request.query_params.get("token")
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
    if cookie and len(cookie) <= 100:
        return Auth(user, _derived_csrf(secret, cookie)), None
    new = secrets.token_urlsafe(32)
    csrf = _derived_csrf(secret, new)
    return Auth(user, csrf), (new, csrf)


def public_without_login(method: str, path: str) -> bool:
    """What multi-user mode serves to a caller who is not logged in (no session, no API token): the log-in form,
    static files, the unsubscribe link (its token is the credential) and the API's description. Everything else
    (pages, search, digests, reports, exports, profiles, feeds, feedback) needs a log-in or an API token."""
    if path.startswith("/static/") or path.startswith("/unsubscribe/"):
        return True
    if path in ("/login", "/favicon.ico"):
        return True
    return method in ("GET", "HEAD") and path in ("/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc")


class LoginThrottle:
    """Failed log-ins allowed per user name and per client address in a sliding window; past that, 429.

    In memory (one server process); a reverse proxy's address counts for all its clients, hence the higher
    per-address allowance (run uvicorn with --proxy-headers behind a proxy so the real address is seen)."""

    def __init__(self, per_name: int = 5, per_address: int = 20, window: float = 300.0) -> None:
        self.per_name, self.per_address, self.window = per_name, per_address, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, name: str, address: str) -> int:
        """Seconds to wait before trying ``name`` from ``address`` again (0: go ahead)."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key, allowed in ((f"n:{name.lower()}", self.per_name), (f"a:{address}", self.per_address)):
                q = self._recent(key, now)
                if len(q) >= allowed:
                    waits.append(int(q[0] + self.window - now) + 1)
            return max(waits, default=0)

    def failed(self, name: str, address: str) -> None:
        """Count one failed log-in."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of names: forget the oldest rather than grow without end
                self._failures.clear()
            for key in (f"n:{name.lower()}", f"a:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, name: str) -> None:
        """Forget a user name's failures after a good log-in."""
        with self._lock:
            self._failures.pop(f"n:{name.lower()}", None)


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
