"""Interest profiles: parsing, keyword and category effects, calibration, explanations, learning from feedback."""

from __future__ import annotations

import json

import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder, default_embedder
from paperradar.models import Paper
from paperradar.relevance import ProfileError, load_profile, parse_profile, score_papers
from paperradar.sources.jsonl import paper_from_common

PROFILE = """
name = "kv"
description = "KV cache compression for long-context language models"
include_keywords = ["KV cache", "eviction"]
exclude_keywords = ["protein"]
include_categories = ["cs.CL", "cs.LG"]
threshold = 0.5
"""


def test_profile_toml_errors_are_one_line():
    with pytest.raises(ProfileError, match="not valid TOML"):
        parse_profile("name = ", "p.toml")
    with pytest.raises(ProfileError, match="threshold must be"):
        parse_profile('name = "x"\ndescription = "d"\nthreshold = 3', "p.toml")
    with pytest.raises(ProfileError, match="not an arXiv id"):
        parse_profile('name = "x"\nseeds = ["hello"]', "p.toml")
    with pytest.raises(ProfileError, match="no interest profile named"):
        load_profile("no-such-profile")


def test_builtin_profile_loads_with_seeds():
    p = load_profile("efficiency")
    assert p.seed_vectors is not None and p.seed_vectors.shape[1] == 384 and len(p.subtopics) >= 10


def test_keywords_categories_calibration_and_explanations(store, tmp_path):
    papers = [
        Paper(
            id="2501.00001",
            title="KV Cache Eviction at Scale",
            abstract="We study KV cache eviction.",
            categories=["cs.CL"],
        ),
        Paper(
            id="2501.00002",
            title="KV Cache Eviction for Protein Models",
            abstract="KV cache eviction in protein language models.",
            categories=["q-bio.BM"],
        ),
        Paper(id="2501.00003", title="A Study of Bird Songs", abstract="Birds sing.", categories=["q-bio.PE"]),
    ]
    store.papers.write_batch(papers, source="t", now="t")
    f = tmp_path / "kv.toml"
    f.write_text(PROFILE)
    scored = {s.id: s for s in score_papers(store, load_profile(str(f)), embedder=HashingEmbedder())}
    assert all(0.0 <= s.score <= 1.0 for s in scored.values())
    assert scored["2501.00001"].score > scored["2501.00002"].score > scored["2501.00003"].score
    assert scored["2501.00001"].relevant and not scored["2501.00003"].relevant
    assert "matches KV cache, eviction" in scored["2501.00001"].explanation
    assert "excluded term protein" in scored["2501.00002"].explanation
    assert "outside the profile's categories" in scored["2501.00002"].explanation


@pytest.fixture(scope="module")
def dev_papers(dev_rows):
    return [paper_from_common(r, "dev") for r in dev_rows[:600]]


@pytest.mark.slow
def test_feedback_ranks_held_out_similar_papers_higher(store, dev_papers):
    """Like a few papers on one theme and dislike a few on another: held-out papers on the liked theme rise."""
    store.papers.write_batch(dev_papers, source="dev", now="t")
    emb = default_embedder()
    profile = parse_profile('name = "mine"\ndescription = "machine learning research"', "mine.toml")

    def theme(p, words):
        text = (p.title + " " + p.abstract).lower()
        return any(w in text for w in words)

    agents = [p.id for p in dev_papers if theme(p, ("multi-agent", "llm agent", "agentic"))]
    medical = [p.id for p in dev_papers if theme(p, ("clinical", "medical", "patient"))]
    assert len(agents) >= 12 and len(medical) >= 8
    liked, held_out = agents[:6], agents[6:]
    before = {s.id: s.score for s in score_papers(store, profile, embedder=emb)}
    for pid in liked:
        store.feedback.set("mine", pid, "like", "t")
    for pid in medical[:5]:
        store.feedback.set("mine", pid, "dislike", "t")
    after_list = score_papers(store, profile, embedder=emb)
    after = {s.id: s.score for s in after_list}
    rank = {s.id: n for n, s in enumerate(after_list)}
    mean = lambda ids, d: sum(d[i] for i in ids) / len(ids)  # noqa: E731
    assert mean(held_out, after) > mean(held_out, before)
    assert mean(medical[5:], after) <= mean(medical[5:], before) + 1e-9
    others = [i for i in after if i not in agents and i not in medical]
    assert sum(rank[i] for i in held_out) / len(held_out) < sum(rank[i] for i in others) / len(others)
    assert any("liked" in s.explanation for s in after_list if s.id in held_out)
    # another profile is untouched by this feedback
    other = parse_profile('name = "other"\ndescription = "machine learning research"', "other.toml")
    assert {s.id: s.score for s in score_papers(store, other, embedder=emb)} == pytest.approx(before)


def test_cli_score_contract_and_feedback_errors(runner, db_path, store, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    default_embedder.cache_clear()
    store.papers.write_batch(
        [Paper(id=f"2501.0000{i}", title=f"Quantization paper {i}", abstract="4-bit weights.") for i in range(1, 6)],
        source="t",
        now="t",
    )
    r = runner.invoke(app, ["--db", str(db_path), "score", "--interest", "efficiency", "--jsonl"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert len(rows) == 5 and {"id", "score", "relevant", "explanation"} <= set(rows[0])
    r = runner.invoke(app, ["--db", str(db_path), "like", "9999.99999"])
    assert r.exit_code == 2 and "no paper" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "like", "2501.00001", "--interest", "nope"])
    assert r.exit_code == 2 and "no interest profile" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "like", "arXiv:2501.00001v2"])
    assert r.exit_code == 0 and store.feedback.get("efficiency", "2501.00001") == "like"
    r = runner.invoke(app, ["--db", str(db_path), "tag", "2501.00002", "to-read", "bad tag!"])
    assert r.exit_code == 2
    default_embedder.cache_clear()
