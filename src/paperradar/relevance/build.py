"""Packing a profile's seed papers into files that travel with it: their embeddings and a lexical model.

A built-in profile cannot rely on its seed papers being in the reader's database, so what the scorer needs from
them is computed once, from a corpus, and shipped beside the TOML file (see tools/build_profile.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from paperradar.embed import Embedder, paper_text
from paperradar.models import Paper
from paperradar.relevance.lexical import LexicalModel, fit_lexical
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
