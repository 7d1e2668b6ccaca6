"""`paperradar ingest`: store papers from files of any supported format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, err, fail, open_radar, progress
from paperradar.radar import INGEST_EMBED

if TYPE_CHECKING:
    from rich.progress import Progress

    from paperradar.radar import Radar


@app.command()
def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to ingest (format detected from content; .gz ok).")],
    fmt: Annotated[str | None, typer.Option("--format", help="Force a format instead of detecting it.")] = None,
    index: Annotated[
        bool, typer.Option("--index/--no-index", help="Update the keyword index now (else on the first search).")
    ] = True,
    embed: Annotated[
        bool,
        typer.Option(
            "--embed/--no-embed",
            help=f"Embed the papers for search by meaning now, when at most {INGEST_EMBED:,} lack a vector "
            "(else `paperradar embed` does it, with an ETA).",
        ),
    ] = True,
) -> None:
    """Store papers from files: arXiv API/OAI-PMH/RSS XML, HF JSON, JSONL, Kaggle, CSV, BibTeX, Markdown.

    Prints new / updated / unchanged / quarantined counts. A file that cannot be parsed at all stops the
    command with exit code 2 before anything is written.
    """
    from paperradar.sources import SourceError, registered

    if fmt and fmt not in {c.name for c in registered()}:
        fail(f"unknown format {fmt!r}; choose one of: {', '.join(c.name for c in registered())}", EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        with progress() as bar:
            task = bar.add_task("ingesting", total=None)
            try:
                report = radar.ingest(files, fmt, progress=lambda n: bar.advance(task, n))
            except SourceError as e:
                fail(str(e), EXIT_BAD_INPUT)
            if index:
                task = bar.add_task("keyword index", total=None)
                radar.sync_index(progress=lambda done, total: bar.update(task, completed=done, total=total))
            note = _embed(radar, bar) if embed else None
        console.print(
            f"{report.files} file(s): [green]{report.new} new[/green], "
            f"[yellow]{report.updated} updated[/yellow], {report.unchanged} unchanged, "
            f"[red]{report.quarantined} quarantined[/red]",
            highlight=False,
            markup=True,  # (only numbers are interpolated)
        )
        if report.quarantined:
            console.print("see the quarantine with `paperradar stats --quarantine`", style="dim")
        if note:
            err.print(note, style="yellow", highlight=False, markup=False)


def _embed(radar: Radar, bar: Progress) -> str | None:
    """Embed the stored papers without a vector when they are few enough (search by meaning covers them from the
    first search on); else, or when the model cannot be loaded, the line that says what to run."""
    from paperradar.embed import EmbedderError

    try:
        backlog = radar.coverage().missing
        if not backlog:
            return None
        if backlog > INGEST_EMBED:
            return radar.coverage().note()
        task = bar.add_task("embedding", total=backlog)
        radar.embed(progress=lambda done, total: bar.update(task, completed=done, total=total))
    except EmbedderError as e:
        return f"papers stored, not embedded: {e}"
    except KeyboardInterrupt:
        cov = radar.coverage()
        err.print(
            f"interrupted: papers stored, {cov.embedded:,} of {cov.total:,} embedded (saved); "
            "run `paperradar embed` to go on",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(EXIT_FAILURE) from None
    return None
