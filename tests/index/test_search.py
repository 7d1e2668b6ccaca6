"""Hybrid search over a real SQLite store: query language, filters, malformed queries, embedding once."""

from __future__ import annotations

import json

import numpy as np
import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder
from paperradar.index import ExactIndex, HnswIndex, QueryError, SearchFilters, more_like_this, search
from paperradar.index.query import parse, to_fts
from paperradar.models import Paper
from paperradar.store import Store

PAPERS = [
    Paper(
        id="2501.00001",
        title="KV Cache Eviction for Long Context LLMs",
        abstract="We evict key value cache entries to cut memory 4x.",
        authors=["Ann Lee"],
        categories=["cs.CL"],
        announced="2025-01-02",
    ),
    Paper(
        id="2501.00002",
        title="Speculative Decoding with Tiny Draft Models",
        abstract="A draft model proposes tokens that the target verifies.",
        authors=["Song Han"],
        categories=["cs.LG"],
        announced="2025-01-03",
    ),
    Paper(
        id="2501.00003",
        title="Post-Training Quantization to 4-bit",
        abstract="Weight quantization of large language models without retraining.",
        authors=["Bo Li"],
        categories=["cs.LG"],
        announced="2025-02-01",
    ),
    Paper(
        id="2501.00004",
        title="Protein Folding with Diffusion",
        abstract="A diffusion model folds proteins.",
        authors=["Cy Wu"],
        categories=["q-bio.BM"],
        announced="2025-02-02",
    ),
]


class CountingEmbedder(HashingEmbedder):
    """Counts how many texts it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_batch(self, texts):
        self.calls += len(texts)
        return super().embed_batch(texts)


@pytest.fixture
def filled(store):
    store.papers.write_batch(PAPERS, source="t", now="2025-03-01T00:00:00+00:00")
    return store


def test_hybrid_search_finds_by_words_and_meaning(filled):
    emb = CountingEmbedder()
    hits = search(filled, "key value cache eviction", embedder=emb, limit=3)
    assert hits[0].id == "2501.00001" and hits[0].keyword_rank == 1
    hits = search(filled, 'title:quantization "4-bit"', embedder=emb)
    assert [h.id for h in hits] == ["2501.00003"]
    hits = search(filled, 'author:"Song Han"', embedder=emb)
    assert [h.id for h in hits] == ["2501.00002"]
    hits = search(filled, "models -diffusion", embedder=emb, limit=10)
    assert "2501.00004" not in {h.id for h in hits}


def test_a_papers_own_title_finds_it_first(filled):
    """Looking a paper up by its title (any case, punctuation) puts it first, whatever the fusion weights."""
    for p in PAPERS:
        hits = search(filled, p.title.upper().replace("-", " "), embedder=HashingEmbedder(), limit=4)
        assert hits[0].id == p.id


def test_filters_by_date_category_tag_topic(filled):
    emb = HashingEmbedder()
    f = SearchFilters(date_from="2025-02-01")
    assert {h.id for h in search(filled, "models", filters=f, embedder=emb)} <= {"2501.00003", "2501.00004"}
    f = SearchFilters(categories=["cs.CL"])
    assert [h.id for h in search(filled, "cache", filters=f, embedder=emb)] == ["2501.00001"]
    filled.feedback.tag("2501.00002", "to-read", "t")
    f = SearchFilters(tag="to-read")
    assert [h.id for h in search(filled, "draft decoding model", filters=f, embedder=emb)] == ["2501.00002"]
    assert search(filled, "cache", filters=SearchFilters(tag="nothing"), embedder=emb) == []


def test_nothing_is_embedded_twice(filled):
    emb = CountingEmbedder()
    search(filled, "cache", embedder=emb)
    assert emb.calls == len(PAPERS) + 1  # every paper once, plus the query
    search(filled, "decoding", embedder=emb)
    assert emb.calls == len(PAPERS) + 2  # only the new query
    changed = Paper(
        id="2501.00003",
        version=2,
        title="Post-Training Quantization to 3-bit",
        abstract="Now 3-bit.",
        authors=["Bo Li"],
    )
    filled.papers.write_batch([changed], source="t", now="2025-04-01T00:00:00+00:00")
    search(filled, "quantization", embedder=emb)
    assert emb.calls == len(PAPERS) + 2 + 1 + 1  # the changed paper once, plus the query


def test_more_like_this(filled):
    hits = more_like_this(filled, "2501.00001", embedder=HashingEmbedder())
    assert hits and all(h.id != "2501.00001" for h in hits)
    with pytest.raises(QueryError):
        more_like_this(filled, "9999.99999", embedder=HashingEmbedder())


@pytest.mark.parametrize("bad", ['"unbalanced', "", "   ", "title:", "*", "-cat:cs.LG x"])
def test_malformed_queries_raise_a_clear_error(bad):
    with pytest.raises(QueryError):
        parse(bad)


@pytest.mark.parametrize("odd", ["AND(", "NEAR(a b)", "a OR", "x:y", 'c++ "a" b*', "') DROP TABLE papers; --"])
def test_fts_syntax_in_queries_is_inert(filled, odd):
    q = parse(odd) if any(c.isalnum() for c in odd) else None
    if q is not None:
        expr = to_fts(q)
        if expr:
            filled.search.keyword(expr, 10)  # must not raise
    assert filled.papers.count() == 4


def test_cli_jsonl_contract_and_malformed_query(runner, db_path, filled, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")

    r = runner.invoke(app, ["--db", str(db_path), "search", "speculative decoding draft", "--limit", "2", "--jsonl"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert len(rows) == 2 and rows[0]["id"] == "2501.00002" and rows[0]["score"] >= rows[1]["score"]
    r = runner.invoke(app, ["--db", str(db_path), "search", '"oops'])
    assert r.exit_code == 2 and "unbalanced quote" in r.output and "Traceback" not in r.output


def test_exact_and_hnsw_agree(tmp_path):
    rng = np.random.default_rng(0)
    m = rng.normal(size=(2000, 32)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    ids = [f"p{i}" for i in range(len(m))]
    exact, hnsw = ExactIndex(ids, m), HnswIndex.build(ids, m, tmp_path / "x.usearch")
    reopened = HnswIndex.open(ids, tmp_path / "x.usearch")
    agree = 0
    for q in m[:50]:
        top = [i for i, _ in exact.search(q, 10)]
        agree += len(set(top) & {i for i, _ in hnsw.search(q, 10)})
        assert reopened.search(q, 5) == hnsw.search(q, 5)
    assert agree / 500 > 0.9


def test_cli_ingest_embeds_so_the_first_search_reads_meaning(runner, tmp_path, monkeypatch):
    """`paperradar ingest` embeds what it stored (a small import), so the first search after it fuses both
    sides; `--no-embed` leaves the vectors to `paperradar embed`."""
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    src = tmp_path / "papers.jsonl"
    fields = ("id", "title", "abstract", "authors", "categories")
    src.write_text("".join(json.dumps({f: getattr(p, f) for f in fields}) + "\n" for p in PAPERS))
    db, lazy = tmp_path / "a.db", tmp_path / "b.db"
    r = runner.invoke(app, ["--db", str(db), "ingest", str(src)])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["--db", str(lazy), "ingest", "--no-embed", str(src)]).exit_code == 0
    with Store(db) as s, Store(lazy) as s2:
        assert s.embeddings.count_live(HashingEmbedder().name) == len(PAPERS)
        assert s2.embeddings.count_live(HashingEmbedder().name) == 0
    r = runner.invoke(app, ["--db", str(db), "search", "draft model tokens", "--jsonl"])
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert rows and all(row["vector_rank"] for row in rows) and "covers" not in r.stderr


def test_a_vector_index_then_the_query_encoder_does_not_crash(tmp_path):
    """Importing onnxruntime after usearch kills the process (SIGSEGV); opening an HNSW index imports onnxruntime
    first, so a search that loads the query encoder after the index (or more-like-this, then a search) survives."""
    import subprocess
    import sys

    pytest.importorskip("onnxruntime")
    code = (
        "import numpy as np\n"
        "from paperradar.index.vectors import HnswIndex\n"
        "m = np.random.default_rng(0).normal(size=(50, 8)).astype('float32')\n"
        "m /= np.linalg.norm(m, axis=1, keepdims=True)\n"
        f"idx = HnswIndex.build([str(i) for i in range(50)], m, {str(tmp_path / 'h.usearch')!r})\n"
        "assert idx.search(m[3], 1)[0][0] == '3'\n"
        "import onnxruntime\n"
        "print('alive')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "alive" in r.stdout, r.stderr[-2000:]


def test_a_radar_encodes_queries_in_threads_it_keeps(db_path):
    """The meaning side runs in a thread beside the keyword side: a radar starts those threads once and every
    search reuses them (no thread started per search); the results are those of a search without a radar."""
    from paperradar import Radar, Settings

    papers = [
        Paper(id=f"2501.0000{i}", title=f"KV cache eviction {i}", abstract="Cache eviction for decoding.")
        for i in range(1, 6)
    ]
    with Radar(db_path, Settings(embedder="hashing")) as radar:
        radar.store.papers.write_batch(papers, source="t", now="t")
        radar.sync_index()
        radar.embed()
        first = [h.id for h in radar.search("kv cache", update=False)]
        pool = radar.caches.workers.get("search")
        assert pool is not None
        assert [h.id for h in radar.search("kv cache", update=False)] == first
        assert radar.caches.workers.get("search") is pool and len(radar.caches.workers) == 1
        alone = search(radar.store, "kv cache", embedder=radar.embedder, update=False)
        assert [h.id for h in alone] == first and first
