"""The records that flow between stages: a paper, its versions, a quarantined input."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, TypeGuard

# New-style ids (0704.0001 .. 2612.12345) and old-style ids (hep-th/9901001, math.GT/0309136).
_NEW_ID = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?$")
_OLD_ID = re.compile(r"([a-z\-]+(?:\.[A-Za-z\-]{2})?/\d{7})(v\d+)?$")
_WORD = re.compile(r"[a-z0-9]+")
_PLAIN_ID = re.compile(r"\d{4}\.\d{4,5}")
_ID_PREFIXES = (
    "arxiv:",
    "http://arxiv.org/abs/",
    "https://arxiv.org/abs/",
    "http://arxiv.org/pdf/",
    "https://arxiv.org/pdf/",
    "oai:arxiv.org:",
    "oai:arXiv.org:",
)


TITLE_ID_PREFIX = "title:"  # the stored id of a paper without an arXiv id: title: + a hash of title and author


def is_arxiv_id(paper_id: str | None) -> TypeGuard[str]:
    """Whether a stored paper id is an arXiv id (as opposed to a ``title:`` id of a record without one)."""
    return bool(paper_id) and not str(paper_id).startswith(TITLE_ID_PREFIX)


def arxiv_url(paper_id: str) -> str:
    """The arXiv abstract page of an arXiv id."""
    return f"https://arxiv.org/abs/{paper_id}"


def split_arxiv_id(raw: str) -> tuple[str, int | None] | None:
    """Return (id without version, version number or None) for any arXiv id spelling, or None.

    Accepts bare ids, ``arXiv:`` prefixes, abs/pdf URLs (with or without ``.pdf``) and OAI identifiers.
    """
    if _PLAIN_ID.fullmatch(raw):  # the common case, without the prefix and URL handling below
        return raw, None
    s = raw.strip()
    low = s.lower()
    for p in _ID_PREFIXES:
        if low.startswith(p.lower()):
            s = s[len(p) :]
            break
    if s.endswith(".pdf"):
        s = s[:-4]
    s = s.strip("/")
    m = _NEW_ID.search(s) if "/" not in s else None
    if m is None:
        m = _OLD_ID.search(s)
    if m is None:
        return None
    version = int(m.group(2)[1:]) if m.group(2) else None
    return m.group(1), version


def normalize_arxiv_id(raw: str) -> str | None:
    """Return the version-less arXiv id for ``raw``, or None when it is not an arXiv id."""
    parts = split_arxiv_id(raw)
    return parts[0] if parts else None


def normalize_title(title: str) -> str:
    """Lower-case, accent-free, punctuation-free title used to match non-arXiv records."""
    if not title.isascii():
        t = unicodedata.normalize("NFKD", title)
        title = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(_WORD.findall(title.lower()))


def dedup_key(title: str, authors: list[str]) -> str:
    """Normalized title + first author's last name: the identity of a paper without an arXiv id."""
    return f"{normalize_title(title)}|{last_name(authors[0]) if authors else ''}"


def last_name(author: str) -> str:
    """Normalized family name of 'First Last' or 'Last, First'."""
    name = author.split(",")[0] if "," in author else author
    words = normalize_title(name).split()
    return words[-1] if words else ""


def clean_text(s: str | None) -> str:
    """Collapse runs of white space (arXiv wraps titles and abstracts at 80 columns)."""
    if not s:
        return ""
    if "\n" not in s and "  " not in s and "\t" not in s and "\r" not in s and s[0] != " " and s[-1] != " ":
        return s
    return " ".join(s.split())


@dataclass
class Version:
    """One arXiv version of a paper: number, submission date (ISO), optional size."""

    version: int
    date: str | None = None
    size: str | None = None


@dataclass
class Paper:
    """A paper as parsed from any source; ``id`` is the arXiv id without version when there is one.

    Non-arXiv records (BibTeX, CSV, Markdown lists without ids) have ``id`` None; the store gives them a
    stable id derived from :func:`dedup_key`.
    """

    title: str
    id: str | None = None
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    published: str | None = None  # first version's submission date, ISO 8601
    updated: str | None = None  # latest version's date, ISO 8601
    announced: str | None = None  # the listing (announcement) date, YYYY-MM-DD
    version: int | None = None
    versions: list[Version] = field(default_factory=list)
    comment: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    source: str = ""
    withdrawn: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific fields (upvotes, ai keywords...)
    raw: Any = None  # the source payload, kept verbatim (a dict, or a string of XML/text)

    def __post_init__(self) -> None:
        self.title = clean_text(self.title)
        self.abstract = clean_text(self.abstract)
        if self.id:
            parts = split_arxiv_id(self.id)
            if parts:
                self.id = parts[0]
                if self.version is None and parts[1] is not None:
                    self.version = parts[1]
        if self.version is None and self.versions:
            self.version = max(v.version for v in self.versions)
        if self.primary_category is None and self.categories:
            self.primary_category = self.categories[0]

    @property
    def key(self) -> str:
        """The identity used for deduplication: the arXiv id, else normalized title + first author."""
        return self.id or TITLE_ID_PREFIX + hashlib.sha1(dedup_key(self.title, self.authors).encode()).hexdigest()[:16]

    @property
    def day(self) -> str:
        """The day a paper belongs to (YYYY-MM-DD): announced, else published, else when it was first stored.
        The store filters by the same rule (``store.papers.DAY_SQL``)."""
        return (self.announced or self.published or self.extra.get("first_seen", "") or "")[:10]

    @property
    def url(self) -> str | None:
        """Where a reader opens the paper: its arXiv page, else its DOI, else its own first link, else None."""
        if is_arxiv_id(self.id):
            return arxiv_url(str(self.id))
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return next(iter(self.links.values()), None)

    @property
    def content_hash(self) -> str:
        """Hash of what embeddings and summaries are computed from (title + abstract)."""
        return hashlib.sha1(f"{self.title}\n{self.abstract}".encode()).hexdigest()


@dataclass
class Rejected:
    """A record a source could not turn into a Paper: where it was, why, and the raw text."""

    locator: str  # e.g. "line 17" or "entry 3"
    reason: str
    payload: str = ""


@dataclass
class IngestReport:
    """Counts from one ingest: what was new, updated, unchanged or quarantined."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    files: int = 0
    merged: int = 0  # title-only records merged into the arXiv record of the same paper

    def add(self, other: IngestReport) -> None:
        """Add another report's counts to this one."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined
        self.files += other.files
        self.merged += other.merged

    @property
    def changed(self) -> int:
        """New plus updated papers."""
        return self.new + self.updated


# ---- size limits at ingest ---------------------------------------------------------------------------------------
# Every record from every source passes through bound_record before it is stored, so a parser never needs its own
# limits. A field that cannot be shortened meaningfully (a title that is a page long) sends the record to the
# quarantine with the reason; a long abstract, list or payload is cut, and extra["limits"] says what was cut.
# arXiv's longest abstracts are ~1,920 characters and its longest author lists ~3,000 names: real records pass.
LIMITS = {
    "title": 1_000,  # characters; longer: quarantined
    "abstract": 20_000,  # characters; cut at a word boundary
    "author": 300,  # characters per name
    "authors": 5_000,  # names
    "categories": 100,
    "category": 64,
    "text_field": 4_000,  # comment, journal_ref, doi, primary_category
    "links": 50,
    "link": 2_000,
    "versions": 1_000,
    "extra": 64_000,  # bytes of JSON
    "raw": 1_000_000,  # bytes; a longer source payload is not kept
    "payload": 64_000,  # bytes of a quarantined record's payload
}


def _cut(s: str, n: int) -> str:
    if len(s) <= n:
        return s
    cut = s[:n]
    space = cut.rfind(" ", n - 200)
    return (cut[:space] if space > 0 else cut).rstrip() + " …"


def _json_size(v: Any) -> int:
    import orjson

    return len(orjson.dumps(v, default=str, option=orjson.OPT_NON_STR_KEYS))


def bound_record(item: Paper | Rejected) -> Paper | Rejected:
    """``item`` within :data:`LIMITS`: quarantined (a Rejected naming the field) or cut with a note."""
    if isinstance(item, Rejected):
        if len(item.payload) > LIMITS["payload"]:
            item.payload = item.payload[: LIMITS["payload"]] + f"\n… ({len(item.payload)} characters, cut)"
        if len(item.reason) > 1_000:
            item.reason = _cut(item.reason, 1_000)
        return item
    p = item
    if len(p.title) > LIMITS["title"]:
        return Rejected(
            p.id or "record",
            f"title is {len(p.title)} characters long (limit {LIMITS['title']}); not a paper title",
            payload=p.title[:2_000],
        )
    notes: list[str] = []

    def note(field_name: str, before: int, after: int, unit: str = "characters") -> None:
        notes.append(f"{field_name} cut from {before} to {after} {unit}")

    if len(p.abstract) > LIMITS["abstract"]:
        before = len(p.abstract)
        p.abstract = _cut(p.abstract, LIMITS["abstract"])
        note("abstract", before, len(p.abstract))
    if len(p.authors) > LIMITS["authors"]:
        note("authors", len(p.authors), LIMITS["authors"], "names")
        p.authors = p.authors[: LIMITS["authors"]]
    if any(len(a) > LIMITS["author"] for a in p.authors):
        p.authors = [_cut(a, LIMITS["author"]) for a in p.authors]
        notes.append(f"author names cut to {LIMITS['author']} characters")
    if len(p.categories) > LIMITS["categories"] or any(len(c) > LIMITS["category"] for c in p.categories):
        p.categories = [c[: LIMITS["category"]] for c in p.categories[: LIMITS["categories"]]]
        notes.append(f"categories cut to {LIMITS['categories']} of {LIMITS['category']} characters")
    for name in ("comment", "journal_ref", "doi", "primary_category"):
        value = getattr(p, name)
        if isinstance(value, str) and len(value) > LIMITS["text_field"]:
            note(name, len(value), LIMITS["text_field"])
            setattr(p, name, _cut(value, LIMITS["text_field"]))
    if len(p.links) > LIMITS["links"] or any(len(str(u)) > LIMITS["link"] for u in p.links.values()):
        kept = {k[:100]: u for k, u in p.links.items() if len(str(u)) <= LIMITS["link"]}
        p.links = dict(list(kept.items())[: LIMITS["links"]])
        notes.append(f"links cut to {LIMITS['links']} of at most {LIMITS['link']} characters")
    if len(p.versions) > LIMITS["versions"]:
        note("versions", len(p.versions), LIMITS["versions"], "entries")
        p.versions = p.versions[-LIMITS["versions"] :]
    if p.extra and _json_size(p.extra) > LIMITS["extra"]:
        before = _json_size(p.extra)
        for key in sorted(p.extra, key=lambda k: -_json_size(p.extra[k])):
            del p.extra[key]
            if _json_size(p.extra) <= LIMITS["extra"] - 1_000:
                break
        notes.append(f"extra fields cut from {before} bytes (largest dropped)")
    if p.raw is not None:
        size = len(p.raw) if isinstance(p.raw, str | bytes) else _json_size(p.raw)
        if size > LIMITS["raw"]:
            p.raw = None
            notes.append(f"source payload of {size} bytes not kept (limit {LIMITS['raw']})")
    if notes:
        p.extra["limits"] = notes
    return p
