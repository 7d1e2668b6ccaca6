"""Subscriptions and deliveries: who gets which digest, and what was already sent."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperradar.store.db import Database


@dataclass(frozen=True)
class Subscription:
    """One e-mail subscription to an interest's daily or weekly digest."""

    sid: int
    email: str
    interest: str
    frequency: str
    reader: str
    token: str
    active: bool


def _sub(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["sid"], row["email"], row["interest"], row["frequency"], row["reader"], row["token"], bool(row["active"])
    )


class DeliveryRepo:
    """Reads and writes of ``subscriptions`` and ``deliveries``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def subscribe(self, email: str, interest: str, frequency: str, now: str, reader: str | None = None) -> Subscription:
        """Create (or re-activate) a subscription; idempotent for the same email, interest and frequency."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO subscriptions (email, interest, frequency, reader, token, created) "
                "VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (email, interest, frequency) DO UPDATE SET active = 1",
                (email, interest, frequency, reader or email, secrets.token_urlsafe(24), now),
            )
        row = self.db.conn.execute(
            "SELECT * FROM subscriptions WHERE email = ? AND interest = ? AND frequency = ?",
            (email, interest, frequency),
        ).fetchone()
        return _sub(row)

    def unsubscribe(self, email_or_token: str) -> int:
        """Deactivate every subscription of an address, or the one with this token; return how many."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE subscriptions SET active = 0 WHERE active = 1 AND (email = ? OR token = ?)",
                (email_or_token, email_or_token),
            )
        return cur.rowcount

    def all(self, *, active_only: bool = True, frequency: str | None = None) -> list[Subscription]:
        """Subscriptions, optionally only active ones of one frequency."""
        sql, params = "SELECT * FROM subscriptions WHERE 1=1", []
        if active_only:
            sql += " AND active = 1"
        if frequency:
            sql += " AND frequency = ?"
            params.append(frequency)
        return [_sub(r) for r in self.db.conn.execute(sql + " ORDER BY sid", params)]

    def pending(self, frequency: str, period: str) -> list[Subscription]:
        """Active subscriptions of ``frequency`` that have not yet been sent the digest for ``period``."""
        return [
            _sub(r)
            for r in self.db.conn.execute(
                "SELECT * FROM subscriptions s WHERE active = 1 AND frequency = ? AND NOT EXISTS "
                "(SELECT 1 FROM deliveries d WHERE d.sid = s.sid AND d.period = ? AND d.status = 'sent') ORDER BY sid",
                (frequency, period),
            )
        ]

    def record(self, sid: int, period: str, status: str, now: str, papers: int = 0, error: str | None = None) -> None:
        """Record a delivery attempt (a later 'sent' replaces an earlier 'failed')."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO deliveries (sid, period, status, papers, error, at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (sid, period) DO UPDATE SET status = excluded.status, papers = excluded.papers,"
                " error = excluded.error, at = excluded.at",
                (sid, period, status, papers, error, now),
            )

    def deliveries(self, sid: int) -> list[tuple[str, str]]:
        """(period, status) of every delivery to one subscription."""
        return [
            (r[0], r[1])
            for r in self.db.conn.execute("SELECT period, status FROM deliveries WHERE sid = ? ORDER BY period", (sid,))
        ]
