"""Benchmark: does an explanation name the right sub-area? Measured on the curated dev positives, which carry a topic.

    python benchmarks/area_naming.py [--profiles DIR] [--show N]

Each curated positive (../shared/data/labels/efficiency_labels_dev.jsonl) has the topic of the list it came from;
TOPIC_AREA maps a topic to the profile's area (topics with no single area, "survey_or_other" and
"inference_acceleration", are left out). The papers are scored by the shipped profile through the library
(:class:`ProfileScorer`, embeddings from benchmarks/embed_cache.py) and the area named by the explanation
("matches: ..." or "closest sub-area: ...") is compared with the topic's. The curated positives are the model's own
seeds; the scorer leaves a paper's own seed out of its evidence (the paper's id), so a seed does not vote for
its own area. Prints the share named right, overall and per topic, and the most common confusions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED
from embed_cache import cached_embedder

from paperradar.embed import paper_text
from paperradar.relevance.profiles import parse_profile
from paperradar.relevance.scorer import ProfileScorer
from paperradar.sources.jsonl import paper_from_common

TOPIC_AREA = {
    "efficient_reasoning": "efficient reasoning",
    "kv_cache": "KV cache",
    "quantization": "quantization",
    "speculative_decoding": "fast decoding",
    "token_reduction": "token reduction",
    "pruning_sparsity": "pruning and sparsity",
    "distillation": "distillation",
    "peft": "parameter-efficient fine-tuning",
}
CORPUS = SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"
_NAMED = re.compile(r"^(?:matches|closest sub-area): ([^;]+)")


def named_area(explanation: str) -> str:
    m = _NAMED.match(explanation)
    return m.group(1) if m else ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", type=Path, default=ROOT / "src" / "paperradar" / "relevance" / "profiles")
    ap.add_argument("--show", type=int, default=0, help="print this many misnamed papers")
    a = ap.parse_args()
    labels = [json.loads(line) for line in (SHARED / "labels" / "efficiency_labels_dev.jsonl").open()]
    topic = {r["id"]: r["topic"] for r in labels if r["topic"] in TOPIC_AREA}
    papers = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in topic:
                papers.append(paper_from_common(r, "dev"))
    profile = parse_profile((a.profiles / "efficiency.toml").read_text(), "bench", a.profiles)
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in papers])
    scored = ProfileScorer(profile, np.zeros((0, 384)), model=profile.model).score(papers, vecs)
    per: dict[str, list[int]] = {}
    wrong: Counter[tuple[str, str]] = Counter()
    misses = []
    for p, s in zip(papers, scored, strict=True):
        want, got = TOPIC_AREA[topic[p.id or ""]], named_area(s.explanation)
        row = per.setdefault(topic[p.id or ""], [0, 0])
        row[0] += 1
        row[1] += int(want == got)
        if want != got:
            wrong[(want, got)] += 1
            misses.append((p.title, want, got))
    n, ok = sum(r[0] for r in per.values()), sum(r[1] for r in per.values())
    print(f"named right: {ok}/{n} = {ok / n:.3f}")
    for t, (m, k) in sorted(per.items(), key=lambda kv: -kv[1][0]):
        print(f"  {t} -> {TOPIC_AREA[t]}: {k}/{m} = {k / m:.2f}")
    print("most common confusions (topic's area -> named):")
    for (want, got), c in wrong.most_common(8):
        print(f"  {c:3d}  {want} -> {got}")
    for title, want, got in misses[: a.show]:
        print(f"  [{want} -> {got}] {title[:100]}")


if __name__ == "__main__":
    main()
