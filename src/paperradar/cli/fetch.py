"""`paperradar fetch oai|api|rss|hf`: bring new papers from arXiv or Hugging Face into the database."""

from __future__ import annotations

from typing import Annotated

import typer

from paperradar import config
from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, app, console, err, fail, open_store
from paperradar.fetch import FetchReport, fetch_api, fetch_hf_daily, fetch_rss, harvest_oai, make_client
from paperradar.sources import SourceError
from paperradar.sources.http import FetchError

SOURCES = ("oai", "api", "rss", "hf")


def _categories(given: list[str] | None) -> list[str]:
    return given or [c.strip() for c in str(config.get("fetch.categories")).split(",") if c.strip()]


def print_report(report: FetchReport) -> None:
    """One summary line (and notes) for a fetch."""
    r = report.ingest
    for note in report.notes:
        console.print(note, style="dim", highlight=False)
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
    source: Annotated[str, typer.Argument(help="oai (OAI-PMH harvest), api (arXiv API search), rss, or hf.")],
    category: Annotated[list[str] | None, typer.Option("--category", "-c", help="arXiv category (repeatable).")] = None,
    set_spec: Annotated[
        str | None, typer.Option("--set", help="OAI-PMH set, e.g. cs (default: fetch.oai_set).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="OAI: harvest from this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="OAI: harvest until this date.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="API: search query (arXiv syntax).")] = None,
    max_results: Annotated[int, typer.Option("--max", help="API: at most this many papers.")] = 500,
    day: Annotated[str | None, typer.Option("--date", help="HF: the day of the daily papers (YYYY-MM-DD).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Override the endpoint (mirrors, tests).")] = None,
) -> None:
    """Fetch new papers: an incremental, resumable OAI-PMH harvest; an arXiv API search; the day's RSS
    announcements; or Hugging Face daily papers. arXiv is asked at most once every 3 seconds, with retries."""
    if source not in SOURCES:
        fail(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}", EXIT_BAD_INPUT)
    settings = config.load()
    client = make_client(float(settings["fetch.arxiv_interval"]), settings["fetch.contact"])
    urls = {"base_url": base_url} if base_url else {}
    with open_store(ctx) as store, client:

        def progress(msg: str) -> None:
            err.print(msg, style="dim", highlight=False)

        try:
            if source == "oai":
                report = harvest_oai(
                    store,
                    client,
                    set_spec=set_spec or settings["fetch.oai_set"],
                    from_date=date_from,
                    until=until,
                    progress=progress,
                    **urls,
                )
            elif source == "api":
                report = fetch_api(
                    store,
                    client,
                    query=query,
                    categories=category or [],
                    max_results=max_results,
                    progress=progress,
                    **urls,
                )
            elif source == "rss":
                report = fetch_rss(store, client, categories=_categories(category), progress=progress, **urls)
            else:
                report = fetch_hf_daily(store, client, day=day, progress=progress, **urls)
        except FetchError as e:
            fail(str(e), EXIT_FAILURE)
        except (SourceError, ValueError) as e:
            fail(str(e), EXIT_FAILURE if isinstance(e, SourceError) else EXIT_BAD_INPUT)
    print_report(report)
