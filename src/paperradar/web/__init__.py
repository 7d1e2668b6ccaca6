"""The web app: `paperradar serve` (FastAPI + Jinja2, server-rendered, readable without JavaScript)."""

from paperradar.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
