"""Finding identifiers and people in the fields of library exports: arXiv ids, DOIs, author names.

Reference managers put a paper's arXiv id in many places (``url``, ``eprint``, ``number = {arXiv:…}``, a note,
the arXiv DOI ``10.48550/arXiv.…``, a journal field "arXiv preprint arXiv:…"); these helpers look everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from paperradar.models import split_arxiv_id
from paperradar.sources.text import latex_to_text

_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
_OLD = r"[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
# arxiv.org/abs/ID, arxiv.org/pdf/ID(.pdf), arXiv:ID, arXiv ID, arXiv.ID (the DataCite DOI 10.48550/arXiv.ID)
_ARXIV_IN = re.compile(
    rf"arxiv(?:\.org/(?:abs|pdf|html)/|\s*[:.]\s*|\s+)(?:abs/)?({_NEW}|{_OLD})(?![\d])",
    re.I,
)
_BARE_NEW = re.compile(rf"^\s*({_NEW})\s*$")
_DOI = re.compile(r"(10\.\d{4,9}/[^\s\"<>{}]+)", re.I)


def find_arxiv_id(*texts: str | None) -> tuple[str, int | None] | None:
    """The first arXiv id (without version, version) spelled in any of ``texts`` as a URL, ``arXiv:ID``,
    an arXiv DOI, or a bare new-style id; None when there is none."""
    for t in texts:
        if not t:
            continue
        m = _ARXIV_IN.search(t) or _BARE_NEW.match(t)
        if m:
            found = split_arxiv_id(m.group(1))
            if found:
                return found
    return None


def find_doi(*texts: str | None) -> str | None:
    """The first DOI in ``texts`` (bare, ``doi:``-prefixed or a resolver URL), without trailing punctuation."""
    for t in texts:
        if not t:
            continue
        m = _DOI.search(t)
        if m:
            return m.group(1).rstrip(".,;)]")
    return None


def arxiv_id_from_doi(doi: str | None) -> tuple[str, int | None] | None:
    """The arXiv id of an arXiv DataCite DOI (``10.48550/arXiv.2305.14314``), else None."""
    if doi and doi.lower().startswith("10.48550/arxiv."):
        return split_arxiv_id(doi[len("10.48550/arxiv.") :])
    return None


def person(name: str) -> str:
    """'Last, First' (or 'Last, Jr, First') -> 'First Last'; TeX accents and braces decoded."""
    name = latex_to_text(" ".join(name.split())).replace("{", "").replace("}", "").strip()
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        last, rest = parts[0], [p for p in parts[1:] if p]
        if len(rest) == 2:  # BibTeX's "von Last, Jr, First"
            return f"{rest[1]} {last} {rest[0]}".strip()
        return f"{' '.join(rest)} {last}".strip()
    return name


_NOT_NAMES = {"et al.", "et al", "others"}


def _looks_inverted(parts: list[str]) -> bool:
    """Do two comma-separated ``parts`` read as one 'Last, First' name rather than two full names?"""
    if len(parts) != 2:
        return False
    last, first = (len(p.split()) for p in parts)
    return last <= 3 and first <= 2 and (last == 1 or first == 1)


def _one_name(part: str) -> bool:
    """Is ``part`` one name: no comma, 'Last, First', or BibTeX's 'von Last, Jr, First'?"""
    pieces = [p.strip() for p in part.split(",")]
    return len(pieces) == 1 or len(pieces) == 3 or _looks_inverted(pieces)


def split_people(s: str | None) -> list[str]:
    """Split an author field into 'First Last' names, whichever convention the export used.

    ``Last, First and Last, First`` (BibTeX), ``Last, First; Last, First`` (Zotero CSV), ``Last, First``
    alone, and ``First Last, First Last, and First Last`` lists (arXiv) are all understood.
    """
    if not s or not s.strip():
        return []
    s = " ".join(s.split())
    if ";" in s:
        return [person(p) for p in s.split(";") if p.strip()]
    by_and = [p for p in re.split(r"\s+and\s+", s) if p.strip()]
    if len(by_and) > 1 and ", and " not in s and all(_one_name(p) for p in by_and):
        return [person(p) for p in by_and if p.strip().lower() not in _NOT_NAMES]
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", s) if p.strip()]
    if _looks_inverted(parts):
        return [person(s)]
    return [latex_to_text(p) for p in parts if p.lower() not in _NOT_NAMES]


def people(values: Iterable[object]) -> list[str]:
    """Names from a list of strings or of objects such as ``{"family", "given"}`` (CSL), ``{"name"}``
    (Semantic Scholar, Hugging Face), ``{"author": {"display_name"}}`` (OpenAlex) or ``{"lastName", "firstName"}``
    (Zotero), in order; unnamed entries are skipped."""
    out: list[str] = []
    for v in values:
        if isinstance(v, str):
            out.append(person(v) if v.count(",") == 1 else v.strip())
        elif isinstance(v, dict):
            inner = v.get("author") if isinstance(v.get("author"), dict) else v
            assert isinstance(inner, dict)
            full = inner.get("display_name") or inner.get("name") or inner.get("literal") or inner.get("raw_name")
            if isinstance(full, str) and full.strip():
                out.append(person(full) if full.count(",") == 1 else full.strip())
                continue
            first = inner.get("given") or inner.get("firstName") or inner.get("first") or ""
            last = inner.get("family") or inner.get("lastName") or inner.get("last") or ""
            name = f"{first} {last}".strip()
            if name:
                out.append(latex_to_text(name))
    return [n for n in out if n]
