"""The Zotero web API (api.zotero.org, version 3) as a live source of the reader's library.

Items are read page by page (``start``/``limit``, following the ``Link: rel="next"`` header) and incrementally:
the library version of the last sync (``Last-Modified-Version``) is kept, the next sync asks only for items changed
``since`` it, and an unchanged library answers 304. An edited item comes back with a higher item ``version``; the
store lets it replace the fields that item stored (not arXiv's own metadata; see store/papers.py), and its item
key keeps it one record when its title changes. The API key travels in the ``Zotero-API-Key`` header only, so it
never appears in a URL, an error message or a log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import orjson

from paperradar.ingest import ingest_items
from paperradar.models import IngestReport, Paper, Rejected
from paperradar.sources.http import FetchError, PoliteClient
from paperradar.sources.objects import paper_from_object
from paperradar.store import Store, now_iso

ZOTERO_URL = "https://api.zotero.org"
PAGE = 100  # the API's maximum page size
_SKIP_TYPES = {"attachment", "note", "annotation"}
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class ZoteroError(Exception):
    """The Zotero API refused the request (bad key, unknown user or collection); the key is never named."""


@dataclass
class ZoteroReport:
    """What a Zotero sync did: items read, the library version reached, ingest counts."""

    ingest: IngestReport = field(default_factory=IngestReport)
    items: int = 0
    requests: int = 0
    version: int | None = None
    since: int | None = None
    notes: list[str] = field(default_factory=list)


def _headers(key: str | None, since: str | None = None) -> dict[str, str]:
    h = {"Zotero-API-Version": "3"}
    if key:
        h["Zotero-API-Key"] = key
    if since:
        h["If-Modified-Since-Version"] = since
    return h


def _get(
    client: PoliteClient, url: str, params: dict[str, str | int], key: str | None, since: str | None = None
) -> httpx.Response:
    try:
        return client.get(url, params, headers=_headers(key, since), ok_status=frozenset({304, 403, 404}))
    except FetchError as e:
        raise FetchError(str(e).replace(key, "***") if key else str(e)) from None


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code == 403:
        raise ZoteroError(f"Zotero refused {what}: check the user id and that the key may read this library")
    if response.status_code == 404:
        raise ZoteroError(f"Zotero has no {what}")


def collection_key(client: PoliteClient, base: str, name: str, key: str | None) -> str:
    """The key of the collection named ``name`` (or given by its 8-character key)."""
    start = 0
    while True:
        response = _get(client, f"{base}/collections", {"limit": PAGE, "start": start, "format": "json"}, key)
        _check(response, "collections for this library")
        page = orjson.loads(response.content)
        for c in page:
            data = c.get("data", c)
            if data.get("name") == name or c.get("key") == name:
                return str(c["key"])
        if len(page) < PAGE:
            raise ZoteroError(f"no Zotero collection named {name!r}")
        start += PAGE


def fetch_zotero(
    store: Store,
    client: PoliteClient,
    *,
    user: str,
    key: str | None,
    collection: str | None = None,
    group: bool = False,
    base_url: str = ZOTERO_URL,
    progress: Callable[[str], None] | None = None,
) -> ZoteroReport:
    """Store the library's (or one collection's) items changed since the last sync; return the counts.

    Raises :class:`ZoteroError` when the API refuses and FetchError when it keeps failing; the stored version
    moves only after every page was stored, so an interrupted sync repeats, never skips.
    """
    if not re.fullmatch(r"\d+", user):
        raise ValueError(f"--user must be the numeric Zotero user (or group) id, not {user!r}")
    base = f"{base_url.rstrip('/')}/{'groups' if group else 'users'}/{user}"
    path = "/items/top"
    if collection:
        path = f"/collections/{quote(collection_key(client, base, collection, key))}/items/top"
    state = f"zotero:{'g' if group else 'u'}{user}:{collection or ''}:version"
    since = store.state.get(state)
    report = ZoteroReport(since=int(since) if since else None)
    params: dict[str, str | int] = {"format": "json", "limit": PAGE, "start": 0, "itemType": "-attachment"}
    if since:
        params["since"] = since
    url = base + path
    while True:
        response = _get(client, url, params, key, since if params["start"] == 0 else None)
        report.requests += 1
        _check(response, f"items at {path}")
        if response.status_code == 304:
            report.notes.append("nothing new in the Zotero library")
            break
        version = response.headers.get("Last-Modified-Version")
        if version and version.isdigit():
            report.version = int(version)
        items: list[Paper | Rejected] = []
        for n, obj in enumerate(orjson.loads(response.content), int(params["start"]) + 1):
            data = obj.get("data", {}) if isinstance(obj, dict) else {}
            if data.get("itemType") in _SKIP_TYPES or data.get("deleted"):
                continue
            try:
                paper = paper_from_object(obj, f"zotero:{user}")
            except (ValueError, TypeError) as e:
                items.append(Rejected(f"item {obj.get('key', n)}", str(e), orjson.dumps(obj).decode()[:10000]))
                continue
            # the item's identity and edit count: a later sync's edit replaces what this item stored
            paper.extra["item_key"] = f"zotero:{'g' if group else 'u'}{user}:{obj.get('key')}"
            if isinstance(obj.get("version"), int):
                paper.extra["item_version"] = obj["version"]
            items.append(paper)
        report.items += len(items)
        report.ingest.add(ingest_items(store, items, source=f"zotero:{user}"))
        if progress:
            progress(f"{report.items} items (of {response.headers.get('Total-Results', '?')})")
        nxt = _NEXT.search(response.headers.get("Link", ""))
        if not nxt:
            break
        # the next page is where the server says (it may page by fewer than asked)
        start = re.search(r"[?&]start=(\d+)", nxt.group(1))
        params["start"] = int(start.group(1)) if start else int(params["start"]) + PAGE
    if report.version is not None:
        store.state.set(state, str(report.version), now_iso())
    return report
