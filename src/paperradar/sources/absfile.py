"""arXiv's own ``.abs`` metadata files (as in arXiv's arxiv-browse): header fields, version dates, abstract.

Layout: a line of dashes, ``\\\\``, the header (``arXiv:<id>``, ``From:``, one ``Date`` line per version,
``Key: value`` fields with indented continuation lines), ``\\\\``, the abstract, ``\\\\``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from paperradar.models import Paper, Rejected, Version, split_arxiv_id
from paperradar.sources.arxiv_api import arxiv_links, split_dois
from paperradar.sources.base import Item, Source, SourceError, register
from paperradar.sources.text import is_withdrawn, iso_date, latex_to_text, split_authors

_SEPARATOR = re.compile(r"^\\\\[ \t]*\r?$", re.M)
_ID = re.compile(r"^(?:arXiv|Paper):\s*(\S+)", re.M)
# "Date (revised v2): Thu, 5 Apr 2007 19:58:53 GMT   (0kb,I)": version, date, then size and source flags.
_DATE = re.compile(r"^Date(?: \(revised v(\d+)\))?:\s*(.+?)(?:\s+\(([^)]*)\))?\s*$", re.M)
_FIELD = re.compile(r"^([A-Z][A-Za-z-]*):\s?(.*)$")
_EMAIL = re.compile(r"\s*<[^>]*>\s*$")
_EXTRA_FIELDS = ("license", "msc-class", "acm-class", "report-no", "proxy", "subj-class")


def _fields(header: str) -> dict[str, str]:
    """Header ``Key: value`` lines (keys lower-cased), with indented continuation lines joined."""
    out: dict[str, str] = {}
    key = None
    for line in header.splitlines():
        m = _FIELD.match(line)
        if m:
            key = m.group(1).lower()
            out.setdefault(key, m.group(2).strip())
        elif key and line[:1] in (" ", "\t") and line.strip():
            out[key] += " " + line.strip()
        else:
            key = None
    return out


def _versions(header: str) -> list[Version]:
    """One Version per ``Date`` line; the first line is v1 and carries no number."""
    versions = []
    for n, (rev, date, size) in enumerate(_DATE.findall(header), 1):
        versions.append(Version(int(rev) if rev else n, iso_date(date), size.split(",")[0] if size else None))
    return versions


def parse_abs(content: str, origin: str) -> Paper:
    """Parse the text of one .abs file into a Paper; raise SourceError when it is not an .abs file."""
    seps = list(_SEPARATOR.finditer(content))
    if len(seps) < 2:
        raise SourceError(f"{origin}: not an arXiv .abs file (no \\\\ separator lines)")
    header = content[seps[0].end() : seps[1].start()]
    # The abstract runs to the last separator: TeX line breaks (\\) inside it can also stand on a line alone.
    end = seps[-1].start() if len(seps) > 2 else len(content)
    abstract = content[seps[1].end() : end]
    m = _ID.search(header)
    ids = split_arxiv_id(m.group(1)) if m else None
    if not ids:
        raise SourceError(f"{origin}: .abs file without an arXiv id")
    arxiv_id = ids[0]
    versions = _versions(header)
    f = _fields(header)
    comment = latex_to_text(f["comments"]) if f.get("comments") else None
    abstract = " ".join(abstract.split())
    dois = split_dois(f.get("doi"))
    # A withdrawal is a last version of 0kb with source flag I whose comment or abstract says so. The flag alone
    # is not enough: arXiv also gives it to early versions it never stored.
    withdrawn = is_withdrawn(comment, abstract[:300])
    extra: dict[str, object] = {k.replace("-", "_"): f[k] for k in _EXTRA_FIELDS if f.get(k)}
    if f.get("from"):
        extra["submitter"] = _EMAIL.sub("", f["from"])
    if len(dois) > 1:
        extra["dois"] = dois
    elif f.get("doi") and not dois:  # e.g. a Handle ("21.11130/...") filed as a DOI: kept, but not linked
        extra["doi_raw"] = f["doi"]
    return Paper(
        id=arxiv_id,
        title=latex_to_text(f.get("title", "")),
        abstract=abstract,
        authors=split_authors(f.get("authors", "")),
        categories=f.get("categories", "").split(),
        published=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        versions=versions,
        comment=comment,
        doi=dois[0] if dois else None,
        journal_ref=latex_to_text(f["journal-ref"]) if f.get("journal-ref") else None,
        links=arxiv_links(arxiv_id, dois[0] if dois else None),
        source=f"arxiv-abs:{origin}",
        withdrawn=withdrawn,
        raw=content,
        extra=extra,
    )


@register
class AbsFile(Source):
    """One arXiv ``.abs`` metadata file."""

    name = "arxiv-abs"
    expects = "an arXiv .abs header (Paper:/From:/Title:)"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        return head.startswith(b"---") and b"\\\\" in head and (b"\narXiv:" in head or b"\nPaper:" in head)

    def records(self) -> Iterator[Item]:
        try:
            content = self.data.decode("utf-8")
        except UnicodeDecodeError:  # files from before arXiv moved to UTF-8 are latin-1
            content = self.data.decode("latin-1")
        paper = parse_abs(content, self.origin)
        if not paper.title:
            yield Rejected(f"{paper.id} header", "no Title field", content[:10000])
            return
        yield paper
