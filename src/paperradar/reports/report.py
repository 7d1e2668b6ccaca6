"""The weekly (or any period's) trend report, built in stages that can each be called alone:

1. :func:`score_period` — the period's papers and the ones relevant to the interest;
2. :func:`topics_for` — the relevant papers grouped into tracked topics of the registry, with counts for the
   earlier weeks (weeks in the database that were never grouped are grouped first, oldest first);
3. :func:`synthesize` — a grounded paragraph per topic, noteworthy papers with their reasons, introduction and
   conclusion;
4. :func:`verify` — every number and name of the rendered report is in a cited paper or was computed here, and
   every cited paper is one of the report's.

:func:`build_report` runs the four and raises :class:`ReportError` when the last one fails, so every report it
returns has been verified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from paperradar.embed import Embedder
from paperradar.errors import ReportError
from paperradar.memo import Caches
from paperradar.relevance import Profile, Scored, score_papers
from paperradar.reports.common import OTHER, Item, make_items, period_key
from paperradar.reports.synthesis import (
    CitedClaim,
    change_sentence,
    noteworthy_reason,
    paper_claims,
    speaks_of,
    topic_paragraph,
)
from paperradar.store import Store
from paperradar.summarize import check_grounded
from paperradar.topics.anchors import anchors_from
from paperradar.topics.registry import WeekTopic, track_week


@dataclass
class ReportTopic:
    """One tracked topic in a report: registry id, name, description, counts per week, trend, synthesis."""

    id: str
    name: str
    description: str
    theme: str
    count: int
    weeks: list[tuple[str, int]]  # earlier weeks in the database (oldest first), then this period
    trend: str  # new | rising | falling | steady | "" (no earlier week to compare with)
    items: list[Item] = field(default_factory=list)
    synthesis: str = ""
    cited: list[str] = field(default_factory=list)
    claims: list[CitedClaim] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)

    @property
    def previous(self) -> list[int]:
        """Counts of the earlier weeks, oldest first."""
        return [n for _w, n in self.weeks[:-1]]

    @property
    def label(self) -> str:
        """The topic's name (the chart and older templates call it a label)."""
        return self.name

    @property
    def topic_id(self) -> str:
        """The registry id (older name)."""
        return self.id


@dataclass
class Period:
    """What :func:`score_period` returns: every paper id of the period and the relevant ones, best first."""

    date_from: str
    date_to: str
    key: str
    all_ids: list[str]
    relevant: list[Scored]


@dataclass
class PeriodTopics:
    """What :func:`topics_for` returns: the period's topics, paper -> topic, and the earlier weeks' counts."""

    topics: list[WeekTopic]
    assignment: dict[str, str]
    history: list[tuple[str, dict[str, int]]]  # earlier weeks that have papers in the database, oldest first
    empty_weeks: list[str] = field(default_factory=list)  # earlier weeks with no paper in the database


@dataclass
class Report:
    """A trend report as data; :mod:`paperradar.render` turns it into Markdown, HTML or JSON."""

    title: str
    period: str
    date_from: str
    date_to: str
    interest: str
    introduction: str
    topics: list[ReportTopic]
    noteworthy: list[Item]
    conclusion: str
    total_papers: int
    relevant_papers: int
    history: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (week, topic id -> count), + this
    other: list[Item] = field(default_factory=list)  # relevant papers of no topic
    computed: set[str] = field(default_factory=set)  # numbers this module computed (counts, weeks, scores)

    @property
    def trends(self) -> list[ReportTopic]:
        """The topics, largest first (older name)."""
        return self.topics

    @property
    def rising(self) -> list[ReportTopic]:
        """Topics new or rising against the earlier weeks."""
        return [t for t in self.topics if t.trend in ("new", "rising")]

    @property
    def falling(self) -> list[ReportTopic]:
        """Topics falling against the earlier weeks."""
        return [t for t in self.topics if t.trend == "falling"]

    @property
    def themes(self) -> list[tuple[str, list[ReportTopic]]]:
        """Topics grouped by theme (the profile sub-area they are anchored to), largest theme first."""
        out: dict[str, list[ReportTopic]] = {}
        for t in self.topics:
            out.setdefault(t.theme, []).append(t)
        return sorted(out.items(), key=lambda kv: (kv[0] == OTHER_THEME, -sum(t.count for t in kv[1])))

    @property
    def cited(self) -> list[Item]:
        """Every paper the report mentions."""
        seen: dict[str, Item] = {}
        for t in self.topics:
            for i in t.items:
                seen.setdefault(i.paper.id or "", i)
        for i in self.noteworthy:
            seen.setdefault(i.paper.id or "", i)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        """The report's structure for other tools (what ``paperradar report --format json`` prints)."""

        def paper(i: Item) -> dict[str, Any]:
            return {
                "id": i.paper.id,
                "title": i.paper.title,
                "url": i.url,
                "score": round(i.score, 4),
                "claim": i.summary.headline,
                "summary": i.summary.bullets,
            }

        return {
            "title": self.title,
            "period": self.period,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "interest": self.interest,
            "total_papers": self.total_papers,
            "relevant_papers": self.relevant_papers,
            "introduction": self.introduction,
            "conclusion": self.conclusion,
            "weeks": [w for w, _c in self.history],
            "topics": [
                {
                    "id": t.id,
                    "name": t.name,
                    "description": t.description,
                    "theme": t.theme,
                    "count": t.count,
                    "counts_per_week": [{"week": w, "papers": n} for w, n in t.weeks],
                    "trend": t.trend or None,
                    "synthesis": t.synthesis,
                    "cited_papers": t.cited,
                    "claims": [
                        {"paper": c.paper_id, "method": c.method, "claim": c.claim, "sentence": c.sentence}
                        for c in t.claims
                    ],
                    "papers": [paper(i) for i in t.items],
                }
                for t in self.topics
            ],
            "noteworthy": [{**paper(i), "topic": i.topic, "reason": i.why} for i in self.noteworthy],
            "other_papers": [paper(i) for i in self.other],
        }


OTHER_THEME = "Other directions"


def score_period(
    store: Store, date_from: str, date_to: str, profile: Profile, *, embedder: Embedder, caches: Caches | None = None
) -> Period:
    """Stage 1: the papers dated within [date_from, date_to] and those relevant to ``profile``, best first."""
    all_ids = [p.id for p in store.papers.select(date_from=date_from, date_to=date_to) if p.id]
    relevant = (
        [s for s in score_papers(store, profile, all_ids, embedder=embedder, caches=caches) if s.relevant]
        if all_ids
        else []
    )
    return Period(date_from, date_to, period_key(date_from, date_to), all_ids, relevant)


def _earlier_windows(date_from: str, weeks: int) -> list[tuple[str, str]]:
    start = date.fromisoformat(date_from)
    out = []
    for k in range(weeks, 0, -1):
        a = start - timedelta(days=7 * k)
        out.append((a.isoformat(), (a + timedelta(days=6)).isoformat()))
    return out


def _track(store: Store, period: Period, profile: Profile, embedder: Any) -> tuple[list[WeekTopic], dict[str, str]]:
    ids = [s.id for s in period.relevant]
    if not ids:
        store.topics.registry.save_week(profile.name, period.key, embedder.name, [], {})
        return [], {}
    from paperradar.embed import ensure_embeddings

    ensure_embeddings(store, embedder, ids)
    have, matrix = store.embeddings.matrix(embedder.name, ids)
    papers = {p.id: p for p in store.papers.iter(have)}
    anchors = anchors_from(profile.sub_areas, embedder, profile.sub_area_gates)
    return track_week(
        store, profile.name, period.key, [papers[i] for i in have], matrix, embedder.name, anchors=anchors
    )


def topics_for(
    store: Store,
    period: Period,
    profile: Profile,
    *,
    embedder: Embedder,
    history_weeks: int = 4,
    caches: Caches | None = None,
) -> PeriodTopics:
    """Stage 2: the period's relevant papers as tracked topics, and the topic counts of up to ``history_weeks``
    earlier weeks. An earlier week that has papers in the database but was never grouped is grouped (and
    recorded) first, oldest first, so a topic that continues keeps its id and name."""
    registry = store.topics.registry
    history: list[tuple[str, dict[str, int]]] = []
    empty: list[str] = []
    built = registry.built(profile.name)
    for a, b in _earlier_windows(period.date_from, history_weeks):
        key = period_key(a, b)
        if key not in built:
            earlier = score_period(store, a, b, profile, embedder=embedder, caches=caches)
            if not earlier.all_ids:
                empty.append(key)
                continue
            _track(store, earlier, profile, embedder)
        elif next(iter(store.papers.select(date_from=a, date_to=b, limit=1)), None) is None:
            empty.append(key)
            continue
        history.append((key, registry.counts(profile.name, [key])[key]))
    topics, assignment = _track(store, period, profile, embedder)
    return PeriodTopics(topics, assignment, history, empty)


def _trend(count: int, previous: Sequence[int]) -> str:
    if not previous:
        return ""
    if not any(previous):
        return "new"
    avg = sum(previous) / len(previous)
    if count >= avg * 1.5 and count - avg >= 2:
        return "rising"
    if count <= avg * 0.5 and avg - count >= 2:
        return "falling"
    return "steady"


def _liked_similarity(store: Store, profile: Profile, items: Sequence[Item], embedder: Any) -> dict[str, float]:
    liked = [pid for pid, v in store.feedback.of_profile(profile.name).items() if v == "like"]
    if not liked or not items:
        return {}
    _ids, likes = store.embeddings.matrix(embedder.name, liked)
    have, vectors = store.embeddings.matrix(embedder.name, [i.paper.id or "" for i in items])
    if not len(likes) or not len(vectors):
        return {}
    best = (vectors @ likes.T).max(axis=1)
    return {pid: float(s) for pid, s in zip(have, best, strict=True)}


def synthesize(
    store: Store,
    period: Period,
    grouped: PeriodTopics,
    profile: Profile,
    *,
    embedder: Any = None,
    llm: Any = None,
    max_topics: int = 8,
    noteworthy: int = 6,
) -> Report:
    """Stage 3: the report's prose and structure from the scored period and its topics."""
    names = {t.id: t.name for t in grouped.topics}
    anchor_names = {a.key: a.name for a in anchors_from(profile.sub_areas)}
    topic_of = {pid: (tid, names.get(tid, "Other")) for pid, tid in grouped.assignment.items()}
    items = make_items(store, period.relevant, topic_of, llm) if period.relevant else []
    by_topic: dict[str, list[Item]] = {}
    for it in items:
        by_topic.setdefault(it.topic_id, []).append(it)
    known_weeks = len(grouped.history)
    topics: list[ReportTopic] = []
    for t in grouped.topics:
        members = by_topic.get(t.id, [])
        if not members:
            continue
        previous = [counts.get(t.id, 0) for _w, counts in grouped.history]
        theme = anchor_names.get(t.anchor or "", OTHER_THEME)
        rt = ReportTopic(
            t.id,
            t.name,
            t.description,
            theme,
            len(members),
            [*((w, n) for (w, _c), n in zip(grouped.history, previous, strict=True)), (period.key, len(members))],
            _trend(len(members), previous),
            members,
            keyphrases=t.keyphrases,
        )
        rt.synthesis, rt.cited, rt.claims = topic_paragraph(t.name, members)
        topics.append(rt)
    topics.sort(key=lambda t: -t.count)
    major, minor = topics[:max_topics], topics[max_topics:]
    other = by_topic.get(OTHER, []) + [i for t in minor for i in t.items]
    # noteworthy: the best paper of each leading topic, with the reason it matters
    liked = _liked_similarity(store, profile, items, embedder)
    picks = [_noteworthy(rt, liked) for rt in major[:noteworthy]]
    label = period.key if re.fullmatch(r"\d{4}-W\d{2}", period.key) else f"{period.date_from} to {period.date_to}"
    lead = major[0].name if major else "no clear leader"
    title = f"{profile.name.capitalize()} research radar — {label}: {lead}"
    introduction, conclusion = _intro_and_conclusion(period, major, known_weeks, profile.name, label)
    if llm is not None and major:
        facts = introduction + "\n" + "\n".join(f"- {t.name} ({t.count} papers): {t.synthesis}" for t in major)
        allowed = {i.paper.id or "" for t in major for i in t.items}
        proposed = llm.prose(facts, allowed, [f"{i.paper.title} {i.paper.abstract}" for i in items])
        introduction = proposed or introduction
    history = [*grouped.history, (period.key, {t.id: t.count for t in topics})]
    computed = (
        {str(len(period.all_ids)), str(len(items)), str(len(major)), str(known_weeks), str(len(grouped.history))}
        | {str(t.count) for t in topics}
        | {str(len(t.items) - 5) for t in topics if len(t.items) > 5}  # "and N more"
        | {str(len(other))}
        | {str(n) for t in topics for _w, n in t.weeks}
        | {str(sum(t.count for t in ts)) for _th, ts in _themes(major)}
        | {f"{i.score:.2f}" for i in items}
        | {f"{v:.2f}" for v in liked.values()}
    )
    return Report(
        title,
        period.key,
        period.date_from,
        period.date_to,
        profile.name,
        introduction,
        major,
        picks,
        conclusion,
        len(period.all_ids),
        len(items),
        history,
        other,
        computed,
    )


def _noteworthy(topic: ReportTopic, liked: dict[str, float]) -> Item:
    """The paper of a topic a reader should open first, with the reason: a survey of the topic, else the paper
    closest to the reader's likes (when close), else the largest reported gain, else the most relevant one."""
    # a score reached ("97% accuracy") or a gain in quality ("10X lower MSEs") is no gain in cost
    gains = [c for c in topic.claims or paper_claims(topic.items) if c.kind not in ("level", "quality")]
    claims = sorted(gains, key=lambda c: (c.kind == "times", c.value), reverse=True)
    survey = next(
        (
            i
            for i in topic.items
            if re.search(r"\b(survey|review|overview)\b", i.paper.title, re.I) and speaks_of(topic.name, i.paper.title)
        ),
        None,
    )  # a survey of this topic, not "DeepSeek in Healthcare: A Survey" under Efficient reasoning
    closest = max(topic.items, key=lambda i: liked.get(i.paper.id or "", -1.0)) if liked else None
    best_claim, similarity = None, None
    if survey is not None:
        pick = survey
    elif closest is not None and liked.get(closest.paper.id or "", 0.0) >= 0.6:
        pick, similarity = closest, liked[closest.paper.id or ""]
    elif claims:
        best_claim = claims[0]
        pick = next(i for i in topic.items if i.paper.id == best_claim.paper_id)
    else:
        pick = topic.items[0]
    pick.why = noteworthy_reason(
        pick, topic.name, best_claim=best_claim, new_topic=topic.trend == "new", liked_similarity=similarity
    )
    return pick


def _themes(topics: Sequence[ReportTopic]) -> list[tuple[str, list[ReportTopic]]]:
    out: dict[str, list[ReportTopic]] = {}
    for t in topics:
        out.setdefault(t.theme, []).append(t)
    return sorted(out.items(), key=lambda kv: (kv[0] == OTHER_THEME, -sum(t.count for t in kv[1])))


def _names(topics: Sequence[ReportTopic]) -> str:
    names = [t.name for t in topics]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _in_prose(name: str) -> str:
    """A name inside a sentence: lower case except its acronyms and names ("token-efficient LLM pipelines")."""
    return " ".join(w if re.search(r"[A-Z]", w[1:]) else w.lower() for w in name.split())


def _phrases(t: ReportTopic) -> str:
    """The topic's shared phrases other than its name, as a list for prose."""
    words = set(t.name.lower().split())
    out = [
        p.lower() if not re.search(r"[A-Z]{2}", p) else p for p in t.keyphrases if not set(p.lower().split()) <= words
    ]
    out = out[:3]
    return "" if not out else (out[0] if len(out) == 1 else ", ".join(out[:-1]) + " and " + out[-1])


def _intro_and_conclusion(
    period: Period, major: Sequence[ReportTopic], known_weeks: int, interest: str, label: str
) -> tuple[str, str]:
    n_rel, n_all = len(period.relevant), len(period.all_ids)
    if not major:
        intro = f"{n_rel} of the {n_all} papers of {label} were relevant to '{interest}'; no topic formed."
        return intro, "Nothing in this period grouped into a topic."
    themes = _themes(major)
    about = []
    for theme, ts in themes[:3]:
        count = sum(t.count for t in ts)
        inner = _names(ts[:3])
        about.append(
            f"{_in_prose(theme) if theme != OTHER_THEME else 'other directions'} ({count} papers: {inner})"
            if inner.lower() != theme.lower()
            else f"{_in_prose(theme)} ({count} papers)"
        )
    lead = major[0]
    intro = (
        f"{n_rel} of the {n_all} papers of {label} were relevant to '{interest}'. The week was mostly about "
        + (about[0] if len(about) == 1 else ", ".join(about[:-1]) + " and " + about[-1])
        + f". The largest topic was {lead.name} ({lead.count} papers)"
        + (f", whose papers share {_phrases(lead)}." if _phrases(lead) else ".")
    )
    new = [t.name for t in major if t.trend == "new"]
    rising = [t.name for t in major if t.trend == "rising"]
    falling = [t.name for t in major if t.trend == "falling"]
    change = change_sentence(rising, falling, new, known_weeks)
    strongest = sorted((c for t in major for c in t.claims if c.kind == "times"), key=lambda c: c.value, reverse=True)[
        :2
    ]
    results = (
        " The strongest reported results: " + " and ".join(f"{c.claim} ({c.method})" for c in strongest) + "."
        if strongest
        else ""
    )
    conclusion = change + results
    return intro, conclusion


def verify(report: Report, text: str | None = None) -> list[str]:
    """Stage 4: problems in the rendered report (Markdown when no ``text``): numbers and names found in no cited
    paper nor computed, and cited papers that are not the report's."""
    if text is None:
        from paperradar.render import render

        text = render(report, "markdown")
    sources = [f"{i.paper.title} {i.paper.abstract} {' '.join(i.summary.bullets)}" for i in report.cited]
    sources += [f"{i.paper.title} {i.paper.abstract}" for i in report.other]
    sources.append(" ".join(sorted(report.computed)))
    # topic names and descriptions are phrases the topic model took from the papers' own text
    sources.append(" ".join(f"{t.name} {t.description} {t.theme}" for t in report.topics))
    sources.append(" ".join(w for w, _c in report.history))
    sources.append(f"{report.period} {report.date_from} {report.date_to} {report.title} {report.interest}")
    claims = re.sub(r"https?://[^\s)\"'<>]+", " ", text)  # links are not claims
    claims = re.sub(r"(?m)^\s*\d+\.\s", "", claims)  # nor the numbers of a numbered list
    problems = check_grounded(claims, sources)
    allowed = {i.paper.id for i in report.cited} | {i.paper.id for i in report.other}
    for pid in re.findall(r"arxiv\.org/abs/([\w./-]+?)(?=[)\s\"'<]|$)", text):
        if pid not in allowed:
            problems.append(f"cites {pid}, which is not among the report's papers")
    for t in report.topics:
        for pid in t.cited:
            if pid not in {i.paper.id for i in t.items}:
                problems.append(f"topic {t.name!r} cites {pid}, which is not one of its papers")
    return problems


def build_report(
    store: Store,
    date_from: str,
    date_to: str,
    profile: Profile,
    *,
    embedder: Embedder,
    period: str = "",
    history_weeks: int = 4,
    llm: Any = None,
    caches: Caches | None = None,
) -> Report:
    """The verified trend report of [date_from, date_to] for an interest: :func:`score_period`, then
    :func:`topics_for` (against ``history_weeks`` earlier weeks), :func:`synthesize` and :func:`verify`.

    Raises :class:`ReportError` when verification finds a problem (a report is never returned unverified)."""
    scored = score_period(store, date_from, date_to, profile, embedder=embedder, caches=caches)
    if period:
        scored.key = period
    grouped = topics_for(store, scored, profile, embedder=embedder, history_weeks=history_weeks, caches=caches)
    report = synthesize(store, scored, grouped, profile, embedder=embedder, llm=llm)
    problems = verify(report)
    if problems:
        raise ReportError(f"the report of {report.period} failed its grounding check: {'; '.join(problems[:3])}")
    return report


__all__ = [
    "OTHER_THEME",
    "Period",
    "PeriodTopics",
    "Report",
    "ReportError",
    "ReportTopic",
    "build_report",
    "score_period",
    "synthesize",
    "topics_for",
    "verify",
]
