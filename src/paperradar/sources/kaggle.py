"""The Kaggle arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json): one JSON object a line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paperradar.models import Paper, Version
from paperradar.sources.base import Item, Source, register
from paperradar.sources.jsonl import json_lines
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors


def _authors(obj: dict[str, Any]) -> list[str]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for a in parsed:
            if isinstance(a, list) and a:
                last, first = a[0], a[1] if len(a) > 1 else ""
                suffix = a[2] if len(a) > 2 else ""
                names.append(latex_to_text(" ".join(x for x in (first, last, suffix) if x)))
        return names
    return split_authors(obj.get("authors") or "")


def paper_from_kaggle(obj: dict[str, Any], origin: str) -> Paper:
    """Build a Paper from one snapshot record; raise ValueError when it lacks an id or title."""
    if not obj.get("id") or not (obj.get("title") or "").strip():
        raise ValueError("record without id or title")
    versions = []
    for v in obj.get("versions") or []:
        try:
            versions.append(Version(int(str(v["version"]).lstrip("v")), iso_date(v.get("created"))))
        except (KeyError, ValueError, TypeError):
            continue
    versions.sort(key=lambda v: v.version)
    comment = obj.get("comments") or None
    return Paper(
        id=str(obj["id"]),
        title=latex_to_text(obj["title"]),
        abstract=obj.get("abstract") or "",
        authors=_authors(obj),
        categories=(obj.get("categories") or "").split(),
        versions=versions,
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else iso_date(obj.get("update_date")),
        comment=comment,
        doi=obj.get("doi") or None,
        journal_ref=obj.get("journal-ref") or None,
        source=f"kaggle:{origin}",
        withdrawn=is_withdrawn(comment, (obj.get("abstract") or "")[:300]),
        extra={k: obj[k] for k in ("submitter", "license", "report-no") if obj.get(k)},
        raw=obj,
    )


@register
class KaggleSnapshot(Source):
    """Kaggle/Cornell arXiv snapshot JSONL."""

    name = "kaggle"
    expects = "JSON lines with submitter and authors_parsed"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        first = head.split(b"\n", 1)[0]
        return first.startswith(b"{") and (b'"authors_parsed"' in first or b'"submitter"' in first)

    def records(self) -> Iterator[Item]:
        yield from json_lines(self.data, lambda obj, _line: paper_from_kaggle(obj, self.origin))
