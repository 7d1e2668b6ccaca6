"""Stored embeddings: one float32 vector per (model, paper), recomputed only when the paper's text changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from paperradar.store.db import Database

_CHUNK = 500


class EmbeddingRepo:
    """Reads and writes of the ``embeddings`` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def missing(self, model: str, ids: Sequence[str] | None = None) -> list[tuple[str, str, str, str]]:
        """Papers with no vector for ``model`` or whose text changed since: (id, title, abstract, hash)."""
        # Without an abstract, a source's own summary bullets (e.g. a curated list's) stand in for it.
        sql = (
            "SELECT p.id, p.title, CASE WHEN p.abstract != '' THEN p.abstract ELSE "
            "COALESCE((SELECT group_concat(value, ' ') FROM json_each(p.extra, '$.bullets')), '') END, "
            "p.content_hash FROM papers p "
            "LEFT JOIN embeddings e ON e.model = ? AND e.paper_id = p.id "
            "WHERE (e.paper_id IS NULL OR e.content_hash != p.content_hash)"
        )
        if ids is None:
            state = self._papers_state()  # read before the scan: a paper written during it changes the state
            if self._stored_check(model) == state:
                return []
            rows = [tuple(r) for r in self.db.conn.execute(sql + " ORDER BY p.pk", (model,))]
            if not rows:
                self._remember_check(model, state)
            return rows
        out: list[tuple[str, str, str, str]] = []
        wanted = list(ids)
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            out.extend(
                tuple(r)
                for r in self.db.conn.execute(
                    sql + f" AND p.id IN ({','.join('?' * len(chunk))}) ORDER BY p.pk", (model, *chunk)
                )
            )
        return out

    def _papers_state(self) -> tuple[int, int]:
        """(largest paper pk, last change-log sequence number): both change whenever a paper is added, changed or
        deleted (the log's numbers are never reused), and both are read in O(1)."""
        conn = self.db.conn
        pk = conn.execute("SELECT COALESCE(MAX(pk), 0) FROM papers").fetchone()[0]
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'paper_changes'").fetchone()
        return int(pk), int(seq[0]) if seq else 0

    def _stored_check(self, model: str) -> tuple[int, int] | None:
        row = self.db.conn.execute(
            "SELECT papers_pk, change_seq FROM embedding_checks WHERE model = ?", (model,)
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def _remember_check(self, model: str, state: tuple[int, int]) -> None:
        """Keep "nothing missing at ``state``" for the next search (when the file can be written)."""
        from paperradar.store.db import StoreError

        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO embedding_checks (model, papers_pk, change_seq) VALUES (?, ?, ?)",
                    (model, *state),
                )
        except (StoreError, sqlite3.Error):
            pass  # a read-only or damaged file: the next process scans again, nothing is lost

    def save(self, model: str, rows: Sequence[tuple[str, str]], vectors: np.ndarray, now: str) -> None:
        """Store vectors for (paper_id, content_hash) rows in one transaction (replacing older ones)."""
        vecs = np.ascontiguousarray(vectors, dtype="<f4")
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, paper_id, content_hash, dim, vector, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(model, pid, h, vecs.shape[1], vecs[i].tobytes(), now) for i, (pid, h) in enumerate(rows)],
            )
            conn.execute(
                "INSERT INTO embedding_versions (model, version) VALUES (?, 1) "
                "ON CONFLICT (model) DO UPDATE SET version = version + 1",
                (model,),
            )

    def count(self, model: str) -> int:
        """How many papers have a vector for ``model``."""
        return int(self.db.conn.execute("SELECT count(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0])

    def count_live(self, model: str) -> int:
        """How many stored papers have a vector for ``model`` (vectors of deleted papers not counted)."""
        return int(
            self.db.conn.execute(
                "SELECT count(*) FROM embeddings e JOIN papers p ON p.id = e.paper_id WHERE e.model = ?", (model,)
            ).fetchone()[0]
        )

    def signature(self, model: str) -> str:
        """Changes whenever a vector of ``model`` is added or replaced: a cache key, cheap at any size."""
        row = self.db.conn.execute("SELECT version FROM embedding_versions WHERE model = ?", (model,)).fetchone()
        return f"v{row[0] if row else 0}"

    def newest(self, model: str) -> str | None:
        """When the newest vector of ``model`` was written."""
        return self.db.conn.execute("SELECT max(created) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

    def written_since(self, model: str, created: str) -> list[str]:
        """Ids of papers (still stored) whose ``model`` vector was written at or after ``created``, in paper order."""
        return [
            r[0]
            for r in self.db.conn.execute(
                "SELECT e.paper_id FROM embeddings e JOIN papers p ON p.id = e.paper_id "
                "WHERE e.model = ? AND e.created >= ? ORDER BY p.pk",
                (model, created),
            )
        ]

    def matrix(self, model: str, ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
        """(ids, float32 matrix) of stored vectors for ``model``: all in paper order, or the given ids that have one."""
        conn = self.db.conn
        if ids is None:
            rows = conn.execute(
                "SELECT e.paper_id, e.dim, e.vector FROM embeddings e JOIN papers p "
                "ON p.id = e.paper_id WHERE e.model = ? ORDER BY p.pk",
                (model,),
            ).fetchall()
        else:
            rows, wanted = [], list(ids)
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                got = {
                    r[0]: r
                    for r in conn.execute(
                        f"SELECT paper_id, dim, vector FROM embeddings WHERE model = ? AND paper_id IN "
                        f"({','.join('?' * len(chunk))})",
                        (model, *chunk),
                    )
                }
                rows.extend(got[k] for k in chunk if k in got)
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dim = rows[0][1]
        buf = b"".join(r[2] for r in rows)
        return [r[0] for r in rows], np.frombuffer(buf, dtype="<f4").reshape(len(rows), dim)
