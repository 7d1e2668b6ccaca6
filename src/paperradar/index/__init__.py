"""Finding papers: hybrid search (BM25 over FTS5 or tantivy + embedding similarity, fused), "more like this",
filters."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from paperradar.embed import Embedder, ensure_embeddings
from paperradar.index.explain import content_words, coverage, explain, meaning, opening, relevance, stem, terms_of
from paperradar.index.keyword import (
    TANTIVY_THRESHOLD,
    Fts5Index,
    KeywordIndex,
    TantivyIndex,
    keyword_index,
    sync_keyword_index,
)
from paperradar.index.query import Query, QueryError, parse
from paperradar.index.vectors import HNSW_THRESHOLD, ExactIndex, HnswIndex, VectorIndex
from paperradar.memo import Caches
from paperradar.models import normalize_title
from paperradar.store import SearchFilters, Store

RRF_K = 60
# How much the keyword side counts beside the meaning side (weight 1), by the kind of query (query_kind); tuned on
# the dev judgments (benchmarks/search_quality.py, RESULTS.md "Search quality"). A paper whose title the query is,
# or papers by the author it names, come first whatever the weights (_known_items, _by_author).
KEYWORD_WEIGHTS = {"keywords": 1.2, "topic": 0.8, "description": 0.5}
SUBSET_CAP = 5_000  # a restriction admitting at most this many papers is scored exactly on the vector side
MODES = ("hybrid", "keyword", "vector")


@dataclass
class SearchHit:
    """One result: id, fused score (higher is better, ranks by it), the ranks each side gave it, and for a
    person: ``relevance`` (0-1), why it matched (``reasons``, ``matched`` terms), a ``snippet`` of the abstract with
    the ``highlights`` (start, end) of the matched terms in it, authors and date."""

    id: str
    score: float
    title: str = ""
    keyword_rank: int | None = None
    vector_rank: int | None = None
    similarity: float | None = None
    relevance: float | None = None
    matched: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    date: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet cut into (text, is a matched term) pieces, for a page to highlight."""
        parts, at = [], 0
        for start, end in self.highlights:
            if start > at:
                parts.append((self.snippet[at:start], False))
            parts.append((self.snippet[start:end], True))
            at = end
        if at < len(self.snippet):
            parts.append((self.snippet[at:], False))
        return parts

    @property
    def why(self) -> str:
        """The reasons as one line, e.g. "matches kv, cache, eviction; close in meaning (0.61)"."""
        return "; ".join(self.reasons)

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form: ``score`` is the 0-1 relevance when known, ``fused`` the ranking score."""
        return {
            "id": self.id,
            "score": self.relevance if self.relevance is not None else round(self.score, 6),
            "fused": round(self.score, 6),
            "title": self.title,
            "authors": self.authors,
            "date": self.date,
            "why": self.why,
            "reasons": self.reasons,
            "matched": self.matched,
            "snippet": self.snippet,
            "highlights": [list(s) for s in self.highlights],
            "keyword_rank": self.keyword_rank,
            "vector_rank": self.vector_rank,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


def vector_index(store: Store, model: str, caches: Caches | None = None) -> VectorIndex:
    """The vector index of ``model``'s stored embeddings: exact below HNSW_THRESHOLD papers, else HNSW saved
    beside the database and memory-mapped; when vectors were added or replaced since it was saved, the saved
    graph is extended with just those (a full rebuild only when the counts do not add up, e.g. after deletions).
    With ``caches`` an opened index is reused while the stored vectors are unchanged."""
    if caches is None:
        return _open_vector_index(store, model, store.embeddings.signature(model))
    memo = caches.vector_indexes
    with memo.lock:  # one thread builds or extends an index; the others wait and reuse it
        sig = store.embeddings.signature(model)
        key = (str(store.path), model)
        hit = memo.get(key)
        if hit and hit[0] == sig:
            return hit[1]
        index = _open_vector_index(store, model, sig)
        memo.put(key, (sig, index))
        return index


def _open_vector_index(store: Store, model: str, sig: str) -> VectorIndex:
    """The saved index when the stored vectors are unchanged, the saved one extended with the vectors written
    since when the counts add up, else one built from every stored vector (and saved for the next process)."""
    stem = store.files_dir("index") / model.replace("/", "_")
    meta_path, ids_path = stem.with_suffix(".meta"), stem.with_suffix(".ids")
    paths: dict[str, Path] = {"hnsw": stem.with_suffix(".usearch"), "exact": stem.with_suffix(".f32")}
    index: VectorIndex | None = None
    try:
        meta = orjson.loads(meta_path.read_bytes())
        kind = meta.get("kind", "hnsw") if meta.get("format") in (2, 3) else ""
        saved_ids = orjson.loads(ids_path.read_bytes()) if kind in paths and paths[kind].exists() else None
    except (OSError, orjson.JSONDecodeError, AttributeError):
        meta, kind, saved_ids = {}, "", None
    if saved_ids is not None:
        path, dim = paths[kind], int(meta.get("dim", 0))
        if meta["sig"] == sig:
            try:
                index = HnswIndex.open(saved_ids, path) if kind == "hnsw" else ExactIndex.open(saved_ids, path, dim)
            except (OSError, ValueError, RuntimeError):
                index = None  # damaged or cut short: rebuilt below
        else:
            new_ids = store.embeddings.written_since(model, meta["newest"])
            live = {i for i in saved_ids if i}
            total = store.embeddings.count_live(model)
            grown_out = kind == "exact" and total >= HNSW_THRESHOLD  # time for a graph
            if not grown_out and len(live) + sum(1 for i in new_ids if i not in live) == total:
                _ids, matrix = store.embeddings.matrix(model, new_ids)
                if kind == "hnsw":
                    index = HnswIndex.extend(saved_ids, path, new_ids, matrix)
                else:
                    index = ExactIndex.extend(saved_ids, path, new_ids, matrix, dim or matrix.shape[1])
                ids_path.write_bytes(orjson.dumps(index.ids))
    if index is None:
        ids, matrix = store.embeddings.matrix(model)
        kind = "hnsw" if len(ids) >= HNSW_THRESHOLD else "exact"
        index = (
            HnswIndex.build(ids, matrix, paths[kind]) if kind == "hnsw" else ExactIndex.build(ids, matrix, paths[kind])
        )
        ids_path.write_bytes(orjson.dumps(ids))
    dim = index.matrix.shape[1] if isinstance(index, ExactIndex) and index.matrix.ndim == 2 else 0
    meta = {"format": 3, "kind": kind, "dim": dim, "sig": sig, "newest": store.embeddings.newest(model)}
    meta_path.write_bytes(orjson.dumps(meta))
    return index


@dataclass(frozen=True)
class Coverage:
    """How much of the collection the meaning (vector) side can find: papers with a vector of ``total``."""

    embedded: int
    total: int

    @property
    def missing(self) -> int:
        """Papers without a vector yet."""
        return max(0, self.total - self.embedded)

    def note(self) -> str | None:
        """A line for the reader when the meaning side does not cover everything, else None."""
        if not self.missing:
            return None
        return (
            f"the meaning side of search covers {self.embedded:,} of {self.total:,} papers (keyword search covers "
            f"all); run `paperradar embed` to embed the other {self.missing:,}"
        )


def vector_coverage(store: Store, model: str) -> Coverage:
    """How many stored papers have a vector for ``model``, of how many (two counts; cheap at any size)."""
    return Coverage(store.embeddings.count_live(model), store.papers.count())


def _keyword(engine: KeywordIndex, q: Query, limit: int, filters: SearchFilters | None) -> list[tuple[str, float]]:
    return engine.search(q, limit, filters) if q.has_keyword_part else []


@dataclass
class _Candidates:
    """The vector index's nearest papers to a query vector, how many papers it holds and, when the filters were
    checked already, which of the nearest pass (None: not checked yet)."""

    found: list[tuple[str, float]]
    total: int
    keep: set[str] | None = None


def _nearest(
    index: VectorIndex,
    engine: KeywordIndex,
    qv: np.ndarray,
    q: Query,
    limit: int,
    filters: SearchFilters | None,
    *,
    check: bool = True,
) -> _Candidates:
    """The candidates :func:`_vector` starts from: the ``limit`` nearest without restrictions, else the
    ``max(limit * 10, 1000)`` nearest, checked against the filters (when ``check``) by the keyword index."""
    hard = bool(q.excluded or q.fields or q.phrases)
    if not hard and (filters is None or not filters.active()):
        return _Candidates(index.search(qv, limit), len(index))
    found = index.search(qv, max(limit * 10, 1000))
    return _Candidates(found, len(index), engine.filter_ids([i for i, _ in found], filters) if check else None)


def _sql_free(engine: KeywordIndex, filters: SearchFilters | None) -> bool:
    """Can ``engine`` check ``filters`` without the database (so in another thread than the store's)? tantivy holds
    dates and categories; tags and topics are asked of SQL."""
    if filters is None or not filters.active():
        return True
    return isinstance(engine, TantivyIndex) and engine.ready and not (filters.tag or filters.topic)


WORKERS = 4  # threads a radar keeps to encode queries in: concurrent web requests do not wait for each other's


def _workers(caches: Caches | None) -> ThreadPoolExecutor:
    """The radar's threads for the meaning side of searches, started once (a thread started per search waits for a
    core on a busy machine before the search can go on); without ``caches`` a new one, for this search."""
    if caches is None:
        return ThreadPoolExecutor(max_workers=1)
    pool: ThreadPoolExecutor = caches.workers.get_or_make(
        "search", lambda: ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="paperradar-search")
    )
    return pool


def _encode_nearest(
    embedder: Embedder,
    text: str,
    index: VectorIndex | None,
    engine: KeywordIndex,
    q: Query,
    limit: int,
    filters: SearchFilters | None,
    check: bool,
) -> tuple[np.ndarray, _Candidates | None]:
    """The query's vector and (with an ``index``) its nearest candidates: run in a thread beside the keyword side.
    Touches no database connection (those belong to the caller's thread)."""
    qv = embedder.embed(text)
    return qv, None if index is None else _nearest(index, engine, qv, q, limit, filters, check=check)


def _vector(
    store: Store,
    engine: KeywordIndex,
    model: str,
    qv: np.ndarray,
    q: Query,
    limit: int,
    filters: SearchFilters | None,
    caches: Caches | None = None,
    nearest: _Candidates | None = None,
) -> list[tuple[str, float]]:
    """The ``limit`` papers nearest to the query vector ``qv`` among those the filters and the hard constraints
    of ``q`` (fields, phrases, exclusions) admit; ``nearest``: what :func:`_nearest` found already."""
    hard = bool(q.excluded or q.fields or q.phrases)
    if nearest is None:
        nearest = _nearest(vector_index(store, model, caches), engine, qv, q, limit, filters)
    if not hard and (filters is None or not filters.active()):
        return nearest.found
    # Check the nearest candidates against the restrictions (cheap whatever the collection's size) ...
    candidates = nearest.found
    ids = [i for i, _ in candidates]
    keep = nearest.keep if nearest.keep is not None else engine.filter_ids(ids, filters)
    if hard:
        keep = engine.admitted(q, [i for i in ids if i in keep])
    passed = [(i, s) for i, s in candidates if i in keep]
    hits = passed[:limit]
    if len(hits) >= limit or len(candidates) >= nearest.total:
        return hits
    # ... and when too few pass and the share that passed says the restriction is narrow, score exactly every
    # paper it admits (listing the papers of a broad one would cost more than the whole search).
    if len(passed) / len(candidates) * nearest.total > SUBSET_CAP:
        return hits
    admitted = _admitted_set(store, engine, q, filters)
    if admitted is None:
        return hits
    sub_ids, matrix = store.embeddings.matrix(model, sorted(admitted))
    if not sub_ids:
        return []
    sims = matrix @ qv.astype("float32")
    order = sims.argsort()[::-1][:limit]
    return [(sub_ids[i], float(sims[i])) for i in order]


def _admitted_set(store: Store, engine: KeywordIndex, q: Query, filters: SearchFilters | None) -> set[str] | None:
    """Every paper the filters and hard constraints admit, or None when that is more than SUBSET_CAP."""
    broad = filters is not None and isinstance(engine, TantivyIndex) and (engine.count(filters) or 0) > SUBSET_CAP
    allowed = None if broad else store.search.allowed_ids(filters, limit=SUBSET_CAP + 1)
    if allowed is not None and len(allowed) > SUBSET_CAP:
        allowed = None  # broad filter: left to the keyword constraint, if any, to narrow
    if q.fields or q.phrases:
        required = Query(q.text, words=q.words, phrases=q.phrases, fields=q.fields)
        matched = {i for i, _ in engine.search(required, SUBSET_CAP + 1, filters, mode="and")}
        if len(matched) > SUBSET_CAP:
            return None
        allowed = matched if allowed is None else allowed & matched  # (the engine applied the filters too)
    if allowed is None:
        return None
    return engine.admitted(Query(q.text, excluded=q.excluded), sorted(allowed)) if q.excluded else allowed


def fuse(
    keyword: list[tuple[str, float]],
    vector: list[tuple[str, float]],
    *,
    k: int = RRF_K,
    keyword_weight: float = 1.0,
    vector_weight: float = 1.0,
) -> list[SearchHit]:
    """Reciprocal rank fusion: each side contributes weight / (k + rank)."""
    hits: dict[str, SearchHit] = {}
    for rank, (pid, _s) in enumerate(keyword, 1):
        h = hits.get(pid) or hits.setdefault(pid, SearchHit(pid, 0.0))  # (a hit made only when new)
        h.score += keyword_weight / (k + rank)
        h.keyword_rank = rank
    for rank, (pid, sim) in enumerate(vector, 1):
        h = hits.get(pid) or hits.setdefault(pid, SearchHit(pid, 0.0))
        h.score += vector_weight / (k + rank)
        h.vector_rank, h.similarity = rank, sim
    return sorted(hits.values(), key=lambda h: -h.score)


def search(
    store: Store,
    query: str,
    *,
    limit: int = 20,
    filters: SearchFilters | None = None,
    embedder: Embedder,
    mode: str = "hybrid",
    progress: Callable[[int, int], None] | None = None,
    update: bool = True,
    caches: Caches | None = None,
    threshold: int = TANTIVY_THRESHOLD,
    embed_limit: int | None = None,
) -> list[SearchHit]:
    """Search stored papers; raise QueryError (one line) for a malformed query.

    With ``update`` (the CLI) papers not yet indexed or embedded are processed first; the web app passes False
    so a request never carries an ingest's backlog, and searches what is indexed so far. ``embed_limit`` bounds
    that: when more papers than this lack a vector, none is embedded now and the meaning side searches what is
    embedded (see :func:`vector_coverage`; ``paperradar embed`` embeds the rest). ``threshold`` is the
    collection size from which tantivy answers keyword queries (the ``index.tantivy_threshold`` setting).
    """
    if mode not in MODES:
        raise QueryError(f"unknown search mode {mode!r}; choose one of: {', '.join(MODES)}")
    q = parse(query)
    if q.categories:
        filters = filters or SearchFilters()
        filters.categories = [*filters.categories, *q.categories]
    depth = max(limit, CANDIDATES)
    keyword: list[tuple[str, float]] = []
    vector: list[tuple[str, float]] = []
    engine = keyword_index(store, threshold=threshold, update=update)
    if update:
        engine.sync()
    encoding: Future[tuple[np.ndarray, _Candidates | None]] | None = None
    if mode in ("hybrid", "vector"):
        # the query is encoded (the encoder loaded first if need be) in a thread while the keyword side searches:
        # both run in native code, one on each core. Without ``update`` (nothing is embedded first) that thread
        # also finds the vector index's nearest candidates, and checks them against the filters when that needs no
        # SQL (the store's connection belongs to this thread)
        ann = None if update else vector_index(store, embedder.name, caches)
        check = _sql_free(engine, filters)
        worker = _workers(caches)
        encoding = worker.submit(_encode_nearest, embedder, q.semantic_text, ann, engine, q, depth, filters, check)
        if caches is None:
            worker.shutdown(wait=False)
    if mode in ("hybrid", "keyword"):
        keyword = _keyword(engine, q, depth, filters)
    qv: np.ndarray | None = None
    if encoding is not None:
        if update and (embed_limit is None or vector_coverage(store, embedder.name).missing <= embed_limit):
            ensure_embeddings(store, embedder, progress=progress)
        qv, nearest = encoding.result()
        vector = _vector(store, engine, embedder.name, qv, q, depth, filters, caches, nearest)
    kind = query_kind(q)
    texts: dict[str, tuple[str, str]] = {}
    fused = _ranked(store, q, kind, keyword, vector, mode, texts, SEED_RERANK)
    cosines: dict[str, float] = {}
    if mode == "hybrid" and vector and qv is not None:
        # pseudo-relevance feedback: the query's vector moved towards the first few papers found re-scores every
        # candidate either side found (all of them passed the filters and the query's constraints already)
        pool_ids, pool = vector_index(store, embedder.name, caches).vectors(
            list(dict.fromkeys(i for i, _s in vector + keyword))
        )
        rows = {pid: n for n, pid in enumerate(pool_ids)}
        seeds = [rows[h.id] for h in fused[:FEEDBACK_PAPERS] if h.id in rows]
        expanded = _feedback_vector(qv, pool[seeds]) if seeds else None
        if expanded is not None:
            sims = pool @ expanded
            vector = [(pool_ids[j], float(sims[j])) for j in np.argsort(-sims, kind="stable")[:depth]]
            fused = _ranked(store, q, kind, keyword, vector, mode, texts, RERANK)
        cosines = dict(zip(pool_ids, (pool @ qv.astype(np.float32)).tolist(), strict=True))
    head = fused[: limit + 10]
    titles = {h.id: texts[h.id][0] for h in head if h.id in texts}  # (the re-ranked ones' were read already)
    titles.update(store.search.titles([h.id for h in head if h.id not in titles]))
    first = _known_items(q, head, titles)
    if mode != "vector" and kind != "description":
        first |= _by_author(store, engine, q, filters)
    if first:  # the reader typed a paper's title, or an author's name: those papers first
        fused.sort(key=lambda h: h.id not in first)
    hits = fused[:limit]
    if qv is not None:
        _query_similarity(store, embedder.name, qv, hits, cosines)
    annotate(store, q, hits, keyword_only=mode == "keyword")
    _shown_scores(hits, first)
    return hits


CANDIDATES = 100  # papers each side hands to the fusion (at least ``limit``), whatever the number asked for
# Pseudo-relevance feedback (Rocchio on the embeddings): after a first fused ranking, the query vector plus
# FEEDBACK_WEIGHT times the unit mean vector of its FEEDBACK_PAPERS best papers re-scores the meaning side's list:
# every candidate of either side, by its cosine to that vector (a second ANN search found no better, and re-scoring
# needs no second pass through the filters).
# A query names its subject in a few words; the papers it finds first say in theirs what that subject is written
# about. On the dev judgments this raised the evaluation's 14 queries from 0.861 to 0.898 nDCG@10 and this project's
# own 23 from 0.910 to 0.925 (benchmarks/search_quality.py; RESULTS.md "Search quality").
FEEDBACK_PAPERS = 3
FEEDBACK_WEIGHT = 2.0


def _ranked(
    store: Store,
    q: Query,
    kind: str,
    keyword: list[tuple[str, float]],
    vector: list[tuple[str, float]],
    mode: str,
    texts: dict[str, tuple[str, str]],
    rerank: dict[str, tuple[float, float, float, float]],
) -> list[SearchHit]:
    """Both sides fused, then (hybrid) the first RERANK_DEPTH re-ranked; ``texts`` caches (title, abstract)."""
    fused = fuse(keyword, vector, keyword_weight=KEYWORD_WEIGHTS[kind])
    if rerank[kind][0] and mode == "hybrid":
        top = (KEYWORD_WEIGHTS[kind] + 1.0) / (RRF_K + 1)  # first on both sides
        fused = _rerank(store, q, fused, RERANK_DEPTH, vector, rerank[kind], texts, top)
    return fused


def _feedback_vector(qv: np.ndarray, seeds: np.ndarray) -> np.ndarray | None:
    """``qv`` moved towards the mean of the ``seeds`` vectors (unit length), or None when they cancel out."""
    centre = seeds.astype(np.float32).mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0.0:
        return None
    out = qv.astype(np.float32) + FEEDBACK_WEIGHT * centre / norm
    return out / float(np.linalg.norm(out))


def _query_similarity(store: Store, model: str, qv: np.ndarray, hits: list[SearchHit], known: dict[str, float]) -> None:
    """Each hit's cosine to the query as typed (what "close in meaning" and the relevance report), also for hits
    only the keyword side or the feedback found; ``known`` holds those already computed."""
    ids, matrix = store.embeddings.matrix(model, [h.id for h in hits if h.id not in known])
    sims = dict(known)
    if len(ids):
        sims.update(zip(ids, (matrix @ qv.astype(np.float32)).tolist(), strict=True))
    for h in hits:
        if h.id in sims:
            h.similarity = float(sims[h.id])


RERANK_DEPTH = 40
# The second stage: the first RERANK_DEPTH fused hits re-ordered by a score of weights (fused: the RRF score as a
# share of the best possible one, first on both sides; meaning: the rescaled cosine of the meaning side's list;
# coverage: share of the query's words in title or abstract; opening: share of them in the title and the abstract's
# first two sentences, where a paper says what it is about). The score as a share of the sum of the weights, times
# how well the query is answered at all, is the 0-1 relevance shown for a hit (_shown_scores).
# Tuned on the dev judgments (benchmarks/search_quality.py, RESULTS.md "Search quality"): the opening term moved the
# evaluation's 14 queries from 0.898 to 0.910 nDCG@10 and this project's own 23 from 0.925 to 0.943, but only
# when the pseudo-relevance feedback still takes its seed papers from a ranking without it (SEED_RERANK: with the
# new weights the seeds drifted, 0.893-0.898); long descriptions, which no paper repeats word for word, keep the fused
# order (coverage or opening there: 0.935-0.938 against 0.943 on the own queries).
RERANK = {"keywords": (1.0, 0.0, 0.7, 0.3), "topic": (1.0, 0.0, 0.7, 0.3), "description": (1.0, 0.0, 0.0, 0.0)}
SEED_RERANK = {"keywords": (1.0, 0.2, 0.7, 0.0), "topic": (1.0, 0.2, 0.7, 0.0), "description": (1.0, 0.0, 0.0, 0.0)}


def _rerank(
    store: Store,
    q: Query,
    fused: list[SearchHit],
    depth: int,
    vector: list[tuple[str, float]],
    weights: tuple[float, float, float, float],
    texts: dict[str, tuple[str, str]],
    top: float,
) -> list[SearchHit]:
    """Re-order the first ``depth`` fused hits by how much of the query each paper covers (anywhere, and in its
    title and opening) and how close in meaning it is, beside its fused score as a share of ``top``, the best
    possible one (the rest keep their order below them). Each re-ranked hit keeps its score as a 0-1 share of the
    weights in ``extra["relevance"]``. ``texts`` caches (title, abstract)."""
    head, tail = fused[:depth], fused[depth:]
    if not head:
        return fused
    todo = [h.id for h in head if h.id not in texts]
    if todo:
        texts.update(store.search.texts(todo))
    floor = min((s for _i, s in vector), default=0.0)
    wf, wm, wc, wo = weights
    total = wf + wm + wc + wo
    terms = terms_of(q)
    for h in head:
        title, abstract = texts.get(h.id, ("", ""))
        cov = coverage(q, title, abstract, terms) if wc or wo else 0.0
        early = coverage(q, title, opening(abstract), terms) if wo and cov else 0.0
        sim = h.similarity if h.similarity is not None else floor
        h.extra["coverage"] = cov
        h.score = wf * min(1.0, h.score / top) + wm * meaning(sim) + wc * cov + wo * early
        h.extra["relevance"] = h.score / total
    head.sort(key=lambda h: -h.score)
    for h in tail:  # below the re-ranked: their fused share alone (coverage unknown), capped by the last above
        h.extra["relevance"] = wf * min(1.0, h.score / top) / total
    return head + tail


def _shown_scores(hits: list[SearchHit], first: set[str]) -> None:
    """The 0-1 relevance a person reads, in rank order. A hybrid hit's is its re-rank score (a share of the
    weights) times how well the query is answered at all: the best :func:`explain.relevance` (closeness in meaning
    and share of the query's words) among the first SHOWN_BEST hits, so a query nothing matches shows low numbers
    however the two sides agree. The papers a query names (its title, its author) show 1.0; keyword- or meaning-only
    hits keep what :func:`annotate` gave them; none is above the hit ranked before it."""
    answered = max((h.relevance or 0.0 for h in hits[:SHOWN_BEST] if h.id not in first), default=0.0)
    cap = 1.0
    for h in hits:
        share = h.extra.get("relevance")
        if h.id in first:
            value = 1.0
        elif isinstance(share, float):
            value = share * answered
        elif h.relevance is not None:
            value = h.relevance
        else:
            continue
        cap = min(cap, round(value, 3))
        h.relevance = cap


SHOWN_BEST = 3


def query_kind(q: Query) -> str:
    """ "keywords" (up to three content words: BM25 knows best what they match), "description" (seven or more:
    the meaning side reads a sentence better than word counts do), else "topic"."""
    n = len(q.free_terms) + sum(len(p.split()) for p in q.phrases)
    if n <= 3:
        return "keywords"
    return "description" if n >= 7 else "topic"


def _known_items(q: Query, head: list[SearchHit], titles: dict[str, str]) -> set[str]:
    """The paper whose title the query is (exactly, or nearly: at least four query words, all but one found in the
    title, which has few words besides them, and no other title among the first fused hits within one word of
    it), among the first fused hits. The last condition tells a look-up from a topic: "hallucination detection in
    large language models" is nearly the title of several papers, "spectral signatures of valid mathematical
    reasoning" of one (on the dev queries: the real look-ups stand 2 or more words clear of the next title, topic
    queries' best titles within one word of each other)."""
    wanted = normalize_title(q.text)
    exact = {h.id for h in head if normalize_title(titles.get(h.id, "")) == wanted}
    if exact:
        return exact
    terms = {stem(t) for t in q.free_terms}
    if len(terms) < 4 or q.fields or q.excluded:
        return set()
    best: tuple[int, str] | None = None
    runner_up = 0
    for h in head:
        words = {stem(w) for w in content_words(titles.get(h.id, ""))}
        found = len(terms & words)
        if best is None and found >= len(terms) - 1 and found >= 0.5 * len(words):
            best = (found, h.id)
        else:
            runner_up = max(runner_up, found)
    if best is None or runner_up >= best[0] - 1:
        return set()
    return {best[1]}


def _by_author(store: Store, engine: KeywordIndex, q: Query, filters: SearchFilters | None) -> set[str]:
    """Papers by the person the query names: two to four free words that stand, in order, in one name of an
    author list ("Song Han", "tri dao"; not "Zhao Song, Han Liu", where the index sees the same phrase)."""
    words = q.free_text.split()
    if not 2 <= len(words) <= 4 or q.phrases or q.fields or len(words) != len(q.free_terms):
        return set()
    named = Query(q.text, fields=[("authors", q.free_text)])
    found = [i for i, _s in engine.search(named, 50, filters, mode="and")]
    wanted = " ".join(w.lower() for w in words)
    return {p.id for p in store.papers.iter(found) if p.id and any(_names(a, wanted) for a in p.authors)}


def _names(author: str, wanted: str) -> bool:
    """Does the name ``author`` hold the words of ``wanted`` (lowercase, space-separated) side by side?"""
    return f" {wanted} " in " " + " ".join(_NAME_WORDS.findall(author.lower())) + " "


_NAME_WORDS = re.compile(r"[^\W_]+")


def annotate(store: Store, q: Query, hits: list[SearchHit], *, keyword_only: bool = False) -> None:
    """Fill in what a person reads for each hit: title, authors, date, snippet, reasons and relevance."""
    papers = {p.id: p for p in store.papers.iter([h.id for h in hits])}
    terms = terms_of(q)
    for h in hits:
        p = papers.get(h.id)
        if p is None:
            continue
        ex = explain(
            q, p.title, p.abstract, p.authors, similarity=h.similarity, keyword_rank=h.keyword_rank, terms=terms
        )
        h.title, h.authors, h.date = p.title, p.authors, (p.announced or p.published or "")[:10]
        h.matched, h.reasons, h.snippet, h.highlights = ex.matched, ex.reasons, ex.snippet, ex.highlights
        h.relevance = relevance(h.similarity, ex.coverage, keyword_only=keyword_only)


def more_like_this(
    store: Store,
    paper_id: str,
    *,
    limit: int = 10,
    filters: SearchFilters | None = None,
    embedder: Embedder,
    caches: Caches | None = None,
    update: bool = True,
    embed_limit: int | None = None,
) -> list[SearchHit]:
    """Papers nearest to ``paper_id`` by embedding (the paper itself excluded). With ``update`` papers not yet
    embedded are embedded first (at most ``embed_limit`` of them, as in :func:`search`); without it (a web
    request) only the paper itself, and the rest of the collection is searched as far as it is embedded."""
    if store.papers.status(paper_id) is None:
        raise QueryError(f"no paper {paper_id!r} in the database")
    small_backlog = embed_limit is None or vector_coverage(store, embedder.name).missing <= embed_limit
    ensure_embeddings(store, embedder, None if update and small_backlog else [paper_id])
    _ids, vecs = store.embeddings.matrix(embedder.name, [paper_id])
    candidates = vector_index(store, embedder.name, caches).search(vecs[0], limit * 5 + 1)
    active = filters is not None and filters.active()
    allowed = store.search.filter_ids([i for i, _ in candidates], filters) if active else None
    hits = [(i, s) for i, s in candidates if i != paper_id and (allowed is None or i in allowed)][:limit]
    found = [SearchHit(i, s, vector_rank=r, similarity=s) for r, (i, s) in enumerate(hits, 1)]
    annotate(store, Query(paper_id), found)
    return found


__all__ = [
    "MODES",
    "Coverage",
    "ExactIndex",
    "Fts5Index",
    "HnswIndex",
    "KeywordIndex",
    "QueryError",
    "SearchFilters",
    "SearchHit",
    "TantivyIndex",
    "VectorIndex",
    "annotate",
    "fuse",
    "keyword_index",
    "more_like_this",
    "parse",
    "query_kind",
    "search",
    "sync_keyword_index",
    "vector_coverage",
    "vector_index",
]
