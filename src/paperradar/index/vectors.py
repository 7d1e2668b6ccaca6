"""Vector indexes: exact (numpy) for small collections, HNSW (usearch) for large ones, one interface."""

from __future__ import annotations

import abc
import contextlib
from pathlib import Path
from typing import Any

import numpy as np

HNSW_THRESHOLD = 200_000  # below this an exact matrix product is fast enough (≈ 15 ms at 200k on 2 cores)
CONNECTIVITY = 16
EXPANSION_ADD = 128
# ef at search time (usearch searches with max(ef, k)). At 1M papers, asking for 100: recall@10 against exact 0.90 at
# ef 128, 0.92 at 256, 0.96 at 512, 0.98 at 1024, for 0.4, 1.0, 1.7, 3.4 ms p50 (benchmarks/search.py replicas)
EXPANSION_SEARCH = 512


def _usearch_index() -> Any:
    """usearch's Index class, with onnxruntime (the query encoder's runtime) imported first when it is installed:
    importing onnxruntime after usearch crashes the process (SIGSEGV in onnxruntime's module init, usearch 2 /
    onnxruntime 1.x on this platform), and a search imports the encoder lazily, sometimes after the vector index."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


class VectorIndex(abc.ABC):
    """Nearest neighbours by cosine similarity over unit vectors, keyed by paper id."""

    ids: list[str]

    @abc.abstractmethod
    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` most similar (id, cosine) pairs, best first."""

    def __len__(self) -> int:
        return len(self.ids)

    def vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """(those of ``ids`` the index holds, their vectors as float32 rows), read from the index itself (a million
        papers' vectors are in memory or memory-mapped: no database reads)."""
        rows = self._rows()
        pairs = [(i, r) for i in ids if (r := rows.get(i)) is not None]  # one look-up each in a dict of 1M ids
        if not pairs:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [i for i, _r in pairs], self._take([r for _i, r in pairs])

    def _rows(self) -> dict[str, int]:
        """Paper id -> row (or graph key), built once per opened index."""
        cached: dict[str, int] | None = getattr(self, "_row_of", None)
        if cached is None:
            cached = {pid: n for n, pid in enumerate(self.ids) if pid}
            self._row_of = cached
        return cached

    @abc.abstractmethod
    def _take(self, rows: list[int]) -> np.ndarray:
        """The vectors at ``rows`` (float32)."""


class ExactIndex(VectorIndex):
    """Brute-force cosine: one matrix-vector product. Saved beside the database as raw float32 rows and
    memory-mapped on reopen, so a new process (a CLI search) does not read every vector out of SQLite;
    ``ids[row]`` is the paper of a row, "" for a row whose vector was replaced (rows are only appended)."""

    def __init__(self, ids: list[str], matrix: np.ndarray) -> None:
        self.ids = ids
        self.matrix = matrix if matrix.dtype == np.float32 else matrix.astype(np.float32)
        self.live = sum(1 for i in ids if i)

    def __len__(self) -> int:
        return self.live

    @classmethod
    def build(cls, ids: list[str], matrix: np.ndarray, path: Path | None = None) -> ExactIndex:
        """From vectors; when ``path`` is given, saved there and returned memory-mapped."""
        rows = np.ascontiguousarray(matrix, dtype="<f4")
        if path is None:
            return cls(list(ids), rows)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(rows.tobytes())
        tmp.replace(path)
        return cls.open(list(ids), path, rows.shape[1] if rows.ndim == 2 else 0)

    @classmethod
    def open(cls, ids: list[str], path: Path, dim: int) -> ExactIndex:
        """Memory-map saved rows (``dim`` floats each)."""
        if not ids or not dim:
            return cls(ids, np.zeros((len(ids), dim), dtype=np.float32))
        if path.stat().st_size < len(ids) * dim * 4:
            raise ValueError(f"{path} holds fewer rows than its ids")
        matrix = np.memmap(path, dtype="<f4", mode="r", shape=(len(ids), dim))
        return cls(ids, np.asarray(matrix))

    @classmethod
    def extend(cls, ids: list[str], path: Path, new_ids: list[str], matrix: np.ndarray, dim: int) -> ExactIndex:
        """Append the vectors of ``new_ids`` (a replaced paper's old row is dropped from ``ids``), save, reopen."""
        saved = cls.open(list(ids), path, dim)
        rows = {pid: r for r, pid in enumerate(ids) if pid}
        fresh = []
        for row, pid in enumerate(new_ids):
            old = rows.get(pid)
            if old is not None:
                # written in the second the index was saved, maybe already in it: keep it when unchanged
                if np.allclose(saved.matrix[old], matrix[row], atol=1e-6):
                    continue
                ids[old] = ""
            fresh.append(row)
        del saved
        ids.extend(new_ids[r] for r in fresh)
        if fresh:
            with path.open("r+b") as f:
                f.truncate((len(ids) - len(fresh)) * dim * 4)  # rows past the saved ids (a concurrent writer's)
                f.seek(0, 2)
                f.write(np.ascontiguousarray(matrix[fresh], dtype="<f4").tobytes())
        return cls.open(ids, path, dim)

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        if not self.live:
            return []
        sims = self.matrix @ query.astype(np.float32)
        dropped = len(self.ids) - self.live
        k = min(k + dropped, len(self.ids))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(self.ids[i], float(sims[i])) for i in top if self.ids[i]][: k - dropped]

    def _take(self, rows: list[int]) -> np.ndarray:
        return self.matrix[rows]


class HnswIndex(VectorIndex):
    """usearch HNSW graph (f16 storage, cosine), saved beside the database and memory-mapped on reopen.

    ``ids[key]`` is the paper id of graph key ``key``; a paper whose vector was replaced keeps its old key as a
    removed entry ("") and gets a new one, so keys never need renumbering.
    """

    def __init__(self, ids: list[str], index: object) -> None:
        self.ids = ids
        self.index = index
        self.live = sum(1 for i in ids if i)

    def __len__(self) -> int:
        return self.live

    @classmethod
    def build(cls, ids: list[str], matrix: np.ndarray, path: Path | None = None) -> HnswIndex:
        """Build from vectors; when ``path`` is given, save it there and return it reopened memory-mapped, as every
        later process will use it (the graph built in memory, ≈ 1 GB at 1M papers, is dropped)."""
        Index = _usearch_index()
        index = Index(
            ndim=matrix.shape[1],
            metric="cos",
            dtype="f16",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )
        index.add(np.arange(len(ids), dtype=np.uint64), np.ascontiguousarray(matrix, dtype=np.float32))
        if path is None:
            return cls(list(ids), index)
        index.save(str(path))
        del index
        return cls.open(list(ids), path)

    @classmethod
    def open(cls, ids: list[str], path: Path) -> HnswIndex:
        """Memory-map a saved index."""
        Index = _usearch_index()
        index: Any = Index.restore(str(path), view=True)
        index.expansion_search = EXPANSION_SEARCH  # not saved with the graph
        return cls(ids, index)

    @classmethod
    def extend(cls, ids: list[str], path: Path, new_ids: list[str], matrix: np.ndarray) -> HnswIndex:
        """Load the saved index, add (or replace) the vectors of ``new_ids``, save it, and reopen it mapped;
        ``ids`` is updated in place."""
        Index = _usearch_index()
        index: Any = Index.restore(str(path), view=False)
        keys = {pid: k for k, pid in enumerate(ids) if pid}
        fresh = []
        for row, pid in enumerate(new_ids):
            old = keys.get(pid)
            if old is not None:
                # written in the second the index was saved, maybe already in it: keep it when unchanged
                if np.allclose(index.get(old), matrix[row], atol=2e-3):
                    continue
                index.remove(old)
                ids[old] = ""
            fresh.append(row)
        first = len(ids)
        ids.extend(new_ids[r] for r in fresh)
        if fresh:
            vectors = np.ascontiguousarray(matrix[fresh], dtype=np.float32)
            index.add(np.arange(first, len(ids), dtype=np.uint64), vectors)
        index.save(str(path))
        del index
        return cls.open(ids, path)

    def _take(self, rows: list[int]) -> np.ndarray:
        # in the stored precision (f16), widened here: the same values in half the time of usearch's conversion
        got = self.index.get(np.asarray(rows, dtype=np.uint64))  # type: ignore[attr-defined]
        return (np.stack(got) if isinstance(got, tuple) else np.asarray(got)).astype(np.float32)

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        if not self.live:
            return []
        # one thread: the default (every core) hands a single query to a pool, ≈ 15% more CPU for the same matches
        matches = self.index.search(query.astype(np.float32), min(k, self.live), threads=1)  # type: ignore[attr-defined]
        return [
            (self.ids[int(key)], 1.0 - float(dist)) for key, dist in zip(matches.keys, matches.distances, strict=True)
        ]
