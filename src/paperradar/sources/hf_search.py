"""A Hugging Face Papers search page saved as text: a few header lines, then title line / abstract line pairs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from paperradar.models import Paper, Rejected
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.ids import find_arxiv_id
from paperradar.sources.text import fix_text

_HEADER_PREFIXES = ("Get trending papers in your email inbox",)
_GLUED = "Subscribe"  # the page's button text runs into the first title when the page is copied as text
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# Lines the page adds around each paper, depending on the browser and the view: dates, curators, counters, buttons.
_NOISE = re.compile(
    r"^(?:"
    rf"(?:Published|Submitted|Updated)\s+on\s+{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}"
    r"|(?:Submitted|Curated|Posted)\s+by\s+\S+.*|·?\s*\d+\s+authors?|[\d.,]+\s*[kK]?|·"
    r"|Upvote|Upvoted|View arXiv page|View PDF|Add to collection|Community|Comments?|\d+\s+comments?"
    r"|AI-generated summary|Daily Papers|Papers|Trending|Search|Sign Up|Log In|Subscribe|Get trending papers.*"
    r"|by\s+\S+|Collections?|Models? citing.*|Datasets? citing.*|Spaces? citing.*|GitHub|arXiv|PDF|Code"
    r")$",
    re.I,
)


def _abstract_like(line: str, title: str) -> bool:
    return len(line) >= 60 and len(line) > len(title)


def parse_page(text: str, origin: str) -> list[Item]:
    """(title, abstract) line pairs after the page header; dates, curator names, counters and buttons the page
    adds around each paper are skipped, and an arXiv id or link line is kept with the paper it follows."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    while lines and lines[0].startswith(_HEADER_PREFIXES):
        lines.pop(0)
    if lines and lines[0].startswith(_GLUED) and len(lines[0]) > len(_GLUED):
        lines[0] = lines[0][len(_GLUED) :]
    content: list[tuple[int, str]] = []
    ids: dict[int, tuple[str, int | None]] = {}  # index in content -> arXiv id named just after it
    for ln in lines:
        found = find_arxiv_id(ln) if len(ln) < 80 else None
        if found and content:
            ids[len(content) - 1] = found
        elif not _NOISE.match(ln):
            content.append((len(content), ln))
    if not content:
        raise SourceError(f"{origin}: no papers after the page header")
    items: list[Item] = []
    i = 0
    while i < len(content):
        title = content[i][1]
        nxt = content[i + 1][1] if i + 1 < len(content) else None
        if nxt is not None and len(title) <= 300 and _abstract_like(nxt, title):
            found = ids.get(i + 1) or ids.get(i)
            items.append(
                Paper(
                    id=found[0] if found else None,
                    title=title,
                    abstract=nxt,
                    source=f"hf-search:{origin}",
                    raw=f"{title}\n{nxt}",
                )
            )
            i += 2
            continue
        reason = "title without an abstract line" if nxt is None else "does not look like a title / abstract pair"
        items.append(Rejected(f"paragraph {i + 1}", reason, title[:10000]))
        i += 1
    if not any(isinstance(x, Paper) for x in items):
        raise SourceError(f"{origin}: no title / abstract line pairs found")
    return items


@register
class HfSearchPage(Source):
    """Text copied from huggingface.co/papers search results."""

    name = "hf-search"
    expects = "a Hugging Face Papers page (title line, abstract line)"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        text = head.decode("utf-8", "replace")
        if "Get trending papers in your email inbox" in text[:2000] or "huggingface.co/papers" in text[:2000]:
            return True
        # no header: a page copied from its first result still carries the page's per-paper lines
        marks = sum(1 for ln in text.splitlines() if re.match(r"\s*(Submitted by|Published on|Upvote)\b", ln))
        return marks >= 2

    def records(self) -> Iterator[Item]:
        yield from parse_page(fix_text(self.data.decode("utf-8", "replace")), self.origin)
