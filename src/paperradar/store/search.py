"""Keyword search (FTS5 BM25), the filters shared by every search (dates, categories, tags, topics), and the
reads that keep a keyword index outside SQLite in sync (a pk watermark plus the ``paper_changes`` log)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperradar.store.db import Database


@dataclass
class SearchFilters:
    """Restrict a search: date range (YYYY-MM-DD, on announced/published date), categories, a tag, a topic."""

    date_from: str | None = None
    date_to: str | None = None
    categories: list[str] = field(default_factory=list)
    tag: str | None = None
    topic: str | None = None
    exclude_ids: list[str] = field(default_factory=list)

    def active(self) -> bool:
        """Does this filter restrict anything?"""
        return bool(self.date_from or self.date_to or self.categories or self.tag or self.topic or self.exclude_ids)


_DAY = "substr(COALESCE(p.announced, p.published, p.first_seen), 1, 10)"  # indexed: papers_day
_CHUNK = 500
_INDEX_COLUMNS = (
    f"p.pk, p.id, p.title, p.abstract, p.authors, p.categories, {_DAY}"  # what a keyword index holds of a paper
)


class SearchRepo:
    """SQL for search: BM25 over the FTS5 index, and filter clauses."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _has_table(self, name: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None

    def _filter_sql(self, f: SearchFilters | None) -> tuple[str, list[Any]]:
        if f is None or not f.active():
            return "", []
        clauses: list[str] = []
        params: list[Any] = []
        if f.date_from:
            clauses.append(f"{_DAY} >= ?")
            params.append(f.date_from)
        if f.date_to:
            clauses.append(f"{_DAY} <= ?")
            params.append(f.date_to)
        if f.categories:
            # correlated: checked per candidate row, where "pk IN (every paper of the category)" would build a
            # list of a large category's papers for each query
            clauses.append(
                "EXISTS (SELECT 1 FROM paper_categories c WHERE c.pk = p.pk "
                f"AND c.category IN ({','.join('?' * len(f.categories))}))"
            )
            params.extend(f.categories)
        if f.tag:
            if not self._has_table("tags"):
                return " AND 0", []
            clauses.append("p.id IN (SELECT paper_id FROM tags WHERE tag = ?)")
            params.append(f.tag)
        if f.topic:
            if not self._has_table("paper_topics"):
                return " AND 0", []
            clauses.append("p.id IN (SELECT paper_id FROM paper_topics WHERE topic_id = ? OR label = ?)")
            params.extend([f.topic, f.topic])
        if f.exclude_ids:
            clauses.append(f"p.id NOT IN ({','.join('?' * len(f.exclude_ids))})")
            params.extend(f.exclude_ids)
        return " AND " + " AND ".join(clauses), params

    def keyword(
        self,
        match: str,
        limit: int,
        filters: SearchFilters | None = None,
        weights: Sequence[float] = (4.0, 1.0, 0.5),
        *,
        within: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """(paper id, BM25 score, higher is better) for an FTS5 MATCH expression, among ``within`` ids when
        given; raises sqlite3.OperationalError on a malformed expression."""
        where, params = self._filter_sql(filters)
        if within is not None:
            if not within:
                return []
            where += f" AND p.id IN ({','.join('?' * len(within))})"
            params = [*params, *within]
        w = ", ".join(str(float(x)) for x in weights)
        sql = (
            f"SELECT p.id, -bm25(papers_fts, {w}) AS s "
            f"FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ?{where} "
            f"ORDER BY bm25(papers_fts, {w}) LIMIT ?"
        )
        return [(r[0], float(r[1])) for r in self.db.conn.execute(sql, (match, *params, limit))]

    def allowed_ids(self, filters: SearchFilters | None, limit: int | None = None) -> set[str] | None:
        """The ids a filter admits (None when it admits everything); at most ``limit`` of them when given, so
        a caller can tell a narrow filter (fewer than ``limit``) from a broad one cheaply."""
        if filters is None or not filters.active():
            return None
        where, params = self._filter_sql(filters)
        sql = f"SELECT p.id FROM papers p WHERE 1{where}" + ("" if limit is None else f" LIMIT {int(limit)}")
        return {r[0] for r in self.db.conn.execute(sql, params)}

    def filter_ids(self, ids: Sequence[str], filters: SearchFilters | None) -> set[str]:
        """Those of ``ids`` that ``filters`` admit (and that exist)."""
        where, params = self._filter_sql(filters)
        out: set[str] = set()
        for i in range(0, len(ids), _CHUNK):
            chunk = list(ids[i : i + _CHUNK])
            sql = f"SELECT p.id FROM papers p WHERE p.id IN ({','.join('?' * len(chunk))}){where}"
            out.update(r[0] for r in self.db.conn.execute(sql, (*chunk, *params)))
        return out

    # ---- keeping an external keyword index in sync ---------------------------------------------------------
    def max_pk(self) -> int:
        """The highest paper pk: the collection's size when nothing was deleted, and the indexing watermark."""
        return int(self.db.conn.execute("SELECT COALESCE(MAX(pk), 0) FROM papers").fetchone()[0])

    def change_seq(self) -> int:
        """The newest entry of the ``paper_changes`` log (0 when empty)."""
        return int(self.db.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM paper_changes").fetchone()[0])

    def changed_pks(self, after_seq: int, upto_seq: int) -> list[int]:
        """Distinct pks of papers updated or deleted between two log positions, (after_seq, upto_seq]."""
        return [
            r[0]
            for r in self.db.conn.execute(
                "SELECT DISTINCT pk FROM paper_changes WHERE seq > ? AND seq <= ? ORDER BY pk", (after_seq, upto_seq)
            )
        ]

    def prune_changes(self, upto_seq: int) -> None:
        """Forget log entries up to ``upto_seq`` (an index applied them)."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM paper_changes WHERE seq <= ?", (upto_seq,))

    def index_rows(self, after_pk: int, upto_pk: int) -> Iterator[tuple[Any, ...]]:
        """(pk, id, title, abstract, authors JSON, categories JSON, day) of papers with after_pk < pk <= upto_pk."""
        yield from self.db.conn.execute(
            f"SELECT {_INDEX_COLUMNS} FROM papers p WHERE p.pk > ? AND p.pk <= ? ORDER BY p.pk", (after_pk, upto_pk)
        )

    def index_rows_by_pk(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """The same rows as :meth:`index_rows` for the given pks that still exist."""
        out: list[tuple[Any, ...]] = []
        for i in range(0, len(pks), _CHUNK):
            chunk = list(pks[i : i + _CHUNK])
            out.extend(
                self.db.conn.execute(
                    f"SELECT {_INDEX_COLUMNS} FROM papers p WHERE p.pk IN ({','.join('?' * len(chunk))})", chunk
                )
            )
        return out

    def ids_for_pks(self, pks: Sequence[int]) -> dict[int, str]:
        """Paper ids by pk."""
        out: dict[int, str] = {}
        for i in range(0, len(pks), _CHUNK):
            chunk = list(pks[i : i + _CHUNK])
            out.update(
                self.db.conn.execute(
                    f"SELECT pk, id FROM papers WHERE pk IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        return out

    def texts(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(title, abstract) by id: what search reads to re-rank its first hits."""
        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            sql = f"SELECT id, title, abstract FROM papers WHERE id IN ({','.join('?' * len(chunk))})"
            out.update((r[0], (r[1] or "", r[2] or "")) for r in self.db.conn.execute(sql, chunk))
        return out

    def titles(self, ids: Sequence[str]) -> dict[str, str]:
        """Titles by id."""
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            out.update(
                self.db.conn.execute(
                    f"SELECT id, title FROM papers WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        return out
