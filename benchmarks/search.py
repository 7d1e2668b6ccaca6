"""Benchmark: hybrid search latency at the dev corpus (37k real papers) and at 1M (replicated, perturbed).

    .venv/bin/python benchmarks/search.py [--target 1000000] [--queries 60]

1. The 37k-paper cs.AI corpus is ingested and embedded with the default model once (cached in benchmarks/.cache;
   embedding speed is reported when it runs).
2. Replicas are added until --target papers: each copies a real paper under a new id with its title suffixed and
   its vector perturbed by small Gaussian noise (re-normalized), so neither side sees exact duplicates.
3. Hybrid search (BM25 over FTS5 + vector index + RRF) is timed for 2-4 word queries, in-process, after a warm-up:
   p50 / p95 latency; plus the vector index build time, "a day of 1,000 new papers" scored, and peak RSS.
Writes the "Search scale" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, peak_rss_mb, write_section

from paperradar.embed import default_embedder, ensure_embeddings
from paperradar.index import search, vector_index
from paperradar.ingest import ingest_files
from paperradar.models import Paper
from paperradar.relevance import score_papers
from paperradar.store import Store

CACHE = ROOT / "benchmarks" / ".cache"
QUERIES = [
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
]


def base_db() -> tuple[Path, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / "search-base.db"
    note = "embeddings cached from an earlier run"
    if not db.exists():
        with Store(db) as s:
            ingest_files(s, [SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"])
            t = time.perf_counter()
            n = ensure_embeddings(s, default_embedder())
            note = f"embedded {n:,} papers at {n / (time.perf_counter() - t):.0f} docs/s (bf16, 2 cores)"
    return db, note


def replicate(store: Store, target: int, model: str) -> None:
    ids, matrix = store.embeddings.matrix(model)
    base = list(store.papers.iter(ids))
    rng = np.random.default_rng(0)
    n, rep = store.papers.count(), 1
    while n < target:
        batch = []
        for j, p in enumerate(base[: target - n]):
            # new-style ids of an unused year (70xx) keep replicas apart from real papers and from each other
            batch.append(
                Paper(
                    id=f"{7000 + rep}.{j:05d}",
                    title=f"{p.title} ({rep})",
                    abstract=p.abstract,
                    authors=p.authors,
                    categories=p.categories,
                    announced=p.announced,
                )
            )
        store.papers.write_batch(batch, source="replica", now="t")
        hashes = {b.id: b.content_hash for b in batch}
        vecs = matrix[: len(batch)] + rng.normal(0, 0.02, (len(batch), matrix.shape[1])).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.embeddings.save(model, [(b.id, hashes[b.id]) for b in batch], vecs, "t")
        n += len(batch)
        rep += 1


def timed_queries(store: Store, k: int) -> tuple[float, float]:
    lat = []
    rng = random.Random(0)
    for _ in range(k):
        q = rng.choice(QUERIES)
        t = time.perf_counter()
        search(store, q, limit=20, update=False)
        lat.append((time.perf_counter() - t) * 1000)
    return statistics.median(lat), sorted(lat)[int(0.95 * (len(lat) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=60)
    args = ap.parse_args()
    db, note = base_db()
    model = default_embedder().name
    rows = []
    run = CACHE / "search-run.db"
    shutil.copy(db, run)
    for suffix in ("-wal", "-shm"):
        Path(str(run) + suffix).unlink(missing_ok=True)
    shutil.rmtree(CACHE / "search-run.db.files", ignore_errors=True)
    with Store(run) as store:
        for size in (store.papers.count(), args.target):
            t0 = time.perf_counter()
            if size > store.papers.count():
                replicate(store, size, model)
            t1 = time.perf_counter()
            store.papers.sync_fts()
            t2 = time.perf_counter()
            vector_index(store, model)
            t3 = time.perf_counter()
            search(store, "warm up query", limit=20, update=False)
            p50, p95 = timed_queries(store, args.queries)
            rows.append((store.papers.count(), t1 - t0, t2 - t1, t3 - t2, p50, p95))
            print(rows[-1], flush=True)
        day = [p.id for p in store.papers.select(limit=1000)]
        t = time.perf_counter()
        score_papers(store, "efficiency", day)
        day_s = time.perf_counter() - t
    table = "| papers | replicate s | FTS index s | vector index s | hybrid p50 ms | hybrid p95 ms |\n|---|---|---|---|---|---|\n"
    table += "\n".join(
        f"| {n:,} | {a:.0f} | {b:.0f} | {c:.1f} | {p50:.0f} | {p95:.0f} |" for n, a, b, c, p50, p95 in rows
    )
    body = (
        f"Command: `.venv/bin/python benchmarks/search.py --target {args.target} --queries {args.queries}`  \n"
        f"Base: the 37k-paper dev corpus ({note}); replicas as described in the script. Peak RSS "
        f"{peak_rss_mb():,.0f} MB. Target: p95 ≤ 50 ms at 1M.\n\n{table}\n\n"
        f"Scoring 1,000 stored papers for `efficiency` against the whole collection: {day_s:.1f} s "
        f"(their embedding is not included here: 1,000 papers at the measured bf16 rate take ≈ 15 s).\n"
    )
    print(body)
    write_section("Search scale", body)


if __name__ == "__main__":
    main()
