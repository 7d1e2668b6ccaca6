"""A built-in profile's learned model: what "efficiency is the point of the paper" looks like, fitted offline.

Kinds of evidence, each a number per paper:

- ``emb``: a linear model of the paper's embedding (positives: papers judged relevant; negatives: papers judged
  not relevant, the hard negatives, and ordinary papers);
- ``lex``: a linear model of its words (TF-IDF of title and abstract, :mod:`paperradar.relevance.lexical`);
- ``knn``: how much closer the paper is to its nearest positive seeds than to its nearest hard negatives;
- ``claims``: how many of the profile's claim patterns the text matches (for efficiency: a quantified speed-up,
  cost or memory reduction, "real-time", ...), capped at 3 — the mark of a paper for which efficiency is a
  prominent secondary aim, which words averaged over a whole abstract miss;
- ``sentence``: the lexical model's margin on the abstract's single most efficiency-like sentence, and
  ``sentence_claims``: the most claim patterns one sentence matches (capped at 3). A paper whose efficiency claim
  is one sentence of an otherwise unrelated abstract ("... and trains 2.2x faster") reads like the field there.

Beside them, one column per negative cue of the profile (``cues``: 1 when its pattern is in the text), so the model
can learn what a cue costs a paper that shows it and how much efficiency evidence outweighs it.

A small logistic regression (``stack``) turns the evidence into the log-odds that a paper of an ordinary day is
relevant: over the standardized columns and their pairwise products (degree 2: "a claim sentence *and* efficiency
words", "a cue *without* a claim"), fitted on out-of-fold evidence, with ordinary papers weighted to the share
they have on a real day; its intercept is then moved so that 0.5 is the cut that served readers best on whole
judged days (the best balance of precision and recall there, see relevance/build.py), so a threshold means the
same on every day and in every collection. The model also keeps each positive seed's sub-area (an index into the
profile's ``areas``) for explanations. Only numbers are stored: vectors, weights, ids.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from paperradar.relevance.lexical import LexicalModel

KNN_K = 5
EVIDENCE = ("emb", "lex", "knn", "claims", "sentence", "sentence_claims")
# A sentence boundary: end punctuation, space, then a capital (abstracts rarely hold abbreviations that break it).
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
MIN_SENTENCE = 20  # characters; shorter pieces ("Code: ...") are no sentence to judge
CLIP = 4.0  # standardized evidence is clipped to this many spreads before the stacker (no wild extrapolation)


def stack_features(evidence: np.ndarray, mean: np.ndarray, scale: np.ndarray, degree: int) -> np.ndarray:
    """What the stacker reads: the evidence standardized by ``mean``/``scale`` and clipped to +-CLIP, then with
    ``degree`` 2 every pairwise product after it (z_i * z_j for i <= j, scikit-learn's PolynomialFeatures order)."""
    z = np.clip((evidence[:, : len(mean)] - mean) / scale, -CLIP, CLIP)
    if degree < 2:
        return z
    i, j = np.triu_indices(z.shape[1])
    return np.hstack([z, z[:, i] * z[:, j]])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each sentence of its abstract (the part after the title line); the whole
    abstract when it has no sentence of MIN_SENTENCE characters."""
    begin = text.find("\n") + 1
    cuts = [begin, *(m.end() for m in _SENTENCE.finditer(text, begin)), len(text)]
    spans = [(a, b) for a, b in itertools.pairwise(cuts) if b - a >= MIN_SENTENCE]
    return spans or [(begin, len(text)) if begin < len(text) else (0, len(text))]


@dataclass
class ProfileModel:
    """The fitted model; see the module docstring. ``seed_area[i]`` is the area index of positive seed ``i``."""

    embedder: str
    emb_coef: np.ndarray
    emb_intercept: float
    lexical: LexicalModel
    seed_ids: list[str]
    seed_vectors: np.ndarray
    seed_area: np.ndarray
    negative_vectors: np.ndarray
    stack_coef: np.ndarray  # weights of stack_features() (a linear model of an older build: raw EVIDENCE columns)
    stack_intercept: float
    claims: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)  # negative-cue patterns, one evidence column each
    stack_mean: np.ndarray | None = None  # standardization of the evidence; None: an older, linear build
    stack_scale: np.ndarray | None = None
    stack_degree: int = 1

    def evidence(self, vectors: np.ndarray, texts: Sequence[str], tfidf=None) -> np.ndarray:
        """(n, 6 + cues) evidence per paper, the columns of EVIDENCE then one per negative cue (``tfidf``: the
        texts' :meth:`LexicalModel.transform`, when the caller has it)."""
        return self.evidence_with_sentences(vectors, texts, tfidf)[0]

    def evidence_with_sentences(
        self, vectors: np.ndarray, texts: Sequence[str], tfidf=None
    ) -> tuple[np.ndarray, list[str], list[list[tuple[int, int, str]]]]:
        """:meth:`evidence`, each text's most efficiency-like sentence and its :meth:`claim_hits` (for
        explanations)."""
        emb = vectors @ self.emb_coef + self.emb_intercept
        lex = self.lexical.decision(texts, tfidf)
        hits = self.claim_hits(texts)
        sent, sent_claims, best = self.sentence_evidence(texts, hits)
        knn = self.knn(vectors)
        cols = [emb, lex, knn, self.claim_counts(texts, hits), sent, sent_claims, *self.cue_flags(texts).T]
        return np.column_stack(cols), best, hits

    def cue_flags(self, texts: Sequence[str]) -> np.ndarray:
        """(n, cues): 1 where the negative cue's pattern is in the text."""
        pats = [re.compile(c, re.I) for c in self.cues]
        return np.array([[float(bool(p.search(t))) for p in pats] for t in texts]).reshape(len(texts), len(pats))

    def sentence_evidence(
        self, texts: Sequence[str], hits: list[list[tuple[int, int, str]]] | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Per text: the lexical margin of its most efficiency-like sentence, the most claim patterns one of its
        sentences matches (at most 3), and that best sentence (``hits``: :meth:`claim_hits`, when known)."""
        hits = self.claim_hits(texts) if hits is None else hits
        parts, owner, spans = [], [], []
        for n, t in enumerate(texts):
            for a, b in sentence_spans(t):
                parts.append(t[a:b].strip())
                owner.append(n)
                spans.append((a, b))
        margin = np.zeros(len(texts))
        claims = np.zeros(len(texts))
        best = [""] * len(texts)
        d = self.lexical.decision(parts) if parts else np.zeros(0)
        seen: set[int] = set()
        for k, n in enumerate(owner):
            a, b = spans[k]
            if n not in seen or d[k] > margin[n]:
                margin[n], best[n] = float(d[k]), parts[k]
                seen.add(n)
            claims[n] = max(claims[n], len({i for i, start, _m in hits[n] if a <= start < b}))
        return margin, np.minimum(claims, 3), best

    def claim_hits(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """Per text, every match of the claim patterns: (pattern index, where it starts, the phrase)."""
        pats = [re.compile(c, re.I) for c in self.claims]
        return [[(i, m.start(), m.group(0)) for i, p in enumerate(pats) for m in p.finditer(t)] for t in texts]

    def claim_counts(self, texts: Sequence[str], hits: list[list[tuple[int, int, str]]] | None = None) -> np.ndarray:
        """How many claim patterns each text matches (at most 3)."""
        hits = self.claim_hits(texts) if hits is None else hits
        return np.array([min(3, len({i for i, _s, _m in h})) for h in hits], dtype=np.float64)

    def matched_claims(self, text: str, hits: list[tuple[int, int, str]] | None = None) -> list[str]:
        """The claim phrases found in ``text``, the first of each pattern (for explanations)."""
        out: dict[int, str] = {}
        for i, _start, phrase in self.claim_hits([text])[0] if hits is None else hits:
            out.setdefault(i, phrase)
        return [out[i] for i in sorted(out)]

    def knn(self, vectors: np.ndarray) -> np.ndarray:
        """Mean cosine to the K nearest positive seeds minus that to the K nearest hard negatives."""
        return _top_mean(vectors @ self.seed_vectors.T) - _top_mean(vectors @ self.negative_vectors.T)

    def logit(self, evidence: np.ndarray) -> np.ndarray:
        """The calibrated log-odds of relevance from :meth:`evidence`."""
        if self.stack_mean is None or self.stack_scale is None:
            return evidence[:, : len(self.stack_coef)] @ self.stack_coef + self.stack_intercept
        feats = stack_features(evidence, self.stack_mean, self.stack_scale, self.stack_degree)
        return feats @ self.stack_coef + self.stack_intercept

    def nearest_seeds(self, vector: np.ndarray, n: int = 2) -> list[tuple[str, int, float]]:
        """The ``n`` positive seeds most like ``vector``: (id, area index, cosine)."""
        sims = self.seed_vectors @ vector
        order = np.argsort(-sims)[:n]
        return [(self.seed_ids[i], int(self.seed_area[i]), float(sims[i])) for i in order]

    def area_votes(
        self, vectors: np.ndarray, n_areas: int | None = None, k: int = 3, exclude: Sequence[str] = ()
    ) -> np.ndarray:
        """(n, areas): per paper and area, the mean cosine of the area's ``k`` seeds nearest to it; -inf for an
        area without seeds. ``exclude`` gives each paper's id: a paper that is itself a seed does not vote for
        its own area (it would be its own nearest seed)."""
        sims = vectors @ self.seed_vectors.T
        if len(exclude):
            where = {s: i for i, s in enumerate(self.seed_ids)}
            for n, pid in enumerate(exclude):
                if pid in where:
                    sims[n, where[pid]] = -np.inf
        n_areas = int(self.seed_area.max()) + 1 if n_areas is None and len(self.seed_area) else n_areas or 0
        out = np.full((len(vectors), n_areas), -np.inf)
        for a in np.unique(self.seed_area):
            if a < n_areas:
                # the mean of each row's k largest finite similarities (an excluded seed is -inf)
                top = -np.sort(-sims[:, self.seed_area == a], axis=1)[:, :k]
                finite = np.isfinite(top)
                count = finite.sum(axis=1)
                total = np.where(finite, top, 0.0).sum(axis=1)
                out[:, a] = np.where(count > 0, total / np.maximum(count, 1), -np.inf)
        return out

    def area_of(self, vectors: np.ndarray, k: int = 3, exclude: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """Per paper, the area whose seeds are closest (mean of its ``k`` nearest) and that similarity (the seed
        vote alone; explanations also read the areas' terms, :func:`paperradar.relevance.areas.pick`)."""
        per = self.area_votes(vectors, k=k, exclude=exclude)
        best = per.argmax(axis=1)
        return best, per[np.arange(len(per)), best]

    def save(self, path: Path) -> None:
        """Write the model as one compressed .npz (the lexical part beside it, ``<stem>_lexical.npz``)."""
        self.lexical.save(_lexical_path(path))
        np.savez_compressed(
            path,
            embedder=np.array(self.embedder),
            emb_coef=self.emb_coef.astype(np.float32),
            seed_ids=np.array(self.seed_ids),
            seed_vectors=self.seed_vectors.astype(np.float16),
            seed_area=self.seed_area.astype(np.int16),
            negative_vectors=self.negative_vectors.astype(np.float16),
            stack=np.r_[self.stack_coef, self.stack_intercept, self.emb_intercept].astype(np.float64),
            claims=np.array("\n".join(self.claims)),
            cues=np.array("\n".join(self.cues)),
            stack_norm=np.vstack([self.stack_mean, self.stack_scale]).astype(np.float64)
            if self.stack_mean is not None and self.stack_scale is not None
            else np.zeros((2, 0)),
            stack_degree=np.array(self.stack_degree),
        )

    @classmethod
    def load(cls, path: Path) -> ProfileModel:
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            stack = z["stack"]
            norm = z["stack_norm"] if "stack_norm" in z.files else np.zeros((2, 0))
            return cls(
                embedder=str(z["embedder"]),
                emb_coef=z["emb_coef"].astype(np.float32),
                emb_intercept=float(stack[-1]),
                lexical=LexicalModel.load(_lexical_path(path)),
                seed_ids=[str(i) for i in z["seed_ids"]],
                seed_vectors=z["seed_vectors"].astype(np.float32),
                seed_area=z["seed_area"].astype(np.int64),
                negative_vectors=z["negative_vectors"].astype(np.float32),
                stack_coef=stack[:-2].astype(np.float64),
                stack_intercept=float(stack[-2]),
                claims=[c for c in str(z["claims"]).split("\n") if c],
                cues=[c for c in str(z["cues"]).split("\n") if c] if "cues" in z.files else [],
                stack_mean=norm[0] if norm.shape[1] else None,
                stack_scale=norm[1] if norm.shape[1] else None,
                stack_degree=int(z["stack_degree"]) if "stack_degree" in z.files else 1,
            )


def _lexical_path(path: Path) -> Path:
    return path.with_name(path.stem.removesuffix("_model") + "_lexical.npz")


def _top_mean(sims: np.ndarray, k: int = KNN_K) -> np.ndarray:
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0], dtype=np.float32)
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)
