"""The `paperradar` command: thin Typer commands over the library (one module per command group)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from paperradar.cli.app import app

# Each command module registers its commands on import; one line per module.
COMMAND_MODULES = [
    "config",
    "pipeline",
    "digest",
    "export",
    "feedback",
    "fetch",
    "ingest",
    "score",
    "search",
    "send",
    "serve",
    "stats",
    "subscribe",
    "topics",
]


def _started_for_search(argv: list[str]) -> bool:
    """Was this process started as `paperradar [--db DB] search ...`? That command must answer in well under a
    second, so it loads only its own module (importing every command's library costs ≈ 1 s)."""
    if Path(argv[0]).name not in ("paperradar", "__main__.py") or (
        Path(argv[0]).name == "__main__.py" and Path(argv[0]).parent.name != "paperradar"
    ):
        return False
    args = argv[1:]
    while args and args[0].startswith("-"):
        args = args[2:] if args[0] == "--db" else args[1:]
    return bool(args) and args[0] == "search" and "--help" not in args


for _name in ["search"] if _started_for_search(sys.argv) else COMMAND_MODULES:
    importlib.import_module(f"paperradar.cli.{_name}")


def main() -> None:
    """Entry point of the `paperradar` console script."""
    app()


__all__ = ["app", "main"]
