"""The arXiv API's Atom feed (export.arxiv.org/api/query), and recordings of it wrapped in JSON.

Also home of two helpers every arXiv format shares: :func:`arxiv_links` and :func:`split_dois`.
"""

from __future__ import annotations

import re
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
}
# The modern API declares OpenSearch 1.1; some 2016-era responses used the older RSS-flavoured namespace.
_OPENSEARCH = ("http://a9.com/-/spec/opensearch/1.1/", "http://a9.com/-/spec/opensearchrss/1.0/")
# Separators between DOIs; a semicolon only counts before another DOI, as old (SICI) DOIs contain ";2".
_DOI_SPLIT = re.compile(r"[\s,]+|;(?=\s*(?:doi:|https?://(?:dx\.)?doi\.org/)?10\.)", re.I)
_DOI_PREFIX = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", re.I)


def split_dois(raw: str | None) -> list[str]:
    """The DOIs in an arXiv DOI field, which may hold several (separated by spaces, commas or semicolons) and
    may spell them ``doi:10...`` or as resolver URLs; returns bare ``10.`` DOIs in order."""
    if not raw:
        return []
    dois = (_DOI_PREFIX.sub("", d) for d in _DOI_SPLIT.split(raw.strip()))
    return [d for d in dois if d.startswith("10.")]


def arxiv_links(arxiv_id: str, doi: str | None = None) -> dict[str, str]:
    """The abs page, PDF and (when known) DOI resolver links of a paper, by its version-less id."""
    links = {"abs": f"https://arxiv.org/abs/{arxiv_id}", "pdf": f"https://arxiv.org/pdf/{arxiv_id}"}
    if doi:
        links["doi"] = f"https://doi.org/{doi}"
    return links


class ArxivApiError(SourceError):
    """The API answered with its error feed (e.g. a malformed id or query); ``code`` is the error anchor
    from the entry id, such as ``incorrect_id_format_for_abc``."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class AtomPage:
    """One page of API results with the OpenSearch counters used for pagination (None when absent)."""

    items: list[Item] = field(default_factory=list)
    total: int | None = None
    start: int | None = None
    per_page: int | None = None


def _int(root: etree._Element, name: str) -> int | None:
    for ns in _OPENSEARCH:
        value = (root.findtext(f"{{{ns}}}{name}") or "").strip()
        if value.isdigit():
            return int(value)
    return None


def _links(entry: etree._Element, arxiv_id: str, doi: str | None) -> dict[str, str]:
    links = arxiv_links(arxiv_id, doi)
    for link in entry.findall("a:link", NS):
        href = link.get("href", "")
        if not href:
            continue
        if link.get("title") == "pdf":
            links["pdf"] = href
        elif link.get("title") == "doi":
            links["doi"] = href
        elif link.get("rel") == "alternate":
            links["abs"] = href
    return links


def _entry(entry: etree._Element, origin: str) -> Item:
    raw_id = text(entry.find("a:id", NS))
    parts = split_arxiv_id(raw_id) if raw_id else None
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
    dois = split_dois(text(entry.find("arxiv:doi", NS)))
    # The API describes the latest version only: <published> is v1's date, <updated> the latest version's.
    versions = {1: Version(1, published)} if published else {}
    if version and updated:
        versions[version] = Version(version, updated)
    authors, affiliations = [], {}
    for a in entry.findall("a:author", NS):
        name = latex_to_text(text(a.find("a:name", NS)))
        if not name:
            continue
        authors.append(name)
        affs = [text(x) for x in a.findall("arxiv:affiliation", NS) if text(x)]
        if affs:
            affiliations[name] = affs
    primary = entry.find("arxiv:primary_category", NS)
    extra: dict[str, object] = {}
    if affiliations:
        extra["affiliations"] = affiliations
    if len(dois) > 1:
        extra["dois"] = dois
    return Paper(
        id=arxiv_id,
        version=version,
        versions=[versions[k] for k in sorted(versions)],
        title=latex_to_text(title),
        abstract=abstract,
        authors=authors,
        categories=[c.get("term", "") for c in entry.findall("a:category", NS) if c.get("term")],
        primary_category=primary.get("term") if primary is not None else None,
        published=published,
        updated=updated,
        comment=comment,
        doi=dois[0] if dois else None,
        journal_ref=text(entry.find("arxiv:journal_ref", NS)) or None,
        links=_links(entry, arxiv_id, dois[0] if dois else None),
        source=f"arxiv-api:{origin}",
        # A withdrawal is a new version whose comment (and usually abstract) says so.
        withdrawn=is_withdrawn(comment, abstract[:300]),
        extra=extra,
        raw=to_string(entry),
    )


def _raise_if_error(root: etree._Element, origin: str) -> None:
    """The API reports a bad query as a feed whose single entry is titled "Error" (usually with HTTP 400)."""
    for entry in root.findall("a:entry", NS):
        entry_id = text(entry.find("a:id", NS))
        if "/api/errors" in entry_id or text(entry.find("a:title", NS)) == "Error":
            message = text(entry.find("a:summary", NS)) or "unknown error"
            code = entry_id.partition("#")[2]
            raise ArxivApiError(f"{origin}: arXiv API error: {message}", code)


def parse_feed(data: bytes, origin: str) -> AtomPage:
    """Parse one API response into an :class:`AtomPage` (papers, plus Rejected for malformed entries).

    Raises :class:`ArxivApiError` for the API's error feed and :class:`SourceError` for anything that is
    not a well-formed Atom feed; both before any item is produced.
    """
    root = parse_xml(data, origin)
    if root.tag != f"{{{NS['a']}}}feed":
        raise SourceError(f"{origin}: not an Atom feed (root element {etree.QName(root).localname})")
    _raise_if_error(root, origin)
    return AtomPage(
        items=[_entry(e, origin) for e in root.findall("a:entry", NS)],
        total=_int(root, "totalResults"),
        start=_int(root, "startIndex"),
        per_page=_int(root, "itemsPerPage"),
    )


def unwrap_recording(data: bytes, origin: str) -> bytes:
    """The Atom bytes inside a recorded response ``{url, status_code, body}``.

    The recorder stored the body as the response bytes decoded as latin-1, so encoding it as latin-1
    gives back the original UTF-8 bytes exactly.
    """
    try:
        body: str = orjson.loads(data)["body"]
        return body.encode("latin-1")
    except orjson.JSONDecodeError as e:
        raise SourceError(f"{origin}: not valid JSON ({e})") from e
    except (KeyError, TypeError, AttributeError) as e:
        raise SourceError(f"{origin}: not a recorded arXiv API response (no text 'body' field)") from e
    except UnicodeEncodeError as e:
        raise SourceError(f"{origin}: recorded body is not latin-1 text ({e.reason})") from e


@register
class ArxivAtom(Source):
    """An arXiv API Atom response saved to a file."""

    name = "arxiv-api"
    expects = "an arXiv API Atom feed"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        before_feed, found, _ = head.partition(b"<feed")
        return (
            bool(found)
            and b"<rss" not in before_feed
            and sniff_root(head, b"http://www.w3.org/2005/Atom")
            and b"arxiv" in head.lower()
        )

    def records(self) -> Iterator[Item]:
        yield from parse_feed(self.data, self.origin).items


@register
class ArxivApiRecording(Source):
    """A recorded API response as JSON ``{url, status_code, body}`` (as lukasschwab/arxiv.py's test suite
    stores them); the body is parsed as an API response, so a recorded error feed raises ArxivApiError."""

    name = "arxiv-api-recording"
    expects = "a recorded API response {url, status_code, body}"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"{") and b'"status_code"' in head and b'"body"' in head and b"<feed" in head

    def records(self) -> Iterator[Item]:
        yield from parse_feed(unwrap_recording(self.data, self.origin), self.origin).items
