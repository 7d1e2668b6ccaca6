"""A lexical relevance model: TF-IDF of title and abstract (words and word pairs) with a linear SVM.

arxiv-sanity-lite's recipe. Beside the embedding model it catches the vocabulary that marks an interest
("speculative", "KV cache", "overthinking", "4-bit") which a small sentence encoder blurs. A fitted model is
small (terms, their IDF and weights), so a built-in profile ships one fitted on its curated seed papers; a
reader's own profile fits one at scoring time from the seed and liked papers stored in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Terms must occur in at least this many training papers: a model made of common phrases generalizes, one
# that memorizes the rare words of individual seed papers does not.
MIN_DF = 5
MAX_FEATURES = 40000


def _vectorizer(vocabulary: dict[str, int] | None = None, min_df: int = MIN_DF):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1 if vocabulary is not None else min_df,
        max_df=0.5,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


@dataclass
class LexicalModel:
    """Terms with their IDF and linear weights; ``decision()`` gives the SVM margin of texts.

    ``center``/``scale`` describe the margin over ordinary papers (mean and spread), so callers can put it on
    the same footing as other evidence.
    """

    terms: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    center: float = 0.0
    scale: float = 1.0

    def _tfidf(self, texts: Sequence[str]):
        vec = _vectorizer({t: n for n, t in enumerate(self.terms)})
        vec.fit(["x"])  # fixes the vocabulary; the IDF is set from the model below
        vec.idf_ = self.idf.astype(np.float64)
        return vec.transform(texts)

    def transform(self, texts: Sequence[str]):
        """The texts' TF-IDF matrix, to pass to :meth:`decision` and :meth:`explain` (computed once for both)."""
        return self._tfidf(texts)

    def decision(self, texts: Sequence[str], tfidf=None) -> np.ndarray:
        """Margin per text: above 0 reads like the positives."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        X = self._tfidf(texts) if tfidf is None else tfidf
        return np.asarray(X @ self.coef.astype(np.float32), dtype=np.float32) + self.intercept

    def explain(self, texts: Sequence[str], n: int = 3, tfidf=None) -> list[list[str]]:
        """Per text, the ``n`` terms that raised its margin most (for "why this paper")."""
        if not texts:
            return []
        X = self._tfidf(texts) if tfidf is None else tfidf
        contrib = X.multiply(self.coef.reshape(1, -1)).tocsr()
        out = []
        for r in range(contrib.shape[0]):
            lo, hi = contrib.indptr[r], contrib.indptr[r + 1]
            data, idx = contrib.data[lo:hi], contrib.indices[lo:hi]
            order = np.argsort(-data)[:n]
            out.append([self.terms[idx[k]] for k in order if data[k] > 0])
        return out

    def normalized(self, texts: Sequence[str]) -> np.ndarray:
        """Margins in spreads above an ordinary paper's."""
        return (self.decision(texts) - self.center) / self.scale

    def save(self, path: Path) -> None:
        """Write the model as a compressed .npz."""
        np.savez_compressed(
            path,
            terms=np.array("\n".join(self.terms)),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            params=np.array([self.intercept, self.center, self.scale], dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Path) -> LexicalModel:
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            intercept, center, scale = (float(x) for x in z["params"])
            return cls(str(z["terms"]).split("\n"), z["idf"], z["coef"], intercept, center, scale)

    def top_terms(self, n: int = 20) -> list[str]:
        """The terms that count most for relevance."""
        return [self.terms[i] for i in np.argsort(-self.coef)[:n]]


def fit_lexical(
    positives: Sequence[str],
    negatives: Sequence[str],
    *,
    reference: Sequence[str] | None = None,
    C: float = 0.1,
    min_df: int = MIN_DF,
    weights: Sequence[float] | None = None,
) -> LexicalModel | None:
    """Fit on ``positives`` against ``negatives`` (texts); None when there is too little to learn from.

    ``weights`` (one per positive, then one per negative) weigh individual papers, e.g. a hard negative above an
    ordinary paper. The margin's center and spread are measured on ``reference`` (ordinary papers the model was
    not fitted on), else on the negatives.
    """
    if len(positives) < 3 or len(negatives) < 10:
        return None
    from sklearn.svm import LinearSVC

    vec = _vectorizer(min_df=min(min_df, max(1, len(positives) // 2)))
    docs = [*positives, *negatives]
    try:
        X = vec.fit_transform(docs)
    except ValueError:  # no term reaches min_df (tiny or empty texts)
        return None
    y = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    clf = LinearSVC(C=C, class_weight="balanced", max_iter=10000).fit(X, y, sample_weight=w)
    coef = clf.coef_.ravel().astype(np.float32)
    keep = np.argsort(-np.abs(coef))[:MAX_FEATURES]
    keep = keep[coef[keep] != 0]
    terms = vec.get_feature_names_out()
    model = LexicalModel(
        terms=[str(terms[i]) for i in keep],
        idf=vec.idf_[keep].astype(np.float32),
        coef=coef[keep],
        intercept=float(clf.intercept_[0]),
    )
    margins = model.decision(list(reference) if reference else list(negatives))
    model.center, model.scale = float(np.mean(margins)), float(np.std(margins)) or 1.0
    return model
