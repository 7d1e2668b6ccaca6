"""A Hugging Face Papers search page saved as text: a few header lines, then title line / abstract line pairs."""

from __future__ import annotations

from collections.abc import Iterator

from paperradar.models import Paper, Rejected
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import fix_text

_HEADER_PREFIXES = ("Get trending papers in your email inbox",)
_GLUED = "Subscribe"  # the page's button text runs into the first title when the page is copied as text


def parse_page(text: str, origin: str) -> list[Item]:
    """Pairs of (title, abstract) lines after the page header."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    while lines and lines[0].startswith(_HEADER_PREFIXES):
        lines.pop(0)
    if lines and lines[0].startswith(_GLUED) and len(lines[0]) > len(_GLUED):
        lines[0] = lines[0][len(_GLUED) :]
    if not lines:
        raise SourceError(f"{origin}: no papers after the page header")
    items: list[Item] = []
    for i in range(0, len(lines) - 1, 2):
        title, abstract = lines[i], lines[i + 1]
        if len(title) > 300 or len(abstract) < len(title):
            items.append(
                Rejected(
                    f"line pair {i // 2 + 1}",
                    "does not look like a title / abstract pair",
                    f"{title}\n{abstract}"[:10000],
                )
            )
            continue
        items.append(Paper(title=title, abstract=abstract, source=f"hf-search:{origin}", raw=f"{title}\n{abstract}"))
    if len(lines) % 2:
        items.append(Rejected(f"line {len(lines)}", "title without an abstract line", lines[-1][:10000]))
    return items


@register
class HfSearchPage(Source):
    """Text copied from huggingface.co/papers search results."""

    name = "hf-search"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"Get trending papers in your email inbox")

    def records(self) -> Iterator[Item]:
        yield from parse_page(fix_text(self.data.decode("utf-8", "replace")), self.origin)
