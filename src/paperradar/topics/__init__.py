"""Topics: group a period's papers, name each group by its distinctive phrases, follow groups across periods.

Clustering runs on the stored embeddings joined with a TF-IDF/SVD view of the same period's titles and abstracts
(meaning and wording disagree in different places, and together they separate sub-fields better than either),
with k-means for each candidate k and the k chosen by silhouette — the number of topics is never given.
Labels come from class-based TF-IDF over 1-3-word phrases (BERTopic's c-TF-IDF idea).
"""

from __future__ import annotations

import abc
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from paperradar.models import Paper

OTHER = "other"
GENERIC = frozenset(
    [
        "model",
        "models",
        "method",
        "methods",
        "approach",
        "approaches",
        "paper",
        "propose",
        "proposed",
        "results",
        "result",
        "performance",
        "task",
        "tasks",
        "large",
        "language",
        "llm",
        "llms",
        "based",
        "using",
        "new",
        "novel",
        "framework",
        "study",
        "show",
        "shows",
        "existing",
        "data",
        "learning",
        "deep",
        "neural",
        "network",
        "networks",
        "efficient",
        "efficiency",
        "work",
        "achieve",
        "achieves",
        "significantly",
        "improve",
        "improves",
        "improved",
        "state",
        "art",
        "art",
        "sota",
        "baseline",
        "baselines",
        "experiments",
        "experimental",
        "demonstrate",
        "present",
        "introduce",
        "various",
        "different",
        "specific",
        "generation",
        "generative",
        "ai",
        "system",
        "systems",
        "problem",
        "problems",
        "analysis",
        "key",
        "also",
        "code",
        "available",
        "training",
        "inference",
        "evaluating",
        "evaluate",
        "evaluation",
        "called",
        "comprehensive",
        "recent",
        "recently",
        "proposes",
        "enables",
        "enable",
        "enabling",
        "leveraging",
        "leverage",
        "extensive",
        "effectively",
        "effective",
        "significant",
        "challenges",
        "challenge",
    ]
)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "via",
        "was",
        "we",
        "with",
        "without",
        "which",
        "while",
        "these",
        "those",
        "our",
        "can",
        "such",
        "than",
        "then",
        "through",
        "over",
        "under",
        "across",
        "between",
        "both",
        "each",
        "more",
        "most",
        "other",
        "some",
        "only",
        "also",
        "not",
        "no",
        "yet",
        "all",
        "any",
        "whether",
        "however",
        "thus",
        "used",
        "use",
        "given",
        "often",
        "well",
        "how",
        "what",
        "when",
        "where",
        "who",
        "why",
        "one",
        "two",
        "three",
        "first",
        "second",
    ]
)


class Clusterer(abc.ABC):
    """Assigns each row of a feature matrix to a cluster (no fixed number of clusters)."""

    @abc.abstractmethod
    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        """One integer label per row."""


class SilhouetteKMeans(Clusterer):
    """k-means for every k in a range, keeping the k with the best (sampled) cosine silhouette."""

    def __init__(self, k_min: int = 3, k_max: int = 24, min_cluster_docs: int = 8, random_state: int = 0) -> None:
        self.k_min, self.k_max, self.min_docs, self.random_state = k_min, k_max, min_cluster_docs, random_state

    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        n = len(features)
        k_max = min(self.k_max, max(self.k_min, n // self.min_docs))
        if n < self.k_min * 2:
            return np.zeros(n, dtype=int)
        best: tuple[float, np.ndarray] | None = None
        for k in range(self.k_min, k_max + 1):
            labels = KMeans(k, n_init=4, random_state=self.random_state).fit_predict(features)
            sil = silhouette_score(
                features, labels, metric="cosine", sample_size=min(n, 2000), random_state=self.random_state
            )
            if best is None or sil > best[0]:
                best = (float(sil), labels)
        assert best is not None
        return best[1]


def _features(texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    parts = [normalize(embeddings)]
    if len(texts) >= 20:
        tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, ngram_range=(1, 2))
        try:
            X = tfidf.fit_transform(texts)
            dims = min(50, X.shape[1] - 1, len(texts) - 1)
            if dims >= 2:
                parts.append(normalize(TruncatedSVD(dims, random_state=0).fit_transform(X)))
        except ValueError:  # vocabulary empty after filtering: meaning alone will do
            pass
    return normalize(np.hstack(parts))


def _phrases(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z0-9\-]*", text.lower())
    out = []
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in _STOP or gram[-1] in _STOP or any(w in _STOP for w in gram):
                continue
            if n == 1 and (gram[0] in GENERIC or len(gram[0]) < 3):
                continue
            if all(w in GENERIC for w in gram):
                continue
            out.append(" ".join(gram))
    return out


def _title(phrase: str, forms: dict[str, Counter[str]]) -> str:
    """Title-case a phrase, keeping the spelling authors use for acronyms and names (LoRA, KV, GRPO)."""
    words = []
    for w in phrase.split():
        common = forms[w].most_common(1)[0][0] if forms.get(w) else w
        words.append(common if common[1:] != common[1:].lower() else w.capitalize())
    return " ".join(words)


def label_clusters(texts: Sequence[str], labels: np.ndarray, top: int = 4) -> dict[int, list[str]]:
    """Distinctive phrases per cluster by class-based TF-IDF: frequent in the cluster, rare in the others."""
    per_class: dict[int, Counter[str]] = {}
    forms: dict[str, Counter[str]] = {}
    for text, lab in zip(texts, labels, strict=True):
        per_class.setdefault(int(lab), Counter()).update(set(_phrases(text)))
        for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]*", text):
            forms.setdefault(w.lower(), Counter())[w] += 1
    total = Counter[str]()
    for c in per_class.values():
        total.update(c)
    n_classes = len(per_class)
    out: dict[int, list[str]] = {}
    for lab, counts in per_class.items():
        size = max(1, sum(1 for x in labels if x == lab))
        scored = []
        for ph, tf in counts.items():
            if tf < max(2, 0.15 * size):
                continue
            idf = np.log(1 + n_classes / (1 + total[ph] - tf)) if n_classes > 1 else 1.0
            scored.append((tf / size * idf * (1 + 0.35 * (ph.count(" "))), ph))
        scored.sort(reverse=True)
        chosen: list[str] = []
        for _s, ph in scored:
            if any(ph in c or c in ph for c in chosen):
                continue
            chosen.append(ph)
            if len(chosen) == top:
                break
        out[lab] = [_title(p, forms) for p in chosen]
    return out


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
) -> TopicModel:
    """Cluster ``papers`` (rows of ``embeddings``) into named topics.

    ``known`` topics (id, label, centroid) from earlier periods are matched by centroid cosine so a topic keeps
    its id; ``new_id`` names unmatched ones. Papers far from every centroid go to the "other" bucket.
    """
    if len(papers) == 0:
        return TopicModel()
    texts = [f"{p.title}. {p.title}. {p.abstract}" for p in papers]
    labels = (clusterer or SilhouetteKMeans()).fit_predict(_features(texts, embeddings))
    names = label_clusters(texts, labels)
    counter = iter(range(1, 10**9))
    make_id = new_id or (lambda: f"t{next(counter)}")
    used: set[str] = set()
    model = TopicModel()
    for lab in sorted(set(int(x) for x in labels), key=lambda x: -int(np.sum(labels == x))):
        rows = np.where(labels == lab)[0]
        centroid = embeddings[rows].mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        sims = embeddings[rows] @ centroid
        members = [papers[i].id or "" for i, s in zip(rows, sims, strict=True) if s >= outlier_similarity]
        outliers = [papers[i].id or "" for i, s in zip(rows, sims, strict=True) if s < outlier_similarity]
        match = max(
            ((float(c @ centroid), tid, lbl) for tid, lbl, c in known if tid not in used), default=(0.0, "", "")
        )
        tid = match[1] if match[0] >= match_threshold else make_id()
        used.add(tid)
        phrases = names.get(lab, [])
        label = " / ".join(phrases[:2]) if phrases else f"Topic {tid}"
        model.topics.append(Topic(tid, label, phrases, members, centroid))
        for pid in members:
            model.assignment[pid] = tid
        for pid in outliers:
            model.assignment[pid] = OTHER
    return model


def assign_topics(
    store,
    date_from: str | None = None,
    date_to: str | None = None,
    *,  # type: ignore[no-untyped-def]
    embedder=None,
    period: str | None = None,
    progress=None,
) -> TopicModel:  # type: ignore[no-untyped-def]
    """Build and store the topics of the papers dated within [date_from, date_to] (all papers when no dates)."""
    from paperradar.embed import default_embedder, ensure_embeddings

    embedder = embedder or default_embedder()
    papers = list(store.papers.select(date_from=date_from, date_to=date_to))
    ensure_embeddings(store, embedder, [p.id for p in papers], progress=progress)
    ids, matrix = store.embeddings.matrix(embedder.name, [p.id for p in papers])
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


__all__ = ["OTHER", "Clusterer", "SilhouetteKMeans", "Topic", "TopicModel", "assign_topics", "build", "label_clusters"]
