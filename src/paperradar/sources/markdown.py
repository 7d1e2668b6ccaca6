"""Markdown paper lists: `[Title](arXiv link)` lines under dated headings, optional <details> summary bullets.

Such lists are often passed through a wrong encoding on the way (UTF-8 read as Windows-1252 and saved again);
the text is repaired with ftfy before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, register
from paperradar.sources.text import fix_text, latex_to_text

_ENTRY = re.compile(
    r"^\s*(?:[-*]\s+)?\[(?P<title>.+?)\]\((?P<url>https?://(?:www\.)?(?:export\.)?arxiv\.org/"
    r"(?:abs|pdf)/[^)\s]+)\)(?P<rest>.*)$"
)
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[*-]\s+(?P<text>.+)$")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%d %B %Y", "%A, %B %d, %Y")


def _heading_date(s: str) -> str | None:
    s = s.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _clean_title(t: str) -> str:
    # Lists wrap inline math in backticks ($`FPDM`$) so renderers leave it alone; keep the TeX, drop the ticks.
    return latex_to_text(t.replace("$`", "$").replace("`$", "$").strip())


def parse_markdown(text: str, origin: str) -> list[Item]:
    """Entries with their heading date and the bullets of the <details> block that follows them."""
    items: list[Item] = []
    day: str | None = None
    current: Paper | None = None
    in_details = False
    for n, line in enumerate(text.splitlines(), 1):
        h = _HEADING.match(line)
        if h:
            day = _heading_date(h.group("text")) or day
            current, in_details = None, False
            continue
        m = _ENTRY.match(line)
        if m:
            ids = split_arxiv_id(m.group("url"))
            title = _clean_title(m.group("title"))
            if not ids or not title:
                items.append(Rejected(f"line {n}", "link without an arXiv id or title", line[:2000]))
                current = None
                continue
            current = Paper(
                id=ids[0],
                version=ids[1],
                title=title,
                announced=day,
                links={"pdf" if "/pdf/" in m.group("url") else "abs": m.group("url")},
                source=f"markdown:{origin}",
                extra={"bullets": []},
                raw=line,
            )
            items.append(current)
            in_details = "<details" in m.group("rest")
            continue
        if current is not None and "<details" in line:
            in_details = True
        if current is not None and in_details:
            b = _BULLET.match(line.replace("<p>", ""))
            if b:
                current.extra["bullets"].append(b.group("text").strip())
                current.raw = f"{current.raw}\n{line}"
            if "</details>" in line:
                in_details = False
    for it in items:
        if isinstance(it, Paper) and not it.extra["bullets"]:
            del it.extra["bullets"]
    return items


@register
class MarkdownList(Source):
    """A Markdown file listing arXiv papers."""

    name = "markdown"
    expects = "[Title](arXiv link) lines"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        if re.search(rb"^\s*(?:[-*]\s+)?\[[^\]]+\]\(https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/", head, re.M):
            return True
        # a .md file that is a bullet list of bare ids or URLs is an id list (which sniffs after this reader)
        from paperradar.sources.idlist import IdList

        return filename.lower().endswith((".md", ".markdown")) and not IdList.sniff(head, filename)

    def records(self) -> Iterator[Item]:
        yield from parse_markdown(fix_text(self.data.decode("utf-8", "replace")), self.origin)
