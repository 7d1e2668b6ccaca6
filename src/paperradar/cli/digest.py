"""`paperradar digest` and `paperradar report`: the daily digest and the weekly trend report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, InterestOpt, app, console, err, fail, open_radar
from paperradar.radar import ReportError

DIGEST_FORMATS = "markdown, html, json or atom"


def _write(text: str, output: Path | None) -> None:
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


@app.command()
def digest(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option("--date", help="The day (YYYY-MM-DD; default today, else the latest day with papers)."),
    ] = None,
    interest: InterestOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"{DIGEST_FORMATS}.")] = "markdown",
    reader: Annotated[str, typer.Option("--reader", help="Whose seen-set to use and update.")] = "default",
    no_mark: Annotated[bool, typer.Option("--no-mark", help="Preview: do not record the papers as shown.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """The day's relevant papers, best first, grouped by topic, each with a three-bullet summary.

    Papers already shown to this reader are left out (a newer version is shown again, marked updated)."""
    from paperradar.relevance import ProfileError
    from paperradar.render import FORMATS, render

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}", EXIT_BAD_INPUT)
    chosen = day is not None
    day = day or date.today().isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        fail(f"--date must be YYYY-MM-DD, not {day!r}", EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        latest = (radar.store.papers.latest_day() or "")[:10]
        if not chosen and len(latest) == 10 and latest < day:
            # nothing announced today yet (a weekend, or arXiv's evening announcement still to come)
            err.print(
                f"no papers stored for {day}; this is the digest of {latest}, the latest day with papers",
                style="dim",
                highlight=False,
            )
            day = latest
        try:
            d = radar.digest(day, interest, reader=reader, mark=not no_mark)
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
    _write(render(d, fmt), output)


@app.command()
def report(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2025-W20.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Start date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="End date (YYYY-MM-DD).")] = None,
    interest: InterestOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown, html or json.")] = "markdown",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """The weekly trend report: topics with counts and papers, noteworthy papers, rising and falling topics.

    Every number and cited paper is checked against the sources before it is printed."""
    from paperradar.relevance import ProfileError
    from paperradar.render import render
    from paperradar.reports import week_range

    if fmt not in ("markdown", "html", "json"):
        fail("--format must be markdown, html or json", EXIT_BAD_INPUT)
    try:
        if week:
            date_from, date_to = week_range(week)
        elif not (date_from and date_to):
            fail("give --week 2025-W20, or both --from and --to", EXIT_BAD_INPUT)
        date.fromisoformat(date_from or "")
        date.fromisoformat(date_to or "")
    except ValueError as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_radar(ctx) as radar:
        try:
            r = radar.report(date_from or "", date_to or "", interest, period=week or "")
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
        except ReportError as e:
            fail(str(e), EXIT_FAILURE)
    _write(render(r, fmt), output)
