"""Naming a paper's sub-area in explanations (relevance/areas.py, ProfileModel.area_votes): the seed vote without
the paper's own seed, the areas' title terms, an area gated by ``only_when``; seed ids readable as arXiv ids."""

from __future__ import annotations

import numpy as np

from paperradar.relevance.areas import allowed, pick, title_term_hits
from paperradar.relevance.build import assign_areas
from paperradar.relevance.lexical import LexicalModel
from paperradar.relevance.model import ProfileModel
from paperradar.relevance.profiles import parse_profile
from paperradar.relevance.scorer import seed_label

TOML = r"""
name = "eff"
[[areas]]
name = "quantization"
terms = ["quantiz*"]
[[areas]]
name = "pruning"
terms = ["pruning"]
[[areas]]
name = "surveys"
terms = ["survey"]
only_when = "^[^\n]*\\bsurvey\\b"
"""


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


def _model(seed_vectors: np.ndarray, seed_area: list[int], ids: list[str]) -> ProfileModel:
    d = seed_vectors.shape[1]
    return ProfileModel(
        embedder="t", emb_coef=np.zeros(d), emb_intercept=0.0, lexical=LexicalModel.__new__(LexicalModel),
        seed_ids=ids, seed_vectors=seed_vectors, seed_area=np.array(seed_area), negative_vectors=np.zeros((0, d)),
        stack_coef=np.zeros(6), stack_intercept=0.0,
    )  # fmt: skip


def test_only_when_parses_and_gates():
    areas = parse_profile(TOML, "eff.toml").areas
    assert areas[2].only_when is not None and areas[0].only_when is None
    texts = ["A survey of pruning\nwe review", "SDMPrune: pruning LLMs\nwe compare with a survey of methods"]
    ok = allowed(texts, areas)
    assert ok[0].tolist() == [True, True, True]
    assert ok[1].tolist() == [True, True, False]  # "survey" only in the abstract: not a survey
    assert title_term_hits(texts, areas)[1].tolist() == [0, 1, 0]


def test_pick_gates_a_broad_area_and_reads_title_terms():
    areas = parse_profile(TOML, "eff.toml").areas
    votes = np.array([[0.50, 0.49, 0.60], [0.48, 0.50, 0.60], [0.50, 0.49, 0.60]])
    texts = ["Fast nets\nabc", "Quantized nets\nabc", "A survey of nets\nabc"]
    # 0: the gated area loses, the vote decides; 1: a title term outweighs a small vote margin; 2: a survey
    assert pick(votes, texts, areas).tolist() == [0, 0, 2]
    assert pick(np.array([[-np.inf, -np.inf, 0.6]]), ["x\ny"], areas).tolist() == [2]  # nothing else to name


def test_area_votes_leave_the_papers_own_seed_out():
    seeds = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 1, 0.1)])
    model = _model(seeds, [0, 1, 1], ["2501.00001", "2501.00002", "2501.00003"])
    v = seeds[:1]  # the paper is seed 0 itself
    assert model.area_votes(v, 2).argmax(axis=1).tolist() == [0]
    left_out = model.area_votes(v, 2, exclude=["2501.00001"])
    assert left_out[0, 0] == -np.inf and left_out.argmax(axis=1).tolist() == [1]
    best, _sim = model.area_of(v, exclude=["2501.00001"])
    assert best.tolist() == [1]


def test_assign_areas_respects_the_gate():
    areas = parse_profile(TOML, "eff.toml").areas
    vecs = np.stack([_unit(0, 0, 1), _unit(0, 0, 1)])
    area_vecs = np.eye(3)
    texts = ["Pruning LLMs\nwe prune", "A survey of pruning\nwe review"]
    got = assign_areas(vecs, texts, area_vecs, [a.terms for a in areas], allowed(texts, areas))
    assert got.tolist() == [1, 2]


def test_seed_label_names_arxiv_ids():
    assert seed_label("2510.18636") == "arXiv:2510.18636"
    assert seed_label("hep-th/9901001") == "arXiv:hep-th/9901001"
    assert seed_label("doi-123") == "doi-123"
