"""`paperradar export`: BibTeX, RIS, CSV or JSON of any selection of stored papers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, app, console, fail, open_radar
from paperradar.radar import RadarError


@app.command()
def export(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(help="Paper ids to export (default: every paper selected).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="bibtex, ris, csv or json.")] = "bibtex",
    date_from: Annotated[str | None, typer.Option("--from", help="Only papers dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only papers dated on/before YYYY-MM-DD.")] = None,
    category: Annotated[list[str] | None, typer.Option("--category", help="Only these categories.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")] = None,
) -> None:
    """Export papers for a reference manager (BibTeX, RIS) or for analysis (CSV, JSON Lines)."""
    with open_radar(ctx) as radar:
        if ids:
            try:
                wanted = [radar.paper_id(i) for i in ids]
            except RadarError as e:
                fail(str(e), EXIT_BAD_INPUT)
            papers = list(radar.store.papers.iter(wanted))
        else:
            papers = list(radar.store.papers.select(date_from=date_from, date_to=date_to, categories=category or []))
        try:
            text = radar.export(fmt, papers)
        except ValueError as e:
            fail(str(e), EXIT_BAD_INPUT)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(papers)} papers to {output}", highlight=False, markup=False)
    else:
        print(text, end="")
