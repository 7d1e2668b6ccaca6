"""The two keyword engines (FTS5, tantivy): same answers, same filters, incremental sync, engine choice by size."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder, ensure_embeddings
from paperradar.index import (
    ExactIndex,
    Fts5Index,
    HnswIndex,
    QueryError,
    SearchFilters,
    TantivyIndex,
    keyword_index,
    search,
    vector_index,
)
from paperradar.index.query import parse
from paperradar.memo import Caches
from paperradar.models import Paper

NOW = "2025-03-01T00:00:00+00:00"


def paper(pid: str, title: str, abstract: str, author: str, cat: str, day: str) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, authors=[author], categories=[cat], announced=day)


PAPERS = [
    paper(
        "2501.00001",
        "KV Cache Eviction for Long Context LLMs",
        "We evict key value cache entries to cut memory 4x in long context inference.",
        "Ann Lee",
        "cs.CL",
        "2025-01-02",
    ),
    paper(
        "2501.00002",
        "Speculative Decoding with Tiny Draft Models",
        "A draft model proposes tokens that the target model verifies in parallel.",
        "Song Han",
        "cs.LG",
        "2025-01-03",
    ),
    paper(
        "2501.00003",
        "Post-Training Quantization to 4-bit",
        "Weight quantization of large language models without retraining.",
        "Bo Li",
        "cs.LG",
        "2025-02-01",
    ),
    paper(
        "2501.00004",
        "Protein Folding with Diffusion",
        "A diffusion model folds proteins.",
        "Cy Wu",
        "q-bio.BM",
        "2025-02-02",
    ),
    paper(
        "2501.00005",
        "A Survey of Model Quantization",
        "We survey quantization methods: post-training quantization, quantization-aware training, 4-bit formats.",
        "Di Ng",
        "cs.LG",
        "2025-02-10",
    ),
    paper(
        "2501.00006",
        "Quantized KV Cache for Serving",
        "Key value cache quantization to 2 bits lets a server hold longer contexts.",
        "Song Han",
        "cs.DC",
        "2025-03-01",
    ),
    paper(
        "2501.00007",
        "Diffusion Language Models Decode in Parallel",
        "Discrete diffusion for language generation with parallel decoding.",
        "Eve Park",
        "cs.CL",
        "2025-03-02",
    ),
    paper(
        "2501.00008",
        "Pruning Attention Heads",
        "Structured pruning removes attention heads of transformers with little loss.",
        "Fay Xu",
        "cs.LG",
        "2025-03-05",
    ),
]

# Queries with one clearly best paper: both engines must put it first.
CLEAR = [
    "kv cache eviction",
    "speculative decoding draft",
    "diffusion proteins",
    '"key value cache" memory',
    '"language models" quantization retraining',
    'title:"kv cache" serving',
    'author:"Song Han" draft',
    "author:han cache",
    'cache -"long context"',
    "pruning heads transformers",
]
# Near ties on top: FTS5 normalizes term frequencies by the length of the whole document, tantivy by the length of
# the field, so equally good papers may swap places; the papers matched must still be the same.
TIED = ["quantization", "title:quantization", "quantization -survey", "4-bit", "kv cache", "diffusion models"]


THRESHOLDS = {"fts5": 1_000_000, "tantivy": 0}
ENGINE = {"threshold": THRESHOLDS["fts5"]}  # the collection size from which tantivy answers, set per test below


@pytest.fixture(params=["fts5", "tantivy"])
def engine_name(request, monkeypatch):
    """Run a test once per keyword engine, forced by the size threshold (the index.tantivy_threshold setting)."""
    monkeypatch.setitem(ENGINE, "threshold", THRESHOLDS[request.param])
    return request.param


def run_search(store, query, **options):
    """Hybrid (or keyword) search with the test embedder on the engine the test runs on."""
    options.setdefault("embedder", HashingEmbedder())
    return search(store, query, threshold=ENGINE["threshold"], **options)


@pytest.fixture
def filled(store):
    store.papers.write_batch(PAPERS, source="t", now=NOW)
    return store


def keyword_ids(store, query, filters=None, limit=20):
    return [h.id for h in run_search(store, query, mode="keyword", limit=limit, filters=filters)]


def test_threshold_setting_picks_the_engine(filled):
    assert isinstance(keyword_index(filled, threshold=9), Fts5Index)  # 8 papers
    filled.papers.write_batch([paper("2501.00009", "Ninth", "x", "A B", "cs.LG", "2025-03-06")], source="t", now=NOW)
    # a request that may not build the index gets FTS5 until tantivy has been built once
    assert isinstance(keyword_index(filled, threshold=9, update=False), Fts5Index)
    engine = keyword_index(filled, threshold=9)
    assert isinstance(engine, TantivyIndex)
    assert engine.sync() == 9
    assert isinstance(keyword_index(filled, threshold=9, update=False), TantivyIndex)
    assert keyword_index(filled, threshold=100).name == "fts5"


@pytest.mark.parametrize("query", CLEAR + TIED)
def test_both_engines_match_the_same_papers_and_agree_on_the_best(filled, query):
    fts, tan = Fts5Index(filled), TantivyIndex(filled)
    fts.sync()
    tan.sync()
    q = parse(query)
    for mode in ("or", "and"):
        a, b = fts.search(q, 50, mode=mode), tan.search(q, 50, mode=mode)
        assert {i for i, _ in a} == {i for i, _ in b}, (query, mode)
        assert a, (query, mode)
        if query in CLEAR:
            assert a[0][0] == b[0][0], (query, mode, a, b)


def test_query_semantics_on_either_engine(filled, engine_name):
    assert set(keyword_ids(filled, 'title:"kv cache"')) == {"2501.00001", "2501.00006"}
    assert set(keyword_ids(filled, 'author:"Song Han"')) == {"2501.00002", "2501.00006"}
    assert "2501.00005" not in keyword_ids(filled, "quantization -survey")
    assert set(keyword_ids(filled, "quantization -survey")) == {"2501.00003", "2501.00006"}
    assert set(keyword_ids(filled, '"key value cache"')) == {"2501.00001", "2501.00006"}
    assert keyword_ids(filled, "proteins")[0] == "2501.00004"  # stemmed: "proteins" finds "Protein"
    assert set(keyword_ids(filled, 'title:quantization "4-bit"')) == {"2501.00003", "2501.00005"}


def test_a_spelled_out_query_finds_the_acronym_on_either_engine(store, engine_name):
    # "mixture of experts" also stands for "MoE": a paper naming only the acronym is found by either engine
    only_acronym = paper("2501.00041", "Sparse MoE Serving", "Routing to MoE layers.", "A B", "cs.LG", "2025-01-02")
    spelled = paper("2501.00042", "Mixture of Experts Routing", "Experts share load.", "C D", "cs.LG", "2025-01-03")
    unrelated = paper("2501.00043", "Protein Folding", "Diffusion over structures.", "E F", "q-bio", "2025-01-04")
    store.papers.write_batch([only_acronym, spelled, unrelated], source="t", now=NOW)
    assert set(keyword_ids(store, "mixture of experts")) == {"2501.00041", "2501.00042"}


def test_filters_on_either_engine(filled, engine_name):
    models = "models quantization cache diffusion pruning"
    assert set(keyword_ids(filled, models, SearchFilters(date_from="2025-02-01", date_to="2025-02-28"))) == {
        "2501.00003",
        "2501.00004",
        "2501.00005",
    }
    assert set(keyword_ids(filled, models, SearchFilters(date_from="2025-03"))) == {
        "2501.00006",
        "2501.00007",
        "2501.00008",
    }
    assert set(keyword_ids(filled, models, SearchFilters(categories=["cs.CL", "cs.DC"]))) == {
        "2501.00001",
        "2501.00006",
        "2501.00007",
    }
    assert set(keyword_ids(filled, "cat:cs.CL models cache diffusion")) == {"2501.00001", "2501.00007"}
    filled.feedback.tag("2501.00002", "to-read", "t")
    filled.feedback.tag("2501.00006", "to-read", "t")
    assert set(keyword_ids(filled, models + " decoding", SearchFilters(tag="to-read"))) == {"2501.00002", "2501.00006"}
    assert keyword_ids(filled, models, SearchFilters(tag="nothing")) == []
    excluded = SearchFilters(exclude_ids=["2501.00003", "2501.00005"])
    assert set(keyword_ids(filled, "quantization", excluded)) == {"2501.00006"}


def test_hybrid_respects_hard_constraints_and_filters_on_either_engine(filled, engine_name):
    emb = HashingEmbedder()
    hits = run_search(filled, 'author:"Song Han"', embedder=emb)
    assert {h.id for h in hits} == {"2501.00002", "2501.00006"}
    assert all(h.vector_rank is not None for h in hits)  # the vector side ranks exactly the admitted papers
    hits = run_search(filled, "quantization -survey", embedder=emb, limit=10)
    assert "2501.00005" not in {h.id for h in hits}
    hits = run_search(filled, "cache", filters=SearchFilters(categories=["cs.DC"]), embedder=emb)
    assert [h.id for h in hits] == ["2501.00006"]


@pytest.mark.parametrize("bad", ['"unbalanced', "title:", "   ", "-cat:cs.LG x"])
def test_malformed_queries_are_one_line_errors_on_either_engine(filled, engine_name, bad):
    with pytest.raises(QueryError) as e:
        run_search(filled, bad, embedder=HashingEmbedder())
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("odd", ["AND(", "NEAR(a b)", "a OR", "x:y", 'c++ "a" b*', "') DROP TABLE papers; --", "é ü"])
def test_query_syntax_is_inert_on_either_engine(filled, engine_name, odd):
    run_search(filled, odd, mode="keyword")  # must not raise
    assert filled.papers.count() == len(PAPERS)


def test_cli_search_with_tantivy(runner, db_path, filled, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_INDEX_TANTIVY_THRESHOLD", "0")
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    r = runner.invoke(app, ["--db", str(db_path), "search", "speculative decoding draft", "--jsonl"])
    assert r.exit_code == 0, r.output
    assert '"2501.00002"' in r.output.splitlines()[0]
    assert (db_path.parent / f"{db_path.name}.files" / "index" / "keyword-tantivy").is_dir()
    r = runner.invoke(app, ["--db", str(db_path), "search", 'title:"oops'])
    assert r.exit_code == 2 and "unbalanced quote" in r.output and "Traceback" not in r.output


def num_docs(engine: TantivyIndex) -> int:
    engine.files.index.reload()
    return int(engine.files.index.searcher().num_docs)


def test_tantivy_sync_is_incremental_and_follows_updates_and_deletes(filled):
    engine = TantivyIndex(filled)
    assert engine.pending() == len(PAPERS)
    assert engine.sync() == len(PAPERS)
    assert engine.sync() == 0 and engine.pending() == 0
    more = [paper("2502.00001", "Mamba State Spaces", "Selective state space models.", "Al Gu", "cs.LG", "2025-04-01")]
    filled.papers.write_batch(more, source="t", now=NOW)
    assert engine.pending() == 1
    assert engine.sync() == 1  # only the new paper
    assert num_docs(engine) == len(PAPERS) + 1
    q = parse("mamba")
    assert [i for i, _ in engine.search(q, 5)] == ["2502.00001"]
    # a new version with a new title replaces the indexed text
    v2 = Paper(
        id="2501.00008", version=2, title="Pruning MLP Neurons", abstract="Neurons, not heads.", authors=["Fay Xu"]
    )
    filled.papers.write_batch([v2], source="t", now=NOW)
    assert engine.sync() == 1
    assert num_docs(engine) == len(PAPERS) + 1
    assert [i for i, _ in engine.search(parse("neurons"), 5)] == ["2501.00008"]
    assert engine.search(parse("title:attention"), 5) == []
    # a deleted paper leaves the index
    filled.db.conn.execute("DELETE FROM papers WHERE id = '2502.00001'")
    assert engine.sync() == 1
    assert engine.search(q, 5) == [] and num_docs(engine) == len(PAPERS)
    # ... and its pk, reused by the next new paper, is indexed again
    again = [paper("2502.00002", "Mamba Two", "State space duality.", "Tri Dao", "cs.LG", "2025-04-02")]
    filled.papers.write_batch(again, source="t", now=NOW)
    assert engine.sync() == 1
    assert [i for i, _ in engine.search(q, 5)] == ["2502.00002"]
    # a second process (here: a fresh handle on the saved files) sees the same index without rebuilding
    from paperradar.index import keyword as kw

    kw._FILES.clear()
    fresh = TantivyIndex(filled)
    assert fresh.pending() == 0 and [i for i, _ in fresh.search(q, 5)] == ["2502.00002"]


@pytest.mark.parametrize("damage", ["missing", "meta", "segments"])
def test_tantivy_index_is_rebuilt_when_missing_or_damaged(filled, damage):
    from paperradar.index import keyword as kw

    engine = TantivyIndex(filled)
    engine.sync()
    folder = engine.files.folder
    kw._FILES.clear()
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "meta":
        (folder / "paperradar.json").write_text("{not json")
    else:
        for f in folder.iterdir():
            if f.suffix in (".idx", ".term", ".store", ".pos", ".fast", ".fieldnorm"):
                f.write_bytes(b"garbage")
        (folder / "meta.json").write_text("garbage")
    engine = TantivyIndex(filled)
    assert engine.sync() == len(PAPERS)
    assert engine.search(parse("mamba OR pruning heads"), 3)[0][0] == "2501.00008"


@pytest.mark.parametrize("kind", [HnswIndex, ExactIndex])
def test_saved_vector_index_is_extended_with_new_vectors_instead_of_rebuilt(filled, monkeypatch, kind):
    """Both kinds are saved beside the database, reopened by the next process and grown by appending."""
    import paperradar.index as index_mod

    if kind is HnswIndex:
        monkeypatch.setattr(index_mod, "HNSW_THRESHOLD", 5)
    emb = HashingEmbedder()
    ensure_embeddings(filled, emb)
    first = vector_index(filled, emb.name)
    assert isinstance(first, kind) and len(first) == len(PAPERS)
    reads = []
    real_matrix = filled.embeddings.matrix
    monkeypatch.setattr(filled.embeddings, "matrix", lambda *a, **k: reads.append(a) or real_matrix(*a, **k))
    assert vector_index(filled, emb.name).ids == first.ids and reads == []  # reopened without reading SQLite
    more = [paper("2502.00001", "Mamba State Spaces", "Selective state space models.", "Al Gu", "cs.LG", "2025-04-01")]
    filled.papers.write_batch(more, source="t", now=NOW)
    v2 = Paper(id="2501.00008", version=2, title="Pruning MLP Neurons", abstract="Neurons, not heads.", authors=["F"])
    filled.papers.write_batch([v2], source="t", now=NOW)
    ensure_embeddings(filled, emb)
    grown = vector_index(filled, emb.name)  # no caches: opened from what was saved
    assert isinstance(grown, kind)
    # one read of just the vectors written since the save (same second here: all), never the whole-table read
    assert len(reads) == 1 and reads[0][1] is not None and {"2501.00008", "2502.00001"} <= set(reads[0][1])
    # keys are appended: the replaced paper's old key is dropped, no key renumbered (no rebuild)
    assert grown.ids[: len(PAPERS)] == [p.id if p.id != "2501.00008" else "" for p in PAPERS]
    assert sorted(grown.ids[len(PAPERS) :]) == ["2501.00008", "2502.00001"]
    assert len(grown) == len(PAPERS) + 1
    for pid in ("2502.00001", "2501.00008"):
        _ids, vec = filled.embeddings.matrix(emb.name, [pid])
        top = grown.search(vec[0], 1)
        assert top[0][0] == pid and top[0][1] == pytest.approx(1.0, abs=1e-2)
    assert vector_index(filled, emb.name).ids == grown.ids  # reopened as saved
    caches = Caches()
    assert vector_index(filled, emb.name, caches) is vector_index(filled, emb.name, caches)  # reused while unchanged


def test_tantivy_agrees_with_fts5_on_real_papers(store, dev_rows):
    """On 1,500 real abstracts: the same matches for every query, and mostly the same top 10: tantivy ranks title
    and abstract as one field with the title repeated, as FTS5 weighs its columns before saturating (mean overlap
    0.91 here; 0.76 when tantivy scored title and abstract as two fields)."""
    papers = [
        Paper(
            id=r["id"],
            title=r["title"],
            abstract=r.get("abstract", ""),
            authors=r.get("authors", []),
            categories=r.get("categories", []),
            published=r.get("published"),
        )
        for r in dev_rows
    ]
    store.papers.write_batch(papers, source="t", now=NOW)
    fts, tan = Fts5Index(store), TantivyIndex(store)
    fts.sync()
    tan.sync()
    overlaps = []
    for query in [
        "speculative decoding",
        "mixture of experts",
        "kv cache",
        '"large language models" reasoning',
        "title:agents",
        "diffusion -video",
        "graph neural networks",
        "reinforcement learning reward",
    ]:
        q = parse(query)
        a = [i for i, _ in fts.search(q, 10_000, mode="and")]
        b = [i for i, _ in tan.search(q, 10_000, mode="and")]
        assert set(a) == set(b), query
        top_a, top_b = fts.search(q, 10), tan.search(q, 10)
        overlaps.append(len({i for i, _ in top_a} & {i for i, _ in top_b}) / max(1, len(top_a)))
    assert np.mean(overlaps) >= 0.85, overlaps


def test_a_tantivy_phrase_never_spans_the_title_and_the_abstract(store):
    """The ranked field holds the title three times and the abstract as separate values: a phrase matches inside
    one of them only, as in FTS5's separate columns."""
    store.papers.write_batch(
        [
            paper("2501.00011", "Fast Attention", "Sparse kernels make it cheap.", "A B", "cs.LG", "2025-01-02"),
            paper("2501.00012", "Kernels", "Attention sparse by design.", "C D", "cs.LG", "2025-01-03"),
        ],
        source="t",
        now=NOW,
    )
    tan, fts = TantivyIndex(store), Fts5Index(store)
    tan.sync()
    fts.sync()
    for query in ('"attention sparse"', '"attention fast"', '"fast attention"'):
        q = parse(query)
        assert [i for i, _ in tan.search(q, 10)] == [i for i, _ in fts.search(q, 10)], query
    assert [i for i, _ in tan.search(parse('"attention sparse"'), 10)] == ["2501.00012"]
    assert tan.search(parse('"attention fast"'), 10) == []


def test_vector_side_scores_a_narrow_filter_exactly(store, engine_name):
    """With more papers than the vector side's candidate list, a filter that admits a few papers far from the
    query still gets those papers ranked by meaning (not an empty vector side)."""
    filler = [
        paper(
            f"2503.{i:05d}",
            f"KV cache compression method {i}",
            f"Cache eviction variant {i}.",
            "X Y",
            "cs.CL",
            "2025-03-01",
        )
        for i in range(1100)
    ]
    store.papers.write_batch([*filler, *PAPERS], source="t", now=NOW)
    for pid in ("2501.00004", "2501.00008"):
        store.feedback.tag(pid, "far", "t")
    hits = run_search(store, "kv cache compression", filters=SearchFilters(tag="far"), embedder=HashingEmbedder())
    assert {h.id for h in hits} == {"2501.00004", "2501.00008"}
    assert all(h.vector_rank is not None for h in hits)


def test_tantivy_sync_recovers_from_a_commit_without_its_meta(filled):
    """Killed between the index commit and the meta write: the next sync starts over instead of duplicating."""
    engine = TantivyIndex(filled)
    engine.sync()
    meta = engine.files.meta_path.read_text()
    more = [paper("2502.00001", "Mamba State Spaces", "Selective state space models.", "Al Gu", "cs.LG", "2025-04-01")]
    filled.papers.write_batch(more, source="t", now=NOW)
    engine.sync()
    engine.files.meta_path.write_text(meta)  # as if the meta write after the commit never happened
    filled.papers.write_batch(
        [paper("2502.00002", "Mamba Two", "Duality.", "Tri Dao", "cs.LG", "2025-04-02")], source="t", now=NOW
    )
    engine.sync()
    assert num_docs(engine) == len(PAPERS) + 2
    assert sorted(i for i, _ in engine.search(parse("mamba"), 5)) == ["2502.00001", "2502.00002"]


def test_tantivy_sync_skips_while_another_writer_holds_the_index(filled):
    engine = TantivyIndex(filled)
    engine.sync()
    filled.papers.write_batch(
        [paper("2502.00001", "Mamba State Spaces", "Selective.", "Al Gu", "cs.LG", "2025-04-01")], source="t", now=NOW
    )
    other = engine.files.index.writer(heap_size=15_000_000, num_threads=1)  # e.g. a CLI ingest in another process
    try:
        assert engine.sync() == 0 and engine.pending() == 1
        assert engine.search(parse("quantization"), 5)  # still answers from what is indexed
    finally:
        other.rollback()
        del other
    assert engine.sync() == 1


def test_more_like_this_applies_filters(filled):
    from paperradar.index import more_like_this

    hits = more_like_this(filled, "2501.00006", filters=SearchFilters(categories=["cs.LG"]), embedder=HashingEmbedder())
    assert hits and {h.id for h in hits} <= {"2501.00002", "2501.00003", "2501.00005", "2501.00008"}


# date and category filters, which the tantivy index holds itself
INDEXED_FILTERS = [
    SearchFilters(date_from="2025-02-01", date_to="2025-02-28"),
    SearchFilters(date_from="2025-03"),
    SearchFilters(date_to="2025-02"),
    SearchFilters(categories=["cs.CL", "cs.DC"]),
    SearchFilters(date_from="2025-01-03", categories=["cs.LG"]),
]


@pytest.mark.parametrize(
    "filters",
    [*INDEXED_FILTERS, SearchFilters(tag="to-read"), SearchFilters(exclude_ids=["2501.00001", "2501.00002"])],
)
def test_tantivy_checks_candidates_against_filters_as_sql_does(filled, filters):
    filled.feedback.tag("2501.00002", "to-read", "t")
    engine = TantivyIndex(filled)
    engine.sync()
    ids = [p.id for p in PAPERS] + ["9999.99999"]
    expected = filled.search.filter_ids(ids, filters)
    assert expected and expected != set(ids)
    assert engine.filter_ids(ids, filters) == expected
    assert Fts5Index(filled).filter_ids(ids, filters) == expected


def test_tantivy_splits_hyphenated_or_queries_without_changing_their_hits(store, dev_rows, monkeypatch):
    """A plain OR query mixing single words with hyphenated ones (phrases once analyzed) is searched as two
    prunable queries: on 1,500 real abstracts it finds the same papers in the same order, with the same scores,
    as the one query it stands for."""
    papers = [
        Paper(id=r["id"], title=r["title"], abstract=r.get("abstract", ""), authors=r.get("authors", []))
        for r in dev_rows
    ]
    store.papers.write_batch(papers, source="t", now=NOW)
    engine = TantivyIndex(store)
    engine.sync()
    queries = ["multi-agent systems", "large-scale pre-training data", "fine-tuning language models", "real-world"]
    for query in queries:
        q = parse(query)
        assert (engine._split(q, "or", None, None) is not None) == (query != "real-world")  # a mix only
        for limit in (5, 100):
            split = engine.search(q, limit)
            with monkeypatch.context() as m:
                m.setattr(engine, "_split", lambda *_a: None)
                whole = engine.search(q, limit)
            assert whole, query
            assert [i for i, _ in split] == [i for i, _ in whole], query
            assert [s for _, s in split] == pytest.approx([s for _, s in whole], rel=1e-5)
    assert engine._split(parse("multi-agent systems"), "or", SearchFilters(categories=["cs.LG"]), None) is None
    assert engine._split(parse('"multi agent" systems'), "or", None, None) is None


def test_web_style_search_finds_the_same_as_the_cli_path(filled, engine_name):
    """Without ``update`` the vector side's candidates are found (and, where no SQL is needed, checked against
    the filters) in the query-encoding thread: the same hits as the path that embeds first, with every filter."""
    emb = HashingEmbedder()
    ensure_embeddings(filled, emb)
    keyword_index(filled, threshold=ENGINE["threshold"]).sync()
    filled.feedback.tag("2501.00002", "to-read", "t")
    caches = Caches()
    ranked = 0
    for filters in [
        None,
        SearchFilters(categories=["cs.LG"]),
        SearchFilters(date_from="2025-01-03", date_to="2025-02-28"),
        SearchFilters(tag="to-read"),
        SearchFilters(exclude_ids=["2501.00003"]),
    ]:
        for query in ["quantization of language models", 'author:"Song Han"', "cache -survey"]:
            web = run_search(filled, query, filters=filters, embedder=emb, update=False, caches=caches)
            cli = run_search(filled, query, filters=filters, embedder=emb)
            assert [(h.id, h.vector_rank, h.keyword_rank) for h in web] == [
                (h.id, h.vector_rank, h.keyword_rank) for h in cli
            ], (query, filters)
            ranked += sum(1 for h in web if h.vector_rank is not None)
    assert ranked > 20


def test_tantivy_date_ranges_admit_what_sql_does_on_odd_dates(store):
    """A range within a year is filtered as a set of day terms, a longer one by the fast field: either admits
    exactly the papers SQL's string comparison admits, partial and malformed dates included."""
    days = ["2025-02", "2025-02-15", "2025-10-45", "2025-00-00", "2024-12-31", "2026-01-01", "2025-12-31", "2025"]
    store.papers.write_batch(
        [paper(f"2502.{n:05d}", f"Paper {n}", "text", "A B", "cs.LG", d) for n, d in enumerate(days)],
        source="t",
        now=NOW,
    )
    engine = TantivyIndex(store)
    engine.sync()
    ids = [f"2502.{n:05d}" for n in range(len(days))]
    for lo, hi in [
        ("2025-02-01", "2025-11-30"),
        ("2025-02", "2025-10"),
        ("2025", "2025-12-31"),
        ("2025-10-01", "2025-10-31"),
        ("2024-12-01", "2026-01-31"),
        ("2025-03-01", "2025-02-01"),
    ]:
        filters = SearchFilters(date_from=lo, date_to=hi)
        assert engine.filter_ids(ids, filters) == store.search.filter_ids(ids, filters), (lo, hi)


@pytest.mark.parametrize("filters", INDEXED_FILTERS)
def test_tantivy_counts_what_a_filter_admits_as_sql_does(filled, filters):
    """The count that tells a broad filter from a narrow one (the vector side's exact fallback) is SQL's, and
    tantivy answers only when it can: in sync with the database, no tag or topic."""
    engine = TantivyIndex(filled)
    engine.sync()
    expected = len(filled.search.allowed_ids(filters) or ())
    assert 0 < expected < len(PAPERS)
    assert engine.count(filters) == expected
    assert engine.count(filters) == expected  # (kept for the same index state)
    assert engine.count(SearchFilters(tag="to-read")) is None
    filled.papers.write_batch(
        [paper("2509.00001", "New", "Unindexed yet.", "A B", "cs.LG", "2025-02-10")], source="t", now=NOW
    )
    assert engine.count(filters) is None  # behind the database: SQL decides
    engine.sync()
    assert engine.count(filters) == len(filled.search.allowed_ids(filters) or ())
