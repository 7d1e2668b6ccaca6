"""Paper text in Markdown is literal: escaped by ``md_escape`` and rendered by the same CommonMark parser the HTML
report uses, it reads back as the text it was (no markup, no stray backslashes)."""

from __future__ import annotations

import html
import re

import markdown_it
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperradar.render import md_escape

_MD = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")


def _rendered_text(value: str) -> str:
    """What a reader sees of ``md_escape(value)`` as a list item's text: the HTML's text content."""
    out = _MD.render(f"- {md_escape(value)}\n")
    inner = re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>\n", out, re.S)
    assert inner, out
    assert "<" not in inner.group(1).replace("&lt;", ""), out
    return html.unescape(inner.group(1))


@pytest.mark.parametrize(
    "text",
    [
        "1.4 times speedup",
        "13.7% memory",
        "1. a list marker",
        "12) another",
        "# a heading",
        "- a bullet",
        "> a quote",
        "*emphasis* and _this_ and `code`",
        "[a link](https://example.org) ![img](x.png)",
        "<script>alert(1)</script> &amp; |a|b|",
        "C:\\path\\1.4 and \\times",
        "2024.",
    ],
)
def test_named_cases_read_back_as_written(text):
    assert _rendered_text(text) == text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab 1.2)#->*_`[]()!<>&|~\\=+%:")), min_size=1, max_size=24))
def test_any_text_reads_back_as_written(text):
    assert _rendered_text(text) == " ".join(text.split())
