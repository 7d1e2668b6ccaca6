"""What digests and reports share: the shown paper (:class:`Item`), a paper's day, ISO weeks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from paperradar.models import Paper
from paperradar.relevance import Scored
from paperradar.store import Store
from paperradar.summarize import Summary, ensure_summaries

OTHER = "other"


@dataclass
class Item:
    """One paper in a digest or report, with everything shown about it."""

    paper: Paper
    score: float
    explanation: str
    summary: Summary
    status: str = "new"  # new | updated
    topic_id: str = OTHER
    topic: str = "Other"
    why: str = ""

    @property
    def url(self) -> str:
        """arXiv abstract page (or the paper's own link)."""
        p = self.paper
        if p.id and not p.id.startswith("title:"):
            return f"https://arxiv.org/abs/{p.id}"
        return next(iter(p.links.values()), "")


def paper_day(p: Paper) -> str:
    """The date a paper belongs to: announced, else published, else when it was first stored."""
    return (p.announced or p.published or p.extra.get("first_seen", "") or "")[:10]


def week_range(week: str) -> tuple[str, str]:
    """'2025-W20' -> ('2025-05-12', '2025-05-18')."""
    m = re.fullmatch(r"(\d{4})-W(\d{1,2})", week)
    if not m:
        raise ValueError(f"not an ISO week: {week!r} (use e.g. 2025-W20)")
    start = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    return start.isoformat(), (start + timedelta(days=6)).isoformat()


def week_of(day: str) -> str:
    """The ISO week of a YYYY-MM-DD date, as 2025-W20."""
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


def period_key(date_from: str, date_to: str) -> str:
    """'2025-W23' when the range is exactly one ISO week, else 'FROM..TO'."""
    start = date.fromisoformat(date_from)
    if start.isoweekday() == 1 and date.fromisoformat(date_to) == start + timedelta(days=6):
        return week_of(date_from)
    return f"{date_from}..{date_to}"


def make_items(
    store: Store, scored: Sequence[Scored], topic_of: dict[str, tuple[str, str]], llm: object = None
) -> list[Item]:
    """Items for scored papers, with their summaries and (topic id, topic name) from ``topic_of``."""
    summaries = ensure_summaries(store, [s.id for s in scored], llm=llm)
    papers = {p.id: p for p in store.papers.iter([s.id for s in scored])}
    out = []
    for s in scored:
        tid, name = topic_of.get(s.id, (OTHER, "Other"))
        out.append(
            Item(papers[s.id], s.score, s.explanation, summaries[s.id], store.papers.status(s.id) or "new", tid, name)
        )
    return out


__all__ = ["OTHER", "Item", "make_items", "paper_day", "period_key", "week_of", "week_range"]
