"""Claims are whole phrases of the paper's own result; topic names are coherent noun phrases; anchors come from
the profile's sub-areas."""

from __future__ import annotations

import pytest

from paperradar.relevance import load_profile
from paperradar.sources.jsonl import paper_from_common
from paperradar.summarize import check_grounded, claims_in, headline_claim, plain_tex, summarize
from paperradar.summarize.claims import FUNCTION_WORDS
from paperradar.topics.anchors import anchor_names
from paperradar.topics.naming import choose_name, coherent, fits, is_noun_phrase, name_like, sentence_case, word_shares


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("It decodes 2.1× faster than autoregressive decoding.", "2.1× faster"),
        ("EAGLE reaches 2.1x faster decoding on MT-bench.", "2.1x faster decoding"),
        ("Our cache uses 40% less KV-cache memory at equal accuracy.", "40% less KV-cache memory"),
        ("We obtain a 65% reduction in memory usage on LLaMA.", "65% reduction in memory usage"),
        ("We obtain a 65% reduction in, for instance, latency.", "65% reduction"),
        (
            "SPRINT reduces the number of sequential tokens by up to 39%.",
            "reduces the number of sequential tokens by up to 39%",
        ),
        ("We quantize LLaMA to 4-bit weights with no loss.", "4-bit weights"),
    ],
)
def test_claims_are_whole_phrases(text, claim):
    assert headline_claim(text) == claim


def test_no_bare_baseline_bit_width_and_no_prior_work_claims():
    assert headline_claim("Compared with 16-bit baselines, our mixed-precision method keeps accuracy.") is None
    assert headline_claim("Existing methods reach 3× speedup but degrade quality.") is None
    assert headline_claim("It keeps 100% of the") is None  # a phrase cut before its noun is no claim


def test_every_claim_of_real_abstracts_is_whole_and_grounded(dev_rows):
    seen = 0
    for r in dev_rows[:800]:
        p = paper_from_common(r, "dev")
        for c in claims_in(p.abstract or ""):
            seen += 1
            last = c.phrase.split()[-1].lower()
            assert last not in FUNCTION_WORDS, c.phrase
            assert c.phrase in c.sentence and c.phrase in plain_tex(p.abstract)  # verbatim, TeX as characters
            assert check_grounded(c.phrase, [p.abstract]) == []
            if c.kind == "bits":
                assert c.value <= 8
        s = summarize(p)
        assert s.headline is None or s.headline in plain_tex(p.abstract or "")
    assert seen > 50


def test_names_are_coherent_noun_phrases():
    texts = [
        "Speculative decoding with a draft model accelerates LLM inference.",
        "Tree-based speculative decoding verifies many drafted tokens.",
        "A survey of speculative decoding methods.",
        "Self-speculative decoding skips layers of the target model.",
    ]
    assert coherent("Speculative decoding", texts)
    assert not coherent("Speculative decoding trees", texts[1:2] + texts[:1] * 0 + texts[2:])
    assert is_noun_phrase("KV cache compression") and not is_noun_phrase("Reduction in")
    assert not is_noun_phrase("Efficient") and is_noun_phrase("LoRA")
    assert sentence_case("KV Cache Compression") == "KV cache compression"
    assert choose_name(["Drafted Tokens Of", "Speculative Decoding"], texts) == "Speculative decoding"


def test_anchors_are_the_profiles_sub_areas_by_their_leading_noun_phrase():
    names = [anchor_names(s) for s in load_profile("efficiency").sub_areas]
    assert ["KV cache"] in names and ["Mixture of experts"] in names  # an area's own name is kept whole
    assert any("Efficient attention" in n for n in names)  # "efficient attention and long context": both sides
    assert all("/" not in x for n in names for x in n)


def test_a_range_is_one_claim_with_both_ends_and_an_ablation_is_no_claim():
    sentence = "SymRAG achieves competitive accuracy (97.6--100.0% exact match) on 2,000 queries."
    assert [(c.phrase, c.value) for c in claims_in(sentence)] == [("97.6--100.0% exact match", 100.0)]
    assert headline_claim("Our decoder is 2-3× faster decoding on long prompts.") == "2-3× faster decoding"
    assert headline_claim("It reduces latency by 20–30% on A100 GPUs.") == "reduces latency by 20–30%"
    assert claims_in("Disabling adaptive routing increases processing time by 169--1151%.") == []


def test_a_score_reached_is_a_level_not_a_gain():
    found = claims_in("SymRAG achieves competitive accuracy (97.6--100.0% exact match) with 3x less compute.")
    assert [(c.phrase, c.kind) for c in found] == [("3x less compute", "times"), ("97.6--100.0% exact match", "level")]
    assert headline_claim("It reaches 85% accuracy on GSM8K and cuts tokens by 40%.") == "cuts tokens by 40%"


def test_a_bound_sign_is_part_of_the_claim():
    text = "SAE-Tuning retains most of the reasoning performance while reducing training costs by >2000x to about $1."
    assert headline_claim(text) == "reducing training costs by >2000x"
    assert headline_claim("The kernel runs ≥3× faster decoding on A100.") == "≥3× faster decoding"


def test_claims_read_through_tex_and_compounds_and_quality_gains_rank_below_cost():
    assert headline_claim(r"GTA models achieve a \emph{2x} increase in end-to-end inference speed.") == (
        "2x increase in end-to-end inference speed"
    )
    assert headline_claim(r"Our kernel is $2.5\times$ faster and uses 30\% less memory.") == "2.5× faster"
    assert headline_claim(r"It cuts latency by $40\%$ on A100.") == "cuts latency by 40%"
    found = claims_in("MLA achieves a 45% KV-cache memory reduction with only a 0.3% increase in validation loss.")
    assert [(c.phrase, c.kind) for c in found] == [
        ("45% KV-cache memory reduction", "percent"),
        ("0.3% increase in validation loss", "quality"),
    ]
    assert headline_claim("Our model shows a 1.97% mIoU improvement and 13.7% memory reduction.") == (
        "13.7% memory reduction"
    )
    ranged = claims_in("Comet achieves a 1.87x-2.63x speedup and a 1.94x-2.64x communication reduction.")
    assert [(c.phrase, c.value) for c in ranged] == [
        ("1.94x-2.64x communication reduction", 2.64),
        ("1.87x-2.63x speedup", 2.63),
    ]
    quality = claims_in("Our experiments show that it achieves 34% higher success rates and 10X lower MSEs.")
    assert {c.kind for c in quality} == {"quality"}


def test_generic_words_and_lone_adjectives_name_no_topic():
    texts = ["memory-efficient execution of pruned models with structured pruning"] * 8
    assert choose_name(["Memory-efficient", "Execution", "Structured pruning"], texts) == "Structured pruning"


def test_an_acronym_is_found_only_as_spelled_and_quantities_name_no_topic():
    # a 2025-06-10 digest heading was "SET": one paper's acronym, "coherent" because five abstracts use "set"
    texts = ["Sparse Evolutionary Training (SET) prunes weights."] + ["We set a new bound on the training set."] * 4
    assert word_shares("SET", texts)["SET"] == pytest.approx(0.2) and not coherent("SET", texts)
    assert coherent("LoRA", ["LoRA adapters", "Fine-tuning with LoRAs", "QLoRA and LoRA", "x"])
    assert not fits("Trillion tokens", ["Pretraining on a trillion tokens of text."] * 4)  # W24 was named so
    assert not fits("100 tokens", ["A budget of 100 tokens."] * 4)
    assert fits("4-bit quantization", ["4-bit quantization of weights."] * 4)
    assert sentence_case("Low-Rank Adaptation") == "Low-rank adaptation"
    assert sentence_case("Vision-Language Models") == "Vision-language models"
    assert sentence_case("KV-Cache Eviction for GPT-4") == "KV-cache eviction for GPT-4"


def test_every_name_source_passes_one_rule():
    # a profile sub-area's alternative name ("memory-efficient and low-precision training" -> "Memory-efficient")
    # headed a real digest group; it is held to the same rule as a cluster's own phrases
    texts = ["Memory-efficient low-precision training with FP8."] * 6
    assert "Memory-efficient" in anchor_names("memory-efficient and low-precision training: FP8 training")
    assert not fits("Memory-efficient", texts) and fits("Low-precision training", texts)
    assert not name_like("Performance") and name_like("Speculative decoding")


def test_a_lone_word_names_a_topic_only_as_a_field_term_and_a_measure_is_no_subject():
    texts = ["We demonstrate the superiority of pruning for classification, deploying models."] * 4
    for weak in ("Superiority", "Classification", "Deploying", "Training time", "Fine-tuning dataset"):
        assert not name_like(weak), weak  # dev-week names before this rule
    assert fits("Pruning", texts) and name_like("Quantization") and name_like("Tokenization") and name_like("LoRA")
