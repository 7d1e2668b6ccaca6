"""Soak: mixed searches, page views and feedback from several clients on loopback while two ingests run.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--clients 4]

Builds a database of 10,000 papers of the dev corpus, starts `paperradar serve` on 127.0.0.1 over it and, for
``--minutes``, runs ``--clients`` HTTP clients (search API and page, digest page, paper pages, paper list, likes and
dislikes with the page's CSRF token), one CLI search loop (`paperradar search --mode keyword`, a process each), and
two `paperradar ingest` loops that load disjoint 2,500-paper slices of the second corpus into the same database
at the same time. The keyword threshold is lowered so that the tantivy index (one writer, many readers) is what is
exercised. Every loop is bounded (a deadline and a maximum count).

Counts as an error: a failed request, any status but the expected one, a search with no results, a CLI search that
fails or prints nothing, an ingest that exits non-zero. At the end it checks that nothing was lost: every paper of
every finished ingest slice is in the database, exactly once, and each client's last like/dislike per paper is what
the database holds. Writes the "Soak" section of benchmarks/RESULTS.md. Query embeddings use the hashing embedder
(the numbers measure the server, the store and the indexes, not the model).
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, write_section

PY = sys.executable
QUERIES = [
    "kv cache compression",
    "speculative decoding",
    "quantization",
    "token pruning",
    "reasoning",
    "mixture of experts",
    "diffusion",
    "fine-tuning",
    "agents",
    "retrieval augmented generation",
]
SLICE = 2_500
MAX_OPS = 1_000_000  # per client: the deadline ends the loops long before
TIMEOUT = [120.0]  # seconds a request may take before it counts as an error (--timeout)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rows(path: Path, skip: int, n: int) -> list[bytes]:
    out = []
    with gzip.open(path, "rb") as f:
        for i, line in enumerate(f):
            if i < skip:
                continue
            if len(out) >= n:
                break
            out.append(line)
    return out


class Tally:
    """Thread-safe counters and latencies per operation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.latency: dict[str, list[float]] = {}
        self.examples: list[str] = []

    def add(self, op: str, seconds: float, ok: bool, why: str = "") -> None:
        with self.lock:
            self.count[op] += 1
            self.latency.setdefault(op, []).append(seconds)
            if not ok:
                self.errors[op] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{op}: {why[:200]}")


def _client(base: str, k: int, clients: int, ids: list[str], day: str, deadline: float, tally: Tally, fb: dict) -> None:
    rng = random.Random(k)
    mine = [i for n, i in enumerate(ids) if n % clients == k]  # feedback on disjoint papers: the last value is known
    with httpx.Client(base_url=base, timeout=TIMEOUT[0]) as c:
        page = c.get("/", headers={"accept": "text/html"})
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        for _ in range(MAX_OPS):
            if time.monotonic() > deadline:
                return
            op = rng.choices(
                ["api_search", "search_page", "digest_page", "paper_page", "papers_api", "feedback"],
                weights=[4, 2, 1, 2, 1, 2],
            )[0]
            t = time.perf_counter()
            ok, why = True, ""
            try:
                if op == "api_search":
                    r = c.get("/api/search", params={"q": rng.choice(QUERIES), "limit": 20})
                    ok = r.status_code == 200 and len(r.json()["hits"]) > 0
                elif op == "search_page":
                    r = c.get("/search", params={"q": rng.choice(QUERIES)}, headers={"accept": "text/html"})
                    ok = r.status_code == 200 and 'class="paper"' in r.text
                elif op == "digest_page":
                    r = c.get("/", params={"date": day}, headers={"accept": "text/html"})
                    ok = r.status_code == 200
                elif op == "paper_page":
                    r = c.get(f"/papers/{rng.choice(ids)}", headers={"accept": "text/html"})
                    ok = r.status_code == 200
                elif op == "papers_api":
                    r = c.get("/api/papers", params={"limit": 50})
                    ok = r.status_code == 200 and len(r.json()["papers"]) > 0
                else:
                    pid, value = rng.choice(mine), rng.choice(["like", "dislike"])
                    r = c.post(f"/api/papers/{pid}/feedback", json={"value": value}, headers={"X-CSRF-Token": csrf})
                    ok = r.status_code == 200
                    if ok:
                        fb[pid] = value
                why = f"{r.status_code} {r.text[:150]}"
            except (httpx.HTTPError, ValueError, KeyError) as e:
                ok, why = False, repr(e)
            tally.add(op, time.perf_counter() - t, ok, why)
            time.sleep(0.02)  # think time: several clients, not a flood


def _cli_searches(env: dict[str, str], deadline: float, tally: Tally) -> None:
    rng = random.Random(99)
    for _ in range(MAX_OPS):
        if time.monotonic() > deadline:
            return
        t = time.perf_counter()
        r = subprocess.run(
            [PY, "-m", "paperradar", "search", rng.choice(QUERIES), "--mode", "keyword", "--jsonl"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        ok = r.returncode == 0 and bool(r.stdout.strip())
        tally.add("cli_search", time.perf_counter() - t, ok, r.stderr[-200:] or "no results")
        time.sleep(0.5)


def _ingests(env: dict[str, str], slices: list[Path], deadline: float, tally: Tally, done: list[Path]) -> None:
    for path in slices:
        if time.monotonic() > deadline:
            return
        t = time.perf_counter()
        r = subprocess.run(
            [PY, "-m", "paperradar", "ingest", str(path)], env=env, capture_output=True, text=True, timeout=1800
        )
        tally.add("ingest", time.perf_counter() - t, r.returncode == 0, r.stderr[-300:])
        if r.returncode == 0:
            done.append(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before a request counts as failed")
    args = ap.parse_args()
    TIMEOUT[0] = args.timeout
    work = Path(tempfile.mkdtemp(prefix="paperradar-soak-"))
    db = work / "radar.db"
    env = {
        **os.environ,
        "PAPERRADAR_DB": str(db),
        "PAPERRADAR_HOME": str(work / "home"),
        "PAPERRADAR_EMBEDDER": "hashing",
        "PAPERRADAR_INDEX_TANTIVY_THRESHOLD": "5000",
        "PAPERRADAR_INGEST_BATCH": "500",
    }
    base_lines = _rows(SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz", 0, 10_000)
    (work / "base.jsonl").write_bytes(b"".join(base_lines))
    subprocess.run([PY, "-m", "paperradar", "ingest", str(work / "base.jsonl")], env=env, check=True)
    subprocess.run([PY, "-m", "paperradar", "embed"], env=env, check=True, capture_output=True)
    more = _rows(SHARED / "corpora" / "ai_cv_cl_2025-03_2026-07.jsonl.gz", 0, 30 * SLICE)
    slices = []
    for n in range(0, len(more), SLICE):
        slices.append(work / f"slice{n // SLICE:02d}.jsonl")
        slices[-1].write_bytes(b"".join(more[n : n + SLICE]))
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM papers ORDER BY pk LIMIT 2000")]
        day = conn.execute("SELECT max(announced) FROM papers").fetchone()[0]
    port = _port()
    server = subprocess.Popen(
        [PY, "-m", "paperradar", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "server.log").open("w"),  # a file, not a pipe: a full pipe would stall the server
    )
    url = f"http://127.0.0.1:{port}"
    tally = Tally()
    feedback: list[dict[str, str]] = [{} for _ in range(args.clients)]
    done: list[Path] = []
    try:
        for _ in range(600):
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        start = time.monotonic()
        deadline = start + args.minutes * 60
        threads = [
            threading.Thread(target=_client, args=(url, k, args.clients, ids, day, deadline, tally, feedback[k]))
            for k in range(args.clients)
        ]
        threads.append(threading.Thread(target=_cli_searches, args=(env, deadline, tally)))
        threads += [
            threading.Thread(target=_ingests, args=(env, slices[k::2], deadline, tally, done)) for k in range(2)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=60)
    log = (work / "server.log").read_text(errors="replace")
    server_errors = [line for line in log.splitlines() if "Traceback" in line]

    # nothing lost: each paper of the base and of each finished slice stored once; feedback is the last value sent
    expected: set[str] = set()
    with sqlite3.connect(db) as conn:
        stored = [r[0] for r in conn.execute("SELECT id FROM papers")]
        for path in [work / "base.jsonl", *done]:
            for line in path.read_bytes().splitlines():
                pid = conn.execute("SELECT id FROM papers WHERE id = ?", (_norm(orjson.loads(line)["id"]),)).fetchone()
                expected.add(_norm(orjson.loads(line)["id"]))
                if pid is None:
                    tally.add("lost_paper", 0, False, _norm(orjson.loads(line)["id"]))
        held = dict(conn.execute("SELECT paper_id, value FROM feedback WHERE profile = 'efficiency'").fetchall())
    lost_fb = sum(held.get(pid) != value for fb in feedback for pid, value in fb.items())
    duplicates = len(stored) - len(set(stored))
    missing = len(expected - set(stored))
    total_errors = sum(tally.errors.values()) + lost_fb + duplicates + len(server_errors)
    rows = []
    for op in sorted(tally.count):
        lat = sorted(tally.latency[op])
        p50 = statistics.median(lat) * 1000
        p95 = lat[max(0, math.ceil(0.95 * len(lat)) - 1)] * 1000  # nearest rank
        rows.append(f"| {op} | {tally.count[op]} | {tally.errors[op]} | {p50:.0f} | {p95:.0f} |")
    body = (
        f"Command: `.venv/bin/python benchmarks/soak.py --minutes {args.minutes:g} --clients {args.clients} "
        f"--timeout {args.timeout:g}`  \n"
        f"`paperradar serve` on 127.0.0.1 over 10,000 dev-corpus papers (tantivy keyword index, hashing embedder); "
        f"{args.clients} HTTP clients (20 ms think time), one CLI search loop and two concurrent ingest loops of "
        f"{SLICE:,}-paper slices for {wall / 60:.1f} min. Ingest slices finished: {len(done)} "
        f"({len(done) * SLICE:,} records); papers at the end: {len(stored):,}.\n\n"
        f"| operation | count | errors | p50 ms | p95 ms |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Nothing lost: papers of finished ingests missing {missing}, stored twice {duplicates}; "
        f"feedback values sent {sum(len(f) for f in feedback)} (last per paper), differing in the database {lost_fb}; "
        f"server tracebacks {len(server_errors)}. **Errors in all: {total_errors}.**\n"
    )
    if tally.examples:
        body += "\nFirst errors:\n\n" + "\n".join(f"- `{e}`" for e in tally.examples) + "\n"
    print(body)
    write_section("Soak", body)
    sys.exit(1 if total_errors else 0)


def _norm(raw: object) -> str:
    from paperradar.models import normalize_arxiv_id

    return normalize_arxiv_id(str(raw)) or str(raw)


if __name__ == "__main__":
    main()
