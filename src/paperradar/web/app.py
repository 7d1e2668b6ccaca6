"""The web app: server-rendered pages (readable without JavaScript) and a JSON API, both asking one Radar."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperradar.radar import Radar
from paperradar.store import StoreError
from paperradar.web.api import router as api_router
from paperradar.web.auth import LoginThrottle, csrf_secret, public_without_login, resolve, set_session_cookie
from paperradar.web.pages import router as pages_router
from paperradar.web.teach import router as teach_router
from paperradar.web.views import render


@dataclass
class Options:
    """How the app runs besides the radar's settings: single- or multi-user; behind TLS (cookies marked Secure,
    HSTS sent); the largest request body accepted (a profile's TOML is at most 200 kB)."""

    multi_user: bool = False
    secure_cookies: bool = False
    max_body: int = 1_000_000


def _templates() -> Jinja2Templates:
    folder = resources.files("paperradar.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    templates.env.autoescape = True  # every title, abstract and author name is escaped, whatever the file name
    return templates


class AuthMiddleware(BaseHTTPMiddleware):
    """Resolves the caller once per request into ``request.state.auth`` and sets a new session cookie if needed.

    In multi-user mode a caller who is not logged in gets only what :func:`public_without_login` allows: 401
    (a page for a browser, JSON otherwise) before any route runs or any request body is read."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        app_state = request.app.state
        options = app_state.options
        try:
            auth, new_session = resolve(request, app_state.radar.store, options.multi_user, app_state.csrf_secret)
        except StoreError as e:  # e.g. a damaged database: the message says how to restore (no caller known yet)
            return JSONResponse({"detail": str(e)}, status_code=503)
        request.state.auth = auth
        if options.multi_user and auth.user is None and not public_without_login(request.method, request.url.path):
            return _error(request, 401, "log in first (or send an API token)")
        response = await call_next(request)
        if new_session and response.headers.get("content-type", "").startswith("text/html"):
            set_session_cookie(response, new_session[0], options.secure_cookies)
        return response


# Pages use only our own files (style.css, app.js) and data: images (the report's chart); FastAPI's /docs page
# loads Swagger UI from a CDN with an inline script, so it gets a CSP of its own.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'"


class SecurityHeaders:
    """ASGI middleware: CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy on every response, and
    Strict-Transport-Security when the app runs behind TLS (``secure``)."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app, self.secure = app, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in ("/docs", "/redoc", "/docs/oauth2-redirect")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP_DOCS if docs else CSP
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if self.secure:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware, outermost: a request body larger than ``limit`` bytes is refused with 413 before anything
    parses it or checks who sent it: at once when Content-Length says so, else as soon as the bytes received
    pass the limit (a chunked body)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send, self.limit)
            return
        received = 0
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if not started and not refused:
                        refused = True
                        await _too_large(send, self.limit)
                    return {"type": "http.disconnect"}  # the app stops reading; what it sends is dropped
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise


async def _too_large(send: Send, limit: int) -> None:
    body = orjson.dumps({"detail": f"request body too large (limit {limit} bytes)"})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def embed_backlog(radar: Radar) -> threading.Thread:
    """Embed papers that have no vector yet, in a background thread (with its own connection), so search by
    meaning covers them soon without any request waiting for it."""

    def work() -> None:
        radar.embed()

    thread = threading.Thread(target=work, name="embed-backlog", daemon=True)
    thread.start()
    return thread


def create_app(
    radar: Radar, *, multi_user: bool = False, secure_cookies: bool = False, max_body: int = 1_000_000
) -> FastAPI:
    """Build the ASGI app over ``radar`` (``paperradar serve`` runs it with uvicorn). Every page and API route
    asks the radar; the keyword index is brought up to date before serving."""
    app = FastAPI(
        title="paperradar",
        version="0.1.0",
        description="A research radar for ML literature: papers, search, digests, reports, feedback.",
    )
    options = Options(multi_user=multi_user, secure_cookies=secure_cookies, max_body=max_body)
    app.state.radar = radar
    app.state.options = options
    app.state.templates = _templates()
    app.state.login_throttle = LoginThrottle()
    app.state.csrf_secret = csrf_secret(radar.store)
    radar.sync_index()
    app.add_middleware(AuthMiddleware)
    app.add_middleware(SecurityHeaders, secure=options.secure_cookies)
    app.add_middleware(BodyLimit, limit=options.max_body)  # added last: runs first, before auth and parsing
    app.mount("/static", StaticFiles(directory=str(resources.files("paperradar.web") / "static")), name="static")
    app.include_router(pages_router)
    app.include_router(api_router)
    app.include_router(teach_router)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        msg = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return _error(request, 400, f"bad parameter: {msg}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(request, 503, str(exc))  # e.g. a damaged database: the message says how to restore

    return app


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith(("/api", "/feeds")) or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)
