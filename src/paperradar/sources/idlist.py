"""A plain list of papers: one arXiv id, arXiv URL or DOI a line (the simplest way to say "these are my papers").

Each line becomes a paper known only by its id; ``paperradar complete`` (or ``profiles --new``) fetches the rest from
the arXiv API. Comments (``# ...``), bullets and trailing text after the id are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from paperradar.models import Paper, Rejected, split_arxiv_id
from paperradar.sources.base import Item, Source, register
from paperradar.sources.ids import arxiv_id_from_doi, find_arxiv_id, find_doi

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_ID_LINE = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|doi:\s*|https?://(?:dx\.)?doi\.org/)?"
    r"(?:\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?|10\.\d{4,9}/\S+)",
    re.I,
)


_SEPARATORS = re.compile(r"[\s,;]+")


def _arxiv(token: str) -> tuple[str, int | None] | None:
    return split_arxiv_id(token) or find_arxiv_id(token) or arxiv_id_from_doi(find_doi(token))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(text.splitlines(), 1):
        line = _BULLET.sub("", line.split("#", 1)[0] if not line.lstrip().startswith("http") else line).strip()
        if line:
            yield n, line


def parse_ids(text: str, origin: str) -> Iterator[Item]:
    """One id-only Paper per line naming an arXiv paper; a Rejected per line that names none (or a DOI that is not
    arXiv's, whose metadata paperradar cannot complete)."""
    for n, line in _lines(text):
        tokens = [t for t in _SEPARATORS.split(line) if t]
        if not tokens:
            continue  # only separators
        token = tokens[0]
        # several ids on a line ("2305.14314, 2210.17323"): each is a paper; other words after an id are notes
        found_all = [f for t in tokens if (f := _arxiv(t))] if _arxiv(token) else []
        for found in found_all:
            yield Paper(
                id=found[0],
                version=found[1],
                title="",
                source=f"ids:{origin}",
                extra={"incomplete": ["title", "abstract"]},
                raw=line,
            )
        if found_all:
            continue
        if doi := find_doi(token):
            yield Rejected(f"line {n}", f"DOI {doi} is not an arXiv DOI; paperradar completes arXiv papers only", line)
        else:
            yield Rejected(f"line {n}", "no arXiv id, arXiv URL or DOI", line[:10000])


@register
class IdList(Source):
    """A text file of arXiv ids / URLs / DOIs, one a line."""

    name = "ids"
    expects = "an arXiv id, arXiv URL or DOI on most lines"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        lines = [ln for _, ln in _lines(head.decode("utf-8", "replace"))][:50]
        if len(lines) > 1 and not head.endswith(b"\n"):
            lines = lines[:-1]  # the head may cut the last line
        hits = sum(bool(_ID_LINE.match(ln)) for ln in lines)
        return bool(lines) and hits >= max(1, 0.8 * len(lines))

    def records(self) -> Iterator[Item]:
        yield from parse_ids(self.data.decode("utf-8-sig", "replace"), self.origin)
