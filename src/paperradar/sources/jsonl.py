"""The common JSONL format of ../shared/data/corpora: one paper object a line (optionally gzipped)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from paperradar.models import Paper, Rejected, Version
from paperradar.sources.base import Item, Source, register
from paperradar.sources.text import latex_to_text

_VERSION = re.compile(r"v?(\d+)$")


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [s.strip() for s in re.split(r"[,;]\s*|\s+and\s+", v) if s.strip()] if v.strip() else []
    return [str(x).strip() for x in v if str(x).strip()]


def _version(v: Any) -> int | None:
    if v is None or v == "":
        return None
    m = _VERSION.match(str(v).strip())
    return int(m.group(1)) if m else None


def _date(v: Any) -> str | None:
    """Dates arrive as '2025-05-10 00:54:12', '2025-05-10T00:54:12Z' or '2025-05-10'; keep ISO form."""
    if not v:
        return None
    s = str(v).strip().replace(" ", "T", 1)
    return s[:-1] + "+00:00" if s.endswith("Z") else s


def paper_from_common(obj: dict[str, Any], origin: str, raw: str | None = None) -> Paper:
    """Build a Paper from one common-JSONL object; raise ValueError naming the missing field."""
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing title")
    cats = obj.get("categories") or []
    if isinstance(cats, str):
        cats = cats.split()
    version = _version(obj.get("version"))
    published = _date(obj.get("published"))
    versions = [Version(1, published)] if version == 1 and published else []
    return Paper(
        id=str(obj["id"]) if obj.get("id") else None,
        title=latex_to_text(title),
        abstract=obj.get("abstract") or obj.get("summary") or "",
        authors=_as_list(obj.get("authors")),
        categories=[str(c) for c in cats],
        primary_category=obj.get("primary_category") or None,
        published=published,
        updated=_date(obj.get("updated")),
        announced=(str(obj["listing_date"])[:10] if obj.get("listing_date") else None),
        version=version,
        versions=versions,
        comment=obj.get("comment") or None,
        doi=obj.get("doi") or None,
        journal_ref=obj.get("journal_ref") or None,
        source=str(obj.get("source") or origin),
        withdrawn=bool(obj.get("withdrawn", False)),
        raw=raw if raw is not None else obj,
    )


@register
class CommonJsonl(Source):
    """paperradar's common JSONL: ``id, title, abstract, authors, categories, published, source`` per line."""

    name = "jsonl"
    expects = 'one JSON object a line with "title"'

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        if not head.startswith(b"{"):
            return False
        first = head.split(b"\n", 1)[0]
        return b'"title"' in first and b'"submitter"' not in first and b'"authors_parsed"' not in first

    def records(self) -> Iterator[Item]:
        yield from json_lines(self.data, lambda obj, line: paper_from_common(obj, self.origin, line))


def json_lines(data: bytes, build: Callable[[dict[str, Any], str], Paper]) -> Iterator[Item]:
    """One Paper per JSON-object line (built by ``build(obj, line)``), one Rejected per line that fails."""
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            yield build(obj, line.decode("utf-8"))
        except (orjson.JSONDecodeError, ValueError, TypeError, KeyError) as e:
            yield Rejected(f"line {n}", str(e).split("\n")[0][:200], line.decode("utf-8", "replace")[:10000])
