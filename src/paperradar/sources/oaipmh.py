"""arXiv OAI-PMH responses (export.arxiv.org/oai2): ListRecords / GetRecord in the arXiv and arXivRaw formats."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.arxiv_api import arxiv_links, split_dois
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors
from paperradar.sources.xml import parse_xml, sniff_root, text, to_string


class OaiError(SourceError):
    """An OAI-PMH error response; ``code`` is the protocol's error code (e.g. ``noRecordsMatch``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class OaiPage:
    """One response page: its records, and the resumption token that asks for the next page (None at the end).

    ``deleted`` lists the OAI identifiers of records the repository reports as deleted (they carry no
    metadata, so they are not in ``items``).
    """

    items: list[Item] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    deleted: list[str] = field(default_factory=list)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    """First child with local name ``name``, whatever its namespace: arXiv's records sometimes declare the
    metadata namespace and sometimes inherit the OAI one."""
    if el is None:
        return None
    return next((c for c in el if _local(c) == name), None)


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if _local(c) == name]


def _field(meta: etree._Element, name: str) -> str:
    return text(_child(meta, name))


def _int(v: str | None) -> int | None:
    return int(v) if v and v.strip().isdigit() else None


def _extra(meta: etree._Element, names: dict[str, str], **more: Any) -> dict[str, Any]:
    """Optional fields worth keeping (license, MSC class, ...), without the empty ones."""
    out: dict[str, Any] = {key: _field(meta, tag) for tag, key in names.items()}
    out.update(more)
    return {k: v for k, v in out.items() if v}


_OPTIONAL = {
    "license": "license",
    "msc-class": "msc_class",
    "acm-class": "acm_class",
    "report-no": "report_no",
    "proxy": "proxy",
}


def _arxiv_raw(meta: etree._Element, origin: str, header: dict[str, Any]) -> Paper:
    """arXivRaw: one author string, and a <version> element per version with its date and size."""
    versions = []
    for v in _children(meta, "version"):
        n = _int((v.get("version") or "").lstrip("v"))
        if n:
            versions.append(Version(n, iso_date(text(_child(v, "date"))), text(_child(v, "size")) or None))
    versions.sort(key=lambda v: v.version)
    return _paper(
        meta,
        origin,
        authors=split_authors(_field(meta, "authors")),
        versions=versions,
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        extra=_extra(meta, {"submitter": "submitter", **_OPTIONAL}, **header),
    )


def _arxiv(meta: etree._Element, origin: str, header: dict[str, Any]) -> Paper:
    """arXiv: structured authors (keyname, forenames, suffix, affiliation), first and last version dates."""
    authors, affiliations = [], {}
    for a in _children(_child(meta, "authors"), "author"):
        parts = (_field(a, "forenames"), _field(a, "keyname"), _field(a, "suffix"))
        name = latex_to_text(" ".join(x for x in parts if x))
        if not name:
            continue
        authors.append(name)
        affs = [text(x) for x in _children(a, "affiliation") if text(x)]
        if affs:
            affiliations[name] = affs
    created, updated = iso_date(_field(meta, "created")), iso_date(_field(meta, "updated"))
    # The format names the latest version's date but not its number, so only v1 enters the history.
    return _paper(
        meta,
        origin,
        authors=authors,
        versions=[Version(1, created)] if created else [],
        published=created,
        updated=updated or created,
        extra=_extra(meta, _OPTIONAL, affiliations=affiliations, **header),
    )


def _paper(meta: etree._Element, origin: str, **fields: Any) -> Paper:
    """The fields both formats spell the same way, plus the format-specific ``fields``."""
    arxiv_id = _field(meta, "id")
    comment = _field(meta, "comments") or None
    abstract = _field(meta, "abstract")
    raw_doi = _field(meta, "doi")
    dois = split_dois(raw_doi)
    if len(dois) > 1:
        fields["extra"]["dois"] = dois
    elif raw_doi and not dois:  # e.g. a Handle ("21.11130/...") filed as a DOI: kept, but not linked
        fields["extra"]["doi_raw"] = raw_doi
    journal_ref = _field(meta, "journal-ref")
    return Paper(
        id=arxiv_id,
        title=latex_to_text(_field(meta, "title")),
        abstract=abstract,
        categories=_field(meta, "categories").split(),
        comment=comment,
        doi=dois[0] if dois else None,
        journal_ref=latex_to_text(journal_ref) if journal_ref else None,
        links=arxiv_links(arxiv_id, dois[0] if dois else None) if split_arxiv_id(arxiv_id) else {},
        source=f"oai-pmh:{origin}",
        withdrawn=is_withdrawn(comment, abstract[:300]),
        raw=to_string(meta),
        **fields,
    )


def _record(rec: etree._Element, origin: str, page: OaiPage) -> Item | None:
    header = _child(rec, "header")
    ident = text(_child(header, "identifier"))
    if header is not None and header.get("status") == "deleted":
        # A deleted record has a header only: no title, authors or abstract to store. arXiv itself never deletes
        # papers (a withdrawal is a new version, which arrives as a normal record flagged withdrawn), so these are
        # skipped and listed in ``page.deleted`` rather than invented into placeholder papers.
        page.deleted.append(ident)
        return None
    wrapper = _child(rec, "metadata")
    meta = next((c for c in wrapper if isinstance(c.tag, str)), None) if wrapper is not None else None
    if meta is None:
        return Rejected(f"record {ident or '?'}", "record has no metadata", to_string(rec))
    fmt = _local(meta)
    if fmt not in ("arXivRaw", "arXiv"):
        return Rejected(f"record {ident or '?'}", f"unsupported metadata format {fmt!r}", to_string(rec))
    header_extra = {
        "datestamp": text(_child(header, "datestamp")) or None,
        "sets": [text(s) for s in _children(header, "setSpec") if text(s)],
    }
    paper = (_arxiv_raw if fmt == "arXivRaw" else _arxiv)(meta, origin, header_extra)
    if not paper.id or not split_arxiv_id(paper.id):
        return Rejected(f"record {ident or '?'}", "record has no valid arXiv id", to_string(rec))
    if not paper.title:
        return Rejected(f"record {ident}", "record has no title", to_string(rec))
    return paper


def parse_response(data: bytes, origin: str) -> OaiPage:
    """Parse one OAI-PMH response into an :class:`OaiPage`.

    Raises :class:`OaiError` (with the protocol's ``code``) for error responses and :class:`SourceError` for
    anything that is not a well-formed ListRecords/GetRecord response; both before any item is produced.
    """
    root = parse_xml(data, origin)
    if _local(root) != "OAI-PMH":
        raise SourceError(f"{origin}: not an OAI-PMH response (root element {_local(root)})")
    err = _child(root, "error")
    if err is not None:
        code = err.get("code", "unknown")
        detail = text(err)
        raise OaiError(code, f"{origin}: OAI-PMH error {code}" + (f": {detail}" if detail else ""))
    body = _child(root, "ListRecords")
    if body is None:
        body = _child(root, "GetRecord")
    if body is None:
        raise SourceError(f"{origin}: OAI-PMH response without ListRecords or GetRecord")
    page = OaiPage()
    for rec in _children(body, "record"):
        item = _record(rec, origin, page)
        if item is not None:
            page.items.append(item)
    token = _child(body, "resumptionToken")
    if token is not None:
        # An empty token element (with attributes) marks the last page of a list.
        page.resumption_token = text(token) or None
        page.complete_list_size = _int(token.get("completeListSize"))
        page.cursor = _int(token.get("cursor"))
    return page


@register
class OaiPmh(Source):
    """A saved OAI-PMH response (arXiv or arXivRaw metadata)."""

    name = "oai-pmh"
    expects = "an OAI-PMH XML response"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return sniff_root(head, b"<OAI-PMH")

    def records(self) -> Iterator[Item]:
        yield from parse_response(self.data, self.origin).items
