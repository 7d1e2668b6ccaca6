"""Benchmark: search latency at the dev corpus' evaluation scale — in-process p50/p95 and whole CLI processes.

    .venv/bin/python benchmarks/search_latency.py [--db DB] [--runs 15] [--cli-runs 11] [--label NAME] [--write]

In-process: hybrid search (and the same with a date + category filter) for the 2-4 word queries of
benchmarks/search.py, ``limit`` 10, after a warm-up, p50 / p95 over ``--runs`` rounds. Whole process: wall time
of `python -m paperradar --db DB search QUERY --jsonl` from process start to exit, median (and min/max) over
``--cli-runs`` runs, hybrid and keyword-only. The database defaults to search_quality.py's cached one (3,305 dev
papers, embedded). Run it once per code version with that version's ``src`` first on PYTHONPATH and a
``--label``; --write appends the run to the "Search latency" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, ROOT, SEARCH_QUERIES

QUERIES = SEARCH_QUERIES[:10]
DEFAULT_DB = ROOT / "benchmarks" / ".cache" / "search-quality" / "radar.db"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def in_process(db: Path, runs: int) -> dict[str, tuple[float, float]]:
    from paperradar import Radar, Settings
    from paperradar.store import SearchFilters

    radar = Radar(db, Settings())  # as `paperradar serve` holds it: indexes and model kept between searches
    out = {}
    for label, filters in (
        ("hybrid", None),
        ("hybrid, date + category filter", SearchFilters(date_from="2025-09-01", categories=["cs.CL"])),
    ):
        for q in QUERIES:  # warm-up: indexes loaded, model and caches ready
            radar.search(q, limit=10, filters=filters, update=False)
        times = []
        for _ in range(runs):
            for q in QUERIES:
                f = (
                    None
                    if filters is None
                    else SearchFilters(date_from=filters.date_from, categories=filters.categories)
                )
                t = time.perf_counter()
                radar.search(q, limit=10, filters=f, update=False)
                times.append((time.perf_counter() - t) * 1000)
        out[label] = (pct(times, 50), pct(times, 95))
    return out


def cli(db: Path, runs: int) -> dict[str, tuple[float, float, float, float]]:
    """Per mode: median, min and max wall seconds of a whole process, and its median CPU seconds (user + sys of
    the child: on a shared machine wall time mostly measures the neighbours, CPU time what the command costs)."""
    import resource

    # as a user's shell runs it: byte-compiled modules kept (PYTHONDONTWRITEBYTECODE, set on some CI machines, makes
    # every process compile paperradar's sources again: ≈ 0.2-0.3 s), after one warm-up run that writes them
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    warm = [sys.executable, "-m", "paperradar", "--db", str(db), "search", QUERIES[0], "--jsonl"]
    subprocess.run(warm, check=True, capture_output=True, env=env)
    out = {}
    for mode in ("hybrid", "keyword"):
        times, cpu = [], []
        for i in range(runs):
            q = QUERIES[i % len(QUERIES)]
            argv = [sys.executable, "-m", "paperradar", "--db", str(db), "search", q, "--jsonl", "--mode", mode]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out[mode] = (statistics.median(times), min(times), max(times), statistics.median(cpu))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--cli-runs", type=int, default=11)
    ap.add_argument("--label", default="this branch")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    if not a.db.exists():
        sys.exit(f"{a.db} is missing: run benchmarks/search_quality.py first (it builds and embeds it)")
    import paperradar

    load = os.getloadavg()[0]  # a shared machine: say how busy it was
    lines = [f"**{a.label}** (`{Path(paperradar.__file__).parent}`; load average {load:.1f} on 2 cores)", ""]
    for label, (p50, p95) in in_process(a.db, a.runs).items():
        lines.append(f"- in-process {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({a.runs * len(QUERIES)} searches)")
    if a.cli_runs:
        for mode, (med, lo, hi, cpu) in cli(a.db, a.cli_runs).items():
            lines.append(
                f"- whole `paperradar search --mode {mode}` process: median {med:.2f} s wall "
                f"(min {lo:.2f}, max {hi:.2f}, {a.cli_runs} runs), median CPU {cpu:.2f} s (user + sys)"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    if a.write:
        body = RESULTS.read_text(encoding="utf-8")
        head = "## Search latency (dev scale)"
        if head not in body:
            body = (
                body.rstrip()
                + f"\n\n{head}\n\nCommand: `PYTHONPATH=<src> .venv/bin/python benchmarks/search_latency.py "
                + "--label NAME --write` (3,305-paper dev sample of search_quality.py; FTS5 + exact vectors).\n"
            )
        RESULTS.write_text(body.rstrip() + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
