"""A profile's learned model (relevance/model.py, relevance/build.py): fitted on judged papers with hard negatives,
saved and loaded, calibrated, explained, moved by feedback. Real dev papers, the hashing embedder (no model load)."""

from __future__ import annotations

import numpy as np
import pytest

from paperradar.embed import HashingEmbedder, paper_text
from paperradar.relevance import load_profile, score_papers
from paperradar.relevance.build import Example, assign_areas, day_cut, fit_profile_model, natural_weights
from paperradar.relevance.model import EVIDENCE, ProfileModel, sentence_spans, stack_features
from paperradar.relevance.profiles import parse_profile
from paperradar.relevance.scorer import ProfileScorer
from paperradar.relevance.scorer import paper_text as scorer_text
from paperradar.sources.jsonl import paper_from_common

TOML = """
name = "med"
description = "machine learning for medicine"
threshold = 0.5
model_file = "med_model.npz"

[[areas]]
name = "clinical text"
description = "clinical notes, patient records and medical language"
terms = ["clinical", "patient*"]

[[areas]]
name = "medical imaging"
description = "medical images, radiology, MRI and CT scans"
terms = ["MRI", "radiology", "CT"]

[[negative_cues]]
name = "benchmark only"
pattern = "\\\\bbenchmark\\\\b"
note = "a new benchmark rather than a method"
"""


def _has(p, words: tuple[str, ...]) -> bool:
    text = (p.title + " " + p.abstract).lower()
    return any(w in text for w in words)


@pytest.fixture(scope="module")
def built(dev_rows, tmp_path_factory):
    """A model of "medical" papers: half of them positives, agent papers as hard negatives, the rest ordinary."""
    papers = [paper_from_common(r, "dev") for r in dev_rows]
    medical = [p for p in papers if _has(p, ("clinical", "medical", "patient", "radiology", "mri "))]
    agents = [p for p in papers if _has(p, ("multi-agent", "llm agent", "agentic")) and p not in medical]
    ordinary = [p for p in papers if p not in medical and p not in agents]
    assert len(medical) >= 40 and len(agents) >= 30
    emb = HashingEmbedder()
    train_pos, held_pos = medical[::2], medical[1::2]
    train_neg, held_neg = agents[::2], agents[1::2]
    train_ord, held_ord = ordinary[:600], ordinary[600:]
    # a "whole day": held-out papers of every kind with their labels, which only set the cut
    day = held_pos[-8:] + held_neg[-6:] + held_ord[-60:]
    held_pos, held_neg, held_ord = held_pos[:-8], held_neg[:-6], held_ord[:-60]

    def examples(ps, label, kind):
        vecs = emb.embed_batch([paper_text(p.title, p.abstract) for p in ps])
        return [Example(p.id, scorer_text(p), v, label, kind) for p, v in zip(ps, vecs, strict=True)]

    ex = examples(train_pos, 1, "judged") + examples(train_neg, 0, "judged") + examples(train_ord, 0, "ordinary")
    areas = emb.embed_batch(["clinical notes patient records", "medical images radiology MRI CT"])
    pos = [e for e in ex if e.label]
    seed_area = assign_areas(
        np.stack([e.vector for e in pos]), [e.text for e in pos], areas, [["clinical", "patient*"], ["MRI"]]
    )
    day_ex = examples(day[:8], 1, "day") + examples(day[8:], 0, "day")
    claims = [r"\bpatients?\b", r"\bclinic\w*"]
    cues = [r"\bbenchmark\b"]
    model, oof = fit_profile_model(ex, emb.name, list(seed_area), claims=claims, days=day_ex, cues=cues)
    folder = tmp_path_factory.mktemp("med")
    model.save(folder / "med_model.npz")
    (folder / "med.toml").write_text(TOML)
    return {
        "model": model,
        "oof": oof,
        "examples": ex,
        "day": day_ex,
        "folder": folder,
        "held": (held_pos, held_neg, held_ord),
        "emb": emb,
    }


def test_model_round_trip_and_out_of_fold_evidence(built):
    model, folder = built["model"], built["folder"]
    again = ProfileModel.load(folder / "med_model.npz")
    assert (folder / "med_lexical.npz").exists()
    held_pos = built["held"][0][:20]
    vecs = built["emb"].embed_batch([paper_text(p.title, p.abstract) for p in held_pos])
    texts = [scorer_text(p) for p in held_pos]
    # seeds and negatives are stored as float16: margins agree to a few thousandths
    assert again.logit(again.evidence(vecs, texts)) == pytest.approx(model.logit(model.evidence(vecs, texts)), abs=0.02)
    assert built["oof"].shape == (len(built["examples"]), len(EVIDENCE) + 1)  # + the negative cue's column
    assert again.claims == model.claims and again.matched_claims("Two patients") == ["patients"]
    assert again.cues == model.cues == [r"\bbenchmark\b"] and again.stack_degree == model.stack_degree == 2
    # every kind of evidence separates the out-of-fold positives from the rest
    y = np.array([e.label for e in built["examples"]])
    oof = built["oof"][:, : len(EVIDENCE)]
    assert (oof[y == 1].mean(axis=0) > oof[y == 0].mean(axis=0)).all()
    assert set(again.seed_area.tolist()) <= {0, 1}


def test_the_stacker_reads_standardized_evidence_and_its_pairwise_products(built):
    model = built["model"]
    ev = model.evidence(built["emb"].embed_batch(["A benchmark of patients", "Other words"]), ["A benchmark", "x"])
    assert ev.shape == (2, len(EVIDENCE) + 1) and ev[:, -1].tolist() == [1.0, 0.0]  # the cue's column
    z = np.clip((ev - model.stack_mean) / model.stack_scale, -4, 4)
    feats = stack_features(ev, model.stack_mean, model.stack_scale, 2)
    k = ev.shape[1]
    assert feats.shape == (2, k + k * (k + 1) // 2)
    assert feats[:, :k] == pytest.approx(z) and feats[:, k] == pytest.approx(z[:, 0] ** 2)
    assert feats[:, k + 1] == pytest.approx(z[:, 0] * z[:, 1])
    assert model.logit(ev) == pytest.approx(feats @ model.stack_coef + model.stack_intercept)
    # a model of an older build (no standardization stored) stays a linear stacker of the raw columns
    old = ProfileModel(
        "m", model.emb_coef, 0.0, model.lexical, [], model.seed_vectors, model.seed_area,
        model.negative_vectors, np.array([1.0, 2.0]), -1.0,
    )  # fmt: skip
    assert old.logit(np.array([[1.0, 1.0, 5.0]])) == pytest.approx([2.0])


def test_the_cut_is_where_a_judged_day_is_served_best(built):
    """0.5 lands on the judged day's best balance of precision and recall (F1), whatever the stacker's scale."""
    logits = np.array([3.0, 2.0, 1.5, 1.0, 0.5, -1.0, -2.0])
    labels = np.array([1, 1, 0, 1, 0, 0, 0])
    assert day_cut(logits, labels) == pytest.approx(0.75)  # show the top four: F1 6/7, the best
    model, day = built["model"], built["day"]
    z = model.logit(model.evidence(np.stack([e.vector for e in day]), [e.text for e in day]))
    y = np.array([e.label for e in day])

    def f1(cut: float) -> float:
        tp = int(((z >= cut) & (y == 1)).sum())
        return 2 * tp / ((z >= cut).sum() + y.sum())

    # the day papers were scored by the final model here, the same one that set the cut (none was trained on)
    assert f1(0.0) == pytest.approx(max(f1(c) for c in z))


def test_sentences_of_the_abstract():
    text = "A title. With a period\nWe study X. It is 3x faster than Y on GPUs. Ok. Code: x"
    assert [text[a:b].strip() for a, b in sentence_spans(text)] == ["It is 3x faster than Y on GPUs."]
    assert sentence_spans("Title\nshort") == [(6, 11)]  # no full sentence: the whole abstract


def test_natural_weights_give_the_stacker_a_natural_day():
    ex = [Example(str(i), "t", np.zeros(2), int(i < 10), "judged" if i < 30 else "ordinary") for i in range(100)]
    w = natural_weights(ex)
    y = np.array([e.label for e in ex])
    assert w[y == 1].sum() / w.sum() == pytest.approx(0.17)
    assert w[10:30].sum() / w[y == 0].sum() == pytest.approx(0.25)  # judged negatives: the confusable share


def test_profile_with_a_model_ranks_held_out_papers_and_explains(built):
    profile = parse_profile(TOML, "med.toml", built["folder"])
    assert profile.model is not None and [a.name for a in profile.areas] == ["clinical text", "medical imaging"]
    held_pos, held_neg, held_ord = built["held"]
    papers = held_pos + held_neg + held_ord
    vecs = built["emb"].embed_batch([paper_text(p.title, p.abstract) for p in papers])
    scored = ProfileScorer(profile, np.zeros((0, 256)), model=profile.model).score(papers, vecs)
    by_id = {s.id: s for s in scored}
    text_of = {p.id: scorer_text(p) for p in papers}
    assert all(0.0 <= s.score <= 1.0 for s in scored)
    mean = lambda ps: np.mean([by_id[p.id].score for p in ps])  # noqa: E731
    assert mean(held_pos) > mean(held_ord) and mean(held_pos) > mean(held_neg)
    ranked = sorted(scored, key=lambda s: -s.score)
    top = {s.id for s in ranked[: len(held_pos)]}
    assert len(top & {p.id for p in held_pos}) / len(held_pos) > 0.5
    # the threshold selects a minority of an ordinary mix, most of it positives
    selected = [s for s in scored if s.relevant]
    assert 0 < len(selected) < len(scored) / 2
    best = ranked[0]
    assert best.explanation.startswith("matches: ") and "near seed papers" in best.explanation
    # seeds not in the reader's database are named by their arXiv id, so a reader can look them up
    assert "near seed papers arXiv:" in best.explanation
    # a selected paper quotes the sentence of its own abstract that reads most like the interest
    quoted = [s for s in selected if "most on point: “" in s.explanation]
    assert quoted
    for s in quoted:
        sentence = s.explanation.split("most on point: “", 1)[1].split("”")[0].rstrip("…")
        assert sentence in text_of[s.id]
    assert any(a.name in best.explanation for a in profile.areas)
    cue = profile.negative_cues[0].pattern
    text = {p.id: scorer_text(p) for p in papers}
    cued = [s for s in scored if cue.search(text[s.id])]
    assert cued  # real abstracts that say "benchmark"
    for s in cued:
        said = "shown despite the negative cue “benchmark only”" if s.relevant else "negative cue “benchmark only”"
        assert said in s.explanation


def test_likes_and_dislikes_move_a_model_profile(built, store):
    """Through score_papers: liking papers of one theme lifts its other papers; disliking lowers them."""
    held_pos, held_neg, held_ord = built["held"]
    papers = held_pos + held_neg + held_ord[:300]
    store.papers.write_batch(papers, source="dev", now="t")
    emb = built["emb"]
    profile = parse_profile(TOML, "med.toml", built["folder"])
    agents = [p.id for p in held_neg]
    before = {s.id: s.score for s in score_papers(store, profile, embedder=emb)}
    for pid in agents[:8]:
        store.feedback.set("med", pid, "like", "t")
    after_list = score_papers(store, profile, embedder=emb)
    after = {s.id: s.score for s in after_list}
    rest = agents[8:]
    assert np.mean([after[i] for i in rest]) > np.mean([before[i] for i in rest])
    assert any("like your liked" in s.explanation for s in after_list if s.id in rest)
    for pid in agents[:8]:
        store.feedback.set("med", pid, "dislike", "t")
    disliked = {s.id: s.score for s in score_papers(store, profile, embedder=emb)}
    assert np.mean([disliked[i] for i in rest]) < np.mean([before[i] for i in rest])


def test_builtin_efficiency_profile_covers_the_field():
    p = load_profile("efficiency")
    assert p.model is not None and p.model.seed_vectors.shape[1] == 384
    names = {a.name for a in p.areas}
    assert len(names) >= 20 and {"parameter-efficient fine-tuning", "efficient diffusion and generation"} <= names
    # every area has seed papers, and the seeds' vectors are unit length
    assert set(np.unique(p.model.seed_area)) == set(range(len(p.areas)))
    assert np.allclose(np.linalg.norm(p.model.seed_vectors, axis=1), 1.0, atol=0.01)
    assert {c.name for c in p.negative_cues} >= {"sample efficiency", "reasoning accuracy"}
    # the shipped model reads the profile's own negative cues, one evidence column each, through the degree-2 stacker
    assert p.model.cues == [c.pattern.pattern for c in p.negative_cues] and p.model.stack_degree == 2
