"""Benchmark: ingest the 37k-paper cs.AI corpus into a fresh database (records/s, peak RSS).

    .venv/bin/python benchmarks/ingest.py [--runs 3]

Measures, through the library: a fresh ingest (parse + dedup + store, one transaction per batch), building the FTS5
keyword index for those rows (which `paperradar ingest` does as its last step and a search does if needed), and
re-ingesting the same file (every record already known). Writes the "Ingest" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, peak_rss_mb, write_section

from paperradar.ingest import ingest_files
from paperradar.store import Store

CORPUS = SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"


def one_run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = ingest_files(store, [CORPUS])
        t1 = time.perf_counter()
        store.papers.sync_fts()
        t2 = time.perf_counter()
        again = ingest_files(store, [CORPUS])
        t3 = time.perf_counter()
        n = report.new
        assert n == store.papers.count() and again.unchanged == n and again.new == 0
        store.close()
    return {"records": n, "ingest_s": t1 - t0, "fts_s": t2 - t1, "reingest_s": t3 - t2}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS} (set PAPERRADAR_SHARED_DATA)")
    runs = [one_run() for _ in range(args.runs)]
    n = runs[0]["records"]
    med = {k: statistics.median(r[k] for r in runs) for k in ("ingest_s", "fts_s", "reingest_s")}
    rows = [
        ("fresh ingest (parse, dedup, store)", med["ingest_s"], n / med["ingest_s"]),
        ("FTS5 keyword index of those rows", med["fts_s"], n / med["fts_s"]),
        ("fresh ingest + keyword index", med["ingest_s"] + med["fts_s"], n / (med["ingest_s"] + med["fts_s"])),
        ("re-ingest (all already stored)", med["reingest_s"], n / med["reingest_s"]),
    ]
    table = f"| step | seconds (median of {args.runs}) | records/s |\n|---|---|---|\n"
    table += "\n".join(f"| {name} | {s:.2f} | {rate:,.0f} |" for name, s, rate in rows)
    body = (
        f"Command: `.venv/bin/python benchmarks/ingest.py --runs {args.runs}`  \n"
        f"Corpus: `{CORPUS.name}`, {n:,} papers. Peak RSS: {peak_rss_mb():.0f} MB. Target: ≥ 20,000 records/s "
        f"for the fresh ingest.\n\n{table}\n\nThe FTS5 keyword index is filled in bulk after the rows are stored "
        f"(tokenizing abstracts costs more than the rest of an ingest); `paperradar ingest` does both steps, "
        f"a library ingest leaves the index to the first search. Before this design (triggers indexing each row, "
        f"4 KB pages, no parse/write overlap) the same fresh ingest ran at ≈ 4,000 records/s.\n"
    )
    print(body)
    write_section("Ingest", body)


if __name__ == "__main__":
    main()
