"""The web app: server-rendered pages (readable without JavaScript) and a JSON API over the same library calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from paperradar.index import sync_keyword_index
from paperradar.store import Store
from paperradar.web.auth import Auth, resolve, set_session_cookie


@dataclass
class Settings:
    """How the app runs: which database, single- or multi-user, the default interest, public base URL."""

    db: Path
    multi_user: bool = False
    interest: str = "efficiency"
    base_url: str = "http://127.0.0.1:8000"
    secure_cookies: bool = False


class Stores:
    """One Store (SQLite connection) per worker thread: sqlite3 connections must not be shared across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        with Store(path) as store:  # migrate once, and bring the keyword index up to date, before serving
            sync_keyword_index(store)

    def get(self) -> Store:
        """This thread's store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.path)
        return store


def _templates() -> Jinja2Templates:
    folder = resources.files("paperradar.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    templates.env.autoescape = True  # every title, abstract and author name is escaped, whatever the file name
    return templates


class AuthMiddleware(BaseHTTPMiddleware):
    """Resolves the caller once per request into ``request.state.auth`` and sets a new session cookie if needed."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        app_state = request.app.state
        auth, new_session = resolve(request, app_state.stores.get(), app_state.settings.multi_user)
        request.state.auth = auth
        response = await call_next(request)
        if new_session:
            set_session_cookie(response, new_session[0], app_state.settings.secure_cookies)
        return response


def embed_backlog(path: Path) -> threading.Thread:
    """Embed papers that have no vector yet, in a background thread with its own connection, so search by
    meaning covers them soon without any request waiting for it."""

    def work() -> None:
        from paperradar.embed import ensure_embeddings

        with Store(path) as store:
            ensure_embeddings(store)

    thread = threading.Thread(target=work, name="embed-backlog", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings) -> FastAPI:
    """Build the ASGI app for ``settings`` (``paperradar serve`` runs it with uvicorn)."""
    app = FastAPI(
        title="paperradar",
        version="0.1.0",
        description="A research radar for ML literature: papers, search, digests, reports, feedback.",
    )
    app.state.settings = settings
    app.state.stores = Stores(settings.db)
    app.state.templates = _templates()
    app.add_middleware(AuthMiddleware)
    app.mount("/static", StaticFiles(directory=str(resources.files("paperradar.web") / "static")), name="static")

    from paperradar.web import api, pages, teach

    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(teach.router)

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


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page template with the caller and CSRF token available to it."""
    auth: Auth = request.state.auth
    ctx = {
        "request": request,
        "user": auth.user,
        "csrf": auth.csrf,
        "multi_user": request.app.state.settings.multi_user,
        **context,
    }
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status)


@contextmanager
def store_of(request: Request) -> Iterator[Store]:
    """This request's store."""
    yield request.app.state.stores.get()
