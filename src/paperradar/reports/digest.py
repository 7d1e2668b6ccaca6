"""The daily digest: a day's relevant papers a reader has not seen, grouped under topic headings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperradar.embed import Embedder
from paperradar.memo import Caches
from paperradar.relevance import Profile, score_papers
from paperradar.reports.common import OTHER, Item, make_items
from paperradar.store import Store
from paperradar.topics.anchors import anchors_from
from paperradar.topics.registry import group_week


@dataclass
class Group:
    """Papers of one topic."""

    topic_id: str
    label: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Digest:
    """A day's relevant papers for one reader, best first, grouped by topic."""

    day: str
    interest: str
    reader: str
    groups: list[Group] = field(default_factory=list)
    considered: int = 0

    @property
    def items(self) -> list[Item]:
        """All items, in display order."""
        return [i for g in self.groups for i in g.items]


def _group(items: list[Item]) -> list[Group]:
    groups: dict[str, Group] = {}
    for it in items:
        groups.setdefault(it.topic_id, Group(it.topic_id, it.topic)).items.append(it)
    return sorted(groups.values(), key=lambda g: (g.topic_id == OTHER, -max(i.score for i in g.items)))


def day_topics(store: Store, profile: Any, ids: list[str], embedder: Any) -> dict[str, tuple[str, str]]:
    """paper id -> (topic id, heading) for a day's relevant papers: grouped like a week (anchored to the
    profile's sub-areas, sized for a reader) and named as the interest's tracked topics when they continue one.
    Reads the registry, writes nothing."""
    from paperradar.embed import ensure_embeddings

    ensure_embeddings(store, embedder, ids)
    have, matrix = store.embeddings.matrix(embedder.name, ids)
    papers = {p.id: p for p in store.papers.iter(have)}
    known = store.topics.registry.topics(profile.name, embedder.name)
    counter = iter(range(1, 10**6))
    topics, assignment = group_week(
        [papers[i] for i in have],
        matrix,
        anchors=anchors_from(profile.sub_areas, embedder, profile.sub_area_gates),
        known=known,
        new_id=lambda: f"d{next(counter)}",
    )
    names = {t.id: t.name for t in topics}
    return {pid: (tid, names.get(tid, "Other")) for pid, tid in assignment.items()}


def build_digest(
    store: Store,
    day: str,
    profile: Profile,
    *,
    embedder: Embedder,
    reader: str = "default",
    owner: str | None = None,
    mark: bool = False,
    llm: object = None,
    caches: Caches | None = None,
) -> Digest:
    """The day's relevant papers this reader has not seen (or has seen in an older version), grouped by topic.

    With ``mark`` the listed papers join the reader's seen-set, so tomorrow's digest will not repeat them.
    ``owner`` (a multi-user account) selects that user's feedback.
    """
    day_papers = [p.id for p in store.papers.select(date_from=day, date_to=day) if p.id]
    digest = Digest(day, profile.name, reader, considered=len(day_papers))
    if not day_papers:
        return digest
    scored = [
        s
        for s in score_papers(store, profile, day_papers, embedder=embedder, reader=owner, caches=caches)
        if s.relevant
    ]
    seen = store.seen.seen(reader)
    versions = {p.id: p.version for p in store.papers.iter([s.id for s in scored])}
    scored = [s for s in scored if s.id not in seen or (versions.get(s.id) or 0) > (seen[s.id] or 0)]
    if not scored:
        return digest
    topic_of = day_topics(store, profile, [s.id for s in scored], embedder)
    digest.groups = _group(make_items(store, scored, topic_of, llm))
    if mark:
        mark_shown(store, digest)
    return digest


def mark_shown(store: Store, digest: Digest) -> None:
    """Record the digest's papers as shown to its reader."""
    store.seen.mark(digest.reader, [(i.paper.id or "", i.paper.version) for i in digest.items], digest.day)


__all__ = ["Digest", "Group", "build_digest", "day_topics", "mark_shown"]
