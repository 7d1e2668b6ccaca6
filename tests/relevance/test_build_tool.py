"""tools/build_profile.py's choice of ordinary negatives, and the built-in profile's "uses LoRA as a tool" cue."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from paperradar.relevance import load_profile

TOOL = Path(__file__).resolve().parents[2] / "tools" / "build_profile.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_profile", TOOL)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_a_quantified_efficiency_claim_keeps_an_ordinary_paper_out_of_the_negatives():
    quantified_claim = _tool().quantified_claim
    claim = (
        "AdaptJobRec: conversational career recommendation\n"
        "Career recommendation needs agents that understand a job seeker. We build an agentic system for it. "
        "On real traffic it reduces average response latency by up to 53.3% compared to competitive baselines."
    )
    assert quantified_claim(claim)
    # a number without a cost word, a cost word without a number, and a claim only in the scene-setting first
    # sentence are no quantified claim of the paper's own
    assert not quantified_claim("T\nWe study agents. Accuracy rises by 12% over the baseline on three benchmarks.")
    assert not quantified_claim("T\nWe study agents. Our method lowers latency and memory on every benchmark.")
    assert not quantified_claim("T\nServing costs grew 10x last year for large models. We study their accuracy.")


def test_the_lora_as_a_tool_cue_marks_an_application_not_a_method():
    cue = next(c for c in load_profile("efficiency").negative_cues if c.name == "uses LoRA as a tool")
    assert cue.pattern.search("For fine-tuning, we employ the parameter-efficient LoRA method.")
    assert cue.pattern.search(
        "The framework instruction-tunes compact chat models using parameter-efficient LoRA adapters."
    )
    assert not cue.pattern.search("We propose LoRA-Drop, a low-rank adapter that prunes its own rank during training.")
