"""Relevance: which papers matter to an interest profile, how much (calibrated to [0, 1]) and why."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence

import numpy as np

from paperradar.embed import Embedder, ensure_embeddings
from paperradar.memo import Caches
from paperradar.relevance.lexical import LexicalModel, fit_lexical
from paperradar.relevance.profiles import (
    Profile,
    ProfileError,
    list_profiles,
    load_profile,
    load_profile_arg,
    load_profile_file,
    parse_profile,
    profile_text,
    save_profile,
)
from paperradar.relevance.scorer import ProfileScorer, Scored, Scorer, paper_text
from paperradar.store import Store


def feedback_key(profile: str, reader: str | None = None) -> str:
    """Where feedback is stored: per profile, and per reader in multi-user mode."""
    return f"{reader}:{profile}" if reader else profile


def build_scorer(
    store: Store, profile: Profile, embedder: Embedder, *, reader: str | None = None, caches: Caches | None = None
) -> ProfileScorer:
    """The default scorer for ``profile`` with its seeds and the reader's feedback loaded (fitted models are
    reused through ``caches`` while their training data is unchanged)."""
    fb = store.feedback.of_profile(feedback_key(profile.name, reader))
    likes: dict[str, tuple[np.ndarray, str]] = {}
    dislikes: dict[str, tuple[np.ndarray, str]] = {}
    for value, target in (("like", likes), ("dislike", dislikes)):
        ids = [i for i, v in fb.items() if v == value]
        got, vecs = store.embeddings.matrix(embedder.name, ids)
        titles = store.search.titles(got)
        for i, v in zip(got, vecs, strict=True):
            target[i] = (v, titles.get(i, ""))
    model = profile.model
    if model is not None and model.embedder == embedder.name:
        # a built-in profile's learned model; seed papers that are in this database are named by title
        seed_titles = store.search.titles(model.seed_ids)
        return ProfileScorer(
            profile,
            np.zeros((0, embedder.dim)),
            likes=likes,
            dislikes=dislikes,
            model=model,
            seed_titles=seed_titles,
            classifiers=caches.classifiers if caches else None,
        )
    prototypes = embedder.embed_batch(profile.prototypes) if profile.prototypes else np.zeros((0, embedder.dim))
    seeds = None
    seed_ids_in_db: list[str] = []
    if profile.seed_vectors is not None and profile.seed_model == embedder.name:
        seeds = profile.seed_vectors
    if profile.seeds:
        # seed papers present in this database, embedded with this model, by their present ids (a title-only seed
        # may since have merged into its arXiv record)
        seed_ids_in_db, vecs = store.embeddings.matrix(embedder.name, store.papers.resolve(profile.seeds))
        if len(seed_ids_in_db) and profile.lexical is None:
            # (a profile made from a library ships its seeds' vectors and lexical model already)
            seeds = vecs if seeds is None else np.vstack([seeds, vecs])
    lexical = [profile.lexical] if profile.lexical is not None else []
    if model is not None:  # a model made with another embedder: its words still count
        lexical.append(model.lexical)
    if profile.lexical is None or likes or dislikes:
        own = _own_lexical(store, profile, [*seed_ids_in_db, *likes], list(dislikes), caches)
        if own is not None and profile.lexical is not None and len(seed_ids_in_db) >= 3:
            # the shipped model's seeds and the reader's answers in one model: a model of three likes alone,
            # averaged with the seeds' model, would outweigh thirty seeds with three papers
            lexical = [own]
        elif own is not None:
            lexical.append(own)
    return ProfileScorer(
        profile,
        prototypes,
        seeds=seeds,
        likes=likes,
        dislikes=dislikes,
        lexical=lexical,
        classifiers=caches.classifiers if caches else None,
    )


LEXICAL_BACKGROUND = 5000  # ordinary papers a reader's lexical model is fitted against


def _own_lexical(
    store: Store, profile: Profile, positive: list[str], negative: list[str], caches: Caches | None = None
) -> LexicalModel | None:
    """A lexical model of the seed and liked papers stored in the database (cached while they and the collection
    are unchanged); None with fewer than 3 of them, or when the built-in seeds already speak for themselves."""
    positive = list(dict.fromkeys(positive))
    if len(positive) < 3:
        return None
    everything = store.papers.ids()
    key = hashlib.sha1("\0".join([profile.name, *positive, "|", *negative, "|", str(len(everything))]).encode())
    if caches is not None:
        return caches.lexical_models.get_or_make(
            key.hexdigest(), lambda: _fit_own_lexical(store, everything, positive, negative)
        )
    return _fit_own_lexical(store, everything, positive, negative)


def _fit_own_lexical(
    store: Store, everything: list[str], positive: list[str], negative: list[str]
) -> LexicalModel | None:
    pos_set = set(positive)
    pool = [i for i in everything if i not in pos_set]
    sample = random.Random(0).sample(pool, min(len(pool), LEXICAL_BACKGROUND))
    texts = {p.id: paper_text(p) for p in store.papers.iter([*positive, *negative, *sample])}
    # dislikes count several times: a deliberate "not this" weighs more than an unread paper
    neg = [texts[i] for i in sample if i in texts] + [texts[i] for i in negative if i in texts] * 5
    return fit_lexical([texts[i] for i in positive if i in texts], neg)


def score_papers(
    store: Store,
    profile: Profile | str,
    ids: Sequence[str] | None = None,
    *,
    embedder: Embedder,
    reader: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    caches: Caches | None = None,
) -> list[Scored]:
    """Score every stored paper (or ``ids``) for ``profile``, best first.

    Papers asked about that have no embedding yet are embedded first. The linear model learns from every
    embedded paper, so scoring a subset still uses the whole collection as background.
    """
    profile = load_profile(profile, owner=reader) if isinstance(profile, str) else profile
    ensure_embeddings(store, embedder, ids, progress=progress)  # only the papers asked about
    all_ids, matrix = store.embeddings.matrix(embedder.name)
    scorer = build_scorer(store, profile, embedder, reader=reader, caches=caches)
    if ids is None:
        scored = scorer.score(list(store.papers.iter(all_ids)), matrix)
    else:
        row = {pid: n for n, pid in enumerate(all_ids)}
        wanted = [pid for pid in dict.fromkeys(ids) if pid in row]
        scored = scorer.score(list(store.papers.iter(wanted)), matrix[[row[p] for p in wanted]], background=matrix)
    if profile.follow_authors:
        from paperradar.relevance.library import mark_followed

        by_id = {p.key: p for p in store.papers.iter([s.id for s in scored])}
        mark_followed(scored, by_id, profile.follow_authors)
    return sorted(scored, key=lambda s: -s.score)


__all__ = [
    "LexicalModel",
    "Profile",
    "ProfileError",
    "ProfileScorer",
    "Scored",
    "Scorer",
    "build_scorer",
    "feedback_key",
    "fit_lexical",
    "list_profiles",
    "load_profile",
    "load_profile_arg",
    "load_profile_file",
    "parse_profile",
    "profile_text",
    "save_profile",
    "score_papers",
]
