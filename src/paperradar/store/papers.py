"""Papers, versions and quarantine: deduplicating, version-aware batch writes and the reads built on them."""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson

from paperradar.models import TITLE_ID_PREFIX, IngestReport, Paper, Rejected, Version, dedup_key

if TYPE_CHECKING:
    from paperradar.store.db import Database

_COLUMNS = (
    "id",
    "dedup_key",
    "version",
    "title",
    "abstract",
    "authors",
    "categories",
    "primary_category",
    "published",
    "updated",
    "announced",
    "comment",
    "doi",
    "journal_ref",
    "links",
    "source",
    "withdrawn",
    "status",
    "extra",
    "raw",
    "content_hash",
    "first_seen",
    "changed_at",
)
# A paper's day in SQL: the twin of models.Paper.day (announced, else published, else first stored).
DAY_SQL = "substr(COALESCE(announced, published, first_seen), 1, 10)"
_MERGE_FILL = (
    "title",
    "abstract",
    "primary_category",
    "published",
    "updated",
    "announced",
    "comment",
    "doi",
    "journal_ref",
)
_CHUNK = 500
_TITLE_END = TITLE_ID_PREFIX[:-1] + chr(ord(TITLE_ID_PREFIX[-1]) + 1)  # ids in [title:, title;) are title-only
# Tables naming papers by id whose rows follow a title-only record merged into its arXiv record.
_FOLLOW = ("feedback", "tags", "shown", "paper_topics", "topic_weeks")


def _dumps(v: Any) -> str:
    # (non-string keys occur in parsed payloads, e.g. csv.DictReader's None key for surplus cells)
    return orjson.dumps(v, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _raw_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return _dumps(raw)


def paper_from_row(row: sqlite3.Row) -> Paper:
    """Rebuild a Paper from a ``papers`` row (versions are not loaded; see :meth:`PaperRepo.versions`)."""
    return Paper(
        id=row["id"],
        title=row["title"],
        abstract=row["abstract"],
        authors=orjson.loads(row["authors"]),
        categories=orjson.loads(row["categories"]),
        primary_category=row["primary_category"],
        published=row["published"],
        updated=row["updated"],
        announced=row["announced"],
        version=row["version"],
        comment=row["comment"],
        doi=row["doi"],
        journal_ref=row["journal_ref"],
        links=orjson.loads(row["links"]),
        source=row["source"],
        withdrawn=bool(row["withdrawn"]),
        extra=orjson.loads(row["extra"]),
        raw=row["raw"],
    )


# Which record may overwrite a stored paper's fields (docs/architecture.md, "Which record wins"):
# - arXiv's own records (API, OAI-PMH, RSS, .abs files, the Kaggle dump) own an arXiv paper's metadata. A later
#   arXiv version replaces it; no other record does, whatever version its URL names: a library or any later file
#   only fills fields arXiv left empty.
# - A paper no arXiv record has described yet belongs to the library record that stored it. A later state of the
#   same library item replaces its fields: a Zotero item with a higher item version, or the same file (or the same
#   library) read again with other values. A versioned library source (Zotero) also takes over a record an
#   unversioned export stored. Any other record only fills empty fields.
# - An arXiv record replaces a library's copy of the paper (the library's abstract, dates, "added" survive as fills).
ARXIV_SOURCES = ("arxiv-api:", "arxiv-abs:", "oai-pmh:", "rss:", "kaggle:")
_EDITABLE = ("title", "abstract", "authors", "doi", "published", "journal_ref", "links")


def from_arxiv(p: Paper) -> bool:
    """Was ``p`` read from arXiv's own metadata (which owns an arXiv paper's fields)?"""
    return p.source.startswith(ARXIV_SOURCES)


def _item_version(p: Paper) -> int | None:
    v = p.extra.get("item_version")
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _library_edit(incoming: Paper, cur: Paper) -> bool | None:
    """For two non-arXiv records: True when ``incoming`` is a later state of the library item that owns ``cur``,
    False when it is an earlier or the same state of it, None when it is another library's record."""
    iv, cv = _item_version(incoming), _item_version(cur)
    if iv is not None and (cv is None or incoming.source != cur.source):
        return True  # a versioned library takes over what an export stored
    if not incoming.source or incoming.source != cur.source:
        return None  # (a record that names no source owns nothing)
    if iv is not None and cv is not None:
        return iv > cv
    return any(getattr(incoming, f) and getattr(incoming, f) != getattr(cur, f) for f in _EDITABLE)


def _supersedes(incoming: Paper, cur: Paper) -> str | None:
    """How ``incoming`` replaces the stored ``cur``: "version" (a later arXiv state: the paper is "updated"),
    "edit" (its owner's later state: fields replaced, status kept), or None (it only fills empty fields)."""
    if from_arxiv(cur) and not from_arxiv(incoming):
        return None
    if incoming.version is not None and cur.version is not None and incoming.version != cur.version:
        return "version" if incoming.version > cur.version else None  # an arXiv version order is final
    if not from_arxiv(cur) and not from_arxiv(incoming):
        edit = _library_edit(incoming, cur)
        if edit is not None:
            return "edit" if edit else None
    if _is_newer(incoming, cur):
        return "version"
    if from_arxiv(incoming) and not from_arxiv(cur) and incoming.content_hash != cur.content_hash:
        return "edit"
    return None


def _is_newer(incoming: Paper, cur: Paper) -> bool:
    """Does ``incoming`` describe a later arXiv state of the paper than ``cur``?"""
    if incoming.version is not None and cur.version is not None:
        if incoming.version != cur.version:
            return incoming.version > cur.version
        return incoming.withdrawn and not cur.withdrawn
    if incoming.version is not None and cur.version is None and incoming.content_hash != cur.content_hash:
        return True  # a versioned record supersedes one whose version was never known
    if incoming.withdrawn and not cur.withdrawn:
        return True
    if str(incoming.extra.get("announce_type", "")).startswith("replace"):
        return incoming.content_hash != cur.content_hash
    return False


def _merge(newer: Paper, older: Paper) -> Paper:
    """``newer`` with empty fields filled from ``older`` and categories, links, versions united."""
    merged = replace(newer)
    for f in _MERGE_FILL:
        if not getattr(merged, f) and getattr(older, f):
            setattr(merged, f, getattr(older, f))
    if not merged.authors:
        merged.authors = older.authors
    merged.categories = list(dict.fromkeys([*newer.categories, *older.categories]))
    merged.links = {**older.links, **newer.links}
    merged.extra = {**older.extra, **newer.extra}
    # A withdrawal is a version; a later version (e.g. a re-submission) can lift it.
    merged.withdrawn = newer.withdrawn or (older.withdrawn and older.version == newer.version)
    if merged.version is None:
        merged.version = older.version
    by_number = {v.version: v for v in older.versions}
    for v in newer.versions:
        if v.version not in by_number or (v.date and not by_number[v.version].date):
            by_number[v.version] = v
    merged.versions = [by_number[k] for k in sorted(by_number)]
    return merged


class PaperRepo:
    """Reads and writes of papers. Every write method is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- writes -------------------------------------------------------------------------------------------
    def write_batch(self, items: Sequence[Paper | Rejected], *, source: str, now: str) -> IngestReport:
        """Store one batch of parsed items in one transaction: dedup by id (or title + first author),
        keep version history, mark version bumps "updated", quarantine rejects. Idempotent on re-run."""
        report = IngestReport()
        gc_was_enabled = gc.isenabled()
        gc.disable()  # thousands of short-lived dicts per batch trigger full collections that cost more than parsing
        try:
            return self._write_batch(items, source=source, now=now, report=report)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _write_batch(
        self, items: Sequence[Paper | Rejected], *, source: str, now: str, report: IngestReport
    ) -> IngestReport:
        papers = [p for p in items if isinstance(p, Paper)]
        rejects = [r for r in items if isinstance(r, Rejected)]
        with self.db.transaction() as conn:
            existing, aliases = self._load_existing(conn, papers)
            final: dict[str, tuple[Paper, str, bool]] = {}  # key -> (paper, status, changed)
            bumped: set[str] = set()  # stored papers that got a newer version in this batch
            for p in papers:
                key = self._resolve_key(p, existing, final, aliases)
                if key in final:
                    cur, status, changed = final[key]
                elif key in existing:
                    (cur, status), changed = existing[key], False
                else:
                    final[key] = (p, "new", True)
                    report.new += 1
                    continue
                how = _supersedes(p, cur)
                if how == "version":
                    if key in existing:
                        status = "updated"
                        report.updated += key not in bumped
                        bumped.add(key)
                    final[key] = (_merge(p, cur), status, True)
                elif how == "edit":
                    report.updated += key in existing and not changed
                    final[key] = (_merge(p, cur), status, True)
                else:
                    merged = _merge(cur, p)
                    final[key] = (merged, status, changed or merged != cur)
                    report.unchanged += 1
            absorbed = self._absorb_title_records(final, existing, aliases)
            report.new -= sum(1 for t in absorbed if t not in existing)
            report.merged += len(absorbed)
            self._write(conn, final, existing, bumped, now)
            self._redirect(conn, absorbed)
            for r in rejects:
                payload_hash = hashlib.sha1(r.payload.encode("utf-8", "replace")).hexdigest()
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO quarantine (source, locator, reason, payload, payload_hash, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (source, r.locator, r.reason, r.payload, payload_hash, now),
                )
                report.quarantined += 1 if cursor.rowcount else 0
        return report

    def _resolve_key(
        self,
        p: Paper,
        existing: dict[str, tuple[Paper, str]],
        final: dict[str, tuple[Paper, str, bool]],
        aliases: dict[str, str],
    ) -> str:
        if p.id:
            return p.id
        item = p.extra.get("item_key")
        if isinstance(item, str) and item in aliases:  # the same library item, whatever its title is now
            return aliases[item]
        dk = dedup_key(p.title, p.authors)
        for key, (cur, _s) in existing.items():
            if dedup_key(cur.title, cur.authors) == dk:
                return key
        for key, (cur, _s, _c) in final.items():
            if dedup_key(cur.title, cur.authors) == dk:
                return key
        return p.key

    def _load_existing(
        self, conn: sqlite3.Connection, papers: Sequence[Paper]
    ) -> tuple[dict[str, tuple[Paper, str]], dict[str, str]]:
        """The stored papers the batch may touch (by id, item key, or title + first author) and the item keys'
        stored ids. Title-only records are looked up for arXiv records too, so they can be merged into them."""
        items = list({k for p in papers if isinstance(k := p.extra.get("item_key"), str)})
        aliases: dict[str, str] = {}
        for i in range(0, len(items), _CHUNK):
            chunk = items[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            aliases.update(conn.execute(f"SELECT alias, paper_id FROM paper_aliases WHERE alias IN ({marks})", chunk))
        ids = list({p.key for p in papers} | set(aliases.values()))
        with_titles = conn.execute(
            "SELECT 1 FROM papers WHERE id >= ? AND id < ? LIMIT 1", (TITLE_ID_PREFIX, _TITLE_END)
        ).fetchone()
        dkeys = list({dedup_key(p.title, p.authors) for p in papers if not p.id or (with_titles and p.title)})
        out: dict[str, tuple[Paper, str]] = {}
        for col, values in (("id", ids), ("dedup_key", dkeys)):
            for i in range(0, len(values), _CHUNK):
                chunk = values[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"SELECT * FROM papers WHERE {col} IN ({marks})", chunk):
                    p = paper_from_row(row)
                    p.versions = self._versions(conn, row["id"])
                    out[row["id"]] = (p, row["status"])
        return out, aliases

    @staticmethod
    def _absorb_title_records(
        final: dict[str, tuple[Paper, str, bool]], existing: dict[str, tuple[Paper, str]], aliases: dict[str, str]
    ) -> dict[str, str]:
        """Merge title-only records (stored, or new in this batch) into the arXiv record of the same paper (same
        title + first author, or the same library item); return {title id: arXiv id} of those merged away."""
        titled: dict[str, list[str]] = {}
        for key, (p, _s) in existing.items():
            if key.startswith(TITLE_ID_PREFIX):
                titled.setdefault(dedup_key(p.title, p.authors), []).append(key)
        for key, (p, _s, _c) in final.items():
            if key.startswith(TITLE_ID_PREFIX) and key not in existing:
                titled.setdefault(dedup_key(p.title, p.authors), []).append(key)
        by_item = {a: k for a, k in aliases.items() if k.startswith(TITLE_ID_PREFIX)}
        absorbed: dict[str, str] = {}
        if not titled and not by_item:
            return absorbed
        for key in [k for k in final if not k.startswith(TITLE_ID_PREFIX)]:
            paper, status, _c = final[key]
            item = paper.extra.get("item_key")
            found = [*titled.get(dedup_key(paper.title, paper.authors), [])]
            if isinstance(item, str) and item in by_item:
                found.append(by_item[item])
            for t in dict.fromkeys(found):
                if t in absorbed or t == key:
                    continue
                old = final[t][0] if t in final else existing[t][0]
                paper = _merge(paper, old)
                absorbed[t] = key
                final.pop(t, None)
            if paper is not final[key][0]:
                final[key] = (paper, status, True)
        return absorbed

    def _write(
        self,
        conn: sqlite3.Connection,
        final: dict[str, tuple[Paper, str, bool]],
        existing: dict[str, tuple[Paper, str]],
        bumped: set[str],
        now: str,
    ) -> None:
        inserts: list[Any] = []
        updates: list[Any] = []
        versions: list[Any] = []
        cats: list[Any] = []
        aliases: list[Any] = []
        for key, (p, status, changed) in final.items():
            if not changed:
                continue
            row = self._row(key, p, status, now)
            if key in existing:
                # None keeps the stored changed_at: only a version bump makes the paper "changed" again
                updates.append((*row[1:-2], now if key in bumped else None, key))
            else:
                inserts.append(row)
            versions.extend((key, v.version, v.date, v.size) for v in p.versions)
            cats.extend((key, c) for c in p.categories)
            if isinstance(item := p.extra.get("item_key"), str):
                aliases.append((item, key))
        if inserts:
            # Assign primary keys here (we hold the write lock) so categories can reference them directly.
            first_pk = conn.execute("SELECT COALESCE(MAX(pk), 0) FROM papers").fetchone()[0] + 1
            pks = {row[0]: first_pk + i for i, row in enumerate(inserts)}
            conn.executemany(
                f"INSERT INTO papers (pk, {','.join(_COLUMNS)}) VALUES ({','.join('?' * (len(_COLUMNS) + 1))})",
                [(first_pk + i, *row) for i, row in enumerate(inserts)],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO paper_categories (pk, category) VALUES (?, ?)",
                [(pks[k], c) for k, c in cats if k in pks],
            )
        if updates:
            sets = ",".join(f"{c} = ?" for c in _COLUMNS[1:-2])
            conn.executemany(f"UPDATE papers SET {sets}, changed_at = COALESCE(?, changed_at) WHERE id = ?", updates)
            updated = {u[-1] for u in updates}
            conn.executemany(
                "INSERT OR IGNORE INTO paper_categories (pk, category) SELECT pk, ? FROM papers WHERE id = ?",
                [(c, k) for k, c in cats if k in updated],
            )
        if versions:
            conn.executemany(
                "INSERT INTO paper_versions (paper_id, version, date, size) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (paper_id, version) DO UPDATE SET "
                "date = COALESCE(excluded.date, date), size = COALESCE(excluded.size, size)",
                versions,
            )
        if aliases:
            conn.executemany("INSERT OR REPLACE INTO paper_aliases (alias, paper_id) VALUES (?, ?)", aliases)

    @staticmethod
    def _redirect(conn: sqlite3.Connection, absorbed: dict[str, str]) -> None:
        """Drop title-only records merged into arXiv records; their feedback, tags and topic rows follow the arXiv
        record (where it has its own, those stay), and the old id becomes an alias of the new one."""
        for old, new in absorbed.items():
            for table in _FOLLOW:
                conn.execute(f"UPDATE OR IGNORE {table} SET paper_id = ? WHERE paper_id = ?", (new, old))
                conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (old,))
            conn.execute(
                "UPDATE embedding_versions SET version = version + 1 "
                "WHERE model IN (SELECT model FROM embeddings WHERE paper_id = ?)",
                (old,),
            )
            for table in ("embeddings", "summaries", "paper_versions"):
                conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (old,))
            conn.execute("DELETE FROM paper_categories WHERE pk IN (SELECT pk FROM papers WHERE id = ?)", (old,))
            conn.execute("DELETE FROM papers WHERE id = ?", (old,))
            conn.execute("UPDATE paper_aliases SET paper_id = ? WHERE paper_id = ?", (new, old))
            conn.execute("INSERT OR REPLACE INTO paper_aliases (alias, paper_id) VALUES (?, ?)", (old, new))

    def sync_fts(self, progress: Callable[[int, int], None] | None = None, batch: int = 20000) -> int:
        """Index papers added since the last sync into the FTS5 keyword index; return how many.

        Ingest leaves this to the first search (or to ``paperradar ingest``'s final step) because tokenizing
        abstracts costs more than everything else an ingest does; updates of indexed rows are kept in sync by
        triggers. Each chunk is its own transaction, so an interrupted sync resumes where it stopped.
        """
        conn = self.db.conn
        start = conn.execute("SELECT pk FROM fts_watermark").fetchone()[0]
        top = conn.execute("SELECT COALESCE(MAX(pk), 0) FROM papers").fetchone()[0]
        total, done = max(0, top - start), 0
        while start < top:
            end = min(start + batch, top)
            with self.db.transaction() as c:
                c.execute(
                    "INSERT INTO papers_fts (rowid, title, abstract, authors) "
                    "SELECT pk, title, abstract, authors FROM papers WHERE pk > ? AND pk <= ?",
                    (start, end),
                )
                c.execute("UPDATE fts_watermark SET pk = ?", (end,))
            done += end - start
            start = end
            if progress:
                progress(done, total)
        return total

    def latest_day(self) -> str | None:
        """The most recent paper date (announced, else published, else first seen)."""
        row = self.db.conn.execute("SELECT max(" + DAY_SQL + ") FROM papers").fetchone()
        return row[0] if row else None

    def days(self, limit: int = 60) -> list[tuple[str, int]]:
        """(day, papers) for the most recent days that have papers."""
        return [
            (r[0], r[1])
            for r in self.db.conn.execute(
                "SELECT " + DAY_SQL + " d, count(*) FROM papers GROUP BY d ORDER BY d DESC LIMIT ?",
                (limit,),
            )
        ]

    def busiest_day(self) -> str | None:
        """The announcement day with the most papers."""
        row = self.db.conn.execute(
            "SELECT announced, count(*) n FROM papers WHERE announced IS NOT NULL "
            "GROUP BY announced ORDER BY n DESC, announced DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def fts_pending(self) -> int:
        """How many papers are not yet in the keyword index."""
        conn = self.db.conn
        return int(
            conn.execute("SELECT COALESCE(MAX(pk), 0) - (SELECT pk FROM fts_watermark) FROM papers").fetchone()[0]
        )

    @staticmethod
    def _row(key: str, p: Paper, status: str, now: str) -> tuple[Any, ...]:
        """The values of ``_COLUMNS`` for one paper, in order."""
        return (
            key,
            dedup_key(p.title, p.authors),
            p.version,
            p.title,
            p.abstract,
            _dumps(p.authors),
            _dumps(p.categories),
            p.primary_category,
            p.published,
            p.updated,
            p.announced,
            p.comment,
            p.doi,
            p.journal_ref,
            _dumps(p.links),
            p.source,
            int(p.withdrawn),
            status,
            _dumps(p.extra),
            _raw_text(p.raw),
            p.content_hash,
            now,
            now,
        )

    # ---- reads --------------------------------------------------------------------------------------------
    @staticmethod
    def _versions(conn: sqlite3.Connection, paper_id: str) -> list[Version]:
        return [
            Version(r[0], r[1], r[2])
            for r in conn.execute(
                "SELECT version, date, size FROM paper_versions WHERE paper_id = ? ORDER BY version", (paper_id,)
            )
        ]

    def resolve(self, ids: Iterable[str]) -> list[str]:
        """``ids`` with every alias replaced by the id of the paper it names now (a title-only record merged into
        its arXiv record, a library item key), in order, without repeats."""
        wanted = list(ids)
        found: dict[str, str] = {}
        conn = self.db.conn
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(conn.execute(f"SELECT alias, paper_id FROM paper_aliases WHERE alias IN ({marks})", chunk))
        return list(dict.fromkeys(found.get(i, i) for i in wanted))

    def stored_ids(self, papers: Sequence[Paper]) -> list[str | None]:
        """The id each paper is stored under (its arXiv id, else the stored record with its title and first author:
        a title-only library record may live in an arXiv record written earlier), None for one not stored."""
        conn = self.db.conn
        out: list[str | None] = []
        for p in papers:
            key = self.resolve([p.key])[0]
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (key,)).fetchone():
                out.append(key)
                continue
            row = (
                None
                if p.id
                else conn.execute(
                    "SELECT id FROM papers WHERE dedup_key = ? ORDER BY id LIKE 'title:%', pk LIMIT 1",
                    (dedup_key(p.title, p.authors),),
                ).fetchone()
            )
            out.append(row[0] if row else None)
        return out

    def versions(self, paper_id: str) -> list[Version]:
        """The version history of one paper, oldest first."""
        return self._versions(self.db.conn, paper_id)

    def get(self, paper_id: str) -> Paper | None:
        """One paper by id (versions included), or None."""
        row = self.db.conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            return None
        p = paper_from_row(row)
        p.versions = self.versions(paper_id)
        return p

    def status(self, paper_id: str) -> str | None:
        """'new' or 'updated' for a stored paper, None when absent."""
        row = self.db.conn.execute("SELECT status FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        """Number of stored papers."""
        return int(self.db.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    def ids(self) -> list[str]:
        """Every stored paper id, in insertion order."""
        return [r[0] for r in self.db.conn.execute("SELECT id FROM papers ORDER BY pk")]

    def iter(self, ids: Iterable[str] | None = None, *, where: str = "", params: Sequence[Any] = ()) -> Iterator[Paper]:
        """Stored papers, all or the given ids (in the order given), or filtered by a SQL ``where``."""
        conn = self.db.conn
        if ids is not None:
            wanted = list(ids)
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                rows = {
                    r["id"]: r
                    for r in conn.execute(f"SELECT * FROM papers WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                }
                yield from (paper_from_row(rows[k]) for k in chunk if k in rows)
            return
        sql = "SELECT * FROM papers" + (f" WHERE {where}" if where else "") + " ORDER BY pk"
        for row in conn.execute(sql, params):
            yield paper_from_row(row)

    def incomplete(self, ids: Iterable[str] | None = None) -> list[Paper]:
        """Stored arXiv papers (all, or among ``ids``) still missing a title, abstract or authors: those read from
        id lists and sparse exports, to be completed from arXiv."""
        sql = "id NOT LIKE 'title:%' AND (title = '' OR abstract = '' OR authors = '[]')"
        if ids is None:
            return list(self.iter(where=sql))
        return [p for p in self.iter(ids) if p.id and (not p.title or not p.abstract or not p.authors)]

    def quarantined(self, limit: int = 100) -> list[sqlite3.Row]:
        """The most recent quarantined records."""
        return list(
            self.db.conn.execute(
                "SELECT source, locator, reason, created FROM quarantine ORDER BY qid DESC LIMIT ?", (limit,)
            )
        )

    def stats(self) -> dict[str, Any]:
        """Counts for ``paperradar stats``: papers, statuses, sources, categories, dates, quarantine."""
        c = self.db.conn
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "papers": one("SELECT count(*) FROM papers"),
            "new": one("SELECT count(*) FROM papers WHERE status = 'new'"),
            "updated": one("SELECT count(*) FROM papers WHERE status = 'updated'"),
            "withdrawn": one("SELECT count(*) FROM papers WHERE withdrawn = 1"),
            "versions": one("SELECT count(*) FROM paper_versions"),
            "quarantined": one("SELECT count(*) FROM quarantine"),
            "published_range": tuple(c.execute("SELECT min(published), max(published) FROM papers").fetchone()),
            "announced_range": tuple(c.execute("SELECT min(announced), max(announced) FROM papers").fetchone()),
            "top_categories": [
                tuple(r)
                for r in c.execute(
                    "SELECT category, count(*) n FROM paper_categories GROUP BY category ORDER BY n DESC LIMIT 10"
                )
            ],
            "schema_version": self.db.schema_version,
        }

    def select(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        categories: Sequence[str] = (),
        limit: int | None = None,
    ) -> Iterator[Paper]:
        """Papers whose date (announced, else published, else first seen) is within [date_from, date_to]
        (inclusive, YYYY-MM-DD) and that carry any of ``categories``; oldest first."""
        clauses: list[str] = []
        params: list[Any] = []
        day = DAY_SQL
        if date_from:
            clauses.append(f"{day} >= ?")
            params.append(date_from)
        if date_to:
            clauses.append(f"{day} <= ?")
            params.append(date_to)
        if categories:
            clauses.append(
                f"pk IN (SELECT pk FROM paper_categories WHERE category IN ({','.join('?' * len(categories))}))"
            )
            params.extend(categories)
        sql = "SELECT * FROM papers" + (" WHERE " + " AND ".join(clauses) if clauses else "") + f" ORDER BY {day}, pk"
        if limit:
            sql += f" LIMIT {int(limit)}"
        for row in self.db.conn.execute(sql, params):
            yield paper_from_row(row)


class StateRepo:
    """Small named values that must survive runs: harvest dates, resumption tokens."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, name: str) -> str | None:
        """The stored value, or None."""
        row = self.db.conn.execute("SELECT value FROM harvest_state WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set(self, name: str, value: str | None, now: str) -> None:
        """Store (or, with None, delete) a value in its own transaction."""
        with self.db.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM harvest_state WHERE name = ?", (name,))
            else:
                conn.execute(
                    "INSERT INTO harvest_state (name, value, updated) VALUES (?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                    (name, value, now),
                )
