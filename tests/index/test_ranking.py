"""Query understanding, query kinds, known-item and author look-ups, and the explanations a person reads."""

from __future__ import annotations

import json

import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder
from paperradar.index import query_kind, search
from paperradar.index.explain import coverage, explain
from paperradar.index.query import parse, to_fts
from paperradar.models import Paper

PAPERS = [
    Paper(
        id="2501.00011",
        title="Expert Offloading for Fast Mixture-of-Experts Inference",
        abstract="We cut the latency of MoE inference by prefetching experts. Memory drops by half.",
        authors=["Ada Lovelace", "Tri Dao"],
        announced="2025-01-02",
    ),
    Paper(
        id="2501.00012",
        title="A Survey of Mixture of Experts",
        abstract="Routing, load balancing and training of sparse expert layers.",
        authors=["Bo Chen"],
        announced="2025-01-03",
    ),
    Paper(
        id="2501.00013",
        title="KV Cache Eviction with Attention Scores",
        abstract="Long contexts fill the cache; we evict entries with low attention to keep memory bounded.",
        authors=["Cy Wu"],
        announced="2025-01-04",
    ),
    Paper(
        id="2501.00014",
        title="Token Pruning for Vision Transformers at the Edge",
        abstract="ViT inference on phones: dropping uninformative patch tokens keeps accuracy.",
        authors=["Dee Park"],
        announced="2025-01-05",
    ),
]


@pytest.fixture
def filled(store):
    store.papers.write_batch(PAPERS, source="t", now="2025-03-01T00:00:00+00:00")
    return store


def test_acronyms_expand_both_ways_and_pairs_boost_proximity():
    q = parse("key value cache eviction")
    assert q.words == ["key", "value", "cache", "eviction"]
    assert "kv" in q.expansions and "cache eviction" in q.boosts
    moe = parse("MoE inference")
    assert "mixture of experts" in moe.expansions
    assert moe.semantic_text == "MoE inference (mixture of experts)"
    long = parse("mixture of experts inference efficiency")
    assert "of" not in long.words and "moe" in long.expansions and "mixture of experts" in long.boosts
    assert long.semantic_text == "mixture of experts inference efficiency"  # the meaning side reads it as typed
    # the extras only rank: an AND query (used to admit papers) ignores them
    assert "kv" not in (to_fts(q, mode="and") or "") and '"kv"' in (to_fts(q) or "")
    assert parse("the").words == ["the"]  # a query of stopwords alone keeps them


def test_query_kinds():
    assert query_kind(parse("speculative decoding")) == "keywords"
    assert query_kind(parse("mixture of experts inference efficiency")) == "topic"
    assert query_kind(parse("a small draft model proposes tokens that the big model verifies at once")) == "description"


def test_coverage_counts_an_acronym_for_its_expansion():
    q = parse("key value cache eviction")
    assert coverage(q, "KV Cache Eviction", "") == 1.0
    assert coverage(q, "Cache eviction", "") == 0.5
    assert coverage(parse("ViT token pruning"), "Pruning tokens of vision transformers", "") == 1.0


def test_hits_explain_why_they_matched(filled):
    hits = search(filled, "MoE inference latency", embedder=HashingEmbedder(), limit=4)
    top = hits[0]
    assert top.id == "2501.00011"
    assert {"moe", "inference", "latency"} <= set(top.matched)
    assert top.why.startswith("matches ")
    assert top.authors == ["Ada Lovelace", "Tri Dao"] and top.date == "2025-01-02"
    assert top.relevance is not None and 0.0 <= top.relevance <= 1.0
    marked = {top.snippet[a:b].lower() for a, b in top.highlights}
    assert {"moe", "inference", "latency"} <= marked
    assert "".join(t for t, _m in top.snippet_parts()) == top.snippet
    d = top.as_dict()
    assert d["score"] == top.relevance and d["why"] == top.why and d["snippet"] == top.snippet


def test_author_and_near_title_lookups_come_first(filled):
    emb = HashingEmbedder()
    assert search(filled, "tri dao", embedder=emb, limit=2)[0].id == "2501.00011"
    assert "by Tri Dao" in search(filled, "tri dao", embedder=emb, limit=1)[0].why
    near = search(filled, "token pruning vision transformers edge", embedder=emb, limit=3)
    assert near[0].id == "2501.00014"


def test_a_topic_that_several_titles_nearly_spell_is_no_look_up():
    from paperradar import index

    titles = {
        "a": "Probe-Based Hallucination Detection for Large Language Models",
        "b": "Hallucination Detection in Large Vision Language Models",
        "c": "Spectral Signatures of Valid Mathematical Reasoning in Transformers",
    }
    hits = [index.SearchHit(i, 0.0) for i in titles]
    # two titles nearly spell the query: a topic, no paper is pinned first
    assert index._known_items(parse("hallucination detection in large language models"), hits, titles) == set()
    # one title does, far clear of the rest: the paper the reader means
    assert index._known_items(parse("spectral signatures of valid mathematical reasoning"), hits, titles) == {"c"}
    assert index._known_items(parse("Hallucination Detection in Large Vision Language Models"), hits, titles) == {"b"}


def test_an_author_lookup_does_not_join_two_neighbouring_names(store):
    # "Zhao Song", "Han Liu": the keyword index sees the phrase "song han" across the two names
    paper = Paper(
        id="2501.00021",
        title="Attention Bounds",
        abstract="Softmax attention learns.",
        authors=["Zhao Song", "Han Liu"],
    )
    store.papers.write_batch([paper], source="t", now="2025-03-01T00:00:00+00:00")
    emb = HashingEmbedder()
    assert "by Zhao Song" in search(store, "zhao song", embedder=emb, limit=1)[0].why
    hit = search(store, "song han", embedder=emb, limit=1)[0]
    assert "by " not in hit.why and hit.relevance is not None and hit.relevance < 1.0


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "vector"])
@pytest.mark.parametrize("query", ["kv cache eviction for long contexts", "mixture of experts", "tri dao"])
def test_the_shown_relevance_follows_the_rank_order(filled, mode, query):
    hits = search(filled, query, embedder=HashingEmbedder(), limit=4, mode=mode)
    shown = [h.relevance for h in hits]
    assert shown and all(r is not None and 0.0 <= r <= 1.0 for r in shown)
    assert shown == sorted(shown, reverse=True)  # type: ignore[type-var]
    if mode == "hybrid" and query != "tri dao":  # the re-rank's share of its weights, scaled by the best match
        assert hits[0].relevance <= round(hits[0].extra["relevance"], 3)  # type: ignore[arg-type, operator]


def test_a_query_nothing_matches_shows_a_low_relevance(filled):
    emb = HashingEmbedder()
    good = search(filled, "kv cache eviction", embedder=emb, limit=2)
    none = search(filled, "lattice chromodynamics of heavy quarks in neutron stars", embedder=emb, limit=2)
    assert good[0].id == "2501.00013" and good[0].relevance is not None and good[0].relevance >= 0.5
    assert none[0].relevance is not None and none[0].relevance < 0.25


def test_explain_without_a_keyword_match_says_close_in_meaning():
    ex = explain(parse("quantum chemistry"), "Protein folding", "A model.", [], similarity=0.7, keyword_rank=None)
    assert ex.matched == [] and ex.reasons == ["close in meaning (0.70)"]


def test_cli_shows_reasons_and_snippets(runner, db_path, filled, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    r = runner.invoke(app, ["--db", str(db_path), "search", "kv cache eviction", "-n", "2"])
    assert r.exit_code == 0, r.output
    assert "matches" in r.output and "Cy Wu" in r.output and "relevance" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "search", "kv cache eviction", "-n", "1", "--jsonl"])
    row = json.loads(r.output.splitlines()[0])
    assert row["id"] == "2501.00013" and row["reasons"] and row["snippet"] and row["authors"] == ["Cy Wu"]


def test_feedback_finds_papers_worded_like_the_first_hits(store, monkeypatch):
    """Pseudo-relevance feedback: on the meaning side a paper that shares no word with the query but most of its
    words with the best hits climbs from last to right below them; the similarity shown stays the cosine to the
    query as typed."""
    import numpy as np

    from paperradar import index

    near = "draft tokens proposed by a small model are verified by the target model in one parallel pass"
    others = [
        ("Protein Folding", "decoding residues folds proteins"),
        ("Graph Coloring", "greedy decoding colours sparse graphs"),
        ("Weather Nowcasting", "decoding radar frames predicts rain"),
    ]
    papers = [
        Paper(id="2502.00001", title="Speculative Decoding", abstract=near, announced="2025-02-01"),
        Paper(id="2502.00002", title="Faster Speculative Decoding", abstract=near + " twice as fast"),
        Paper(id="2502.00003", title="Lookahead Verification", abstract=near + " again", announced="2025-02-02"),
        *(Paper(id=f"2502.0001{n}", title=t, abstract=a) for n, (t, a) in enumerate(others)),
    ]
    store.papers.write_batch(papers, source="t", now="2025-03-01T00:00:00+00:00")
    emb = HashingEmbedder()

    def meaning_ranks() -> dict[str, int | None]:
        return {h.id: h.vector_rank for h in search(store, "speculative decoding", embedder=emb, limit=6)}

    assert meaning_ranks()["2502.00003"] == 3
    hits = search(store, "speculative decoding", embedder=emb, limit=6)
    shown = next(h for h in hits if h.id == "2502.00003")
    qv = emb.embed(parse("speculative decoding").semantic_text)
    _ids, m = store.embeddings.matrix(emb.name, ["2502.00003"])
    assert shown.similarity == pytest.approx(float(m[0] @ qv), abs=1e-5)  # (0: no word in common)
    assert np.isclose(np.linalg.norm(index._feedback_vector(qv, m)), 1.0)
    monkeypatch.setattr(index, "FEEDBACK_WEIGHT", 0.0)  # without feedback it is the farthest of all
    assert meaning_ranks()["2502.00003"] == 6
