"""Benchmark: hybrid search at the union of both real corpora (~97k papers) and at 1M (replicated, perturbed).

    .venv/bin/python benchmarks/search.py [--target 1000000] [--queries 200] [--prepare]

1. Both corpora of ../shared/data/corpora are ingested (one paper per arXiv id) except the 1,000 newest papers,
   held out as "a new day", and embedded with the default model once (cached in benchmarks/.cache with the
   measured embedding rate; --prepare stops there).
2. Replicas are added until --target papers: each copies a real paper under a new id with its title suffixed and
   its vector perturbed by small Gaussian noise (re-normalized), so neither side sees exact duplicates.
3. At each size the keyword index (FTS5 or tantivy, chosen by size) and the vector index (exact or HNSW) are
   built and timed, then hybrid search is timed for 2-4 word queries, in-process, after a warm-up: p50 / p95.
4. At the largest size, the held-out day of 1,000 papers is ingested, embedded and scored against `efficiency`.
Writes the "Search scale" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, peak_rss_mb, write_section
from common import SEARCH_QUERIES as QUERIES

from paperradar.config import Settings
from paperradar.embed import DEFAULT_MODEL, Embedder, ensure_embeddings, make_embedder, paper_text
from paperradar.index import (
    Fts5Index,
    SearchFilters,
    TantivyIndex,
    keyword_index,
    sync_keyword_index,
    vector_index,
)
from paperradar.index.query import STOPWORDS, parse
from paperradar.index.vectors import EXPANSION_SEARCH
from paperradar.ingest import ingest_items
from paperradar.models import Paper
from paperradar.radar import Radar
from paperradar.sources import open_source
from paperradar.store import Store, now_iso

CACHE = ROOT / "benchmarks" / ".cache"
CORPORA = ["cs_ai_2025-05_2026-05.jsonl.gz", "ai_cv_cl_2025-03_2026-07.jsonl.gz"]
HELD_OUT = 1000
_PAPER_FIELDS = {"id", "title", "abstract", "authors", "categories", "published", "updated", "primary_category"}


def _day(p: Paper) -> str:
    return (p.announced or p.published or "")[:10]


def read_corpora(limit: int | None = None) -> tuple[list[Paper], list[Paper]]:
    """(base, held-out day): every record of both corpora (or the first ``limit``); the 1,000 newest distinct
    papers are held out."""
    items = [it for name in CORPORA for it in open_source(SHARED / "corpora" / name).records()]
    papers = [p for p in items if isinstance(p, Paper)][:limit]
    newest: dict[str, str] = {}
    for p in papers:
        newest[p.key] = max(newest.get(p.key, ""), _day(p))
    held = set(sorted(newest, key=lambda k: (newest[k], k))[-HELD_OUT:])
    return [p for p in papers if p.key not in held], [p for p in papers if p.key in held]


def base_db(cache: Path, limit: int | None, vectors_from: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """The cached base database (ingested + embedded) and what its preparation measured. With ``vectors_from``
    (an embed_cache.py cache) the vectors are looked up there instead of computed: papers it lacks stay without one."""
    cache.mkdir(parents=True, exist_ok=True)
    name = "search-base" if vectors_from is None else "search-base-cached"
    db, meta_path = cache / f"{name}.db", cache / f"{name}.json"
    if db.exists() and meta_path.exists():
        return db, json.loads(meta_path.read_text())
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    base, _held = read_corpora(limit)
    with Store(db) as s:
        ingest_items(s, base, source="corpora")
        n_papers = s.papers.count()
        print(f"ingested {n_papers:,} papers; embedding", flush=True)
        t, load = time.perf_counter(), os.getloadavg()[0]
        if vectors_from is None:
            n = ensure_embeddings(s, make_embedder(), progress=_progress("embedded"))
        else:
            n = cached_vectors(s, vectors_from)
        secs = time.perf_counter() - t
    load = max(load, os.getloadavg()[0])
    meta = {"papers": n_papers, "embedded": n, "embed_seconds": secs, "docs_per_s": n / secs}
    if vectors_from is not None:
        meta["vectors_from"] = str(vectors_from)
    if load > 2.5:
        meta["note"] = f"contended: other jobs shared the 2 cores, 1-minute load average up to {load:.1f}"
    meta_path.write_text(json.dumps(meta))
    return db, meta


def cached_vectors(store: Store, path: Path) -> int:
    """Store, for every paper without a vector, the default model's vector of its text found in the embed_cache.py
    cache at ``path`` (the same text and key CachedEmbedder uses); return how many were found."""
    import sqlite3

    from embed_cache import CachedEmbedder

    keyer = CachedEmbedder.__new__(CachedEmbedder)  # only its key function: no model, no cache file opened
    keyer.name = DEFAULT_MODEL
    db = sqlite3.connect(path)
    todo = store.embeddings.missing(keyer.name)
    found = 0
    for start in range(0, len(todo), 500):
        chunk = todo[start : start + 500]
        keys = [keyer._key(paper_text(t, a)) for _i, t, a, _h in chunk]
        got = dict(db.execute(f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(keys))})", keys).fetchall())
        rows = [(row, got[k]) for row, k in zip(chunk, keys, strict=True) if k in got]
        if rows:
            vecs = np.stack([np.frombuffer(v, dtype="<f4") for _r, v in rows]).astype(np.float32)
            store.embeddings.save(keyer.name, [(i, h) for (i, _t, _a, h), _v in rows], vecs, now_iso())
            found += len(rows)
    return found


def _progress(what: str):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done % 5120 < 256 or done == total:
            print(f"  {what} {done:,}/{total:,} ({done / (time.perf_counter() - t0):.0f}/s)", flush=True)

    return report


def replicate(store: Store, target: int, model: str | None) -> None:
    """Add perturbed copies of the stored papers (and their vectors) until ``target`` papers are stored; with no
    ``model``, copies of every stored paper and no vectors (the keyword side alone)."""
    if model is None:
        base, matrix = list(store.papers.iter(store.papers.ids())), None
    else:
        ids, matrix = store.embeddings.matrix(model)
        base = list(store.papers.iter(ids))
    rng = np.random.default_rng(0)
    n, rep = store.papers.count(), 1
    while n < target:
        for start in range(0, min(len(base), target - n), 50_000):
            chunk = base[start : min(start + 50_000, target - n)]
            batch = copies(chunk, rep, start)
            store.papers.write_batch(batch, source="replica", now=now_iso())
            if model is None or matrix is None:  # the keyword side alone
                continue
            vecs = matrix[start : start + len(batch)] + rng.normal(0, 0.02, (len(batch), matrix.shape[1])).astype(
                np.float32
            )
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            store.embeddings.save(model, [(b.id, b.content_hash) for b in batch], vecs, now_iso())
        n = store.papers.count()
        rep += 1


def copies(chunk: list[Paper], rep: int, start: int) -> list[Paper]:
    """Copy ``rep`` of ``chunk`` (which starts at ``start`` of the base): new-style ids of an unused year (70xx) keep
    replicas apart from real papers and from each other; the title is suffixed so no two titles are the same."""
    return [
        Paper(
            id=f"{7000 + rep}.{start + j:05d}",
            title=f"{p.title} ({rep})",
            abstract=p.abstract,
            authors=p.authors,
            categories=p.categories,
            announced=p.announced,
        )
        for j, p in enumerate(chunk)
    ]


def make_queries(titles: list[str], n: int, seed: int = 0) -> list[str]:
    """The curated topical queries, then 2-4 consecutive content words of random real titles, ``n`` in all."""
    rng = random.Random(seed)
    out = list(QUERIES)
    while len(out) < n:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", rng.choice(titles)) if w.lower() not in STOPWORDS]
        if len(words) >= 2:
            k = rng.randint(2, min(4, len(words)))
            i = rng.randint(0, len(words) - k)
            out.append(" ".join(words[i : i + k]).lower())
    rng.shuffle(out)
    return out[:n]


def timed(
    fn: Callable[[str], object],
    queries: list[str],
    clock: Callable[[], float] = time.perf_counter,
    repeat: int = 1,
) -> dict[str, float]:
    """p50 / p95 / max latency in ms of ``fn(query)`` over ``queries`` (after one warm-up call); with
    ``clock=time.process_time`` the CPU time of every thread of the process instead of the wall time; with
    ``repeat`` each query's best of that many runs (on a shared machine: what the search costs, without the waits
    other processes impose on some runs)."""
    fn(queries[0])
    lat = []
    for q in queries:
        best = float("inf")
        for _ in range(repeat):
            t = clock()
            fn(q)
            best = min(best, clock() - t)
        lat.append(best * 1000)
    lat.sort()
    return {"p50": statistics.median(lat), "p95": lat[int(0.95 * (len(lat) - 1))], "max": lat[-1], "n": len(lat)}


def fmt(st: dict[str, float]) -> str:
    return f"{st['p50']:.1f} / {st['p95']:.1f}"


def measure_size(store: Store, embedder: Embedder, queries: list[str], filtered: int) -> dict[str, Any]:
    """Build (or sync) both indexes and time hybrid search and its parts at the store's current size."""
    row: dict[str, Any] = {"papers": store.papers.count(), "load": [os.getloadavg()[0]]}
    radar = Radar(store, Settings(), embedder=embedder)  # its caches keep the opened indexes, as in `serve`
    engine = keyword_index(store)
    t = time.perf_counter()
    engine.sync()
    row["keyword_engine"], row["keyword_build_s"] = engine.name, time.perf_counter() - t
    t = time.perf_counter()
    index = vector_index(store, embedder.name, radar.caches)
    row["vector_index"], row["vector_build_s"] = type(index).__name__, time.perf_counter() - t
    row["hybrid"] = timed(lambda q: radar.search(q, limit=20, update=False), queries)
    row["load"].append(os.getloadavg()[0])
    row["keyword"] = timed(lambda q: engine.search(parse(q), 100), queries)
    row["embed_query"] = timed(embedder.embed, queries)
    vecs = {q: embedder.embed(q) for q in queries}
    row["vector"] = timed(lambda q: index.search(vecs[q], 100), queries)
    f = SearchFilters(date_from="2025-09-01", date_to="2025-11-30", categories=["cs.LG"])
    row["hybrid_filtered"] = timed(lambda q: radar.search(q, limit=20, filters=f, update=False), queries[:filtered])
    row["load"].append(os.getloadavg()[0])
    print(row, flush=True)
    return row


def fts5_at_size(store: Store, queries: list[str]) -> dict[str, Any]:
    """FTS5 at the current size, for comparison: its bulk build and the keyword part of hybrid search."""
    fts = Fts5Index(store)
    t = time.perf_counter()
    fts.sync()
    build = time.perf_counter() - t
    st = timed(lambda q: fts.search(parse(q), 100), queries)
    print("fts5", build, st, flush=True)
    return {"build_s": build, "keyword": st}


def hnsw_recall(store: Store, embedder: Embedder, queries: list[str]) -> tuple[float, float]:
    """Recall@10 and @100 of the HNSW index against an exact scan, searched for 100 as hybrid search does."""
    index = vector_index(store, embedder.name)
    ids, matrix = store.embeddings.matrix(embedder.name)
    r10 = r100 = 0.0
    for q in queries:
        qv = embedder.embed(q)
        sims = matrix @ qv
        top = np.argpartition(-sims, 100)[:100]
        exact = [ids[i] for i in top[np.argsort(-sims[top])]]
        got = [i for i, _ in index.search(qv, 100)]
        r10 += len(set(exact[:10]) & set(got[:10])) / 10
        r100 += len(set(exact) & set(got)) / 100
    return r10 / len(queries), r100 / len(queries)


def new_day(store: Store, embedder: Embedder, day: list[Paper]) -> dict[str, float]:
    """Ingest the held-out papers as a new day, index, embed and score them; then the first search after it."""
    out: dict[str, float] = {}
    t = time.perf_counter()
    ingest_items(store, day, source="day")
    out["ingest_s"] = time.perf_counter() - t
    ids = list(dict.fromkeys(p.key for p in day))
    t = time.perf_counter()
    out["keyword_papers"] = sync_keyword_index(store)
    out["keyword_s"] = time.perf_counter() - t
    t = time.perf_counter()
    out["embedded"] = ensure_embeddings(store, embedder, ids)
    out["embed_s"] = time.perf_counter() - t
    t = time.perf_counter()
    scored = Radar(store, Settings(), embedder=embedder).score("efficiency", ids)
    out["score_s"] = time.perf_counter() - t
    out["scored"], out["relevant"] = len(scored), sum(1 for s in scored if s.relevant)
    out["total_s"] = out["ingest_s"] + out["keyword_s"] + out["embed_s"] + out["score_s"]
    t = time.perf_counter()
    vector_index(store, embedder.name)
    out["vector_update_s"] = time.perf_counter() - t
    print(out, flush=True)
    return out


def keyword_quality() -> list[str]:
    """Keyword side only, FTS5 against tantivy on the dev labels: mean nDCG@10 and recall@100 of the eval's topic
    queries, on its sample (positives + 3,000 others) and on the whole dev corpus."""
    sys.path.insert(0, str(SHARED.parent / "eval"))
    import evaluate  # ../shared/eval/evaluate.py: its split, sample and queries

    papers, labels = evaluate.load_split("dev")
    lines = []
    for name, ids in [("eval sample", evaluate.sample(papers, labels, 3000)), ("dev corpus", sorted(papers))]:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "q.db") as store:
            items = (Paper(**{k: v for k, v in papers[i].items() if k in _PAPER_FIELDS}) for i in ids)
            ingest_items(store, items, source="eval")
            fts, tan = Fts5Index(store), TantivyIndex(store)
            fts.sync()
            tan.sync()
            scores = []
            for engine in (fts, tan):
                nd, rc = [], []
                for topic, queries in evaluate.TOPIC_QUERIES.items():
                    rel = {i for i in ids if labels.get(i) == topic}
                    for q in queries:
                        got = [i for i, _ in engine.search(parse(q), 100)]
                        dcg = sum(1 / np.log2(r + 2) for r, i in enumerate(got[:10]) if i in rel)
                        nd.append(dcg / sum(1 / np.log2(r + 2) for r in range(min(10, len(rel)))))
                        rc.append(len(rel & set(got)) / len(rel))
                scores.append(f"{engine.name} {np.mean(nd):.3f} / {np.mean(rc):.3f}")
            lines.append(f"{name} ({len(ids):,} papers): " + ", ".join(scores))
    print(lines, flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200, help="distinct 2-4 word queries timed at each size")
    ap.add_argument("--filtered", type=int, default=50, help="of which timed again with a date + category filter")
    ap.add_argument("--fts5-queries", type=int, default=20, help="FTS5 keyword queries timed at each size (0: skip)")
    ap.add_argument("--recall-queries", type=int, default=60, help="queries for HNSW recall against exact")
    ap.add_argument("--prepare", action="store_true", help="only build the cached base database")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where the base and run databases live")
    ap.add_argument("--base-limit", type=int, default=None, help="a dry run on the first N records only")
    ap.add_argument(
        "--vectors-from",
        type=Path,
        default=None,
        help="take the base's vectors from this embed_cache.py cache instead of embedding 96k papers (those it "
        "lacks stay unembedded; the replicas copy the embedded ones)",
    )
    ap.add_argument("--skip-keyword-quality", action="store_true", help="skip the FTS5/tantivy ranking comparison")
    ap.add_argument(
        "--retime",
        action="store_true",
        help="only time search again on the database the last full run left (indexes built); prints, writes nothing",
    )
    ap.add_argument("--stages", action="store_true", help="with --retime: also time the parts of a search alone")
    ap.add_argument("--repeat", type=int, default=1, help="with --retime: each query's best of this many runs")
    ap.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="with --retime: write every timed query's hits (ids, scores, reasons, snippets) to this JSON file, to "
        "compare the rankings of two versions of the code (--compare)",
    )
    ap.add_argument("--compare", type=Path, default=None, help="with --dump: the dump of another version to compare")
    ap.add_argument(
        "--keyword-only",
        action="store_true",
        help="only the keyword side (tantivy) at --target papers: every real paper, then title-suffixed copies of "
        "them, no vectors; index build time and size, keyword search p50 / p95 plain and date + category filtered "
        "(best of --repeat runs per query); prints, writes nothing",
    )
    args = ap.parse_args()
    if args.keyword_only:
        keyword_only(args)
        return
    if args.retime:
        retime(args)
        return
    db, meta = base_db(args.cache, args.base_limit, args.vectors_from)
    print(meta, flush=True)
    if args.prepare:
        return
    run = args.cache / "search-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(run) + suffix).unlink(missing_ok=True)
    shutil.rmtree(args.cache / "search-run.db.files", ignore_errors=True)
    shutil.copy(db, run)
    embedder = make_embedder()
    quality = keyword_quality() if args.base_limit is None and not args.skip_keyword_quality else []
    _base, day = read_corpora(args.base_limit)
    rows, fts5 = [], []
    with Store(run) as store:
        queries = make_queries(list(store.search.titles(store.papers.ids()[::50]).values()), args.queries)
        for size in (store.papers.count(), args.target):
            t = time.perf_counter()
            if size > store.papers.count():
                replicate(store, size, embedder.name)
            replicate_s = time.perf_counter() - t
            rows.append({**measure_size(store, embedder, queries, args.filtered), "replicate_s": replicate_s})
            if args.fts5_queries:
                fts5.append(fts5_at_size(store, queries[: args.fts5_queries]))
        day_row = new_day(store, embedder, day)
        radar = Radar(store, Settings(), embedder=embedder)
        after = timed(lambda q: radar.search(q, limit=20, update=False), queries[:50])
        rss_search = peak_rss_mb()
        hnsw = rows[-1]["vector_index"] == "HnswIndex"
        recall = hnsw_recall(store, embedder, queries[: args.recall_queries]) if hnsw else None
    write_results(args, meta, rows, fts5, day_row, after, rss_search, recall, quality)


def keyword_only(args: argparse.Namespace) -> None:
    """--keyword-only: the keyword index alone at ``args.target`` papers (its database cached in ``args.cache``; the
    index rebuilt when its schema changed), to compare two versions of the keyword side without embedding."""
    db = args.cache / f"keyword-{args.target}.db"
    args.cache.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        if store.papers.count() < args.target:
            base, _day = read_corpora(args.base_limit)
            ingest_items(store, base, source="corpora")
            replicate(store, args.target, None)
        engine = TantivyIndex(store)
        t = time.perf_counter()
        engine.sync()
        build = time.perf_counter() - t
        folder = store.files_dir("index") / "keyword-tantivy"
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        queries = make_queries(list(store.search.titles(store.papers.ids()[::50]).values()), args.queries)
        load = [os.getloadavg()[0]]
        plain = timed(lambda q: engine.search(parse(q), 100), queries, repeat=args.repeat)
        f = SearchFilters(date_from="2025-09-01", date_to="2025-11-30", categories=["cs.LG"])
        few = queries[: args.filtered]
        filtered = timed(lambda q: engine.search(parse(q), 100, f), few, repeat=args.repeat)
        load.append(os.getloadavg()[0])
        best = f", best of {args.repeat} runs per query" if args.repeat > 1 else ""
        print(
            f"{store.papers.count():,} papers, tantivy index {size / 2**30:.2f} GiB (sync {build:.0f} s); keyword "
            f"top 100{best}: p50 / p95 {fmt(plain)} ms (max "
            f"{plain['max']:.0f}), date + category filter {fmt(filtered)} ms (max {filtered['max']:.0f}); load "
            f"average {min(load):.1f}-{max(load):.1f}",
            flush=True,
        )


def embedded_how(meta: dict[str, Any]) -> str:
    """How the base got its vectors, for the results."""
    if meta.get("vectors_from"):
        return (
            f"{meta['embedded']:,.0f} of them with all-MiniLM-L6-v2 vectors looked up in the embed cache "
            f"{meta['vectors_from']} (vectors computed earlier by benchmarks/embed_cache.py runs, fp32), the rest "
            "without a vector (keyword side only)"
        )
    return (
        f"embedded with all-MiniLM-L6-v2 at {meta['docs_per_s']:.0f} docs/s ({meta['embedded']:,.0f} papers in "
        f"{meta['embed_seconds'] / 60:.0f} min{'; ' + meta['note'] if meta.get('note') else ''})"
    )


def retime(args: argparse.Namespace) -> None:
    """Time hybrid search (plain and filtered) again on the run database a full run left behind."""
    run = args.cache / "search-run.db"
    if not run.exists():
        sys.exit(f"{run} is missing: run the full benchmark first")
    embedder = make_embedder()
    with Store(run) as store:
        queries = make_queries(list(store.search.titles(store.papers.ids()[::50]).values()), args.queries)
        radar = Radar(store, Settings(), embedder=embedder)
        vector_index(store, embedder.name, radar.caches)
        # the query encoder loaded in this thread first: onnxruntime imported by search's prefetch thread once
        # crashed this process (SIGSEGV inside the import; see the report of issue 11)
        embedder.embed(queries[0])
        load = [os.getloadavg()[0]]
        rep = args.repeat
        hybrid = timed(lambda q: radar.search(q, limit=20, update=False), queries, repeat=rep)
        f = SearchFilters(date_from="2025-09-01", date_to="2025-11-30", categories=["cs.LG"])
        few = queries[: args.filtered]
        filtered = timed(lambda q: radar.search(q, limit=20, filters=f, update=False), few, repeat=rep)
        load.append(os.getloadavg()[0])
        print(
            f"{store.papers.count():,} papers{f', best of {rep} runs per query' if rep > 1 else ''}: "
            f"hybrid p50 / p95 {fmt(hybrid)} ms (max {hybrid['max']:.0f}), "
            f"hybrid + date & category filter {fmt(filtered)} ms (max {filtered['max']:.0f}); "
            f"load average {min(load):.1f}-{max(load):.1f}",
            flush=True,
        )
        if args.stages:
            stages(radar, store, embedder, queries, few, f, rep)
        if args.dump:
            dump(radar, queries, few, f, args.dump, args.compare)


def dump(radar: Radar, queries: list[str], few: list[str], f: SearchFilters, path: Path, compare: Path | None) -> None:
    """Every timed query's hits as JSON (plain, then filtered); with ``compare``, how many lists differ from it."""
    out = {}
    for label, qs, filters in (("hybrid", queries, None), ("filtered", few, f)):
        for q in qs:
            hits = radar.search(q, limit=20, filters=filters, update=False)
            out[f"{label}: {q}"] = [h.as_dict() for h in hits]
    path.write_text(json.dumps(out, indent=1))
    if compare is None:
        return
    other = json.loads(compare.read_text())
    top10 = sum(1 for k, v in out.items() if [h["id"] for h in v[:10]] != [h["id"] for h in other.get(k, [])[:10]])
    whole = [k for k, v in out.items() if v != other.get(k)]
    print(f"{len(out)} result lists: {top10} differ in their top-10 ids, {len(whole)} in any field", flush=True)
    for k in whole[:5]:
        print("  differs:", k, flush=True)


def stages(
    radar: Radar, store: Store, embedder: Embedder, queries: list[str], few: list[str], f: SearchFilters, rep: int
) -> None:
    """The parts of a search timed alone (wall ms), and the CPU time of whole searches (every thread: what a
    loaded machine makes a search wait for, where the wall time shows the overlap of the two sides)."""
    load = [os.getloadavg()[0]]
    engine = keyword_index(store, update=False)
    index = vector_index(store, embedder.name, radar.caches)
    vecs = {q: embedder.embed(q) for q in queries}

    def nearest_checked(q: str) -> set[str]:
        return engine.filter_ids([i for i, _s in index.search(vecs[q], 1000)], f)

    cpu = time.process_time
    rows = {
        "keyword (tantivy, top 100)": timed(lambda q: engine.search(parse(q), 100), queries, repeat=rep),
        "keyword, filtered": timed(lambda q: engine.search(parse(q), 100, f), few, repeat=rep),
        "query encoding": timed(embedder.embed, queries, repeat=rep),
        "vector (HNSW, top 100)": timed(lambda q: index.search(vecs[q], 100), queries, repeat=rep),
        "vector, filtered (1,000 nearest + filter check)": timed(nearest_checked, few, repeat=rep),
        "hybrid, CPU ms of both threads": timed(
            lambda q: radar.search(q, limit=20, update=False), queries, cpu, repeat=rep
        ),
        "hybrid filtered, CPU ms": timed(
            lambda q: radar.search(q, limit=20, filters=f, update=False), few, cpu, repeat=rep
        ),
    }
    load.append(os.getloadavg()[0])
    for name, st in rows.items():
        print(f"  {name}: p50 / p95 {fmt(st)} ms", flush=True)
    print(f"  (load average {min(load):.1f}-{max(load):.1f})", flush=True)


def write_results(
    args: argparse.Namespace,
    meta: dict[str, Any],
    rows: list[dict[str, Any]],
    fts5: list[dict[str, Any]],
    day: dict[str, float],
    after: dict[str, float],
    rss: float,
    recall: tuple[float, float] | None,
    quality: list[str],
) -> None:
    loads = [x for r in rows for x in r["load"]]
    table = (
        "| papers | keyword index (build s) | vector index (build s) | **hybrid p50 / p95 ms** | max ms "
        "| keyword p50 / p95 | query embedding p50 / p95 | vector p50 / p95 | hybrid + date & category filter "
        "p50 / p95 |\n|---|---|---|---|---|---|---|---|---|\n"
    )
    for r in rows:
        table += (
            f"| {r['papers']:,} | {r['keyword_engine']} ({r['keyword_build_s']:.0f}) "
            f"| {r['vector_index'].replace('Index', '')} ({r['vector_build_s']:.0f}) | **{fmt(r['hybrid'])}** "
            f"| {r['hybrid']['max']:.0f} | {fmt(r['keyword'])} | {fmt(r['embed_query'])} | {fmt(r['vector'])} "
            f"| {fmt(r['hybrid_filtered'])} |\n"
        )
    cmp = ""
    if fts5:
        cmp = (
            "\nFTS5 for comparison (the keyword part only, same queries, first {n}): ".format(n=fts5[0]["keyword"]["n"])
            + "; ".join(
                f"{r['papers']:,} papers: build {f['build_s']:.0f} s, p50 / p95 {fmt(f['keyword'])} ms"
                for r, f in zip(rows, fts5, strict=True)
            )
            + ".\n"
        )
    if quality:
        cmp += (
            "\nRanking of the two keyword engines, keyword side only, on the dev labels (the eval's 10 topic queries; "
            "mean nDCG@10 / recall@100): " + "; ".join(quality) + ".\n"
        )
    contended = max(loads) > 1.5  # this benchmark alone keeps about one core busy
    body = (
        f"Command: `.venv/bin/python benchmarks/search.py --target {args.target} --queries {args.queries}"
        f"{' --vectors-from ' + str(args.vectors_from) if args.vectors_from else ''}"
        f"{' --fts5-queries ' + str(args.fts5_queries) if args.fts5_queries != 20 else ''}"
        f"{' --skip-keyword-quality' if args.skip_keyword_quality else ''}`  \n"
        f"Base: the union of both corpora in ../shared/data/corpora ({meta['papers']:,.0f} distinct papers, the "
        f"{HELD_OUT:,} newest held out as a new day), {embedded_how(meta)}. 1M: perturbed replicas of the embedded "
        f"papers (new ids, titles suffixed, vectors + N(0, 0.02) noise). Queries: {args.queries} distinct 2-4 "
        f"word queries ({len(QUERIES)} topical, "
        f"the rest consecutive content words of real titles), in-process, limit 20, after a warm-up; the filtered "
        f"column repeats the first {args.filtered} with a 3-month date range and category cs.LG. "
        f"Target: hybrid p95 ≤ 50 ms at 1M.\n\n{table}{cmp}\n"
        f"A new day at {rows[-1]['papers']:,} papers: {day['scored']:,.0f} held-out papers ingested in "
        f"{day['ingest_s']:.1f} s, keyword index updated in {day['keyword_s']:.1f} s, embedded in "
        f"{day['embed_s']:.1f} s ({day['embedded'] / day['embed_s']:.0f} docs/s), scored for `efficiency` in "
        f"{day['score_s']:.1f} s "
        f"(**{day['total_s']:.0f} s in all**, target ≤ 60 s; {day['relevant']:.0f} flagged relevant). The HNSW "
        f"graph then took in their vectors in {day['vector_update_s']:.1f} s (no rebuild); hybrid p50 / p95 "
        f"afterwards {fmt(after)} ms.\n\n"
        + (
            f"HNSW against an exact scan at {rows[-1]['papers']:,} (the top 100 asked for, ef {EXPANSION_SEARCH}, "
            f"{args.recall_queries} queries): recall@10 {recall[0]:.2f}, recall@100 {recall[1]:.2f}. "
            if recall
            else ""
        )
        + f"Peak RSS {rss:,.0f} MB (building the HNSW graph and scoring hold the whole vector matrix). "
        + (
            f"Other engineers' jobs shared the machine during part of the timings (1-minute load average "
            f"{min(loads):.1f}-{max(loads):.1f} on 2 cores, of which this benchmark accounts for about 1), so "
            f"latencies are upper bounds.\n"
            if contended
            else f"Load average during the timings {min(loads):.1f}-{max(loads):.1f} (2 cores).\n"
        )
    )
    print(body)
    if args.base_limit is None:  # a dry run never replaces the recorded results
        write_section("Search scale", body)


if __name__ == "__main__":
    main()
