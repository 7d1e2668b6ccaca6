"""Live fetching: what to ask arXiv and Hugging Face for, and remembering where a harvest stopped.

Every page is written to the store in its own transaction as soon as it arrives, and an OAI-PMH harvest stores
its resumption token after each page, so an interrupted harvest resumes where it stopped instead of starting over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from paperradar.ingest import ingest_items
from paperradar.models import IngestReport
from paperradar.sources import arxiv_api, hf_daily, oaipmh, rss
from paperradar.sources.http import FetchError, PoliteClient
from paperradar.store import Store, now_iso

OAI_URL = "https://export.arxiv.org/oai2"
API_URL = "https://export.arxiv.org/api/query"
RSS_URL = "https://rss.arxiv.org/rss/{categories}"
HF_URL = "https://huggingface.co/api/daily_papers"
ARXIV_HOSTS = ("export.arxiv.org", "rss.arxiv.org", "arxiv.org")

Progress = Callable[[str], None]


@dataclass
class FetchReport:
    """What a fetch did: the ingest counts, pages and requests made, and notes for the user."""

    ingest: IngestReport = field(default_factory=IngestReport)
    pages: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def make_client(interval: float = 3.0, contact: str = "", **kw: object) -> PoliteClient:
    """A client spacing requests to arXiv hosts by ``interval`` seconds (arXiv's rule: one every 3 s)."""
    from paperradar import __version__

    agent = f"paperradar/{__version__}" + (f" (mailto:{contact})" if contact else "")
    return PoliteClient(intervals=dict.fromkeys(ARXIV_HOSTS, interval), user_agent=agent, **kw)  # type: ignore[arg-type]


def _state_key(kind: str, *parts: str) -> str:
    return ":".join((kind, *parts))


def harvest_oai(
    store: Store,
    client: PoliteClient,
    *,
    set_spec: str = "cs",
    from_date: str | None = None,
    until: str | None = None,
    metadata_prefix: str = "arXivRaw",
    base_url: str = OAI_URL,
    first_days: int = 3,
    progress: Progress | None = None,
) -> FetchReport:
    """Incremental OAI-PMH harvest of ``set_spec``.

    Starts from ``from_date``, else the day after the last completed harvest, else ``first_days`` ago; resumes from
    a stored resumption token when a previous harvest of the same set was interrupted.
    """
    report = FetchReport()
    key_from, key_token = _state_key("oai", set_spec, "from"), _state_key("oai", set_spec, "token")
    start = from_date or store.state.get(key_from) or (date.today() - timedelta(days=first_days)).isoformat()
    token = None if from_date else store.state.get(key_token)
    started = datetime.now(UTC).date().isoformat()
    while True:
        if token:
            params: dict[str, str | int] = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix, "set": set_spec, "from": start}
            if until:
                params["until"] = until
        response = client.get(base_url, params)
        report.requests += 1
        try:
            page = oaipmh.parse_response(response.content, f"{base_url} page {report.pages + 1}")
        except oaipmh.OaiError as e:
            if e.code == "noRecordsMatch":
                report.notes.append("nothing new")
                break
            if e.code == "badResumptionToken" and token:
                report.notes.append("the stored resumption token expired; restarting from " + start)
                store.state.set(key_token, None, now_iso())
                token = None
                continue
            raise
        report.pages += 1
        report.ingest.add(ingest_items(store, page.items, source=f"oai-pmh:{set_spec}"))
        token = page.resumption_token
        store.state.set(key_token, token, now_iso())
        if progress:
            size = f" of {page.complete_list_size}" if page.complete_list_size else ""
            progress(f"page {report.pages}: {len(page.items)} records{size}")
        if not token:
            break
    store.state.set(key_from, until or started, now_iso())
    report.ingest.files = report.pages
    return report


def fetch_api(
    store: Store,
    client: PoliteClient,
    *,
    query: str | None = None,
    categories: Sequence[str] = (),
    max_results: int = 500,
    page_size: int = 100,
    base_url: str = API_URL,
    progress: Progress | None = None,
) -> FetchReport:
    """Search the arXiv API (newest submissions first) and store up to ``max_results`` papers."""
    parts = [f"({query})"] if query else []
    if categories:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in categories) + ")")
    if not parts:
        raise ValueError("give a query or at least one category")
    search = " AND ".join(parts)
    report = FetchReport()
    start = 0
    while start < max_results:
        params: dict[str, str | int] = {
            "search_query": search,
            "start": start,
            "max_results": min(page_size, max_results - start),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        response = client.get(base_url, params, ok_status=frozenset({400}))
        report.requests += 1
        page = arxiv_api.parse_feed(response.content, f"{base_url} start={start}")
        report.pages += 1
        report.ingest.add(ingest_items(store, page.items, source="arxiv-api"))
        if progress:
            progress(f"page {report.pages}: {len(page.items)} entries of {page.total}")
        if not page.items:
            break
        start += len(page.items)
        if page.total is not None and start >= page.total:
            break
    report.ingest.files = report.pages
    return report


def fetch_rss(
    store: Store,
    client: PoliteClient,
    *,
    categories: Sequence[str],
    base_url: str = RSS_URL,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch the day's announcements for ``categories`` (one combined feed, as rss.arxiv.org allows)."""
    if not categories:
        raise ValueError("give at least one category")
    url = base_url.format(categories="+".join(categories))
    report = FetchReport()
    response = client.get(url)
    report.requests = report.pages = 1
    items = rss.parse_feed(response.content, url)
    if not items:
        report.notes.append("the feed is empty (arXiv announces nothing on weekends and holidays)")
    report.ingest.add(ingest_items(store, items, source="rss"))
    if progress:
        progress(f"{len(items)} items")
    return report


def fetch_hf_daily(
    store: Store,
    client: PoliteClient,
    *,
    day: str | None = None,
    base_url: str = HF_URL,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch Hugging Face's daily papers (of ``day``, YYYY-MM-DD, or the latest)."""
    report = FetchReport()
    response = client.get(base_url, {"date": day} if day else None)
    report.requests = report.pages = 1
    items = hf_daily.parse(response.content, f"{urlsplit(base_url).netloc} {day or 'latest'}")
    report.ingest.add(ingest_items(store, items, source="hf-daily"))
    if progress:
        progress(f"{len(items)} papers")
    return report


@dataclass
class FetchOptions:
    """What a live source is asked for: categories (api, rss), OAI set, an endpoint override (a mirror or a test
    server), a progress callback, and source-specific options (``from_date``/``until`` for oai, ``query`` and
    ``max_results`` for api, ``day`` for hf)."""

    categories: list[str] = field(default_factory=list)
    set_spec: str = "cs"
    base_url: str | None = None
    progress: Progress | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Fetcher = Callable[[Store, PoliteClient, FetchOptions], FetchReport]


def _oai(store: Store, client: PoliteClient, o: FetchOptions) -> FetchReport:
    return harvest_oai(
        store,
        client,
        set_spec=o.extra.get("set_spec") or o.set_spec,
        from_date=o.extra.get("from_date"),
        until=o.extra.get("until"),
        progress=o.progress,
        base_url=o.base_url or OAI_URL,
    )


def _api(store: Store, client: PoliteClient, o: FetchOptions) -> FetchReport:
    return fetch_api(
        store,
        client,
        query=o.extra.get("query"),
        categories=o.categories,
        max_results=int(o.extra.get("max_results") or 500),
        progress=o.progress,
        base_url=o.base_url or API_URL,
    )


def _rss(store: Store, client: PoliteClient, o: FetchOptions) -> FetchReport:
    return fetch_rss(store, client, categories=o.categories, progress=o.progress, base_url=o.base_url or RSS_URL)


def _hf(store: Store, client: PoliteClient, o: FetchOptions) -> FetchReport:
    return fetch_hf_daily(store, client, day=o.extra.get("day"), progress=o.progress, base_url=o.base_url or HF_URL)


# The live sources by name: the one list `paperradar fetch`, `paperradar run` and Radar.fetch choose from.
SOURCES: dict[str, Fetcher] = {"oai": _oai, "api": _api, "rss": _rss, "hf": _hf}

__all__ = [
    "SOURCES",
    "FetchError",
    "FetchOptions",
    "FetchReport",
    "Fetcher",
    "fetch_api",
    "fetch_hf_daily",
    "fetch_rss",
    "harvest_oai",
    "make_client",
]
