"""Hugging Face daily papers (huggingface.co/api/daily_papers): the community's picks of the day, with upvotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from paperradar.models import Paper, Rejected
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import iso_date


def _paper(entry: dict[str, Any], origin: str, n: int) -> Item:
    p = entry.get("paper", entry)
    if not isinstance(p, dict):
        return Rejected(f"entry {n}", "entry has no paper object", orjson.dumps(entry).decode()[:10000])
    title = (p.get("title") or entry.get("title") or "").strip()
    if not p.get("id") or not title:
        return Rejected(f"entry {n}", "paper without id or title", orjson.dumps(entry).decode()[:10000])
    authors = [a.get("name", "") for a in p.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    daily = p.get("submittedOnDailyAt") or entry.get("publishedAt")
    extra = {
        k: v
        for k, v in {
            "upvotes": p.get("upvotes"),
            "num_comments": entry.get("numComments"),
            "ai_summary": p.get("ai_summary"),
            "ai_keywords": p.get("ai_keywords"),
            "github": p.get("githubRepo"),
            "hf_daily": (daily or "")[:10] or None,
        }.items()
        if v not in (None, "", [])
    }
    return Paper(
        id=str(p["id"]),
        title=title,
        abstract=p.get("summary") or entry.get("summary") or "",
        authors=authors,
        published=iso_date(p.get("publishedAt")),
        announced=(daily or "")[:10] or None,
        links={"hf": f"https://huggingface.co/papers/{p['id']}"},
        source=f"hf-daily:{origin}",
        extra=extra,
        raw=entry,
    )


def parse(data: bytes, origin: str) -> list[Item]:
    """Parse one daily-papers API response (a JSON list)."""
    try:
        entries = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise SourceError(f"{origin}: not valid JSON ({e})") from e
    if not isinstance(entries, list):
        raise SourceError(f"{origin}: expected a JSON list of daily papers")
    return [
        _paper(e, origin, n) if isinstance(e, dict) else Rejected(f"entry {n}", "not a JSON object", str(e)[:1000])
        for n, e in enumerate(entries, 1)
    ]


@register
class HfDailyPapers(Source):
    """A saved Hugging Face daily papers API response."""

    name = "hf-daily"
    expects = "a JSON array of {paper: ...} objects"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return (
            head.startswith(b"[")
            and b'"paper"' in head
            and (b'"submittedOnDailyAt"' in head or b'"upvotes"' in head or b'"publishedAt"' in head)
        )

    def records(self) -> Iterator[Item]:
        yield from parse(self.data, self.origin)
