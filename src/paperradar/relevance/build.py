"""Packing a profile's seed papers into files that travel with it: their embeddings and a lexical model.

A built-in profile cannot rely on its seed papers being in the reader's database, so what the scorer needs from
them is computed once, from a corpus, and shipped beside the TOML file (see tools/build_profile.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paperradar.embed import Embedder, paper_text
from paperradar.models import Paper
from paperradar.relevance.lexical import LexicalModel, fit_lexical
from paperradar.relevance.model import EVIDENCE, ProfileModel, stack_features
from paperradar.relevance.scorer import paper_text as scorer_text

REFERENCE_SHARE = 0.2  # of the background, held out of fitting to measure the lexical margin's center/spread


def pack_seeds(
    seeds: Sequence[Paper],
    background: Sequence[Paper],
    embedder: Embedder,
    folder: Path,
    stem: str,
    *,
    random_state: int = 0,
) -> tuple[Path, Path, LexicalModel]:
    """Write ``<stem>_seeds.npz`` (seed ids and vectors) and ``<stem>_lexical.npz`` (a lexical model of the seeds
    against ``background``, ordinary papers) into ``folder``; return both paths and the model."""
    if len(seeds) < 3:
        raise ValueError(f"{stem}: need at least 3 seed papers, got {len(seeds)}")
    seed_ids = {p.id for p in seeds}
    rest = [p for p in background if p.id not in seed_ids]
    random.Random(random_state).shuffle(rest)
    cut = int(len(rest) * REFERENCE_SHARE)
    reference, negatives = rest[:cut], rest[cut:]
    model = fit_lexical(
        [scorer_text(p) for p in seeds],
        [scorer_text(p) for p in negatives],
        reference=[scorer_text(p) for p in reference] or None,
    )
    if model is None:
        raise ValueError(f"{stem}: too little text to fit a lexical model")
    vectors = embedder.embed_batch([paper_text(p.title, p.abstract) for p in seeds])
    folder.mkdir(parents=True, exist_ok=True)
    seeds_path, lexical_path = folder / f"{stem}_seeds.npz", folder / f"{stem}_lexical.npz"
    np.savez_compressed(
        seeds_path, ids=np.array([p.id for p in seeds]), vectors=vectors.astype(np.float32), model=embedder.name
    )
    model.save(lexical_path)
    return seeds_path, lexical_path, model


@dataclass
class Example:
    """One training paper: its id, text (title + abstract), embedding, label (1 relevant, 0 not) and kind:
    ``"judged"`` (a person judged it; ``grade`` 1 or 2 for positives) or ``"ordinary"`` (an unjudged paper of the
    corpus, taken as not relevant)."""

    id: str
    text: str
    vector: np.ndarray
    label: int
    kind: str = "judged"
    grade: int = 2


# Weights while fitting the evidence models: a partly relevant paper (grade 1) counts less than a clear one, an
# ordinary paper less than a judged negative (a few of them are in fact relevant).
W_GRADE1, W_ORDINARY = 1.0, 0.5
# A judged negative (the confusable kind: capability-only reasoning, "sample-efficient" RL, a small model merely
# used) weighs three clear positives. On the whole dev days 3 (and 5) ranked better than 1: precision at recall
# 0.85 0.745 -> 0.752, recall at precision 0.90 0.57 -> 0.655 (benchmarks/RESULTS.md); the cross-fit checks it on
# the judged sample.
W_HARD = 3.0
# How the stacker sees a natural day: this share of its papers relevant, and among the rest this share of the
# confusable kind the judged negatives are (the judges read the top of several rankers).
NATURAL_PRIOR, HARD_SHARE = 0.17, 0.25
# Share of ordinary papers (outside the judged pool) that are in fact relevant: 11 of 150 drawn at random on dev
# (../shared/eval/README.md). Without judged whole days to calibrate on, the stacker's intercept is moved so that
# this share of the ordinary papers' out-of-fold scores reaches 0.5. That cut proved too strict on whole days
# (recall 0.44 of the papers judged 1+): with days, the cut is set on them instead (see day_cut).
ORDINARY_RELEVANT = 11 / 150
FOLDS = 4
# The stacker: degree-2 logistic regression over the standardized evidence (STACK_C its regularization). On the
# whole dev days, with models built without them (a scratch fit of every cut of the ranking, benchmarks/RESULTS.md),
# degree 2 with the negative-cue columns ranked better than the linear stacker: AP 0.873 -> 0.899, recall at
# precision 0.90 0.655 -> 0.690, precision at recall 0.85 0.742 -> 0.774; linear with the cue columns, or degree 2
# without them, gained less than half of that.
STACK_DEGREE, STACK_C = 2, 0.3


def _fit_embedding(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000).fit(X, y, sample_weight=w)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def _base_weights(examples: Sequence[Example]) -> np.ndarray:
    def weight(e: Example) -> float:
        if e.kind == "ordinary":
            return W_ORDINARY
        if not e.label:
            return W_HARD
        return W_GRADE1 if e.grade == 1 else 1.0

    return np.array([weight(e) for e in examples])


def _fit_base(examples: Sequence[Example]) -> tuple[np.ndarray, float, LexicalModel, np.ndarray, np.ndarray]:
    """The evidence models fitted on ``examples``: embedding weights and intercept, lexical model, positive seed
    vectors, hard-negative vectors."""
    X = np.stack([e.vector for e in examples])
    y = np.array([e.label for e in examples])
    w = _base_weights(examples)
    coef, intercept = _fit_embedding(X, y, w)
    pos = [n for n, e in enumerate(examples) if e.label]
    neg = [n for n, e in enumerate(examples) if not e.label]
    lexical = fit_lexical(
        [examples[n].text for n in pos], [examples[n].text for n in neg], weights=np.r_[w[pos], w[neg]]
    )
    if lexical is None:
        raise ValueError("too little text to fit a lexical model")
    hard = [n for n in neg if examples[n].kind == "judged"]
    return coef, intercept, lexical, X[pos], X[hard] if hard else X[neg][:1]


def _evidence(
    base: tuple[np.ndarray, float, LexicalModel, np.ndarray, np.ndarray],
    ex: Sequence[Example],
    claims: list[str],
    cues: Sequence[str] = (),
) -> np.ndarray:
    coef, intercept, lexical, seeds, negatives = base
    m = ProfileModel(
        "", coef, intercept, lexical, [], seeds, np.zeros(len(seeds)), negatives, np.zeros(4), 0.0, claims, list(cues)
    )
    return m.evidence(np.stack([e.vector for e in ex]), [e.text for e in ex])


def natural_weights(examples: Sequence[Example]) -> np.ndarray:
    """Weights that make the examples look like a natural day to the stacker (see NATURAL_PRIOR)."""
    y = np.array([e.label for e in examples])
    hard = np.array([not e.label and e.kind == "judged" for e in examples])
    ordinary = np.array([not e.label and e.kind != "judged" for e in examples])
    w = np.zeros(len(examples))
    grade = np.array([W_GRADE1 if e.grade == 1 else 1.0 for e in examples])
    w[y == 1] = NATURAL_PRIOR * grade[y == 1] / grade[y == 1].sum()
    if hard.any():
        w[hard] = (1 - NATURAL_PRIOR) * HARD_SHARE / hard.sum()
    if ordinary.any():
        w[ordinary] = (1 - NATURAL_PRIOR) * (1 - HARD_SHARE if hard.any() else 1.0) / ordinary.sum()
    return w * len(examples)


def out_of_fold_evidence(
    examples: Sequence[Example],
    claims: list[str],
    folds: int = FOLDS,
    random_state: int = 0,
    cues: Sequence[str] = (),
) -> np.ndarray:
    """Each example's evidence from models fitted without it (``folds``-fold cross-fitting)."""
    order = np.random.default_rng(random_state).permutation(len(examples))
    fold = np.empty(len(examples), dtype=int)
    fold[order] = np.arange(len(examples)) % folds
    out = np.zeros((len(examples), len(EVIDENCE) + len(cues)))
    for k in range(folds):
        train = [examples[n] for n in range(len(examples)) if fold[n] != k]
        test = [n for n in range(len(examples)) if fold[n] == k]
        out[test] = _evidence(_fit_base(train), [examples[n] for n in test], claims, cues)
    return out


def day_cut(logits: np.ndarray, labels: np.ndarray) -> float:
    """The cut on ``logits`` (papers of whole judged days, ``labels`` 1 for judged relevant) that balances
    precision and recall best (highest F1): halfway between the lowest logit shown and the next one below."""
    order = np.argsort(-logits)
    z, y = logits[order], labels[order].astype(bool)
    tp = np.cumsum(y)
    f1 = 2 * tp / (np.arange(1, len(z) + 1) + y.sum())
    k = int(np.argmax(f1))
    return float(z[k] if k + 1 == len(z) else (z[k] + z[k + 1]) / 2)


def fit_profile_model(
    examples: Sequence[Example],
    embedder_name: str,
    seed_area: Sequence[int],
    *,
    claims: Sequence[str] = (),
    folds: int = FOLDS,
    days: Sequence[Example] = (),
    cues: Sequence[str] = (),
) -> tuple[ProfileModel, np.ndarray]:
    """Fit the model of :mod:`paperradar.relevance.model` on ``examples``; ``seed_area`` gives the area index
    of each positive example, in order; ``claims`` are regular expressions of claims that mark the interest,
    ``cues`` those of its negative cues (one evidence column each).

    ``days`` are every paper of whole judged days (a natural mix, each with its label): the intercept is set so
    that 0.5 is their :func:`day_cut`, each scored by a model that did not see it (its out-of-fold evidence when
    it is also among ``examples``, else the final model's). Without days the ordinary papers set it
    (ORDINARY_RELEVANT). Returns the model and the out-of-fold evidence (for checking it)."""
    from sklearn.linear_model import LogisticRegression

    oof = out_of_fold_evidence(examples, list(claims), folds, cues=cues)
    y = np.array([e.label for e in examples])
    mean, scale = oof.mean(axis=0), oof.std(axis=0)
    scale[scale == 0] = 1.0

    def features(ev: np.ndarray) -> np.ndarray:
        return stack_features(ev, mean, scale, STACK_DEGREE)

    stack = LogisticRegression(C=STACK_C, max_iter=5000).fit(features(oof), y, sample_weight=natural_weights(examples))
    stack_b = float(stack.intercept_[0])
    base = _fit_base(examples)
    coef, intercept, lexical, seeds, negatives = base
    ordinary = np.array([e.kind == "ordinary" for e in examples])
    if days:
        row = {e.id: n for n, e in enumerate(examples)}
        seen = [d for d in days if d.id in row]
        unseen = [d for d in days if d.id not in row]
        ev = np.vstack(
            [oof[[row[d.id] for d in seen]].reshape(-1, oof.shape[1])]
            + ([_evidence(base, unseen, list(claims), cues)] if unseen else [])
        )
        day_y = np.array([d.label for d in [*seen, *unseen]])
        stack_b -= day_cut(features(ev) @ stack.coef_.ravel() + stack_b, day_y)
    elif ordinary.sum() >= 20:
        logits = features(oof[ordinary]) @ stack.coef_.ravel() + stack_b
        stack_b -= float(np.quantile(logits, 1 - ORDINARY_RELEVANT))
    pos_ids = [e.id for e in examples if e.label]
    if len(seed_area) != len(pos_ids):
        raise ValueError("seed_area needs one area per positive example")
    model = ProfileModel(
        embedder=embedder_name,
        emb_coef=coef,
        emb_intercept=intercept,
        lexical=lexical,
        seed_ids=pos_ids,
        seed_vectors=seeds,
        seed_area=np.asarray(seed_area),
        negative_vectors=negatives,
        stack_coef=stack.coef_.ravel().astype(np.float64),
        stack_intercept=stack_b,
        claims=list(claims),
        cues=list(cues),
        stack_mean=mean,
        stack_scale=scale,
        stack_degree=STACK_DEGREE,
    )
    return model, oof


def assign_areas(
    vectors: np.ndarray,
    texts: Sequence[str],
    area_vectors: np.ndarray,
    area_terms: Sequence[Sequence[str]],
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """The area index of each paper: its cosine to the area's description, plus 0.05 per area term it uses, among
    the areas ``allowed`` for it ((n, areas) booleans, :func:`paperradar.relevance.areas.allowed`; default: all)."""
    from paperradar.relevance.profiles import Profile

    pats = [Profile(name="x").keyword_patterns(list(t)) for t in area_terms]
    hits = np.array([[sum(1 for _w, p in ps if p.search(t)) for ps in pats] for t in texts], dtype=np.float64)
    score = vectors @ area_vectors.T + 0.05 * np.minimum(hits, 3)
    if allowed is not None:
        score = np.where(allowed.any(axis=1, keepdims=True) & ~allowed, -np.inf, score)
    return np.asarray(score.argmax(axis=1))
