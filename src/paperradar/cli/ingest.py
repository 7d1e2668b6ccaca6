"""`paperradar ingest`: store papers from files of any supported format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, open_radar, progress


@app.command()
def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to ingest (format detected from content; .gz ok).")],
    fmt: Annotated[str | None, typer.Option("--format", help="Force a format instead of detecting it.")] = None,
    index: Annotated[
        bool, typer.Option("--index/--no-index", help="Update the keyword index now (else on the first search).")
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
        console.print(
            f"{report.files} file(s): [green]{report.new} new[/green], "
            f"[yellow]{report.updated} updated[/yellow], {report.unchanged} unchanged, "
            f"[red]{report.quarantined} quarantined[/red]",
            highlight=False,
            markup=True,  # (only numbers are interpolated)
        )
        if report.quarantined:
            console.print("see the quarantine with `paperradar stats --quarantine`", style="dim")
