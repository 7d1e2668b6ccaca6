"""The web app: server-rendered pages (readable without JavaScript) and a JSON API over the same library calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from paperradar.radar import Radar
from paperradar.web.api import router as api_router
from paperradar.web.auth import resolve, set_session_cookie
from paperradar.web.pages import router as pages_router
from paperradar.web.teach import router as teach_router
from paperradar.web.views import render


@dataclass
class Options:
    """How the app runs besides the radar's settings: single- or multi-user, cookies marked Secure (behind TLS)."""

    multi_user: bool = False
    secure_cookies: bool = False


def _templates() -> Jinja2Templates:
    folder = resources.files("paperradar.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    templates.env.autoescape = True  # every title, abstract and author name is escaped, whatever the file name
    return templates


class AuthMiddleware(BaseHTTPMiddleware):
    """Resolves the caller once per request into ``request.state.auth`` and sets a new session cookie if needed."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        app_state = request.app.state
        auth, new_session = resolve(request, app_state.radar.store, app_state.options.multi_user)
        request.state.auth = auth
        response = await call_next(request)
        if new_session:
            set_session_cookie(response, new_session[0], app_state.options.secure_cookies)
        return response


def embed_backlog(radar: Radar) -> threading.Thread:
    """Embed papers that have no vector yet, in a background thread (with its own connection), so search by
    meaning covers them soon without any request waiting for it."""

    def work() -> None:
        radar.embed()

    thread = threading.Thread(target=work, name="embed-backlog", daemon=True)
    thread.start()
    return thread


def create_app(radar: Radar, *, multi_user: bool = False, secure_cookies: bool = False) -> FastAPI:
    """Build the ASGI app over ``radar`` (``paperradar serve`` runs it with uvicorn). Every page and API route
    asks the radar; the keyword index is brought up to date before serving."""
    app = FastAPI(
        title="paperradar",
        version="0.1.0",
        description="A research radar for ML literature: papers, search, digests, reports, feedback.",
    )
    app.state.radar = radar
    app.state.options = Options(multi_user=multi_user, secure_cookies=secure_cookies)
    app.state.templates = _templates()
    radar.sync_index()
    app.add_middleware(AuthMiddleware)
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

    return app


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith(("/api", "/feeds")) or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)
