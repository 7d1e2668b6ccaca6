"""`paperradar fetch oai|api|rss|hf`: bring new papers from arXiv or Hugging Face into the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, err, fail, open_radar

if TYPE_CHECKING:
    from paperradar.fetch import FetchReport


def print_report(report: FetchReport) -> None:
    """One summary line (and notes) for a fetch."""
    r = report.ingest
    for note in report.notes:
        console.print(note, style="dim", highlight=False, markup=False)
    if r.changed == 0 and not r.quarantined:
        console.print(f"nothing new ({report.requests} request(s), {r.unchanged} already known)", highlight=False)
        return
    console.print(
        f"{report.pages} page(s), {report.requests} request(s): [green]{r.new} new[/green], "
        f"[yellow]{r.updated} updated[/yellow], {r.unchanged} unchanged, [red]{r.quarantined} "
        f"quarantined[/red]",
        highlight=False,
        markup=True,  # (only numbers are interpolated)
    )


@app.command()
def fetch(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="oai (OAI-PMH harvest), api (arXiv API search), rss, hf, or zotero.")],
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help="arXiv category (repeatable; default: fetch.categories)."),
    ] = None,
    set_spec: Annotated[
        str | None, typer.Option("--set", help="OAI-PMH set, e.g. cs (default: fetch.oai_set).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="OAI: harvest from this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="OAI: harvest until this date.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="API: search query (arXiv syntax).")] = None,
    max_results: Annotated[int, typer.Option("--max", help="API: at most this many papers.")] = 500,
    day: Annotated[str | None, typer.Option("--date", help="HF: the day of the daily papers (YYYY-MM-DD).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Override the endpoint (mirrors, tests).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Zotero: your numeric user id.")] = None,
    key: Annotated[
        str | None, typer.Option("--key", envvar="PAPERRADAR_ZOTERO_KEY", help="Zotero: API key (never printed).")
    ] = None,
    collection: Annotated[str | None, typer.Option("--collection", help="Zotero: only this collection.")] = None,
) -> None:
    """Fetch new papers: an incremental, resumable OAI-PMH harvest; an arXiv API search; the day's RSS
    announcements; Hugging Face daily papers; or your Zotero library (incremental). arXiv is asked at most once
    every 3 seconds, with retries."""
    from paperradar.sources import SourceError
    from paperradar.sources.http import FetchError

    if source == "zotero":
        from paperradar.cli.library import fetch_zotero_command

        fetch_zotero_command(ctx, user, key, collection, base_url)
        return

    with open_radar(ctx) as radar:
        try:
            report = radar.fetch(
                source,
                categories=category,
                base_url=base_url,
                progress=lambda msg: err.print(msg, style="dim", highlight=False, markup=False),
                set_spec=set_spec,
                from_date=date_from,
                until=until,
                query=query,
                max_results=max_results,
                day=day,
            )
        except FetchError as e:
            fail(str(e), EXIT_FAILURE)
        except (SourceError, ValueError) as e:
            fail(str(e), EXIT_FAILURE if isinstance(e, SourceError) else EXIT_BAD_INPUT)
    print_report(report)
