"""Write the two consecutive dev-corpus weekly reports of docs/examples/ (2025-W23 and 2025-W24) into one database.

    PYTHONPATH=src .venv/bin/python docs/examples/make_dev_weeks.py [--db /tmp/dev-weeks.db]

Ingests the listings of 2025-06-02..15 from ../shared/data/corpora/cs_ai_2025-05_2026-05.jsonl.gz (never
committed), embeds them with the default model (cached in the database: a second run only rebuilds the reports),
then builds the report of the first week and of the second, which sees the first as its history, and the digest
of one real day of the second week (2025-06-10), headed by the registry's topics. The topic registry is cleared
first, so the reports are what a fresh database gives.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import orjson

from paperradar.embed import HashingEmbedder, ensure_embeddings, make_embedder
from paperradar.relevance import load_profile
from paperradar.render import render
from paperradar.reports import build_digest, build_report
from paperradar.sources.jsonl import paper_from_common
from paperradar.store import Store

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("PAPERRADAR_SHARED_DATA", HERE.parent.parent.parent / "shared" / "data"))
WEEKS = (("2025-06-02", "2025-06-08", "2025-W23"), ("2025-06-09", "2025-06-15", "2025-W24"))
DAY = "2025-06-10"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/paperradar-dev-weeks.db")
    ap.add_argument("--out", default=str(HERE))
    ap.add_argument("--embedder", choices=("default", "hashing"), default="default")
    ap.add_argument("--suffix", default="dev", help="file name suffix of the reports")
    args = ap.parse_args()
    embedder = HashingEmbedder() if args.embedder == "hashing" else make_embedder()
    with Store(args.db) as store:
        if not store.papers.count():
            with gzip.open(SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz") as f:
                rows = [orjson.loads(line) for line in f]
            rows = [r for r in rows if WEEKS[0][0] <= (r.get("listing_date") or "") <= WEEKS[-1][1]]
            store.papers.write_batch([paper_from_common(r, "dev") for r in rows], source="dev", now="t")
        t = time.perf_counter()
        n = ensure_embeddings(store, embedder)
        print(f"embedded {n} papers in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        with store.db.transaction() as conn:  # a fresh registry: the reports are what a new database gives
            for table in ("topic_registry", "topic_weeks", "topic_weeks_built"):
                conn.execute(f"DELETE FROM {table}")
        for a, b, week in WEEKS:
            t = time.perf_counter()
            report = build_report(store, a, b, load_profile("efficiency"), period=week, embedder=embedder)
            for fmt, ext in (("markdown", "md"), ("json", "json")):
                Path(args.out, f"report-efficiency-{week}-{args.suffix}.{ext}").write_text(render(report, fmt), "utf-8")
            print(
                f"{week}: {report.relevant_papers} relevant, {len(report.topics)} topics, "
                f"{time.perf_counter() - t:.1f} s",
                file=sys.stderr,
            )
        digest = build_digest(store, DAY, load_profile("efficiency"), embedder=embedder)
        Path(args.out, f"digest-efficiency-{DAY}-{args.suffix}.md").write_text(render(digest, "markdown"), "utf-8")
        print(
            f"{DAY}: {len(digest.items)} of {digest.considered} papers in {len(digest.groups)} groups", file=sys.stderr
        )


if __name__ == "__main__":
    main()
