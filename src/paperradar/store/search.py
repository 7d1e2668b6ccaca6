"""Keyword search (FTS5 BM25) and the filters shared by every search: dates, categories, tags, topics."""

from __future__ import annotations

from collections.abc import Sequence
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


_DAY = "substr(COALESCE(p.announced, p.published, p.first_seen), 1, 10)"


class SearchRepo:
    """SQL for search: BM25 over the FTS5 index, and filter clauses."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _has_table(self, name: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None

    def _filter_sql(self, f: SearchFilters | None) -> tuple[str, list[Any]]:
        if f is None or not f.active():
            return "", []
        clauses, params = [], []  # type: ignore[var-annotated]
        if f.date_from:
            clauses.append(f"{_DAY} >= ?")
            params.append(f.date_from)
        if f.date_to:
            clauses.append(f"{_DAY} <= ?")
            params.append(f.date_to)
        if f.categories:
            clauses.append(
                f"p.pk IN (SELECT pk FROM paper_categories WHERE category IN ({','.join('?' * len(f.categories))}))"
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
        self, match: str, limit: int, filters: SearchFilters | None = None, weights: Sequence[float] = (4.0, 1.0, 0.5)
    ) -> list[tuple[str, float]]:
        """(paper id, BM25 score, higher is better) for an FTS5 MATCH expression; raises sqlite3.OperationalError
        on a malformed expression."""
        where, params = self._filter_sql(filters)
        sql = (
            f"SELECT p.id, -bm25(papers_fts, {', '.join(str(float(w)) for w in weights)}) AS s "
            f"FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ?{where} "
            f"ORDER BY bm25(papers_fts, {', '.join(str(float(w)) for w in weights)}) LIMIT ?"
        )
        return [(r[0], float(r[1])) for r in self.db.conn.execute(sql, (match, *params, limit))]

    def allowed_ids(self, filters: SearchFilters | None) -> set[str] | None:
        """The ids a filter admits (None when it admits everything)."""
        if filters is None or not filters.active():
            return None
        where, params = self._filter_sql(filters)
        return {r[0] for r in self.db.conn.execute(f"SELECT p.id FROM papers p WHERE 1{where}", params)}

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
