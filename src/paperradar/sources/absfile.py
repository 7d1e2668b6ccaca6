"""arXiv's own ``.abs`` metadata files (as in arXiv's arxiv-browse): header fields, version dates, abstract."""

from __future__ import annotations

import re
from collections.abc import Iterator

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors

_ID = re.compile(r"^(?:arXiv|Paper):\s*(\S+)", re.M)
_DATE = re.compile(r"^Date(?: \(revised v(\d+)\))?:\s*(.+?)(?:\s+\(([^)]*)\))?\s*$", re.M)
_FIELD = re.compile(r"^([A-Z][A-Za-z-]*):\s?(.*)$")


def _fields(header: str) -> dict[str, str]:
    """Header ``Key: value`` lines, with indented continuation lines joined."""
    out: dict[str, str] = {}
    key = None
    for line in header.splitlines():
        m = _FIELD.match(line)
        if m and not line.startswith(" "):
            key = m.group(1).lower()
            out[key] = m.group(2).strip() if key not in out else out[key]
        elif key and line.startswith(" "):
            out[key] += " " + line.strip()
    return out


def parse_abs(content: str, origin: str) -> Paper:
    """Parse one .abs file; raise SourceError when it is not one."""
    parts = content.split("\\\\")
    if len(parts) < 3:
        raise SourceError(f"{origin}: not an arXiv .abs file (no \\\\ separators)")
    header, abstract = parts[1], parts[2]
    m = _ID.search(header)
    ids = split_arxiv_id(m.group(1)) if m else None
    if not ids:
        raise SourceError(f"{origin}: .abs file without an arXiv id")
    versions = []
    for n, (rev, date, size) in enumerate(_DATE.findall(header), 1):
        versions.append(Version(int(rev) if rev else n, iso_date(date), size.split(",")[0] if size else None))
    f = _fields(header)
    comment = latex_to_text(f["comments"]) if f.get("comments") else None
    abstract = " ".join(abstract.split())
    withdrawn = is_withdrawn(comment, abstract[:300]) or (
        any(v.size and v.size.startswith("0kb") for v in versions[-1:]) and is_withdrawn(comment, abstract)
    )
    return Paper(
        id=ids[0],
        title=latex_to_text(f.get("title", "")),
        abstract=abstract,
        authors=split_authors(f.get("authors", "")),
        categories=f.get("categories", "").split(),
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        versions=versions,
        comment=comment,
        doi=(f.get("doi") or "").split()[0] if f.get("doi") else None,
        journal_ref=latex_to_text(f["journal-ref"]) if f.get("journal-ref") else None,
        source=f"arxiv-abs:{origin}",
        withdrawn=withdrawn,
        raw=content,
        extra={k: f[k] for k in ("license", "msc-class", "acm-class", "report-no", "proxy") if f.get(k)},
    )


@register
class AbsFile(Source):
    """One arXiv ``.abs`` metadata file."""

    name = "arxiv-abs"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"---") and b"\\\\" in head and (b"\narXiv:" in head or b"\nPaper:" in head)

    def records(self) -> Iterator[Item]:
        try:
            content = self.data.decode("utf-8")
        except UnicodeDecodeError:
            content = self.data.decode("latin-1")
        paper = parse_abs(content, self.origin)
        if not paper.title:
            yield Rejected("header", "no Title field", content[:10000])
            return
        yield paper
