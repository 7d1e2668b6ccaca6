"""Interest profiles: parsing, keyword and category effects, calibration, explanations, learning from feedback."""

from __future__ import annotations

import json

import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder, default_embedder
from paperradar.models import Paper
from paperradar.relevance import (
    LexicalModel,
    ProfileError,
    fit_lexical,
    load_profile,
    load_profile_file,
    parse_profile,
    score_papers,
)
from paperradar.relevance.build import pack_seeds
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
    scored = {s.id: s for s in score_papers(store, load_profile_file(f), embedder=HashingEmbedder())}
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


def _theme(rows: list[dict], words: tuple[str, ...]) -> list[str]:
    return [r["id"] for r in rows if any(w in (r["title"] + " " + r["abstract"]).lower() for w in words)]


def test_lexical_model_learns_a_theme_and_survives_a_round_trip(dev_rows, tmp_path):
    """Fitted on papers about agents against the rest, it ranks held-out agent papers above the others; saved
    and loaded, it gives the same margins; its explanations name terms of the text."""
    text = {r["id"]: r["title"] + "\n" + r["abstract"] for r in dev_rows}
    agents = _theme(dev_rows, ("multi-agent", "llm agent", "agentic"))
    assert len(agents) >= 40
    train, held_out = agents[: len(agents) // 2], agents[len(agents) // 2 :]
    others = [i for i in text if i not in agents]
    model = fit_lexical([text[i] for i in train], [text[i] for i in others[:800]])
    assert model is not None
    test_ids = held_out + others[800:]
    margins = dict(zip(test_ids, model.normalized([text[i] for i in test_ids]), strict=True))
    ranked = sorted(test_ids, key=lambda i: -margins[i])
    top = set(ranked[: len(held_out)])
    assert len(top & set(held_out)) / len(held_out) > 0.5  # chance would be ~0.1
    model.save(tmp_path / "m.npz")
    again = LexicalModel.load(tmp_path / "m.npz")
    assert again.decision([text[i] for i in test_ids[:50]]) == pytest.approx(
        model.decision([text[i] for i in test_ids[:50]]), abs=1e-4
    )
    for terms, i in zip(model.explain([text[i] for i in held_out[:10]]), held_out[:10], strict=True):
        assert all(all(w in text[i].lower() for w in t.split()) for t in terms)
    assert fit_lexical(["a b"], ["c d"] * 20) is None  # too few positives to learn from


def test_packed_seeds_make_a_profile_that_ranks_its_theme_first(store, dev_rows, tmp_path):
    """A profile built from packed seed papers (vectors + lexical model, as the built-in one ships) ranks unseen
    papers of the seeds' theme above the rest, and says why."""
    papers = [paper_from_common(r, "dev") for r in dev_rows]
    medical = _theme(dev_rows, ("clinical", "medical", "patient"))
    seeds = [p for p in papers if p.id in set(medical[:15])]
    emb = HashingEmbedder()
    pack_seeds(seeds, [p for p in papers if p.id not in set(medical)], emb, tmp_path, "med")
    (tmp_path / "med.toml").write_text(
        'name = "med"\ndescription = "medicine"\nseed_file = "med_seeds.npz"\nlexical_file = "med_lexical.npz"\n'
    )
    profile = load_profile_file(tmp_path / "med.toml")
    assert profile.lexical is not None and len(profile.seeds) == 15
    rest = [p for p in papers if p.id not in {s.id for s in seeds}]
    store.papers.write_batch(rest, source="dev", now="t")
    scored = score_papers(store, profile, embedder=emb)
    held_out = set(medical[15:])
    top = [s.id for s in scored[: len(held_out)]]
    assert len(set(top) & held_out) / len(held_out) > 0.5
    assert any("reads like its seed papers" in s.explanation for s in scored[:10])
