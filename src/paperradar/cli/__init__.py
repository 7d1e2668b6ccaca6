"""The `paperradar` command: thin Typer commands over the library (one module per command group).

Command modules import only typer and the Radar at start-up; each command imports the stages it uses when it
runs, so `paperradar search` does not pay for the parsers, templates or models of the others."""
# ruff: noqa: I001  (one import per command module keeps concurrent additions conflict-free)

from __future__ import annotations

# Each command module registers its commands on import; one line per module.
from paperradar.cli import config  # noqa: F401
from paperradar.cli import pipeline  # noqa: F401
from paperradar.cli import digest  # noqa: F401
from paperradar.cli import embed  # noqa: F401
from paperradar.cli import export  # noqa: F401
from paperradar.cli import feedback  # noqa: F401
from paperradar.cli import fetch  # noqa: F401
from paperradar.cli import ingest  # noqa: F401
from paperradar.cli import library  # noqa: F401
from paperradar.cli import score  # noqa: F401
from paperradar.cli import search  # noqa: F401
from paperradar.cli import send  # noqa: F401
from paperradar.cli import serve  # noqa: F401
from paperradar.cli import stats  # noqa: F401
from paperradar.cli import subscribe  # noqa: F401
from paperradar.cli import topics  # noqa: F401
from paperradar.cli.app import app


def main() -> None:
    """Entry point of the `paperradar` console script."""
    app()


__all__ = ["app", "main"]
