"""An embedding cache for benchmarks: evaluate.py builds a fresh database for every run, so without a cache each
run embeds thousands of papers again (minutes of both cores on this machine).

    python benchmarks/embed_cache.py [paperradar arguments...]     # the paperradar CLI with cached embeddings

``CachedEmbedder`` wraps the default model and keeps every vector in a SQLite file keyed by the model name and a
hash of the exact text embedded (``PAPERRADAR_EMBED_CACHE``, default /tmp/paperradar-embed-cache.sqlite), so a
second run on the same papers computes nothing and gets the same vectors. Benchmarks only: the product keeps its
vectors in its own database.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import paperradar.embed as embed

_REAL = embed.make_embedder
CACHE = Path(os.environ.get("PAPERRADAR_EMBED_CACHE", "/tmp/paperradar-embed-cache.sqlite"))


class CachedEmbedder(embed.Embedder):
    """The default embedder behind a text-hash cache; the model loads only on a cache miss."""

    def __init__(self, path: Path = CACHE) -> None:
        self.name, self.dim = embed.DEFAULT_MODEL, 384
        self._inner: embed.Embedder | None = None
        # search encodes the query in a worker thread: one connection, shared, used under a lock
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\0{text}".encode()).hexdigest()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._embed_batch(texts)

    def embed(self, text: str) -> np.ndarray:
        """One text (a query): from the cache, else from the default model's query path (the ONNX encoder, as
        `paperradar search` runs it; loading torch for one query cost evaluate.py ≈ 5 s per uncached query)."""
        key = self._key(text)
        with self._lock:
            row = self._db.execute("SELECT v FROM vec WHERE key = ?", (key,)).fetchone()
            if row:
                return np.frombuffer(row[0], dtype="<f4").astype(np.float32)
            vec = np.asarray(self._model().embed(text), dtype=np.float32)
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO vec VALUES (?, ?)", (key, vec.astype("<f4").tobytes()))
            return vec

    def _model(self) -> embed.Embedder:
        """The default model, loaded on the first cache miss."""
        if self._inner is None:
            self._inner = _REAL("")
            if hasattr(self._inner, "precision"):
                # one thread on a shared machine: fp32 ran 5x faster than bf16 autocast (cosine 0.9999)
                self._inner.precision = os.environ.get("PAPERRADAR_EMBED_PRECISION", "fp32")
        return self._inner

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        got: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
            got.update(self._db.execute(q, chunk).fetchall())
        todo = [n for n, k in enumerate(keys) if k not in got]
        if todo:
            model = self._model()
            for start in range(0, len(todo), 64):  # saved as it goes: an interrupted run keeps its work
                part = todo[start : start + 64]
                vecs = model.embed_batch([texts[n] for n in part])
                rows = [(keys[n], vecs[j].astype("<f4").tobytes()) for j, n in enumerate(part)]
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
                got.update(rows)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([np.frombuffer(got[k], dtype="<f4") for k in keys]).astype(np.float32)


_CACHED: CachedEmbedder | None = None


def cached_embedder() -> CachedEmbedder:
    """One CachedEmbedder per process."""
    global _CACHED
    if _CACHED is None:
        _CACHED = CachedEmbedder()
    return _CACHED


def install() -> None:
    """Make paperradar's default embedder the cached one (before paperradar's other modules are imported)."""
    if os.environ.get("PAPERRADAR_EMBEDDER"):
        return  # an explicit model choice is left alone
    embed.make_embedder = lambda choice="": cached_embedder() if not choice else _REAL(choice)


if __name__ == "__main__":
    install()
    from paperradar.cli import main

    main()
