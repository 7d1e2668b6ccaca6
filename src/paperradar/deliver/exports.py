"""Exports of any selection of papers: BibTeX and RIS for reference managers, CSV and JSON for everything else."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

import orjson

from paperradar.models import Paper, is_arxiv_id, last_name

_BIB_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_"})


def _year(p: Paper) -> str:
    d = p.published or p.announced or ""
    return d[:4] if re.match(r"\d{4}", d) else ""


def abs_url(p: Paper) -> str:
    """The paper's landing page (:attr:`Paper.url`), or "" when it has none."""
    return p.url or ""


def _cite_key(p: Paper, used: set[str]) -> str:
    base = (last_name(p.authors[0]) if p.authors else "anon") + _year(p)
    word = next((w for w in re.findall(r"[a-z]+", p.title.lower()) if len(w) > 3), "paper")
    key, n = f"{base}{word}", 1
    while key in used:
        n += 1
        key = f"{base}{word}{n}"
    used.add(key)
    return key


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


def _bib_value(s: str) -> str:
    # Outer braces keep BibTeX from re-casing titles; special characters are escaped, existing TeX (and its
    # {Protected} words) is kept. Only unbalanced braces, which would end the field early or swallow the rest of
    # the file, are escaped.
    s = " ".join(s.split())
    if not _balanced(s):
        s = s.replace("{", r"\{").replace("}", r"\}")
    return "{" + s.translate(_BIB_SPECIAL) + "}"


def _bib_raw(s: str) -> str:
    """An identifier-like field (eprint, DOI, URL, class) kept verbatim inside braces: no white space or braces,
    so it cannot end the entry and start a forged one."""
    return "{" + "".join(s.split()).replace("{", "").replace("}", "") + "}"


def _ris_value(s: str) -> str:
    """One RIS line's value: a line break in the data would start a forged tag (``ER  -`` then ``TY  -``)."""
    return " ".join(s.split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _csv_cell(v: object) -> object:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab/CR) is prefixed with an apostrophe
    (OWASP's advice against formula injection)."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def to_bibtex(papers: Iterable[Paper]) -> str:
    """BibTeX ``@misc`` entries (arXiv's own recommended form: eprint + archivePrefix + primaryClass)."""
    used: set[str] = set()
    out = []
    for p in papers:
        fields = [("title", _bib_value(p.title)), ("author", _bib_value(" and ".join(p.authors)))]
        if _year(p):
            fields.append(("year", _year(p)))
        if is_arxiv_id(p.id):
            eprint = p.id if re.fullmatch(r"[\w./-]+", p.id) else _bib_raw(p.id)
            fields += [("eprint", eprint), ("archivePrefix", "arXiv")]
            if p.primary_category:
                fields.append(("primaryClass", _bib_raw(p.primary_category)))
        if p.doi:
            fields.append(("doi", _bib_raw(p.doi)))
        if p.journal_ref:
            fields.append(("journal", _bib_value(p.journal_ref)))
        if abs_url(p):
            fields.append(("url", _bib_raw(abs_url(p))))
        if p.abstract:
            fields.append(("abstract", _bib_value(p.abstract)))
        body = ",\n".join(f"  {k} = {v}" for k, v in fields)
        out.append(f"@misc{{{_cite_key(p, used)},\n{body}\n}}\n")
    return "\n".join(out)


def to_ris(papers: Iterable[Paper]) -> str:
    """RIS records (Zotero, EndNote, Mendeley import them)."""
    out = []
    for p in papers:
        lines = ["TY  - JOUR" if p.journal_ref else "TY  - GEN", f"TI  - {_ris_value(p.title)}"]
        lines += [f"AU  - {_ris_value(a)}" for a in p.authors]
        if _year(p):
            lines.append(f"PY  - {_year(p)}")
        if p.published:
            lines.append(f"DA  - {p.published[:10].replace('-', '/')}")
        if p.abstract:
            lines.append(f"AB  - {_ris_value(p.abstract)}")
        if p.doi:
            lines.append(f"DO  - {_ris_value(p.doi)}")
        if p.journal_ref:
            lines.append(f"JO  - {_ris_value(p.journal_ref)}")
        if is_arxiv_id(p.id):
            lines += [f"ID  - arXiv:{p.id}", "PB  - arXiv"]
        lines += [f"KW  - {_ris_value(c)}" for c in p.categories]
        if abs_url(p):
            lines.append(f"UR  - {_ris_value(abs_url(p))}")
        lines.append("ER  - ")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n" if out else ""


CSV_FIELDS = (
    "id",
    "version",
    "title",
    "authors",
    "categories",
    "primary_category",
    "published",
    "updated",
    "announced",
    "doi",
    "journal_ref",
    "comment",
    "withdrawn",
    "url",
    "abstract",
)


def to_csv(papers: Iterable[Paper]) -> str:
    """CSV with a header row; lists joined with "; "."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_FIELDS)
    for p in papers:
        w.writerow(
            _csv_cell(v)
            for v in [
                p.id,
                p.version,
                p.title,
                "; ".join(p.authors),
                "; ".join(p.categories),
                p.primary_category,
                p.published,
                p.updated,
                p.announced,
                p.doi,
                p.journal_ref,
                p.comment,
                int(p.withdrawn),
                abs_url(p),
                p.abstract,
            ]
        )
    return buf.getvalue()


def to_json(papers: Iterable[Paper]) -> str:
    """JSON Lines in paperradar's common format (re-ingestible with `paperradar ingest`)."""
    rows = []
    for p in papers:
        rows.append(
            orjson.dumps(
                {
                    "id": p.id,
                    "title": p.title,
                    "abstract": p.abstract,
                    "authors": p.authors,
                    "categories": p.categories,
                    "primary_category": p.primary_category,
                    "published": p.published,
                    "updated": p.updated,
                    "version": f"v{p.version}" if p.version else None,
                    "listing_date": p.announced,
                    "comment": p.comment,
                    "doi": p.doi,
                    "journal_ref": p.journal_ref,
                    "withdrawn": p.withdrawn,
                    "source": p.source,
                }
            ).decode()
        )
    return "\n".join(rows) + ("\n" if rows else "")


EXPORTERS: dict[str, Callable[[Iterable[Paper]], str]] = {
    "bibtex": to_bibtex,
    "ris": to_ris,
    "csv": to_csv,
    "json": to_json,
}
