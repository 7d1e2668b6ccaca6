"""The daily digest and the weekly trend report, as data (rendering is :mod:`paperradar.render`'s job).

Every figure in a report is either computed here (counts, listed in ``Report.computed``) or quoted from a paper's
own abstract through its summary; every cited paper is one of the report's inputs. ``verify`` checks both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from paperradar.embed import Embedder
from paperradar.memo import Caches
from paperradar.models import Paper
from paperradar.relevance import Profile, Scored, score_papers
from paperradar.store import Store, now_iso
from paperradar.summarize import Summary, check_grounded, ensure_summaries
from paperradar.topics import OTHER, TopicModel, assign_topics


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
        return self.paper.url or ""


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


@dataclass
class TopicTrend:
    """A topic's paper counts this period and in earlier ones."""

    topic_id: str
    label: str
    count: int
    previous: list[int]
    trend: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Report:
    """A weekly (or any period's) trend report."""

    title: str
    period: str
    date_from: str
    date_to: str
    interest: str
    introduction: str
    trends: list[TopicTrend]
    noteworthy: list[Item]
    rising: list[TopicTrend]
    falling: list[TopicTrend]
    conclusion: str
    total_papers: int
    relevant_papers: int
    history: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (period, topic label -> count)
    computed: set[str] = field(default_factory=set)  # numbers this module computed (counts, weeks)

    @property
    def cited(self) -> list[Item]:
        """Every paper the report mentions."""
        seen: dict[str, Item] = {}
        for t in self.trends:
            for i in t.items:
                seen.setdefault(i.paper.id or "", i)
        for i in self.noteworthy:
            seen.setdefault(i.paper.id or "", i)
        return list(seen.values())


def paper_day(p: Paper) -> str:
    """The date a paper belongs to (:attr:`Paper.day`)."""
    return p.day


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


def _items(store: Store, scored: Sequence[Scored], model: TopicModel | None, llm: object = None) -> list[Item]:
    summaries = ensure_summaries(store, [s.id for s in scored], llm=llm)
    papers = {p.id: p for p in store.papers.iter([s.id for s in scored])}
    out = []
    for s in scored:
        p = papers[s.id]
        tid = model.assignment.get(s.id, OTHER) if model else OTHER
        out.append(
            Item(
                p,
                s.score,
                s.explanation,
                summaries[s.id],
                store.papers.status(s.id) or "new",
                tid,
                model.label_of(tid) if model else "Other",
            )
        )
    return out


def _group(items: list[Item]) -> list[Group]:
    groups: dict[str, Group] = {}
    for it in items:
        groups.setdefault(it.topic_id, Group(it.topic_id, it.topic)).items.append(it)
    ordered = sorted(groups.values(), key=lambda g: (g.topic_id == OTHER, -max(i.score for i in g.items)))
    return ordered


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
    week = week_of(day)
    stored = store.topics.of_period(week)
    if all(s.id in stored for s in scored):  # the week's topics are already built: reuse them, write nothing
        model = TopicModel(assignment={pid: tid for pid, (tid, _l) in stored.items()}, labels=dict(stored.values()))
    else:
        model = assign_topics(store, *week_range(week), embedder=embedder, period=week)
    digest.groups = _group(_items(store, scored, model, llm))
    if mark:
        mark_shown(store, digest)
    return digest


def mark_shown(store: Store, digest: Digest) -> None:
    """Record the digest's papers as shown to its reader."""
    store.seen.mark(digest.reader, [(i.paper.id or "", i.paper.version) for i in digest.items], digest.day)


def _trend(count: int, previous: list[int]) -> str:
    prior = [c for c in previous if c is not None]
    if not any(prior):
        return "new"
    avg = sum(prior) / len(prior)
    if count >= avg * 1.5 and count - avg >= 2:
        return "rising"
    if count <= avg * 0.5 and avg - count >= 2:
        return "falling"
    return "steady"


def _claim_strength(s: Summary) -> float:
    if not s.headline:
        return 0.0
    m = re.search(r"\d+(?:\.\d+)?", s.headline)
    v = float(m.group(0)) if m else 0.0
    return min(1.0, (v / 10 if "×" in s.headline or "x" in s.headline.lower() else v / 100) + 0.2)


def build_report(
    store: Store,
    date_from: str,
    date_to: str,
    profile: Profile,
    *,
    embedder: Embedder,
    period: str = "",
    history_weeks: int = 4,
    llm: object = None,
    caches: Caches | None = None,
) -> Report:
    """The trend report of [date_from, date_to]: topics with counts and papers, noteworthy papers, rising and
    falling topics against the ``history_weeks`` weeks before, and the sources behind every claim."""
    period = period or f"{date_from}..{date_to}"
    all_ids = [p.id for p in store.papers.select(date_from=date_from, date_to=date_to) if p.id]
    scored = (
        [s for s in score_papers(store, profile, all_ids, embedder=embedder, caches=caches) if s.relevant]
        if all_ids
        else []
    )
    model = assign_topics(store, date_from, date_to, embedder=embedder, period=period) if scored else TopicModel()
    items = _items(store, scored, model, llm) if scored else []
    # earlier weeks: same clustering, topics matched to this period's by centroid
    start = date.fromisoformat(date_from)
    history: list[tuple[str, dict[str, int]]] = []
    for k in range(history_weeks, 0, -1):
        a = start - timedelta(days=7 * k)
        b = a + timedelta(days=6)
        ids = [p.id for p in store.papers.select(date_from=a.isoformat(), date_to=b.isoformat()) if p.id]
        counts: dict[str, int] = {}
        if ids:
            rel = {s.id for s in score_papers(store, profile, ids, embedder=embedder, caches=caches) if s.relevant}
            m = assign_topics(store, a.isoformat(), b.isoformat(), embedder=embedder, period=week_of(a.isoformat()))
            for pid, tid in m.assignment.items():
                if pid in rel:
                    counts[tid] = counts.get(tid, 0) + 1
        history.append((week_of(a.isoformat()), counts))
    groups = _group(items)
    trends = []
    for g in groups:
        if g.topic_id == OTHER:
            continue
        prev = [h.get(g.topic_id, 0) for _w, h in history]
        trends.append(
            TopicTrend(
                g.topic_id, g.label, len(g.items), prev, _trend(len(g.items), prev) if history else "new", g.items[:5]
            )
        )
    trends.sort(key=lambda t: -t.count)
    for it in items:
        novelty = 1.0 if next((t.trend for t in trends if t.topic_id == it.topic_id), "new") == "new" else 0.5
        it.why = _why(it)
        it.score_rank = 0.6 * it.score + 0.25 * _claim_strength(it.summary) + 0.15 * novelty  # type: ignore[attr-defined]
    noteworthy = sorted(items, key=lambda i: -i.score_rank)[:5]  # type: ignore[attr-defined]
    major = trends[:6]
    computed = (
        {str(len(all_ids)), str(len(items))}
        | {str(t.count) for t in trends}
        | {str(c) for t in trends for c in t.previous}
        | {str(len(major)), str(history_weeks)}
        | {f"{i.score:.2f}" for i in items}
    )
    label = period if re.fullmatch(r"\d{4}-W\d{2}", period) else f"{date_from} to {date_to}"
    lead = major[0].label if major else "no clear leader"
    title = f"{profile.name.capitalize()} research radar — {label}: {lead}"
    intro = f"{len(items)} of the {len(all_ids)} papers of {label} were relevant to '{profile.name}'. " + (
        f"They fall into {len(major)} main topics, led by {', '.join(t.label for t in major[:3])}."
        if major
        else "No topic stood out."
    )
    if llm is not None and major:
        facts = (
            intro
            + "\n"
            + "\n".join(
                f"- {t.label}: {t.count} papers; e.g. {i.paper.id}: {i.paper.title}. {' '.join(i.summary.bullets[:2])}"
                for t in major
                for i in t.items[:2]
            )
        )
        allowed = {i.paper.id or "" for t in major for i in t.items}
        intro = llm.prose(facts, allowed, [f"{i.paper.title} {i.paper.abstract}" for i in items]) or intro  # type: ignore[attr-defined]
    rising = [t for t in trends if t.trend in ("rising", "new")][:5]
    falling = [t for t in trends if t.trend == "falling"][:5]
    conclusion = (
        (
            f"The period's weight sits on {lead}"
            + (f", with {', '.join(t.label for t in rising[:2])} gaining ground" if rising else "")
            + (f", while {', '.join(t.label for t in falling[:2])} slowed" if falling else "")
            + ". The noteworthy papers above are the ones to read first."
        )
        if major
        else "Nothing relevant appeared in this period."
    )
    report = Report(
        title,
        period,
        date_from,
        date_to,
        profile.name,
        intro,
        major,
        noteworthy,
        rising,
        falling,
        conclusion,
        len(all_ids),
        len(items),
        [*history, (week_of(date_from), {t.topic_id: t.count for t in trends})],
        computed,
    )
    return report


def _why(it: Item) -> str:
    parts = []
    if it.summary.headline:
        parts.append(f"claims {it.summary.headline}")
    parts.append(f"relevance {it.score:.2f}")
    if it.status == "updated":
        parts.append("updated version")
    return "; ".join(parts)


def verify(report: Report, text: str) -> list[str]:
    """Problems in a rendered report: numbers not in any cited abstract nor computed, unknown cited papers."""
    sources = [f"{i.paper.title} {i.paper.abstract} {' '.join(i.summary.bullets)}" for i in report.cited]
    sources.append(" ".join(sorted(report.computed)))
    # topic labels are phrases taken from the period's abstracts by the topic model (c-TF-IDF)
    sources.append(" ".join(t.label for t in report.trends + report.rising + report.falling))
    sources.append(f"{report.period} {report.date_from} {report.date_to} {report.title}")
    claims = re.sub(r"https?://[^\s)\"'<>]+", " ", text)  # links are not claims
    claims = re.sub(r"(?m)^\s*\d+\.\s", "", claims)  # nor the numbers of a numbered list
    problems = check_grounded(claims, sources)
    allowed = {i.paper.id for i in report.cited}
    for pid in re.findall(r"arxiv\.org/abs/([\w./-]+?)(?=[)\s\"'<]|$)", text):
        if pid not in allowed:
            problems.append(f"cites {pid}, which is not among the report's papers")
    return problems


__all__ = [
    "Digest",
    "Group",
    "Item",
    "Report",
    "TopicTrend",
    "build_digest",
    "build_report",
    "mark_shown",
    "now_iso",
    "paper_day",
    "verify",
    "week_of",
    "week_range",
]
