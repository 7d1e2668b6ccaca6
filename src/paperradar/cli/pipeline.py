"""`paperradar run` (the daily job) and `paperradar demo` (the bundled sample, end to end)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paperradar.cli.app import EXIT_BAD_INPUT, EXIT_FAILURE, InterestOpt, app, console, err, fail, open_radar
from paperradar.radar import ReportError
from paperradar.store import data_dir


@app.command()
def run(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="oai, api, rss or hf (repeatable).")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", "-c", help="arXiv categories (default: fetch.categories).")
    ] = None,
    interest: InterestOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where digests go (default: <data dir>/digests).")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Digest day (default: the newest day with papers).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Override the source's endpoint.")] = None,
) -> None:
    """The daily job: fetch, ingest, embed, score, summarize and write the digest. Exit 0 with "nothing new"
    when nothing new arrived; 1 when a source keeps failing."""
    from paperradar.relevance import ProfileError
    from paperradar.sources import SourceError
    from paperradar.sources.http import FetchError

    out = out or data_dir() / "digests"
    with open_radar(ctx) as radar:
        try:
            result = radar.run(
                sources=source or ["rss"],
                categories=category,
                interest=interest,
                out=out,
                day=day,
                base_url=base_url,
                say=lambda m: err.print(m, style="dim", highlight=False, markup=False),
            )
        except (FetchError, SourceError, ReportError) as e:
            fail(str(e), EXIT_FAILURE)
        except (ProfileError, ValueError) as e:
            fail(str(e), EXIT_BAD_INPUT)
    if result.nothing_new:
        console.print("nothing new")
        return
    console.print(
        f"{result.ingest.new} new, {result.ingest.updated} updated; digest lists {result.digest_papers} papers:",
        highlight=False,
    )
    for p in result.outputs:
        console.print(f"  {p}", highlight=False, markup=False)


@app.command()
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Where to write the digest and report.")] = Path("paperradar-demo"),
    interest: InterestOpt = None,
) -> None:
    """Run the whole pipeline on the bundled sample (a curated June-2023 list and a Hugging Face Papers page):
    ingest, embed, score, summarize, then write a daily digest and a weekly report."""
    from paperradar.relevance import ProfileError

    with open_radar(ctx) as radar:
        console.print(f"database: {radar.db_path}", highlight=False, markup=False)
        try:
            result = radar.demo(out, interest=interest, say=lambda m: console.print(m, highlight=False, markup=False))
        except ProfileError as e:
            fail(str(e), EXIT_BAD_INPUT)
        except ReportError as e:
            fail(str(e), EXIT_FAILURE)
    console.print("wrote:")
    for p in result.outputs:
        console.print(f"  {p.resolve()}", highlight=False, markup=False)
