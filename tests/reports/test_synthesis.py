"""The offline synthesis of a topic: how papers are named, which sentence states the shared problem."""

from __future__ import annotations

from paperradar.models import Paper
from paperradar.reports.common import Item
from paperradar.reports.synthesis import method_name, speaks_of, topic_paragraph
from paperradar.summarize import Summary


def _item(pid: str, title: str, first_bullet: str, abstract: str = "") -> Item:
    paper = Paper(id=pid, title=title, abstract=abstract or first_bullet, authors=["A B"], categories=["cs.LG"])
    return Item(paper, 0.9, "", Summary([first_bullet, "We propose X.", "X is 2x faster."]))


def test_a_paper_is_named_by_its_title_head_or_a_name_it_introduces():
    def name(title: str) -> str:
        return method_name(_item("1", title, "x"))

    assert name("SPRINT: Fast Reasoning") == "SPRINT"
    assert name("AI Risk Assurance through the AI Risk Scanning (AIRS) Framework") == "AIRS"
    # what a paper works on is not its name
    assert name("Revisit What You See: Disclose Language Prior in Vision Tokens for LVLM Decoding") == (
        "Revisit What You See: Disclose Language Prior …"
    )
    assert name("NeurIPS 2025 E2LM Competition on Early Training Evaluation of Language Models").startswith(
        "NeurIPS 2025 E2LM Competition"
    )
    assert name("Can VLMs Detect AI-Edited Images?") == "Can VLMs Detect AI-Edited Images?"


def test_the_shared_problem_is_a_difficulty_with_its_cost_never_the_papers_own_work_or_result():
    items = [
        _item("1", "A: One", "Extensive experiments demonstrate that our approach achieves sub-second latency."),
        _item("2", "B: Two", "SALT addresses this challenge by introducing a compact adapter with low overhead."),
        _item("3", "C: Three", "Large language models have demonstrated improvements through test-time compute."),
        _item("4", "D: Four", "Attention remains poorly understood in long sequences."),
        _item("5", "E: Five", "Attention's quadratic cost makes long-context inference prohibitively slow."),
    ]
    text, cited, _ = topic_paragraph("Efficient attention", items)
    assert "The shared problem, as E puts it: attention's quadratic cost makes long-context inference" in text
    assert cited[0] == "5"
    # with no difficulty named, a sentence naming a difficulty without a cost comes before a bare cost
    text, cited, _ = topic_paragraph("Efficient attention", items[:4])
    assert cited[0] == "4"
    # the paper's own work or its results is never quoted as the problem
    text, _, _ = topic_paragraph("Efficient attention", items[:2])
    assert "shared problem" not in text


def test_a_topic_is_spoken_of_by_its_content_words():
    assert speaks_of("Efficient reasoning", "A Survey of Efficient Reasoning for Large Models")
    assert not speaks_of("Efficient reasoning", "DeepSeek in Healthcare: A Survey of Capabilities and Risks")
