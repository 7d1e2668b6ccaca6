"""A light query encoder: the default model exported once to ONNX, run with onnxruntime and tokenizers.

Importing torch and sentence-transformers and loading the model costs seconds; a query costs milliseconds. The CLI
embeds one query per process, so it encodes queries with this (≈ 0.2 s to import and load) and leaves torch to
the batch embedding of papers. The export runs once (it needs torch and the ``onnx`` package), into a cache folder
the caller names, and the vectors match sentence-transformers' (cosine ≥ 0.999, checked in tests/embed).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

EXPORT_VERSION = 2  # bump when the exported graph changes, so cached files are re-exported
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_LOCK = threading.Lock()


class OnnxUnavailable(Exception):
    """onnxruntime/tokenizers are missing, or the model cannot be exported (e.g. no ``onnx`` package)."""


def onnx_path(name: str, cache_dir: Path) -> Path:
    """Where the export of model ``name`` lives in ``cache_dir`` (the graph optimized for this machine's CPU:
    loading it skips the optimization passes, ≈ 40% of a session's start; its weights in ``<path>.data``)."""
    return cache_dir / f"{name.replace('/', '_')}-v{EXPORT_VERSION}.onnx"


def export(model_dir: Path, out: Path) -> Path:
    """Export the sentence-transformers model in ``model_dir`` (a BERT-style encoder, mean pooling, normalized) to
    ``out``: token ids in, unit vectors out. Written to a temporary name first, so a killed export leaves nothing
    half-written behind."""
    try:
        import onnx
        import torch
        from transformers import AutoModel
    except ImportError as e:
        raise OnnxUnavailable(f"cannot export the query encoder ({e}); pip install onnx") from e

    class Encoder(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    import warnings

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    sample = torch.tensor([[101, 7570, 2003, 1037, 23032, 102]])
    args = (sample, torch.ones_like(sample), torch.zeros_like(sample))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes treated as constants: the axes are dynamic
        torch.onnx.export(
            Encoder(model),
            args,
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["embedding"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in _INPUTS},
            opset_version=17,
            dynamo=False,
        )
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(tmp.with_suffix(".opt"))
    ort.InferenceSession(str(tmp), options, providers=["CPUExecutionProvider"])
    # weights in a file beside the graph: onnxruntime maps it instead of copying them out of the protobuf, which
    # starts a session in ≈ 0.2 s instead of ≈ 0.6-0.9 s
    graph = onnx.load(str(tmp.with_suffix(".opt")))
    onnx.save_model(
        graph, str(tmp), save_as_external_data=True, all_tensors_to_one_file=True, location=f"{out.name}.data"
    )
    os.replace(tmp, out)
    tmp.with_suffix(".opt").unlink()
    return out


class OnnxEncoder:
    """Token ids -> unit vectors with onnxruntime; the tokenizer is the model's own ``tokenizer.json``."""

    def __init__(
        self, model_dir: Path, cache_dir: Path, *, name: str | None = None, max_tokens: int = 256, threads: int = 1
    ) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:
            raise OnnxUnavailable(f"the light query encoder needs onnxruntime and tokenizers ({e})") from e
        path = onnx_path(name or model_dir.name, cache_dir)
        if not path.exists():
            with _EXPORT_LOCK:
                if not path.exists():
                    export(model_dir, path)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # one query is too small to gain from a second (busy) core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # optimized at export
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 unit vectors."""
        encs = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encs)
        feeds = {name: np.zeros((len(encs), width), dtype=np.int64) for name in _INPUTS}
        for row, e in enumerate(encs):
            n = len(e.ids)
            feeds["input_ids"][row, :n] = e.ids
            feeds["attention_mask"][row, :n] = e.attention_mask
            feeds["token_type_ids"][row, :n] = e.type_ids
        (out,) = self.session.run(["embedding"], feeds)
        return np.asarray(out, dtype=np.float32)
