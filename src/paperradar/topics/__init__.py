"""Topics: group a period's papers, name each group by its distinctive phrases, follow groups across periods.

Papers are compared by a weighted cosine of their stored embeddings and a TF-IDF view of their titles and abstracts
(:mod:`.features`), grouped by a consensus of Ward's hierarchies cut where the silhouette is best and refined by a
classifier fitted on the clusters (:mod:`.cluster`) — the number of topics is never given — and named by the best
coherent noun phrase among class-based TF-IDF 1-3-word phrases (:mod:`.labels`, :mod:`.naming`). A topic keeps its
id across periods when its embedding centroid matches an earlier one. Reports track topics per interest in a
registry (:mod:`.registry`), anchored to the profile's sub-areas (:mod:`.anchors`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from paperradar.models import Paper
from paperradar.topics.cluster import Clusterer, WardClusterer, cluster_papers
from paperradar.topics.features import TopicFeatures, build_features, paper_features
from paperradar.topics.labels import label_clusters
from paperradar.topics.naming import choose_name, coherent, name_like, sentence_case

if TYPE_CHECKING:
    from paperradar.store import Store

OTHER = "other"


@dataclass
class Topic:
    """One topic of a period: a stable id, a readable label, its phrases, papers and centroid."""

    id: str
    label: str
    keyphrases: list[str]
    paper_ids: list[str]
    centroid: np.ndarray | None = None
    trend: str = ""  # new | rising | falling | steady (filled in by the report)


@dataclass
class TopicModel:
    """The topics of a set of papers and each paper's topic."""

    topics: list[Topic] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # labels of topics known only by id (from the store)

    def label_of(self, topic_id: str) -> str:
        """A topic's label ('Other' for outliers)."""
        found = next((t.label for t in self.topics if t.id == topic_id), None)
        return found or self.labels.get(topic_id, "Other")


def build(
    papers: Sequence[Paper],
    embeddings: np.ndarray,
    *,
    clusterer: Clusterer | None = None,
    known: Sequence[tuple[str, str, np.ndarray]] = (),
    match_threshold: float = 0.85,
    new_id: Callable[[], str] | None = None,
    outlier_similarity: float = 0.25,
    min_topic_papers: int = 3,
) -> TopicModel:
    """Cluster ``papers`` (rows of ``embeddings``) into named topics.

    ``known`` topics (id, label, centroid) from earlier periods are matched by centroid cosine so a topic keeps
    its id; ``new_id`` names unmatched ones. Papers of clusters smaller than ``min_topic_papers``, and papers
    whose embedding is far from their topic's centroid, go to the "other" bucket.
    """
    if len(papers) == 0:
        return TopicModel()
    texts, features = paper_features(papers, embeddings)
    labels = cluster_papers(features, clusterer)
    names = label_clusters(texts, labels, top=8)
    counter = iter(range(1, 10**9))
    make_id = new_id or (lambda: f"t{next(counter)}")
    used: set[str] = set()
    taken: set[str] = set()
    model = TopicModel()
    for lab in sorted(set(int(x) for x in labels), key=lambda x: -int(np.sum(labels == x))):
        rows = np.where(labels == lab)[0]
        centroid = embeddings[rows].mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        if len(rows) < min_topic_papers:
            for i in rows:
                model.assignment[papers[i].id or ""] = OTHER
            continue
        sims = embeddings[rows] @ centroid
        members = [papers[i].id or "" for i, s in zip(rows, sims, strict=True) if s >= outlier_similarity]
        outliers = [papers[i].id or "" for i, s in zip(rows, sims, strict=True) if s < outlier_similarity]
        match = max(
            ((float(c @ centroid), tid, lbl) for tid, lbl, c in known if tid not in used), default=(0.0, "", "")
        )
        tid = match[1] if match[0] >= match_threshold else make_id()
        used.add(tid)
        phrases = names.get(lab, [])
        cluster_texts = [texts[i] for i in rows]
        # no coherent name: the best phrase that reads as a name, else the best phrase
        readable = [sentence_case(p) for p in phrases if name_like(sentence_case(p))] + [
            sentence_case(p) for p in phrases
        ]
        label = choose_name(phrases, cluster_texts, taken=taken) or (readable[0] if readable else "")
        label = label or f"Topic {tid}"
        taken.add(label.lower())
        model.topics.append(Topic(tid, label, phrases, members, centroid))
        for pid in members:
            model.assignment[pid] = tid
        for pid in outliers:
            model.assignment[pid] = OTHER
    return model


def assign_topics(
    store: Store,
    date_from: str | None = None,
    date_to: str | None = None,
    *,
    embedder: Any,
    period: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TopicModel:
    """Build and store the topics of the papers dated within [date_from, date_to] (all papers when no dates)."""
    from paperradar.embed import ensure_embeddings

    papers = [p for p in store.papers.select(date_from=date_from, date_to=date_to) if p.id]
    paper_ids = [p.id or "" for p in papers]
    ensure_embeddings(store, embedder, paper_ids, progress=progress)
    ids, matrix = store.embeddings.matrix(embedder.name, paper_ids)
    by_id = {p.id: p for p in papers}
    ordered = [by_id[i] for i in ids]
    model = build(ordered, matrix, known=store.topics.known(embedder.name), new_id=store.topics.next_id_factory())
    period = period or f"{date_from or 'start'}..{date_to or 'end'}"
    store.topics.save_period(
        period,
        embedder.name,
        [{"id": t.id, "label": t.label, "keyphrases": t.keyphrases, "centroid": t.centroid} for t in model.topics]
        + [{"id": OTHER, "label": "Other", "keyphrases": [], "centroid": None}],
        model.assignment,
    )
    return model


__all__ = [
    "OTHER",
    "Clusterer",
    "Topic",
    "TopicFeatures",
    "TopicModel",
    "WardClusterer",
    "assign_topics",
    "build",
    "build_features",
    "cluster_papers",
    "coherent",
    "label_clusters",
]
