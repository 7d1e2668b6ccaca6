"""The Typer application, its global options and the helpers every command shares."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from paperradar.config import ConfigError, Settings
from paperradar.radar import Radar
from paperradar.store import StoreError
from paperradar.store.db import restore_hint

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

app = typer.Typer(
    name="paperradar",
    help="A research radar for ML literature: fetch, rank, summarize and report new papers, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Markup is off: titles, names, queries and paths are printed as data ("[/INST]" or "TIME[t]" in a title would
# otherwise crash rich or vanish). The few lines that colour our own words pass markup=True or a Text.
console = Console(markup=False)
err = Console(stderr=True, markup=False)

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
InterestOpt = Annotated[
    str | None, typer.Option("--interest", "-i", help="Interest profile (default: the `interest` setting).")
]


class State:
    """Global options, shared with every command through ``ctx.obj``."""

    def __init__(self, db: Path | None) -> None:
        self.db = db


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="PAPERRADAR_DB",
            help="SQLite database file (default: paperradar.db in the data directory, see `paperradar stats`).",
        ),
    ] = None,
) -> None:
    """paperradar: fetch, rank, summarize and report new ML papers."""
    ctx.obj = State(db)


def plain(text: object) -> Text:
    """Data (a title, an id, a path) as rich text that is shown as it is: brackets are never markup."""
    return Text(str(text))


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    """Print a one-line error to stderr and exit with ``code`` (2 bad input, 1 failure)."""
    err.print(Text.assemble(("error:", "red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings() -> Settings:
    """The resolved settings (config file, environment), or a one-line exit 2 when they cannot be read."""
    try:
        return Settings.load()
    except ConfigError as e:
        fail(str(e), EXIT_BAD_INPUT)


@contextmanager
def open_radar(ctx: typer.Context) -> Iterator[Radar]:
    """The application object on the database named by ``--db`` (else the ``db`` setting, else the default);
    store errors become one-line exits."""
    db = ctx.obj.db if ctx.obj else None
    radar = Radar(db, settings())
    try:
        store = radar.store  # open (and migrate) now, so a bad database fails here with its message
    except StoreError as e:
        fail(str(e))
    if store.db.corrupt is not None:  # found damaged on open: say how to restore instead of half-working
        radar.close()
        fail(f"{store.path} is damaged ({store.db.corrupt}); {restore_hint(store.path)}")
    if store.db.corrupt is not None:  # found damaged on open: say how to restore instead of half-working
        store.close()
        fail(f"{store.path} is damaged ({store.db.corrupt}); {restore_hint(store.path)}")
    try:
        yield radar
    except StoreError as e:  # e.g. corruption met mid-command (StoreCorrupt): one line, not a traceback
        fail(str(e))
    finally:
        radar.close()


def new_table(*columns: str, **options: Any) -> Table:
    """A rich table (rich.table loads on first use: `search --jsonl` and the like never pay for it)."""
    from rich.table import Table

    return Table(*columns, **options)


def progress(transient: bool = True) -> Progress:
    """A rich progress bar on stderr (quiet when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not sys.stderr.isatty(),
    )
