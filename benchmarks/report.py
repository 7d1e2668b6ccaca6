"""Benchmark: summaries + topics + weekly report for 5,000 papers whose embeddings are already stored.

    .venv/bin/python benchmarks/report.py [--papers 5000] [--embedder hashing]

The 5,000 most recent papers of the dev corpus are ingested and embedded once (cached in
benchmarks/.cache/, outside the timed part); the timed part is what `paperradar report` does after that:
scoring, topics (the interest's tracked topics), summaries, synthesis, verification and rendering. Writes the
"Reports" section of benchmarks/RESULTS.md. ``--embedder hashing`` uses the model-free hashing embedder (the same
stages on 256-d vectors; for a machine whose cores are too busy to embed 5,000 abstracts).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, peak_rss_mb, write_section

from paperradar.embed import HashingEmbedder, default_embedder, ensure_embeddings
from paperradar.render import render
from paperradar.reports import build_report, verify
from paperradar.sources.jsonl import paper_from_common
from paperradar.store import Store

CORPUS = SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"
CACHE = ROOT / "benchmarks" / ".cache"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=5000)
    ap.add_argument("--embedder", choices=("default", "hashing"), default="default")
    args = ap.parse_args()
    embedder = HashingEmbedder() if args.embedder == "hashing" else default_embedder()
    with gzip.open(CORPUS) as f:
        rows = [orjson.loads(line) for line in f]
    rows = sorted((r for r in rows if r.get("listing_date")), key=lambda r: r["listing_date"])[-args.papers :]
    date_from, date_to = rows[0]["listing_date"], rows[-1]["listing_date"]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"report-{args.papers}-{args.embedder}.db"
    if not cached.exists():
        with Store(cached) as s:
            s.papers.write_batch([paper_from_common(r, "dev") for r in rows], source="bench", now="t")
            s.papers.sync_fts()
            t = time.perf_counter()
            n = ensure_embeddings(s, embedder)
            print(f"embedded {n} papers in {time.perf_counter() - t:.0f} s (not timed below)")
    db = CACHE / "report-run.db"
    shutil.copy(cached, db)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with Store(db) as store:
        embedder.embed("warm up")  # model load is a one-time cost of the process
        t0 = time.perf_counter()
        report = build_report(store, date_from, date_to, "efficiency", history_weeks=0, embedder=embedder)
        t1 = time.perf_counter()
        md, _html = render(report, "markdown"), render(report, "html")
        problems = verify(report, md)
        t2 = time.perf_counter()
    assert not problems, problems
    body = (
        f"Command: `.venv/bin/python benchmarks/report.py --papers {args.papers} --embedder {args.embedder}`  \n"
        f"{args.papers:,} papers ({date_from} .. {date_to}) with stored embeddings; "
        f"{report.relevant_papers} relevant, {len(report.topics)} major topics (largest "
        f"{max((t.count for t in report.topics), default=0)}). Peak RSS {peak_rss_mb():.0f} MB. "
        f"Target ≤ 30 s.\n\n| step | seconds |\n|---|---|\n"
        f"| score + tracked topics + summaries + synthesis + verification (build_report) | {t1 - t0:.1f} |\n"
        f"| render Markdown + HTML (with chart) + grounding check again | {t2 - t1:.1f} |\n"
        f"| total | {t2 - t0:.1f} |\n"
    )
    print(body)
    write_section("Reports", body)


if __name__ == "__main__":
    main()
