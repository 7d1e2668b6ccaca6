"""Stages composed for `paperradar run` (the daily cron job) and `paperradar demo` (the bundled sample), on a
:class:`paperradar.Radar`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from paperradar.models import IngestReport
from paperradar.render import render
from paperradar.reports import week_of, week_range

if TYPE_CHECKING:
    from paperradar.radar import Radar

Say = Callable[[str], None]
DEMO_FILES = ("daily_digest_example_raw.md", "hf_papers_search_page_raw.txt")


@dataclass
class RunResult:
    """What a pipeline run produced: ingest counts and the files it wrote."""

    ingest: IngestReport = field(default_factory=IngestReport)
    outputs: list[Path] = field(default_factory=list)
    digest_papers: int = 0
    nothing_new: bool = False

    def write(self, path: Path, text: str) -> None:
        """Write one output file and remember it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.outputs.append(path)


def write_digest(
    radar: Radar,
    day: str,
    out: Path,
    result: RunResult,
    *,
    interest: str | None = None,
    reader: str = "default",
    mark: bool = True,
) -> None:
    """The day's digest as Markdown, HTML and Atom under ``out``."""
    d = radar.digest(day, interest, reader=reader, mark=mark)
    result.digest_papers = len(d.items)
    for fmt, ext in (("markdown", "md"), ("html", "html"), ("atom", "atom")):
        result.write(out / f"digest-{d.interest}-{day}.{ext}", render(d, fmt))


def write_report(
    radar: Radar,
    date_from: str,
    date_to: str,
    out: Path,
    result: RunResult,
    *,
    interest: str | None = None,
    period: str = "",
) -> None:
    """The period's verified report as Markdown and HTML under ``out`` (ReportError when it fails its check)."""
    r = radar.report(date_from, date_to, interest, period=period)
    name = period or f"{date_from}_{date_to}"
    result.write(out / f"report-{r.interest}-{name}.md", render(r, "markdown"))
    result.write(out / f"report-{r.interest}-{name}.html", render(r, "html"))


def run(
    radar: Radar,
    *,
    out: Path,
    sources: Sequence[str] = ("rss",),
    categories: Sequence[str] | None = None,
    interest: str | None = None,
    day: str | None = None,
    reader: str = "default",
    base_url: str | None = None,
    say: Say = print,
) -> RunResult:
    """fetch → ingest → index → embed → score → summarize → digest; ``nothing_new`` when no paper changed.

    ``categories`` default to the ``fetch.categories`` setting and ``interest`` to the ``interest`` setting;
    ``base_url`` overrides the sources' endpoint (a mirror, or a test server)."""
    from paperradar.fetch import SOURCES

    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source {unknown[0]!r}; choose one of: {', '.join(SOURCES)}")
    radar.profile(interest)  # a missing profile fails before anything is fetched
    result = RunResult()
    for src in sources:
        rep = radar.fetch(src, categories=categories, base_url=base_url)
        say(f"{src}: {rep.ingest.new} new, {rep.ingest.updated} updated")
        result.ingest.add(rep.ingest)
    if result.ingest.changed == 0:
        result.nothing_new = True
        return result
    radar.sync_index()
    radar.embed()
    write_digest(radar, day or radar.latest_day(), out, result, interest=interest, reader=reader)
    return result


def demo(radar: Radar, out: Path, *, interest: str | None = None, say: Say = print) -> RunResult:
    """Ingest the bundled sample, then write a digest of its busiest day and a report of that day's week (the
    sample's own dates, not today's)."""
    result = RunResult()
    with resources.as_file(resources.files("paperradar.demo_data")) as real:
        result.ingest = radar.ingest([Path(real) / f for f in DEMO_FILES])
    say(f"ingested the sample: {result.ingest.new} new, {result.ingest.unchanged} already known")
    radar.sync_index()
    busiest = radar.store.papers.busiest_day() or date.today().isoformat()
    say("embedding and scoring the sample (about a minute on two cores)")
    radar.embed()
    write_digest(radar, busiest, out, result, interest=interest, mark=False)
    week = week_of(busiest)
    write_report(radar, *week_range(week), out, result, interest=interest, period=week)
    return result


__all__ = ["DEMO_FILES", "RunResult", "demo", "run", "write_digest", "write_report"]
