"""Which sub-area of a profile a paper belongs to, for explanations (never for the score).

Two kinds of evidence, both cheap:

- the seed vote (:meth:`ProfileModel.area_votes`): per area, the mean cosine of the paper to that area's nearest
  seed papers, the paper's own seed left out;
- the area's terms in the paper's title: a title that says "KV cache" or "speculative decoding" names its area
  better than its neighbours do (TITLE_TERM per term, at most MAX_TITLE_TERMS).

An area with an ``only_when`` pattern (the built-in "surveys and benchmarks" area: a survey or benchmark cue) is
named only for papers whose text matches it, so a broad area does not swallow specific papers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paperradar.relevance.profiles import Area, Profile

TITLE_TERM = 0.03  # cosine units per area term in the title; a seed vote's margin between areas is ~0.02-0.1
MAX_TITLE_TERMS = 2


def title_term_hits(texts: Sequence[str], areas: Sequence[Area]) -> np.ndarray:
    """(n, areas): how many of each area's terms the first line (the title) of each text uses."""
    pats = [Profile(name="x").keyword_patterns(a.terms) for a in areas]
    titles = [t.split("\n", 1)[0] for t in texts]
    return np.array(
        [[sum(1 for _w, p in ps if p.search(title)) for ps in pats] for title in titles], dtype=np.float64
    ).reshape(len(texts), len(areas))


def allowed(texts: Sequence[str], areas: Sequence[Area]) -> np.ndarray:
    """(n, areas) booleans: False where an area's ``only_when`` pattern is not in the text."""
    out = np.ones((len(texts), len(areas)), dtype=bool)
    for j, a in enumerate(areas):
        if a.only_when is not None:
            out[:, j] = [bool(a.only_when.search(t)) for t in texts]
    return out


def pick(votes: np.ndarray, texts: Sequence[str], areas: Sequence[Area]) -> np.ndarray:
    """The area index for each paper from its seed ``votes`` (n, areas; -inf where an area has no seed), the
    areas' title terms and their ``only_when`` gates. A paper no allowed area has seeds for falls back to the
    plain vote."""
    hits = title_term_hits(texts, areas)
    score = votes + TITLE_TERM * np.minimum(hits, MAX_TITLE_TERMS)
    gated = np.where(allowed(texts, areas), score, -np.inf)
    best = gated.argmax(axis=1)
    stuck = ~np.isfinite(gated[np.arange(len(best)), best]) if len(best) else np.zeros(0, dtype=bool)
    best[stuck] = score[stuck].argmax(axis=1)
    return best
