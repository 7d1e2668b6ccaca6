"""The arXiv API's Atom feed (export.arxiv.org/api/query), and recordings of it wrapped in JSON."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson
from lxml import etree

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text
from paperradar.sources.xml import parse_xml, sniff_root, text, to_string

NS = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
# The 2016-era API used the A9 OpenSearch namespace without the trailing path component.
_OPENSEARCH = ("http://a9.com/-/spec/opensearch/1.1/", "http://a9.com/-/spec/opensearchrss/1.0/")


class ArxivApiError(SourceError):
    """The API answered with its error feed (e.g. a malformed id or query)."""


@dataclass
class AtomPage:
    """One page of API results with the OpenSearch counters used for pagination."""

    items: list[Item] = field(default_factory=list)
    total: int | None = None
    start: int | None = None
    per_page: int | None = None


def _int(root: etree._Element, name: str) -> int | None:
    for ns in _OPENSEARCH:
        el = root.find(f"{{{ns}}}{name}")
        if el is not None and (el.text or "").strip().isdigit():
            return int(el.text.strip())  # type: ignore[union-attr]
    return None


def _entry(entry: etree._Element, origin: str) -> Item:
    raw_id = text(entry.find("a:id", NS))
    parts = split_arxiv_id(raw_id)
    title = text(entry.find("a:title", NS))
    if not parts:
        return Rejected(f"entry {raw_id or '?'}", "entry has no arXiv id", to_string(entry))
    if not title:
        return Rejected(f"entry {raw_id}", "entry has no title", to_string(entry))
    arxiv_id, version = parts
    abstract = text(entry.find("a:summary", NS))
    comment = text(entry.find("arxiv:comment", NS)) or None
    published = iso_date(text(entry.find("a:published", NS)))
    updated = iso_date(text(entry.find("a:updated", NS)))
    links: dict[str, str] = {}
    for link in entry.findall("a:link", NS):
        href = link.get("href", "")
        if link.get("title") == "pdf":
            links["pdf"] = href
        elif link.get("title") == "doi":
            links["doi"] = href
        elif link.get("rel") == "alternate":
            links["abs"] = href
    versions = []
    if version == 1 and published:
        versions.append(Version(1, published))
    elif version and updated:
        versions.append(Version(version, updated))
    if version and version > 1 and published:
        versions.append(Version(1, published))
    primary = entry.find("arxiv:primary_category", NS)
    return Paper(
        id=arxiv_id,
        version=version,
        versions=sorted(versions, key=lambda v: v.version),
        title=latex_to_text(title),
        abstract=abstract,
        authors=[latex_to_text(text(a.find("a:name", NS))) for a in entry.findall("a:author", NS)],
        categories=[c.get("term", "") for c in entry.findall("a:category", NS) if c.get("term")],
        primary_category=primary.get("term") if primary is not None else None,
        published=published,
        updated=updated,
        comment=comment,
        doi=text(entry.find("arxiv:doi", NS)) or None,
        journal_ref=text(entry.find("arxiv:journal_ref", NS)) or None,
        links=links,
        source=f"arxiv-api:{origin}",
        withdrawn=is_withdrawn(comment),
        raw=to_string(entry),
    )


def parse_feed(data: bytes, origin: str) -> AtomPage:
    """Parse one API response; raise ArxivApiError for the error feed, SourceError for anything not Atom."""
    root = parse_xml(data, origin)
    if root.tag != f"{{{NS['a']}}}feed":
        raise SourceError(f"{origin}: not an Atom feed (root element {root.tag})")
    entries = root.findall("a:entry", NS)
    for entry in entries:
        if "api/errors" in text(entry.find("a:id", NS)) or text(entry.find("a:title", NS)) == "Error":
            raise ArxivApiError(f"{origin}: arXiv API error: {text(entry.find('a:summary', NS)) or 'unknown'}")
    return AtomPage(
        items=[_entry(e, origin) for e in entries],
        total=_int(root, "totalResults"),
        start=_int(root, "startIndex"),
        per_page=_int(root, "itemsPerPage"),
    )


@register
class ArxivAtom(Source):
    """An arXiv API Atom response saved to a file."""

    name = "arxiv-api"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        root = head.split(b"<feed", 1)
        return (
            len(root) == 2
            and b"<rss" not in root[0]
            and sniff_root(head, b"http://www.w3.org/2005/Atom")
            and b"arxiv" in head.lower()
        )

    def records(self) -> Iterator[Item]:
        yield from parse_feed(self.data, self.origin).items


@register
class ArxivApiRecording(Source):
    """A recorded API response as JSON ``{url, status_code, body}``; the body is the Atom text decoded as
    latin-1 by the recorder, so it is re-encoded as latin-1 to get the original UTF-8 bytes back."""

    name = "arxiv-api-recording"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"{") and b'"status_code"' in head and b'"body"' in head and b"<feed" in head

    def records(self) -> Iterator[Item]:
        try:
            wrapper = orjson.loads(self.data)
            body = wrapper["body"].encode("latin-1")
        except (orjson.JSONDecodeError, KeyError, TypeError, UnicodeEncodeError) as e:
            raise SourceError(f"{self.origin}: not a recorded arXiv API response ({e})") from e
        yield from parse_feed(body, self.origin).items
