"""BibTeX libraries (Zotero, Mendeley, Google Scholar exports), parsed with bibtexparser v2."""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import latex_to_text

_ARXIV_IN = re.compile(
    r"arxiv[:/ ]*(?:abs/|pdf/)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.I
)


def _name(author: str) -> str:
    """'Last, First' -> 'First Last'; TeX accents decoded."""
    author = latex_to_text(author.strip())
    if "," in author:
        last, _, first = author.partition(",")
        return f"{first.strip()} {last.strip()}".strip()
    return author


def _arxiv_id(fields: dict[str, str]) -> tuple[str, int | None] | None:
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
    if fields.get("eprint") and (prefix == "arxiv" or split_arxiv_id(fields["eprint"])):
        found = split_arxiv_id(fields["eprint"])
        if found:
            return found
    for key in ("url", "journal", "note", "howpublished", "doi"):
        m = _ARXIV_IN.search(fields.get(key, ""))
        if m:
            return split_arxiv_id(m.group(1))
    return None


@register
class BibtexFile(Source):
    """A .bib file."""

    name = "bibtex"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return bool(
            re.search(
                rb"^\s*@(article|inproceedings|misc|book|incollection|techreport|phdthesis|unpublished"
                rb"|online|preprint|conference|inbook|mastersthesis|report)\s*[{(]",
                head,
                re.I | re.M,
            )
        )

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
            authors = [_name(a) for a in re.split(r"\s+and\s+", f.get("author", "")) if a.strip()]
            year = f.get("year", "")
            cats = f.get("primaryclass", "")
            yield Paper(
                id=ids[0] if ids else None,
                version=ids[1] if ids else None,
                title=title,
                abstract=latex_to_text(f.get("abstract", "")),
                authors=authors,
                categories=[cats] if cats else [],
                published=year[:4] if year[:4].isdigit() else None,
                doi=f.get("doi") or None,
                journal_ref=latex_to_text(f.get("journal") or f.get("booktitle") or "") or None,
                links={"url": f["url"]} if f.get("url") else {},
                source=f"bibtex:{self.origin}",
                extra={"bibtex_key": entry.key, "entry_type": entry.entry_type},
                raw=entry.raw,
            )
