"""Tracked topics: a week's papers grouped into topics of a reader's size, named, and attached to the registry.

:func:`group_week` clusters one week's papers (:func:`.cluster.cluster_papers`, the path ``paperradar topics``
runs: a consensus of Ward's hierarchies on the combined similarity of :mod:`.features`, refined by a classifier),
splits any cluster holding more than ``max_share`` of the week, anchors each cluster to the
profile sub-area most of its papers are closest to, and names it (:mod:`.naming`). Each cluster then attaches to
the registered topic of earlier weeks whose centroid it matches (same id, same name) or opens a new topic.
:func:`track_week` does this for one week of a store and records it, so counts per week come from real history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from paperradar.models import Paper
from paperradar.topics.anchors import Anchor
from paperradar.topics.cluster import WardClusterer, cluster_papers
from paperradar.topics.features import paper_features
from paperradar.topics.labels import label_clusters
from paperradar.topics.naming import choose_name, describe, fits, sentence_case

if TYPE_CHECKING:
    from paperradar.store import Store

OTHER = "other"
MAX_SHARE = 0.3
# embedding-centroid cosine above which a week's cluster continues a registered topic (same-anchor topics get a
# small bonus); measured on consecutive dev weeks, continuing sub-fields sit at 0.80-0.95 and distinct ones below 0.75
MATCH_THRESHOLD = 0.78
ANCHOR_BONUS = 0.04
# a week is clustered by the same 80-run consensus `evaluate.py topics` measures up to this many papers, by a
# smaller one (20 runs) above it: busy weeks (a 5,000-paper report) stay fast
WEEK_CONSENSUS_RUNS = 20
FULL_CONSENSUS_PAPERS = 400


@dataclass
class WeekTopic:
    """One topic in one week: registry id, name, description, anchor key, papers, centroid, phrases."""

    id: str
    name: str
    description: str
    anchor: str | None
    paper_ids: list[str]
    centroid: np.ndarray = field(repr=False)
    keyphrases: list[str] = field(default_factory=list)
    continued: bool = False  # attached to a topic of an earlier week


def _split_large(sim: np.ndarray, labels: np.ndarray, cap: int, min_size: int) -> np.ndarray:
    """Split every cluster larger than ``cap`` in two by Ward's linkage, until none is (or a split would leave a
    side smaller than ``min_size``)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    labels = labels.copy()
    next_label = int(labels.max()) + 1 if len(labels) else 0
    changed = True
    while changed:
        changed = False
        for lab, size in Counter(labels.tolist()).most_common():
            if size <= cap or size < 2 * min_size:
                continue
            rows = np.where(labels == lab)[0]
            d = np.sqrt(np.clip(2.0 - 2.0 * sim[np.ix_(rows, rows)], 0.0, None))
            np.fill_diagonal(d, 0.0)
            halves = fcluster(linkage(squareform(d, checks=False), "ward"), 2, "maxclust")
            if min(np.sum(halves == 1), np.sum(halves == 2)) < min_size:
                continue
            labels[rows[halves == 2]] = next_label
            next_label += 1
            changed = True
            break
    return labels


def _anchor_of(
    rows: np.ndarray, embeddings: np.ndarray, anchors: Sequence[Anchor], papers: Sequence[Paper] = ()
) -> Anchor | None:
    """The anchor most of the cluster's papers are closest to, if at least half of them are. A gated anchor
    (the surveys area) is a candidate only for the papers its gate admits: a cluster of pruning and on-device
    papers is not filed under "Surveys and benchmarks" because their abstracts speak of efficiency in general."""
    usable = [a for a in anchors if a.vector is not None]
    if not usable:
        return None
    matrix = np.stack([a.vector for a in usable])  # type: ignore[misc]
    sims = embeddings[rows] @ matrix.T
    gated = [j for j, a in enumerate(usable) if a.gate is not None]
    if gated and papers:
        for r, i in enumerate(rows.tolist()):
            text = f"{papers[i].title or ''}\n{papers[i].abstract or ''}"
            for j in gated:
                if not usable[j].gate.search(text):  # type: ignore[union-attr]
                    sims[r, j] = -np.inf
    votes = Counter(sims.argmax(axis=1).tolist())
    best, n = votes.most_common(1)[0]
    return usable[best] if n >= 0.5 * len(rows) else None


def continuations(
    clusters: Sequence[tuple[int, np.ndarray, str | None, Sequence[str]]],
    known: Sequence[dict[str, Any]],
    match_threshold: float = MATCH_THRESHOLD,
) -> dict[int, dict[str, Any]]:
    """Which earlier topic each of this week's clusters (papers, centroid, anchor key, texts) continues.

    Each earlier topic continues in at most one cluster and each cluster continues at most one earlier topic,
    chosen so that the most papers continue at the highest similarity (an assignment maximising similarity x
    papers: a 5-paper fragment a little closer to last week's "Efficient attention" does not take the name from
    the 13-paper cluster that is its continuation). A pair counts only above the threshold and while the earlier
    topic's name still fits the cluster's papers (a cluster whose papers drifted from every earlier name forms a
    topic of its own)."""
    candidates = [k for k in known if k.get("centroid") is not None]
    gain = np.zeros((len(clusters), len(candidates)))
    for c, (size, centroid, anchor, texts) in enumerate(clusters):
        for j, k in enumerate(candidates):
            if len(k["centroid"]) != len(centroid):
                continue
            score = float(np.asarray(k["centroid"]) @ centroid) + (
                ANCHOR_BONUS if anchor and k.get("anchor") == anchor else 0.0
            )
            if score >= match_threshold and fits(k["name"], texts):
                gain[c, j] = score * size
    if not gain.size or gain.max() <= 0:
        return {}
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(gain, maximize=True)
    return {int(c): candidates[int(j)] for c, j in zip(rows, cols, strict=True) if gain[c, j] > 0}


def group_week(
    papers: Sequence[Paper],
    embeddings: np.ndarray,
    *,
    anchors: Sequence[Anchor] = (),
    known: Sequence[dict[str, Any]] = (),
    new_id: Callable[[], str] | None = None,
    max_share: float = MAX_SHARE,
    min_topic_papers: int = 3,
    match_threshold: float = MATCH_THRESHOLD,
) -> tuple[list[WeekTopic], dict[str, str]]:
    """Group one week's ``papers`` (rows of unit ``embeddings``) into named topics attached to ``known`` ones.

    ``known`` are registry topics (dicts with id, name, description, anchor, centroid). Returns the week's topics,
    largest first, and paper id -> topic id ("other" for papers of clusters under ``min_topic_papers``)."""
    n = len(papers)
    if n == 0:
        return [], {}
    counter = iter(range(1, 10**9))
    make_id = new_id or (lambda: f"k{next(counter)}")
    texts, features = paper_features(papers, embeddings)
    sim = features.similarity()
    min_size = max(min_topic_papers, min(8, n // 12))
    runs = WardClusterer().runs if n <= FULL_CONSENSUS_PAPERS else WEEK_CONSENSUS_RUNS
    clusterer = WardClusterer(min_cluster_size=min_size, runs=runs)
    # the same path `paperradar topics` and `evaluate.py topics` run: consensus, then the classifier refinement
    labels = cluster_papers(features, clusterer, similarity=sim) if n >= 2 * min_size else np.zeros(n, int)
    if n >= 10:
        labels = _split_large(sim, np.asarray(labels), max(min_size, int(max_share * n)), min_topic_papers)
    phrases = label_clusters(texts, labels, top=8)
    emb = features.embeddings
    clusters = sorted(set(labels.tolist()), key=lambda x: -int(np.sum(labels == x)))
    assignment: dict[str, str] = {}
    used_ids: set[str] = set()
    used_names: set[str] = set()
    out: list[WeekTopic] = []
    kept = []  # (label, rows, centroid, anchor, texts) of the clusters large enough to be topics
    for lab in clusters:
        rows = np.where(labels == lab)[0]
        if len(rows) < min_topic_papers:
            assignment.update({papers[i].id or "": OTHER for i in rows})
            continue
        centroid = emb[rows].mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        kept.append((lab, rows, centroid, _anchor_of(rows, emb, anchors, papers), [texts[i] for i in rows]))
    matches = continuations(
        [(len(rows), centroid, anchor.key if anchor else None, ctexts) for _l, rows, centroid, anchor, ctexts in kept],
        known,
        match_threshold,
    )
    used_ids.update(k["id"] for k in matches.values())
    used_names.update(k["name"].lower() for k in matches.values())
    for c, (lab, rows, centroid, anchor, cluster_texts) in enumerate(kept):
        ids = [papers[i].id or "" for i in rows]
        cluster_phrases = phrases.get(lab, [])
        match = matches.get(c)
        if match is not None:
            topic = WeekTopic(match["id"], match["name"], match["description"], match.get("anchor"), ids, centroid)
            topic.continued = True
        else:
            name = None
            if anchor is not None:
                name = next(
                    (
                        nm
                        for nm in anchor.names
                        if nm.lower() not in used_names and fits(nm, cluster_texts) and len(nm.split()) <= 4
                    ),
                    None,
                )
            name = name or choose_name(cluster_phrases, cluster_texts, taken=used_names)
            if name is None:  # no phrase is shared by a quarter of its papers: not a topic a reader could name
                assignment.update({pid: OTHER for pid in ids})
                continue
            topic = WeekTopic(
                make_id(),
                name,
                describe(name, cluster_phrases, cluster_texts),
                anchor.key if anchor else None,
                ids,
                centroid,
            )
        topic.keyphrases = [sentence_case(p) for p in cluster_phrases]
        used_ids.add(topic.id)
        used_names.add(topic.name.lower())
        out.append(topic)
        assignment.update({pid: topic.id for pid in ids})
    return out, assignment


def track_week(
    store: Store,
    scope: str,
    week: str,
    papers: Sequence[Paper],
    embeddings: np.ndarray,
    model: str,
    *,
    anchors: Sequence[Anchor] = (),
) -> tuple[list[WeekTopic], dict[str, str]]:
    """Group a week's papers of a ``scope`` (an interest) against the registry and record the result, replacing
    an earlier build of the same week."""
    registry = store.topics.registry
    known = registry.topics(scope, model, exclude_week=week)
    # a topic continued this week keeps the centroid it had, moved halfway towards this week's
    topics, assignment = group_week(papers, embeddings, anchors=anchors, known=known, new_id=registry.next_id(scope))
    by_id = {k["id"]: k for k in known}
    rows = []
    for t in topics:
        centroid = t.centroid
        if t.id in by_id and by_id[t.id].get("centroid") is not None:
            mixed = 0.5 * (np.asarray(by_id[t.id]["centroid"]) + t.centroid)
            centroid = mixed / (np.linalg.norm(mixed) or 1.0)
        rows.append(
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "anchor": t.anchor,
                "keyphrases": t.keyphrases,
                "centroid": centroid,
            }
        )
    registry.save_week(scope, week, model, rows, assignment)
    return topics, assignment


__all__ = ["MATCH_THRESHOLD", "MAX_SHARE", "OTHER", "WeekTopic", "continuations", "group_week", "track_week"]
