"""Stages composed for `paperradar run` (the daily cron job) and `paperradar demo` (the bundled sample)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from paperradar.embed import ensure_embeddings
from paperradar.fetch import FetchReport, fetch_api, fetch_hf_daily, fetch_rss, harvest_oai, make_client
from paperradar.index import sync_keyword_index
from paperradar.ingest import ingest_files
from paperradar.models import IngestReport
from paperradar.render import render
from paperradar.reports import build_digest, build_report, verify, week_of, week_range
from paperradar.store import Store

Say = Callable[[str], None]
DEMO_FILES = ("daily_digest_example_raw.md", "hf_papers_search_page_raw.txt")


@dataclass
class RunResult:
    """What a pipeline run produced: ingest counts and the files it wrote."""

    ingest: IngestReport = field(default_factory=IngestReport)
    outputs: list[Path] = field(default_factory=list)
    digest_papers: int = 0
    nothing_new: bool = False


def _write(path: Path, text: str, result: RunResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.outputs.append(path)


def write_digest(
    store: Store, day: str, interest: str, out: Path, result: RunResult, *, reader: str = "default", mark: bool = True
) -> None:
    """The day's digest as Markdown, HTML and Atom under ``out``."""
    d = build_digest(store, day, interest, reader=reader, mark=mark)
    result.digest_papers = len(d.items)
    for fmt, ext in (("markdown", "md"), ("html", "html"), ("atom", "atom")):
        _write(out / f"digest-{interest}-{day}.{ext}", render(d, fmt), result)


def write_report(
    store: Store, date_from: str, date_to: str, interest: str, out: Path, result: RunResult, *, period: str = ""
) -> None:
    """The period's report as Markdown and HTML (checked for grounding first)."""
    r = build_report(store, date_from, date_to, interest, period=period)
    md = render(r, "markdown")
    problems = verify(r, md)
    if problems:
        raise RuntimeError("report failed its grounding check: " + "; ".join(problems[:3]))
    name = period or f"{date_from}_{date_to}"
    _write(out / f"report-{interest}-{name}.md", md, result)
    _write(out / f"report-{interest}-{name}.html", render(r, "html"), result)


def run(
    store: Store,
    *,
    sources: list[str],
    categories: list[str],
    interest: str,
    out: Path,
    day: str | None = None,
    say: Say = print,
    base_url: str | None = None,
    interval: float = 3.0,
    reader: str = "default",
) -> RunResult:
    """fetch -> ingest -> embed -> score -> summarize -> digest. ``nothing_new`` when no paper changed.

    ``base_url`` overrides the endpoint of the source (a mirror, or a test server).
    """
    result = RunResult()
    urls = {"base_url": base_url} if base_url else {}
    with make_client(interval) as client:
        for src in sources:
            rep: FetchReport
            if src == "oai":
                rep = harvest_oai(store, client, **urls)  # type: ignore[arg-type]
            elif src == "api":
                rep = fetch_api(store, client, categories=categories, **urls)  # type: ignore[arg-type]
            elif src == "rss":
                rep = fetch_rss(store, client, categories=categories, **urls)  # type: ignore[arg-type]
            elif src == "hf":
                rep = fetch_hf_daily(store, client, **urls)  # type: ignore[arg-type]
            else:
                raise ValueError(f"unknown source {src!r}; choose oai, api, rss or hf")
            say(f"{src}: {rep.ingest.new} new, {rep.ingest.updated} updated")
            result.ingest.add(rep.ingest)
    if result.ingest.changed == 0:
        result.nothing_new = True
        return result
    sync_keyword_index(store)
    ensure_embeddings(store)
    digest_day = day or store.papers.latest_day() or date.today().isoformat()
    write_digest(store, digest_day, interest, out, result, reader=reader)
    return result


def demo(store: Store, out: Path, *, interest: str = "efficiency", say: Say = print) -> RunResult:
    """Ingest the bundled sample, then write a digest of its busiest day and a report of that day's week (the
    sample's own dates, not today's)."""
    result = RunResult()
    folder = resources.files("paperradar.demo_data")
    with resources.as_file(folder) as real:
        result.ingest = ingest_files(store, [Path(real) / f for f in DEMO_FILES])
    say(f"ingested the sample: {result.ingest.new} new, {result.ingest.unchanged} already known")
    sync_keyword_index(store)
    busiest = store.papers.busiest_day() or date.today().isoformat()
    say("embedding and scoring the sample (about a minute on two cores)")
    ensure_embeddings(store)
    write_digest(store, busiest, interest, out, result, mark=False)
    sample_week = week_of(busiest)
    write_report(store, *week_range(sample_week), interest, out, result, period=sample_week)
    return result
