"""Completing papers known only by id (id lists, sparse exports) from the arXiv API.

Ids are asked for in batches (``id_list=a,b,c``), one request every 3 seconds with retries and backoff on
429/5xx (the :class:`~paperradar.sources.http.PoliteClient`). Every batch is stored in its own transaction as soon
as it arrives, so an interrupted run resumes where it stopped: the next run asks only for what is still incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from paperradar.fetch import API_URL
from paperradar.ingest import ingest_items
from paperradar.models import IngestReport, Paper
from paperradar.sources import arxiv_api
from paperradar.sources.http import PoliteClient
from paperradar.store import Store

BATCH = 50  # ids per request: arXiv answers id_list queries of this size quickly


@dataclass
class CompletionReport:
    """What a completion did: papers completed, requests made, and what is still incomplete (and why)."""

    asked: int = 0
    completed: int = 0
    requests: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)
    still_incomplete: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fetch_batch(client: PoliteClient, ids: list[str], base_url: str) -> list[Paper]:
    params: dict[str, str | int] = {"id_list": ",".join(ids), "max_results": len(ids), "start": 0}
    response = client.get(base_url, params, ok_status=frozenset({400}))
    page = arxiv_api.parse_feed(response.content, f"{base_url} id_list={params['id_list']}")
    papers = [p for p in page.items if isinstance(p, Paper)]
    for p in papers:
        p.extra["incomplete"] = []  # replaces the id list's marker when merged with the stored record
    return papers


def complete_metadata(
    store: Store,
    client: PoliteClient,
    *,
    ids: Sequence[str] | None = None,
    batch: int = BATCH,
    base_url: str = API_URL,
    progress: Callable[[str], None] | None = None,
) -> CompletionReport:
    """Fetch title, abstract, authors, categories and dates from arXiv for stored papers missing them (all, or
    those among ``ids``); return counts and the ids arXiv could not complete.

    A batch the API refuses because one id is malformed is retried id by id, so one bad id costs only itself.
    Raises :class:`~paperradar.sources.http.FetchError` when arXiv keeps failing; what was stored stays stored.
    """
    todo = [p.id for p in store.papers.incomplete(ids) if p.id]
    report = CompletionReport(asked=len(todo))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        try:
            papers = _fetch_batch(client, chunk, base_url)
            report.requests += 1
        except arxiv_api.ArxivApiError:
            report.requests += 1
            papers = []
            for one in chunk:
                try:
                    papers += _fetch_batch(client, [one], base_url)
                except arxiv_api.ArxivApiError as e:
                    report.notes.append(f"{one}: {str(e).rpartition('arXiv API error: ')[2]}")
                report.requests += 1
        report.ingest.add(ingest_items(store, papers, source="arxiv-api:complete"))
        if progress:
            progress(f"{min(start + batch, len(todo))} of {len(todo)} ids asked")
    left = {p.id for p in store.papers.incomplete(todo)}
    report.still_incomplete = [i for i in todo if i in left]
    report.completed = len(todo) - len(report.still_incomplete)
    return report
