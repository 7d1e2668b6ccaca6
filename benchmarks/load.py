"""Load check: requests/s and p95 latency of search and the digest page on loopback while an ingest runs.

    .venv/bin/python benchmarks/load.py [--requests 300] [--concurrency 4]

Starts `paperradar serve` on 127.0.0.1 over a database of the dev corpus (37k papers, embeddings of a 3,000-paper
subset computed once and cached), then runs a bounded client loop (a fixed number of requests per endpoint, with a
fixed concurrency) while `paperradar ingest` loads the second corpus into the same database. Counts errors (any
non-200 answer or failed request): the target is zero. Writes the "Web load" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, write_section

CACHE = ROOT / "benchmarks" / ".cache"
QUERIES = [
    "kv cache compression",
    "speculative decoding",
    "low-bit quantization",
    "token pruning vision",
    "efficient reasoning",
    "mixture of experts routing",
    "diffusion model distillation",
    "lora fine-tuning",
]
PY = sys.executable


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    base = CACHE / "load-base.db"
    if not base.exists():
        subprocess.run(
            [
                PY,
                "-m",
                "paperradar",
                "--db",
                str(base),
                "ingest",
                str(SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"),
            ],
            check=True,
        )
        subprocess.run(
            [PY, "-m", "paperradar", "--db", str(base), "search", "warm up", "--limit", "1"],
            check=True,
            env={**os.environ, "PAPERRADAR_EMBEDDER": "hashing"},
        )
    db = CACHE / "load-run.db"
    shutil.copy(base, db)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db


def _loop(client: httpx.Client, urls: list[str], concurrency: int) -> tuple[list[float], int]:
    lat: list[float] = []
    errors = 0

    def one(url: str) -> tuple[float, bool]:
        t = time.perf_counter()
        try:
            ok = client.get(url, timeout=60).status_code == 200
        except httpx.HTTPError:
            ok = False
        return time.perf_counter() - t, ok

    with ThreadPoolExecutor(concurrency) as pool:
        for dt, ok in pool.map(one, urls):
            lat.append(dt)
            errors += not ok
    return lat, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint (bounded loop)")
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    db = _prepare()
    port = _port()
    env = {**os.environ, "PAPERRADAR_EMBEDDER": "hashing"}
    server = subprocess.Popen(
        [PY, "-m", "paperradar", "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=300) as client:
            client.get("/search?q=warm")  # loads the vector index once
            day = client.get("/api/papers", params={"limit": 1}).json()["papers"][0]["date"]
            client.get(f"/?date={day}")
            # small batches: many short write transactions interleaved with the readers for the whole loop
            t_ingest = time.perf_counter()
            ingest = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "paperradar",
                    "--db",
                    str(db),
                    "ingest",
                    str(SHARED / "corpora" / "ai_cv_cl_2025-03_2026-07.jsonl.gz"),
                ],
                env={**env, "PAPERRADAR_INGEST_BATCH": "100"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            rng = random.Random(0)
            results = {}
            for name, urls in (
                ("search (/search?q=…, HTML)", [f"/search?q={rng.choice(QUERIES)}" for _ in range(args.requests)]),
                (
                    "search API (/api/search)",
                    [f"/api/search?q={rng.choice(QUERIES)}&limit=20" for _ in range(args.requests)],
                ),
                ("digest page (/?date=…)", [f"/?date={day}" for _ in range(max(20, args.requests // 10))]),
            ):
                t = time.perf_counter()
                lat, errors = _loop(client, urls, args.concurrency)
                wall = time.perf_counter() - t
                results[name] = (
                    len(urls) / wall,
                    statistics.median(lat) * 1000,
                    sorted(lat)[int(0.95 * (len(lat) - 1))] * 1000,
                    errors,
                    len(urls),
                )
            loop_s = time.perf_counter() - t_ingest
            ingest_running = ingest.poll() is None
            ingest.wait(timeout=900)
            ingest_s = time.perf_counter() - t_ingest
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = "\n".join(
        f"| {n} | {c} | {r:.1f} | {p50:.0f} | {p95:.0f} | {e} |" for n, (r, p50, p95, e, c) in results.items()
    )
    body = (
        f"Command: `.venv/bin/python benchmarks/load.py --requests {args.requests} --concurrency "
        f"{args.concurrency}`  \nServer: `paperradar serve` on 127.0.0.1 (one uvicorn worker) over the 37k-paper "
        f"dev corpus, while `paperradar ingest` loads the 75k-paper corpus into the same database "
        f"(the client loop took {loop_s:.0f} s; the ingest "
        f"{'was still running at its end' if ingest_running else 'had finished before its end'} "
        f"and took {ingest_s:.0f} s in all). Query embeddings use the hashing "
        f"embedder so the numbers measure the server, not the model.\n\n"
        f"| endpoint | requests | req/s | p50 ms | p95 ms | errors |\n|---|---|---|---|---|---|\n{rows}\n"
    )
    print(body)
    write_section("Web load", body)


if __name__ == "__main__":
    main()
