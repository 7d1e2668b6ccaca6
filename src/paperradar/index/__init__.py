"""Finding papers: hybrid search (BM25 over FTS5 + embedding similarity, fused), "more like this", filters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from paperradar.embed import Embedder, default_embedder, ensure_embeddings
from paperradar.index.query import Query, QueryError, parse, to_fts
from paperradar.index.vectors import HNSW_THRESHOLD, ExactIndex, HnswIndex, VectorIndex
from paperradar.store import SearchFilters, Store

RRF_K = 60
MODES = ("hybrid", "keyword", "vector")


@dataclass
class SearchHit:
    """One result: id, fused score (higher is better), title, and the ranks each side gave it."""

    id: str
    score: float
    title: str = ""
    keyword_rank: int | None = None
    vector_rank: int | None = None
    similarity: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "title": self.title,
            "keyword_rank": self.keyword_rank,
            "vector_rank": self.vector_rank,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


_CACHE: dict[tuple[str, str], tuple[str, VectorIndex]] = {}


def vector_index(store: Store, model: str) -> VectorIndex:
    """The vector index of ``model``'s stored embeddings: exact below HNSW_THRESHOLD papers, else HNSW saved
    beside the database; rebuilt only when the stored vectors changed."""
    sig = store.embeddings.signature(model)
    key = (str(store.path), model)
    hit = _CACHE.get(key)
    if hit and hit[0] == sig:
        return hit[1]
    folder = store.files_dir("index")
    stem = folder / model.replace("/", "_")
    meta_path, ids_path, hnsw_path = stem.with_suffix(".meta"), stem.with_suffix(".ids"), stem.with_suffix(".usearch")
    index: VectorIndex
    if meta_path.exists() and meta_path.read_text() == sig and ids_path.exists() and hnsw_path.exists():
        index = HnswIndex.open(orjson.loads(ids_path.read_bytes()), hnsw_path)
    else:
        ids, matrix = store.embeddings.matrix(model)
        if len(ids) >= HNSW_THRESHOLD:
            index = HnswIndex.build(ids, matrix, hnsw_path)
            ids_path.write_bytes(orjson.dumps(ids))
            meta_path.write_text(sig)
        else:
            index = ExactIndex(ids, matrix)
    _CACHE[key] = (sig, index)
    return index


def _prepare(store: Store, embedder: Embedder | None, progress: Callable[[int, int], None] | None) -> Embedder:
    store.papers.sync_fts()
    embedder = embedder or default_embedder()
    ensure_embeddings(store, embedder, progress=progress)
    return embedder


def _keyword(store: Store, q: Query, limit: int, filters: SearchFilters | None) -> list[tuple[str, float]]:
    if not q.has_keyword_part:
        return []
    try:
        expr = to_fts(q, mode="or")
        return store.search.keyword(expr, limit, filters) if expr else []
    except sqlite3.OperationalError as e:  # to_fts quotes every term, so this is a bug or an exotic input
        raise QueryError(f"cannot search for {q.text!r} ({e})") from e


def _vector(
    store: Store, embedder: Embedder, text: str, limit: int, allowed: set[str] | None
) -> list[tuple[str, float]]:
    index = vector_index(store, embedder.name)
    qv = embedder.embed(text)
    want = limit if allowed is None else max(limit * 20, 1000)
    hits = index.search(qv, want)
    return [(i, s) for i, s in hits if allowed is None or i in allowed][:limit]


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
        h = hits.setdefault(pid, SearchHit(pid, 0.0))
        h.score += keyword_weight / (k + rank)
        h.keyword_rank = rank
    for rank, (pid, sim) in enumerate(vector, 1):
        h = hits.setdefault(pid, SearchHit(pid, 0.0))
        h.score += vector_weight / (k + rank)
        h.vector_rank, h.similarity = rank, sim
    return sorted(hits.values(), key=lambda h: -h.score)


def search(
    store: Store,
    query: str,
    *,
    limit: int = 20,
    filters: SearchFilters | None = None,
    embedder: Embedder | None = None,
    mode: str = "hybrid",
    progress: Callable[[int, int], None] | None = None,
    update: bool = True,
) -> list[SearchHit]:
    """Search stored papers; raise QueryError (one line) for a malformed query.

    With ``update`` (the CLI) papers not yet indexed or embedded are processed first; the web app passes False
    so a request never carries an ingest's backlog, and searches what is indexed so far.
    """
    if mode not in MODES:
        raise QueryError(f"unknown search mode {mode!r}; choose one of: {', '.join(MODES)}")
    q = parse(query)
    if q.categories:
        filters = filters or SearchFilters()
        filters.categories = [*filters.categories, *q.categories]
    depth = max(limit * 3, 100)
    keyword: list[tuple[str, float]] = []
    vector: list[tuple[str, float]] = []
    if mode in ("hybrid", "keyword"):
        if update:
            store.papers.sync_fts()
        keyword = _keyword(store, q, depth, filters)
    if mode in ("hybrid", "vector"):
        embedder = _prepare(store, embedder, progress) if update else (embedder or default_embedder())
        allowed = store.search.allowed_ids(filters)
        if q.excluded or q.fields or q.phrases:
            # hard constraints: only papers the keyword side admits may come from the vector side
            admitted = (
                {i for i, _ in store.search.keyword(to_fts(q, mode="and") or "", 100_000, filters)}
                if (q.fields or q.phrases)
                else None
            )
            excluded = {i for ex in q.excluded for i, _ in store.search.keyword(f'"{ex}"', 100_000)}
            if admitted is not None:
                allowed = admitted if allowed is None else allowed & admitted
            if excluded:
                allowed = (allowed if allowed is not None else set(store.papers.ids())) - excluded
        vector = _vector(store, embedder, q.semantic_text, depth, allowed)
    hits = fuse(keyword, vector)[:limit]
    titles = store.search.titles([h.id for h in hits])
    for h in hits:
        h.title = titles.get(h.id, "")
    return hits


def more_like_this(
    store: Store,
    paper_id: str,
    *,
    limit: int = 10,
    filters: SearchFilters | None = None,
    embedder: Embedder | None = None,
) -> list[SearchHit]:
    """Papers nearest to ``paper_id`` by embedding (the paper itself excluded)."""
    if store.papers.status(paper_id) is None:
        raise QueryError(f"no paper {paper_id!r} in the database")
    embedder = _prepare(store, embedder, None)
    _ids, vecs = store.embeddings.matrix(embedder.name, [paper_id])
    allowed = store.search.allowed_ids(filters)
    hits = [
        (i, s)
        for i, s in vector_index(store, embedder.name).search(vecs[0], limit * 5 + 1)
        if i != paper_id and (allowed is None or i in allowed)
    ][:limit]
    titles = store.search.titles([i for i, _ in hits])
    return [SearchHit(i, s, titles.get(i, ""), vector_rank=r, similarity=s) for r, (i, s) in enumerate(hits, 1)]


__all__ = [
    "MODES",
    "ExactIndex",
    "HnswIndex",
    "QueryError",
    "SearchFilters",
    "SearchHit",
    "VectorIndex",
    "fuse",
    "more_like_this",
    "parse",
    "search",
    "vector_index",
]
