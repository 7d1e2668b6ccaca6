"""arXiv OAI-PMH responses (export.arxiv.org/oai2): ListRecords / GetRecord in the arXiv and arXivRaw formats."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors
from paperradar.sources.xml import parse_xml, sniff_root, text, to_string

OAI = "http://www.openarchives.org/OAI/2.0/"


class OaiError(SourceError):
    """An OAI-PMH error response; ``code`` is the protocol's error code (e.g. ``noRecordsMatch``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class OaiPage:
    """One response page: its records and the resumption token to ask for the next page (None at the end)."""

    items: list[Item] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    deleted: list[str] = field(default_factory=list)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    """First child with local name ``name``, whatever its namespace (arXiv's metadata mixes them)."""
    if el is None:
        return None
    return next((c for c in el if _local(c) == name), None)


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if _local(c) == name]


def _int(v: str | None) -> int | None:
    return int(v) if v and v.strip().isdigit() else None


def _doi(raw: str) -> str | None:
    # arXiv puts several DOIs in one field, separated by spaces, commas or semicolons; keep the first.
    first = raw.replace(";", " ").replace(",", " ").split()
    return first[0] if first else None


def _arxiv_raw(meta: etree._Element, origin: str, datestamp: str | None) -> Paper:
    versions = []
    for v in _children(meta, "version"):
        n = _int((v.get("version") or "").lstrip("v"))
        if n:
            versions.append(Version(n, iso_date(text(_child(v, "date"))), text(_child(v, "size")) or None))
    versions.sort(key=lambda v: v.version)
    comment = text(_child(meta, "comments")) or None
    abstract = text(_child(meta, "abstract"))
    return Paper(
        id=text(_child(meta, "id")),
        title=latex_to_text(text(_child(meta, "title"))),
        abstract=abstract,
        authors=split_authors(text(_child(meta, "authors"))),
        categories=text(_child(meta, "categories")).split(),
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        versions=versions,
        comment=comment,
        doi=_doi(text(_child(meta, "doi"))),
        journal_ref=text(_child(meta, "journal-ref")) or None,
        source=f"oai-pmh:{origin}",
        withdrawn=is_withdrawn(comment),
        raw=to_string(meta),
        extra={
            k: v
            for k, v in {
                "submitter": text(_child(meta, "submitter")),
                "license": text(_child(meta, "license")),
                "msc_class": text(_child(meta, "msc-class")),
                "report_no": text(_child(meta, "report-no")),
                "datestamp": datestamp,
            }.items()
            if v
        },
    )


def _arxiv(meta: etree._Element, origin: str, datestamp: str | None) -> Paper:
    authors = []
    for a in _children(_child(meta, "authors"), "author"):
        name = " ".join(
            x for x in (text(_child(a, "forenames")), text(_child(a, "keyname")), text(_child(a, "suffix"))) if x
        )
        if name:
            authors.append(latex_to_text(name))
    created, updated = iso_date(text(_child(meta, "created"))), iso_date(text(_child(meta, "updated")))
    comment = text(_child(meta, "comments")) or None
    return Paper(
        id=text(_child(meta, "id")),
        title=latex_to_text(text(_child(meta, "title"))),
        abstract=text(_child(meta, "abstract")),
        authors=authors,
        categories=text(_child(meta, "categories")).split(),
        published=created,
        updated=updated or created,
        versions=[Version(1, created)] if created else [],
        comment=comment,
        doi=_doi(text(_child(meta, "doi"))),
        journal_ref=text(_child(meta, "journal-ref")) or None,
        source=f"oai-pmh:{origin}",
        withdrawn=is_withdrawn(comment),
        raw=to_string(meta),
        extra={
            k: v
            for k, v in {
                "license": text(_child(meta, "license")),
                "msc_class": text(_child(meta, "msc-class")),
                "report_no": text(_child(meta, "report-no")),
                "datestamp": datestamp,
            }.items()
            if v
        },
    )


def _record(rec: etree._Element, origin: str, page: OaiPage) -> Item | None:
    header = _child(rec, "header")
    ident = text(_child(header, "identifier"))
    if header is not None and header.get("status") == "deleted":
        # A deleted OAI record carries no metadata; arXiv never deletes papers (withdrawals are new versions),
        # so this is recorded for the harvest report rather than invented into a paper.
        page.deleted.append(ident)
        return None
    meta_wrap = _child(rec, "metadata")
    meta = meta_wrap[0] if meta_wrap is not None and len(meta_wrap) else None
    if meta is None:
        return Rejected(f"record {ident or '?'}", "record has no metadata", to_string(rec))
    fmt = _local(meta)
    datestamp = text(_child(header, "datestamp")) or None
    if fmt not in ("arXivRaw", "arXiv"):
        return Rejected(f"record {ident}", f"unsupported metadata format {fmt!r}", to_string(rec))
    paper = (_arxiv_raw if fmt == "arXivRaw" else _arxiv)(meta, origin, datestamp)
    if not paper.id or not split_arxiv_id(paper.id):
        return Rejected(f"record {ident or '?'}", "record has no valid arXiv id", to_string(rec))
    if not paper.title:
        return Rejected(f"record {ident}", "record has no title", to_string(rec))
    return paper


def parse_response(data: bytes, origin: str) -> OaiPage:
    """Parse one OAI-PMH response; raise OaiError for protocol errors, SourceError for anything else."""
    root = parse_xml(data, origin)
    if _local(root) != "OAI-PMH":
        raise SourceError(f"{origin}: not an OAI-PMH response (root element {_local(root)})")
    err = _child(root, "error")
    if err is not None:
        code = err.get("code", "unknown")
        detail = text(err)
        raise OaiError(code, f"{origin}: OAI-PMH error {code}" + (f": {detail}" if detail else ""))
    page = OaiPage()
    body = _child(root, "ListRecords")
    if body is None:
        body = _child(root, "GetRecord")
    if body is None:
        raise SourceError(f"{origin}: OAI-PMH response without ListRecords or GetRecord")
    for rec in _children(body, "record"):
        item = _record(rec, origin, page)
        if item is not None:
            page.items.append(item)
    token = _child(body, "resumptionToken")
    if token is not None:
        page.resumption_token = text(token) or None
        page.complete_list_size = _int(token.get("completeListSize"))
        page.cursor = _int(token.get("cursor"))
    return page


@register
class OaiPmh(Source):
    """A saved OAI-PMH response (arXiv or arXivRaw metadata)."""

    name = "oai-pmh"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return sniff_root(head, b"<OAI-PMH")

    def records(self) -> Iterator[Item]:
        yield from parse_response(self.data, self.origin).items
