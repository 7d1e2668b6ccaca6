"""Likes, dislikes and tags: the reader's signals, kept per interest profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperradar.store.db import Database


class FeedbackRepo:
    """Reads and writes of ``feedback`` and ``tags``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def set(self, profile: str, paper_id: str, value: str | None, now: str) -> None:
        """Record 'like' or 'dislike' for a paper under ``profile`` (None removes the feedback)."""
        with self.db.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM feedback WHERE profile = ? AND paper_id = ?", (profile, paper_id))
            else:
                conn.execute(
                    "INSERT INTO feedback (profile, paper_id, value, created) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (profile, paper_id) DO UPDATE SET value = excluded.value, "
                    "created = excluded.created",
                    (profile, paper_id, value, now),
                )

    def get(self, profile: str, paper_id: str) -> str | None:
        """'like', 'dislike' or None."""
        row = self.db.conn.execute(
            "SELECT value FROM feedback WHERE profile = ? AND paper_id = ?", (profile, paper_id)
        ).fetchone()
        return row[0] if row else None

    def of_profile(self, profile: str) -> dict[str, str]:
        """paper id -> 'like' / 'dislike' for one profile."""
        return dict(self.db.conn.execute("SELECT paper_id, value FROM feedback WHERE profile = ?", (profile,)))

    def tag(self, paper_id: str, tag: str, now: str) -> None:
        """Add a tag (idempotent)."""
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO tags (paper_id, tag, created) VALUES (?, ?, ?)", (paper_id, tag, now))

    def untag(self, paper_id: str, tag: str) -> bool:
        """Remove a tag; return whether it was there."""
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (paper_id, tag)).rowcount > 0

    def tags(self, paper_id: str) -> list[str]:
        """A paper's tags, sorted."""
        return [r[0] for r in self.db.conn.execute("SELECT tag FROM tags WHERE paper_id = ? ORDER BY tag", (paper_id,))]

    def tagged(self, tag: str) -> list[str]:
        """Ids of the papers carrying ``tag``."""
        return [r[0] for r in self.db.conn.execute("SELECT paper_id FROM tags WHERE tag = ? ORDER BY created", (tag,))]
