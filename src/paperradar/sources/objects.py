"""Paper objects from JSON with whatever key spellings their tool used.

One reader for the shapes people hand over: ``{title, abstract}`` arrays, JSON Lines, Semantic Scholar Graph API
records (``paperId``, ``externalIds``), OpenAlex works (``display_name``, ``authorships``, an inverted-index
abstract), CSL-JSON (Zotero's "CSL JSON" export: ``author: [{family, given}]``, ``issued.date-parts``), Zotero web API
items (``data.creators``), and API answers that wrap them (``{"data": [...]}``, ``{"results": [...]}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from paperradar.models import Paper, split_arxiv_id
from paperradar.sources.ids import arxiv_id_from_doi, find_arxiv_id, find_doi, people, split_people
from paperradar.sources.text import iso_date

# Keys spelled differently by different tools, in order of preference.
TITLE = ("title", "display_name", "paper_title", "paperTitle", "name")
ABSTRACT = ("abstract", "abstractNote", "abstract_note", "summary", "description", "tldr")
AUTHORS = ("authors", "author", "creators", "authorships", "author_names")
ID = ("arxiv_id", "arxivId", "arXiv", "arxiv", "eprint", "id", "paper_id", "paperId")
URL = ("url", "URL", "link", "abs_url", "pdf_url", "landing_page_url", "html_url")
DOI = ("doi", "DOI")
DATE = ("published", "publicationDate", "publication_date", "date", "issued", "year", "publication_year", "created")
# Lists of paper objects inside an API answer: S2 search/batch ("data"), OpenAlex ("results"), others.
WRAPPERS = ("data", "results", "items", "papers", "records", "entries", "works", "message")
# Keys that mark a JSON object as a paper record of a tool other than paperradar's common JSONL.
FOREIGN_MARKERS = (
    b'"paperId"',
    b'"externalIds"',
    b'"authorships"',
    b'"display_name"',
    b'"abstract_inverted_index"',
    b'"arxivId"',
    b'"arxiv_id"',
    b'"abstractNote"',
    b'"creators"',
    b'"date-parts"',
    b'"container-title"',
    b'"paper_title"',
)


def _first(obj: dict[str, Any], keys: Iterable[str]) -> Any:
    keys = list(keys)
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", [], {}):
            return v
    # spreadsheets turned into JSON capitalize their headers ("Title", "Abstract", "Authors")
    lower = {str(k).lower().replace(" ", "_"): v for k, v in obj.items()}
    for k in keys:
        v = lower.get(k.lower())
        if v not in (None, "", [], {}):
            return v
    return None


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, dict):  # S2's tldr {"model", "text"}
        return _text(v.get("text") or v.get("value") or "")
    if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        return v[0].strip()  # CSL-JSON may give a title as a list
    return ""


def inverted_abstract(index: dict[str, list[int]]) -> str:
    """OpenAlex's ``abstract_inverted_index`` (word -> positions) back to text."""
    positions = [(p, w) for w, ps in index.items() if isinstance(ps, list) for p in ps if isinstance(p, int)]
    return " ".join(w for _, w in sorted(positions))


def _date(v: Any) -> str | None:
    if isinstance(v, dict) and isinstance(v.get("date-parts"), list) and v["date-parts"]:
        parts = [int(x) for x in v["date-parts"][0] if str(x).isdigit()]  # CSL: [[2023, 5, 23]]
        if parts:
            return (
                "-".join([f"{parts[0]:04d}", *(f"{x:02d}" for x in parts[1:3])]) if len(parts) == 3 else str(parts[0])
            )
    if isinstance(v, dict):
        return _date(v.get("raw") or v.get("literal"))
    if isinstance(v, int):
        return str(v) if 1000 < v < 3000 else None
    if isinstance(v, str) and v.strip():
        s = v.strip()
        iso = iso_date(s) if len(s) >= 10 else None
        if iso:
            return iso
        m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", s)
        return m.group(0) if m else None
    return None


def _ids(obj: dict[str, Any]) -> tuple[tuple[str, int | None] | None, str | None]:
    """(arXiv id, DOI) from the record's id fields, external ids, URLs, DOI and venue."""
    ext = obj.get("externalIds") or obj.get("external_ids") or obj.get("ids") or {}
    ext = ext if isinstance(ext, dict) else {}
    ext_lower = {str(k).lower(): v for k, v in ext.items()}
    doi_raw = _first(obj, DOI) or ext_lower.get("doi")
    doi = find_doi(doi_raw) if isinstance(doi_raw, str) else None
    found = None
    arxiv_ext = ext_lower.get("arxiv")
    if isinstance(arxiv_ext, str):
        found = split_arxiv_id(arxiv_ext) or find_arxiv_id(arxiv_ext)
    if found is None:
        for k in ID:
            v = obj.get(k)
            if isinstance(v, str | int) and str(v).strip():
                found = split_arxiv_id(str(v).strip()) or find_arxiv_id(str(v))
                if found:
                    break
    if found is None:
        found = arxiv_id_from_doi(doi)
    if found is None:
        urls = [obj.get(k) for k in URL]
        for loc in obj.get("locations") or []:  # OpenAlex: every place the work is hosted
            if isinstance(loc, dict):
                urls += [loc.get("landing_page_url"), loc.get("pdf_url")]
        extra_fields = [obj.get(k) for k in ("extra", "note", "number", "archiveID", "journal", "venue")]
        found = find_arxiv_id(*(u for u in [*urls, *extra_fields] if isinstance(u, str)))
    return found, doi


def _authors(obj: dict[str, Any]) -> list[str]:
    v = _first(obj, AUTHORS)
    if isinstance(v, str):
        return split_people(v)
    if not isinstance(v, list):
        return []
    values: list[Any] = list(v)
    if obj.get("creators") is v:  # Zotero: editors and contributors are not authors
        values = [c for c in values if not isinstance(c, dict) or c.get("creatorType", "author") == "author"]
    return people(values)


def unwrap(doc: Any) -> list[Any]:
    """The paper objects of a parsed JSON document: an array, a wrapper's list, or one object."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for k in WRAPPERS:
            inner = doc.get(k)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, dict) and k == "message" and isinstance(inner.get("items"), list):
                return list(inner["items"])  # Crossref
        return [doc]
    return []


def paper_from_object(obj: dict[str, Any], source: str) -> Paper:
    """Build a Paper from one paper object of any common shape; raise ValueError naming what is missing."""
    if isinstance(obj.get("data"), dict) and ("key" in obj or "version" in obj):
        obj = {**obj["data"], "_zotero_key": obj.get("key")}  # a Zotero web API item: the fields live in "data"
    if isinstance(obj.get("paper"), dict):
        obj = {**obj, **obj["paper"]}  # HF daily papers / S2 citation wrappers
    title = _text(_first(obj, TITLE))
    found, doi = _ids(obj)
    if not title and not found:
        raise ValueError("missing title (and no arXiv id to complete it from)")
    abstract = _text(_first(obj, ABSTRACT))
    if not abstract and isinstance(obj.get("abstract_inverted_index"), dict):
        abstract = inverted_abstract(obj["abstract_inverted_index"])
    cats = obj.get("categories") or []
    if isinstance(cats, str):
        cats = cats.split()
    published = _date(_first(obj, DATE))
    added = obj.get("dateAdded") or obj.get("date_added") or obj.get("added")
    extra: dict[str, Any] = {"added": str(added)} if added else {}
    if not title or not abstract:
        extra["incomplete"] = [f for f, v in (("title", title), ("abstract", abstract)) if not v]
    url = _first(obj, URL)
    return Paper(
        id=found[0] if found else None,
        version=found[1] if found else None,
        title=title,
        abstract=abstract,
        authors=_authors(obj),
        categories=[str(c) for c in cats if isinstance(c, str)],
        published=published,
        doi=doi,
        journal_ref=_text(obj.get("container-title") or obj.get("venue") or obj.get("journal")) or None,
        links={"url": url} if isinstance(url, str) else {},
        source=source,
        extra=extra,
        raw=obj,
    )
