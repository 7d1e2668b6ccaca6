"""Helpers shared by the benchmarks: where the shared data is, peak RSS, writing RESULTS.md sections."""

from __future__ import annotations

import os
import platform
import re
import resource
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PAPERRADAR_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
# 2-4 word topical queries of the latency benchmarks (search.py at scale, search_latency.py its first ten)
SEARCH_QUERIES = [
    "kv cache compression",
    "speculative decoding",
    "low-bit quantization",
    "token pruning",
    "efficient reasoning models",
    "mixture of experts",
    "diffusion distillation",
    "lora fine-tuning",
    "graph neural networks",
    "retrieval augmented generation",
    "reward models",
    "vision language action",
    "sparse attention long context",
    "knowledge distillation small models",
    "multimodal hallucination",
    "federated learning privacy",
    "video generation",
    "chain of thought",
    "point cloud segmentation",
    "medical image segmentation",
    "agent tool use",
    "test-time scaling",
    "state space models",
    "preference optimization",
]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """A one-line description of the machine."""
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the ``## title`` section of benchmarks/RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"## {title}\n\n_Measured {stamp} on {machine()}._\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.M | re.S)
    text = pattern.sub(lambda _m: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
