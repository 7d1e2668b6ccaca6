"""CSV (or TSV) paper lists with a header row: title required; id/url, abstract, authors, ... optional."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.ids import find_arxiv_id, find_doi, split_people
from paperradar.sources.text import iso_date

ALIASES = {
    "title": ("title", "paper", "paper title", "name"),
    "abstract": ("abstract", "abstract note", "abstractnote", "summary", "description"),
    "authors": ("authors", "author", "creators"),
    "id": ("id", "arxiv_id", "arxiv id", "arxivid", "arxiv", "eprint", "paper_id", "archive id"),
    "url": ("url", "link", "pdf", "pdf_url", "abs_url"),
    "categories": ("categories", "category", "tags", "subjects", "manual tags"),
    "published": ("published", "date", "publication year", "year", "published_date", "submitted"),
    "doi": ("doi",),
    "comment": ("comment", "comments", "note", "notes"),
    "added": ("date added", "added", "dateadded", "date_added"),
}
# Other columns where Zotero and friends leave the arXiv id ("Extra: arXiv: 2305.14314", "Number: arXiv:...").
_ID_COLUMNS = ("number", "extra", "archive location", "publication title", "journal", "notes", "report number")


def _columns(header: list[str]) -> dict[str, str]:
    lower = {h.strip().lower(): h for h in header}
    found = {}
    for field, names in ALIASES.items():
        for a in names:  # the first alias present wins: "Date" (a day) before "Publication Year"
            if a in lower:
                found[field] = lower[a]
                break
    return found


@register
class CsvFile(Source):
    """A CSV/TSV file whose header names a title column."""

    name = "csv"
    expects = "a header row with a Title column"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
        if first.startswith(("{", "[", "<", "@", "#")) or not first:
            return False
        cells = [c.strip().strip('"') for c in first.replace("\t", ",").replace(";", ",").split(",")]
        return "title" in cells and len(cells) >= 2

    def records(self) -> Iterator[Item]:
        text = self.data.decode("utf-8-sig", "replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text.replace("\x00", ""), newline=""), dialect=dialect)
        try:  # read every row first: a malformed file fails before anything is yielded (see Source)
            cols = _columns(list(reader.fieldnames or []))
            rows = list(reader)
        except csv.Error as e:
            raise SourceError(f"{self.origin}: not a readable CSV file (line {reader.line_num}: {e})") from e
        if "title" not in cols:
            raise SourceError(f"{self.origin}: CSV header has no title column")
        for n, row in enumerate(rows, 2):

            def get(f: str, row: dict[str, str] = row) -> str:
                return (row.get(cols[f]) or "").strip() if f in cols else ""

            title = get("title")
            if not title:
                yield Rejected(f"row {n}", "row has no title", ",".join(str(v) for v in row.values())[:10000])
                continue
            lower = {k.strip().lower(): v for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
            ids = (split_arxiv_id(get("id")) if get("id") else None) or find_arxiv_id(
                get("id"), get("url"), get("doi"), *(lower.get(c) for c in _ID_COLUMNS)
            )
            cats = get("categories").replace(",", " ").replace(";", " ").split()
            added = get("added")
            yield Paper(
                id=ids[0] if ids else None,
                version=ids[1] if ids else None,
                title=title,
                abstract=get("abstract"),
                authors=split_people(get("authors")),
                categories=cats,
                published=iso_date(get("published"))
                or (get("published")[:4] if get("published")[:4].isdigit() else None),
                doi=find_doi(get("doi")),
                comment=get("comment") or None,
                links={"url": get("url")} if get("url") else {},
                source=f"csv:{self.origin}",
                extra={"added": added} if added else {},
                raw=dict(row),
            )
