"""The `paperradar` command: thin Typer commands over the library (one module per command group)."""

from __future__ import annotations

from paperradar.cli import config, ingest, stats  # noqa: F401  (registers the commands)
from paperradar.cli.app import app


def main() -> None:
    """Entry point of the `paperradar` console script."""
    app()


__all__ = ["app", "main"]
