"""The web app: `paperradar serve` (FastAPI + Jinja2, server-rendered, readable without JavaScript)."""

from paperradar.web.app import Options, create_app

__all__ = ["Options", "create_app"]
