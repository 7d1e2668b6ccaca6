"""A built-in profile's learned model: what "efficiency is the point of the paper" looks like, fitted offline.

Three kinds of evidence, each a number per paper:

- ``emb``: a linear model of the paper's embedding (positives: papers judged relevant; negatives: papers judged
  not relevant, the hard negatives, and ordinary papers);
- ``lex``: a linear model of its words (TF-IDF of title and abstract, :mod:`paperradar.relevance.lexical`);
- ``knn``: how much closer the paper is to its nearest positive seeds than to its nearest hard negatives;
- ``claims``: how many of the profile's claim patterns the text matches (for efficiency: a quantified speed-up,
  cost or memory reduction, "real-time", ...), capped at 3 — the mark of a paper for which efficiency is a
  prominent secondary aim, which words averaged over a whole abstract miss.

A small logistic regression (``stack``) turns the three into the probability that a paper of an ordinary day is
relevant: it is fitted on out-of-fold evidence, with ordinary papers weighted to the share they have on a real
day, so a threshold means the same on every day and in every collection. The model also keeps each positive seed's
sub-area (an index into the profile's ``areas``) for explanations. Only numbers are stored: vectors, weights, ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from paperradar.relevance.lexical import LexicalModel

KNN_K = 5


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
    stack_coef: np.ndarray  # weights of (emb, lex, knn, claims)
    stack_intercept: float
    claims: list[str] = field(default_factory=list)

    def evidence(self, vectors: np.ndarray, texts: Sequence[str], tfidf=None) -> np.ndarray:
        """(n, 4) evidence per paper: embedding margin, lexical margin, nearest-seed contrast, claims
        (``tfidf``: the texts' :meth:`LexicalModel.transform`, when the caller has it)."""
        emb = vectors @ self.emb_coef + self.emb_intercept
        lex = self.lexical.decision(texts, tfidf)
        return np.column_stack([emb, lex, self.knn(vectors), self.claim_counts(texts)])

    def claim_counts(self, texts: Sequence[str]) -> np.ndarray:
        """How many claim patterns each text matches (at most 3)."""
        pats = [re.compile(c, re.I) for c in self.claims]
        return np.array([min(3, sum(1 for p in pats if p.search(t))) for t in texts], dtype=np.float64)

    def matched_claims(self, text: str) -> list[str]:
        """The claim phrases found in ``text`` (for explanations)."""
        out = []
        for c in self.claims:
            m = re.search(c, text, re.I)
            if m:
                out.append(m.group(0))
        return out

    def knn(self, vectors: np.ndarray) -> np.ndarray:
        """Mean cosine to the K nearest positive seeds minus that to the K nearest hard negatives."""
        return _top_mean(vectors @ self.seed_vectors.T) - _top_mean(vectors @ self.negative_vectors.T)

    def logit(self, evidence: np.ndarray) -> np.ndarray:
        """The calibrated log-odds of relevance from :meth:`evidence`."""
        return evidence @ self.stack_coef + self.stack_intercept

    def nearest_seeds(self, vector: np.ndarray, n: int = 2) -> list[tuple[str, int, float]]:
        """The ``n`` positive seeds most like ``vector``: (id, area index, cosine)."""
        sims = self.seed_vectors @ vector
        order = np.argsort(-sims)[:n]
        return [(self.seed_ids[i], int(self.seed_area[i]), float(sims[i])) for i in order]

    def area_of(self, vectors: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Per paper, the area whose seeds are closest (mean of its ``k`` nearest) and that similarity."""
        sims = vectors @ self.seed_vectors.T
        areas = np.unique(self.seed_area)
        per = np.column_stack([_top_mean(sims[:, self.seed_area == a], k) for a in areas])
        best = per.argmax(axis=1)
        return areas[best], per[np.arange(len(per)), best]

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
        )

    @classmethod
    def load(cls, path: Path) -> ProfileModel:
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            stack = z["stack"]
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
            )


def _lexical_path(path: Path) -> Path:
    return path.with_name(path.stem.removesuffix("_model") + "_lexical.npz")


def _top_mean(sims: np.ndarray, k: int = KNN_K) -> np.ndarray:
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0], dtype=np.float32)
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)
