"""RIS reference files (Zotero, Mendeley, EndNote, JabRef, publishers' "export citation"), parsed with rispy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from paperradar.models import Paper, Rejected
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.ids import find_arxiv_id, find_doi, person
from paperradar.sources.text import fix_text

_TAG = re.compile(rb"^(TY|T1|TI|AU|A1|ER)  ?- ?", re.M)
_HTML = re.compile(r"<[^>]+>")


def _list(v: Any) -> list[str]:
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _date(entry: dict[str, Any]) -> str | None:
    """``DA 2023/05/23/`` (Zotero), ``PY 2023``, ``Y1 2023/05/23``; as ISO ``2023-05-23`` or a year."""
    for key in ("date", "publication_year", "year"):
        value = str(entry.get(key) or "").strip()
        m = re.match(r"(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?", value)
        if m:
            y, mo, d = m.groups()
            return f"{y}-{int(mo):02d}-{int(d):02d}" if mo and d else y
    return None


def _paper(entry: dict[str, Any], origin: str) -> Paper | None:
    title = (entry.get("title") or entry.get("primary_title") or entry.get("translated_title") or "").strip()
    authors = [person(a) for key in ("authors", "first_authors") for a in _list(entry.get(key)) if a.strip()]
    notes = [_HTML.sub(" ", n) for n in _list(entry.get("notes"))]
    urls = _list(entry.get("urls"))
    doi = find_doi(entry.get("doi"))
    # Zotero writes the arXiv id into the URL, the DOI (10.48550/arXiv.*), a note ("arXiv:2305.14314 [cs]"),
    # the archive id (AN) or the journal ("arXiv preprint arXiv:..."); EndNote often into M1/M3.
    where = [
        *urls,
        entry.get("doi"),
        entry.get("accession_number"),
        entry.get("number"),
        entry.get("note"),
        *notes,
        entry.get("journal_name"),
        entry.get("secondary_title"),
        entry.get("alternate_title3"),
        entry.get("type_of_work"),
        entry.get("id"),
    ]
    found = find_arxiv_id(*(str(w) for w in where if w))
    if not title and not found:
        return None
    abstract = (entry.get("abstract") or entry.get("notes_abstract") or "").strip()
    venue = entry.get("journal_name") or entry.get("secondary_title") or entry.get("alternate_title3") or ""
    extra: dict[str, Any] = {"ris_type": entry.get("type_of_reference", "")}
    if not title or not abstract:
        extra["incomplete"] = [f for f, v in (("title", title), ("abstract", abstract)) if not v]
    return Paper(
        id=found[0] if found else None,
        version=found[1] if found else None,
        title=title,
        abstract=abstract,
        authors=authors,
        published=_date(entry),
        doi=doi,
        journal_ref=None if "arxiv" in venue.lower() else (venue or None),
        links={"url": urls[0]} if urls else {},
        source=f"ris:{origin}",
        extra=extra,
        raw=entry,
    )


@register
class RisFile(Source):
    """A .ris file: ``TY  - JOUR`` ... ``ER  -`` records."""

    name = "ris"
    expects = "TY  - ... ER  - records"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        # a first "TY  - " tag, or TY and ER tags at line starts after a header (publishers prepend "Provider:")
        return bool(re.match(rb"TY  ?- ?\w", head)) or {m.group(1) for m in _TAG.finditer(head)} >= {b"TY", b"ER"}

    def records(self) -> Iterator[Item]:
        text = fix_text(self.data.decode("utf-8-sig", "replace")).replace("\r\n", "\n")
        # rispy wants "TAG  - value"; some tools write one space before the dash, or none after it
        text = re.sub(r"^([A-Z][A-Z0-9]) ?- ?", r"\1  - ", text, flags=re.M)
        try:
            entries = rispy.loads(text, skip_unknown_tags=True)
        except Exception as e:  # rispy raises assorted errors on broken input
            raise SourceError(f"{self.origin}: not a RIS file ({e})") from e
        if not entries:
            raise SourceError(f"{self.origin}: no RIS records (TY ... ER)")
        for n, entry in enumerate(entries, 1):
            paper = _paper(entry, self.origin)
            if paper is None:
                yield Rejected(f"record {n}", "RIS record has no title (TI/T1) and no arXiv id", str(entry)[:10000])
            else:
                yield paper
