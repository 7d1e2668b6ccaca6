"""BibTeX libraries (Zotero, Mendeley, Google Scholar exports), parsed with bibtexparser v2."""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.ids import find_arxiv_id, find_doi, split_people
from paperradar.sources.text import latex_to_text

# Where exports put the arXiv id, most specific first: Mendeley's arxivId, eprint (with archivePrefix or BibLaTeX's
# eprinttype), then Zotero's number = {arXiv:...}, the url, the arXiv DOI, a note, the journal "arXiv preprint ...".
_ID_FIELDS = ("arxivid", "eprint", "number", "url", "doi", "note", "journal", "journaltitle", "howpublished", "annote")


def _arxiv_id(fields: dict[str, str]) -> tuple[str, int | None] | None:
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
    for key in ("arxivid", "eprint"):
        value = fields.get(key, "")
        if value and (prefix in ("arxiv", "") or key == "arxivid"):
            found = split_arxiv_id(value) or find_arxiv_id(value)
            if found:
                return found
    return find_arxiv_id(*(fields.get(k) for k in _ID_FIELDS if k != "eprint" or prefix in ("arxiv", "")))


def _year(fields: dict[str, str]) -> str | None:
    for key in ("date", "year"):
        value = fields.get(key, "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
            return value[:10]
        if value[:4].isdigit():
            return value[:4]
    return None


def _venue(fields: dict[str, str]) -> str | None:
    venue = latex_to_text(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or "")
    return None if not venue or "arxiv" in venue.lower() else venue  # "arXiv preprint arXiv:..." is no venue


@register
class BibtexFile(Source):
    """A .bib file."""

    name = "bibtex"
    expects = "an @type{key, entry"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        # any @type{key, entry: BibLaTeX (@online), JabRef (@Article) and Mendeley variants alike
        return bool(re.search(rb"^\s*@[a-z]+\s*[{(]\s*[^\s,={}()]+\s*,", head, re.I | re.M))

    def records(self) -> Iterator[Item]:
        text = self.data.decode("utf-8", "replace")
        try:
            library = bibtexparser.parse_string(text)
        except Exception as e:  # bibtexparser raises several types on broken input
            raise SourceError(f"{self.origin}: not a BibTeX file ({e})") from e
        for block in library.failed_blocks:
            where = f"line {block.start_line + 1}" if block.start_line is not None else "a block"
            yield Rejected(where, "BibTeX entry could not be parsed", (block.raw or "")[:10000])
        for entry in library.entries:
            f = {k.lower(): str(v).strip() for k, v in entry.fields_dict.items() for v in [v.value]}
            title = latex_to_text(f.get("title", "").replace("{", "").replace("}", "")) if f.get("title") else ""
            if not title:
                yield Rejected(f"entry {entry.key}", "entry has no title", (entry.raw or "")[:10000])
                continue
            ids = _arxiv_id(f)
            cats = f.get("primaryclass") or f.get("eprintclass") or ""
            doi = find_doi(f.get("doi"))
            added = f.get("dateadded") or f.get("creationdate") or f.get("timestamp")
            yield Paper(
                id=ids[0] if ids else None,
                version=ids[1] if ids else None,
                title=title,
                abstract=latex_to_text(f.get("abstract", "")),
                authors=split_people(f.get("author", "")),
                categories=[c for c in cats.split() if "." in c or c.isalpha()][:1],
                published=_year(f),
                doi=doi,
                journal_ref=_venue(f),
                links={"url": f["url"]} if f.get("url") else {},
                source=f"bibtex:{self.origin}",
                extra={"bibtex_key": entry.key, "entry_type": entry.entry_type, **({"added": added} if added else {})},
                raw=entry.raw,
            )
