"""Topics: clustering without a given number of topics, readable labels, the "other" bucket, ids kept across
periods, and the `paperradar topics --jsonl` contract."""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import orjson
import pytest

from paperradar.cli import app
from paperradar.models import Paper
from paperradar.sources.jsonl import paper_from_common
from paperradar.topics import OTHER, WardClusterer, build, build_features, cluster_papers, label_clusters
from paperradar.topics.cluster import neighbour_vote

MAIN_TOPICS = ("efficient_reasoning", "token_reduction", "speculative_decoding", "quantization", "kv_cache")


def nmi(a: list[str], b: list[str]) -> float:
    """Normalized mutual information, geometric mean (as ../shared/eval/evaluate.py computes it)."""
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b, strict=True))
    mi = sum(c / n * math.log((c / n) / ((ca[x] / n) * (cb[y] / n))) for (x, y), c in cab.items())
    ha = -sum(c / n * math.log(c / n) for c in ca.values())
    hb = -sum(c / n * math.log(c / n) for c in cb.values())
    return 0.0 if ha == 0 or hb == 0 else mi / math.sqrt(ha * hb)


def blobs(sizes: list[int], dim: int = 32, spread: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in well-separated groups of the given sizes, and each row's group."""
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.normal(size=(dim, len(sizes))))[0].T
    rows = [c + spread * rng.normal(size=(s, dim)) / math.sqrt(dim) for c, s in zip(centres, sizes, strict=True)]
    x = np.vstack(rows)
    return x / np.linalg.norm(x, axis=1, keepdims=True), np.repeat(np.arange(len(sizes)), sizes)


def test_ward_clusterer_finds_unequal_groups_without_being_told_how_many():
    x, truth = blobs([120, 40, 12])
    labels = WardClusterer().fit_predict(x @ x.T)
    assert len(set(labels)) == 3
    assert nmi([str(t) for t in truth], [str(v) for v in labels]) == pytest.approx(1.0)


def test_ward_clusterer_keeps_too_few_papers_together():
    x, _ = blobs([5, 4])
    assert set(WardClusterer(min_cluster_size=8).fit_predict(x @ x.T)) == {0}


def test_neighbour_vote_moves_a_paper_to_the_topic_of_its_neighbours():
    x, truth = blobs([20, 20])
    labels = truth.copy()
    labels[3] = 1  # a paper of group 0 wrongly put with group 1
    assert np.array_equal(neighbour_vote(x @ x.T, labels, neighbours=5), truth)


def test_cluster_papers_clusters_a_sample_and_assigns_the_rest():
    x, truth = blobs([60, 40], seed=1)
    texts = [f"group {g} paper" for g in truth]
    labels = cluster_papers(build_features(texts, x), max_papers=50)
    assert len(labels) == 100
    assert nmi([str(t) for t in truth], [str(v) for v in labels]) == pytest.approx(1.0)


def test_labels_are_distinctive_phrases_not_generic_words():
    kv = "KV cache compression for long-context inference of large language models; we evict key-value (KV) entries."
    sd = "Speculative decoding with a small draft model: the target model verifies the drafted tokens of the LLM."
    texts = [kv] * 6 + [sd] * 6
    names = label_clusters(texts, np.array([0] * 6 + [1] * 6))
    assert names[0][0] == "KV Cache Compression"  # phrases; a topic's name is then put in sentence case
    assert "Speculative Decoding" in names[1]
    generic = {"model", "models", "llm", "large", "language", "efficient"}
    assert not any(p.lower() in generic for ps in names.values() for p in ps)
    assert not any("KV Entries" in p or "Key-value KV" in p for p in names[0])  # no phrase spans "(KV)"


def test_outliers_go_to_other_and_topics_keep_their_ids():
    x, truth = blobs([30, 25, 2], seed=2)
    words = ["pruning sparsity", "retrieval augmentation", "protein folding"]
    papers = [Paper(id=f"2501.{i:05d}", title=words[g], abstract="") for i, g in enumerate(truth)]
    first = build(papers, x)
    assert len(first.topics) == 2
    assert [first.assignment[p.id or ""] for p in papers[-2:]] == [OTHER, OTHER]
    known = [(t.id, t.label, t.centroid) for t in first.topics if t.centroid is not None]
    issued = iter(["t90", "t91", "t92"])
    later = build(papers[5:], x[5:], known=known, new_id=lambda: next(issued))
    assert {t.id for t in later.topics} == {t.id for t in first.topics}


@pytest.fixture(scope="module")
def labelled_dev_papers(shared_data: Path) -> tuple[list[Paper], list[str]]:
    """The labelled dev papers of the five main topics (what `evaluate.py topics` ingests), and their topics."""
    with open(shared_data / "labels" / "efficiency_labels_dev.jsonl", encoding="utf-8") as f:
        labels = {r["id"]: r["topic"] for r in map(json.loads, f) if r["topic"] in MAIN_TOPICS}
    papers: dict[str, Paper] = {}
    with gzip.open(shared_data / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in labels:
                papers[row["id"]] = paper_from_common(row, "dev")
    ids = sorted(papers)
    return [papers[i] for i in ids], [labels[i] for i in ids]


@pytest.mark.slow
def test_topics_of_the_labelled_dev_papers_match_the_human_topics(labelled_dev_papers):
    """The dev figure of benchmarks/RESULTS.md (NMI 0.714) with some slack for bf16 noise, found without k."""
    from paperradar.embed import make_embedder, paper_text

    papers, truth = labelled_dev_papers
    embeddings = make_embedder().embed_batch([paper_text(p.title, p.abstract) for p in papers])
    model = build(papers, embeddings)
    assert 4 <= len(model.topics) <= 8
    assert nmi(truth, [model.assignment[p.id or ""] for p in papers]) >= 0.68
    labels = " | ".join(t.label for t in model.topics).lower()
    assert "kv cache" in labels and "speculative decoding" in labels and "quantization" in labels
    assert "/" not in labels


def test_cli_topics_jsonl_contract(runner, db_path, dev_rows, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    path = tmp_path / "papers.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in dev_rows[:120]))
    assert runner.invoke(app, ["--db", str(db_path), "ingest", str(path)]).exit_code == 0
    result = runner.invoke(app, ["--db", str(db_path), "topics", "--jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 120 and all(set(r) == {"id", "topic", "label"} for r in rows)
    assert len({r["topic"] for r in rows}) >= 2
    table = runner.invoke(app, ["--db", str(db_path), "topics"])
    assert table.exit_code == 0 and "topics" in table.stdout


def test_a_week_continues_the_closest_earlier_topic_whose_name_still_fits():
    from paperradar.topics.registry import group_week

    x, _ = blobs([12], seed=3)
    papers = [
        Paper(
            id=f"2506.{i:05d}",
            title=f"Speculative decoding with a draft model, variant {i}",
            abstract="We accelerate speculative decoding: a small draft model proposes tokens the target verifies.",
        )
        for i in range(12)
    ]
    centre = x.mean(axis=0) / np.linalg.norm(x.mean(axis=0))
    noise = np.random.default_rng(1).normal(size=centre.shape)
    near = centre + 0.3 * noise / np.linalg.norm(noise)
    known = [  # the closest earlier topic's name fits none of these papers; the next one's does
        {"id": "k1", "name": "KV cache eviction", "description": "", "anchor": None, "centroid": centre},
        {
            "id": "k2",
            "name": "Speculative decoding",
            "description": "",
            "anchor": None,
            "centroid": near / np.linalg.norm(near),
        },
    ]
    topics, assignment = group_week(papers, x, known=known, new_id=iter(["k3", "k4", "k5"]).__next__)
    by_id = {t.id: t for t in topics}
    assert "k1" not in by_id and "k2" in by_id
    assert by_id["k2"].name == "Speculative decoding" and by_id["k2"].continued
    assert set(assignment.values()) <= {t.id for t in topics} | {OTHER}


def test_a_clause_is_not_a_topic_name():
    from paperradar.topics.naming import is_noun_phrase

    assert not is_noun_phrase("Quantization reduces model")  # a 2025-W23 dev topic was named so
    assert not is_noun_phrase("Pruning improves efficiency")
    assert is_noun_phrase("Benchmarks of efficiency") and is_noun_phrase("KV cache compression")


def test_a_week_is_grouped_by_the_path_topics_are_measured_on(monkeypatch):
    # one clustering path: the weekly report's (and the digest's) grouping is cluster_papers, refinement included
    import paperradar.topics.cluster as cluster
    from paperradar.topics.features import paper_features
    from paperradar.topics.registry import group_week

    x, truth = blobs([20, 16, 12], seed=4)
    subjects = ["Speculative decoding with a draft model", "KV cache eviction", "Weight quantization to 4 bits"]
    papers = [
        Paper(id=f"2506.{i:05d}", title=subjects[g], abstract=f"A new method for {subjects[g].lower()}.")
        for i, g in enumerate(truth)
    ]
    refined = []
    real_refine = cluster.refine_labels
    monkeypatch.setattr(cluster, "refine_labels", lambda *a, **k: refined.append(1) or real_refine(*a, **k))
    topics, _ = group_week(papers, x, max_share=1.0)
    assert refined  # the classifier refinement ran for the week
    _, features = paper_features(papers, x)
    labels = cluster_papers(features, WardClusterer(min_cluster_size=4))
    expected = {frozenset(p.id for p, lab in zip(papers, labels, strict=True) if lab == v) for v in set(labels)}
    assert {frozenset(t.paper_ids) for t in topics} == expected
    assert {t.name for t in topics} >= {"Speculative decoding", "KV cache eviction"}


def test_a_topic_continues_in_the_cluster_that_carries_most_of_it_not_in_a_closer_fragment():
    from paperradar.topics.registry import continuations

    def unit(v):
        v = np.asarray(v, dtype=float)
        return v / np.linalg.norm(v)

    texts = ["Efficient attention for long sequences."] * 4
    known = [{"id": "t1", "name": "Efficient attention", "anchor": "attn", "centroid": unit([1.0, 0.0, 0.0])}]
    fragment = (5, unit([1.0, 0.30, 0.0]), "attn", texts)  # a little closer to last week's centroid
    bulk = (13, unit([1.0, 0.40, 0.0]), "attn", texts)
    assert continuations([fragment, bulk], known) == {1: known[0]}
    # alone, the fragment continues it; a cluster below the threshold or whose papers the name no longer fits
    # continues nothing
    assert continuations([fragment], known) == {0: known[0]}
    assert continuations([(13, unit([0.0, 1.0, 0.0]), "attn", texts)], known) == {}
    assert continuations([(13, bulk[1], "attn", ["Quantization of weights."] * 4)], known) == {}


def test_a_gated_anchor_takes_only_the_papers_its_gate_admits():
    import re

    from paperradar.topics.anchors import Anchor
    from paperradar.topics.registry import _anchor_of

    surveys = Anchor("surveys", ["Surveys"], "surveys of efficiency", np.array([1.0, 0.0]), re.compile(r"\bsurvey\b"))
    pruning = Anchor("pruning", ["Pruning"], "pruning and sparsity", np.array([0.6, 0.8]))
    emb = np.array([[0.95, 0.31], [0.95, 0.31], [0.9, 0.44]])  # all three closer to the surveys sentence
    rows = np.arange(3)
    plain = [Paper(id=f"p{i}", title=f"Pruning LLMs {i}", abstract="We prune weights.") for i in range(3)]
    assert _anchor_of(rows, emb, [surveys, pruning], plain).key == "pruning"
    surveyed = [Paper(id=f"s{i}", title=f"A survey of pruning {i}", abstract="We review.") for i in range(3)]
    assert _anchor_of(rows, emb, [surveys, pruning], surveyed).key == "surveys"
