"""Topics, paper-topic assignments per period, the readers' seen-sets, summaries and the LLM cache."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

if TYPE_CHECKING:
    from paperradar.store.db import Database


class TopicRepo:
    """Reads and writes of ``topics`` and ``paper_topics``; ``registry`` holds the topics tracked per scope."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.registry = RegistryRepo(db)

    def known(self, model: str) -> list[tuple[str, str, np.ndarray]]:
        """(topic id, label, centroid) of every stored topic of an embedding model."""
        out = []
        for tid, label, blob in self.db.conn.execute(
            "SELECT topic_id, label, centroid FROM topics WHERE model = ? AND centroid IS NOT NULL", (model,)
        ):
            out.append((tid, label, np.frombuffer(blob, dtype="<f4")))
        return out

    def next_id_factory(self) -> Callable[[], str]:
        """A generator of fresh topic ids (t1, t2, ...) continuing after the stored ones."""
        rows = self.db.conn.execute("SELECT topic_id FROM topics WHERE topic_id GLOB 't[0-9]*'").fetchall()
        start = max((int(r[0][1:]) for r in rows if r[0][1:].isdigit()), default=0)
        counter = iter(range(start + 1, 10**9))
        return lambda: f"t{next(counter)}"

    def save_period(
        self, period: str, model: str, topics: Sequence[dict[str, Any]], assignments: dict[str, str]
    ) -> None:
        """Store one period's topics (id, label, keyphrases, centroid) and paper assignments, replacing any
        earlier run for the same period; one transaction."""
        labels = {t["id"]: t["label"] for t in topics}
        with self.db.transaction() as conn:
            for t in topics:
                centroid = None if t.get("centroid") is None else np.asarray(t["centroid"], "<f4").tobytes()
                conn.execute(
                    "INSERT INTO topics (topic_id, label, keyphrases, centroid, model, first_period, last_period) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (topic_id) DO UPDATE SET label = excluded.label, "
                    "keyphrases = excluded.keyphrases, centroid = COALESCE(excluded.centroid, centroid), "
                    "last_period = MAX(last_period, excluded.last_period), "
                    "first_period = MIN(first_period, excluded.first_period)",
                    (
                        t["id"],
                        t["label"],
                        orjson.dumps(t.get("keyphrases", [])).decode(),
                        centroid,
                        model,
                        period,
                        period,
                    ),
                )
            conn.execute("DELETE FROM paper_topics WHERE period = ?", (period,))
            conn.executemany(
                "INSERT INTO paper_topics (paper_id, period, topic_id, label) VALUES (?, ?, ?, ?)",
                [(pid, period, tid, labels.get(tid, "Other")) for pid, tid in assignments.items()],
            )

    def counts(self, period: str) -> dict[str, int]:
        """Papers per topic id in a period."""
        return dict(
            self.db.conn.execute(
                "SELECT topic_id, count(*) FROM paper_topics WHERE period = ? GROUP BY topic_id", (period,)
            ).fetchall()
        )

    def of_period(self, period: str) -> dict[str, tuple[str, str]]:
        """paper id -> (topic id, label) for a period."""
        return {
            r[0]: (r[1], r[2])
            for r in self.db.conn.execute(
                "SELECT paper_id, topic_id, label FROM paper_topics WHERE period = ?", (period,)
            )
        }


class SeenRepo:
    """Which papers (and which version) each reader has been shown."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def seen(self, reader: str) -> dict[str, int | None]:
        """paper id -> version shown."""
        return dict(self.db.conn.execute("SELECT paper_id, version FROM shown WHERE reader = ?", (reader,)))

    def mark(self, reader: str, papers: Sequence[tuple[str, int | None]], day: str) -> None:
        """Record papers (id, version) as shown to ``reader`` on ``day``."""
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO shown (reader, paper_id, version, shown_on) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (reader, paper_id) DO UPDATE SET version = excluded.version, "
                "shown_on = excluded.shown_on",
                [(reader, p, v, day) for p, v in papers],
            )


class SummaryRepo:
    """Stored summaries, keyed by paper, method and the content they were made from."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get_many(self, ids: Sequence[str], method: str) -> dict[str, tuple[str, list[str], str | None]]:
        """paper id -> (content hash, bullets, headline)."""
        out = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            for pid, h, bullets, headline in self.db.conn.execute(
                f"SELECT paper_id, content_hash, bullets, headline FROM summaries WHERE method = ? AND "
                f"paper_id IN ({','.join('?' * len(chunk))})",
                (method, *chunk),
            ):
                out[pid] = (h, orjson.loads(bullets), headline)
        return out

    def save_many(self, rows: Sequence[tuple[str, str, str, list[str], str | None]], now: str) -> None:
        """(paper id, method, content hash, bullets, headline) rows, one transaction."""
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO summaries (paper_id, method, content_hash, bullets, headline, "
                "created) VALUES (?, ?, ?, ?, ?, ?)",
                [(p, m, h, orjson.dumps(b).decode(), hl, now) for p, m, h, b, hl in rows],
            )

    def cache_get(self, key: str) -> str | None:
        """A cached LLM response."""
        row = self.db.conn.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def cache_put(self, key: str, model: str, response: str, tokens: int, now: str) -> None:
        """Cache an LLM response."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO llm_cache (key, model, response, tokens, created) VALUES (?, ?, ?, ?, ?)",
                (key, model, response, tokens, now),
            )


class RegistryRepo:
    """Reads and writes of the topic registry (``topic_registry``, ``topic_weeks``, ``topic_weeks_built``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def topics(self, scope: str, model: str, *, exclude_week: str | None = None) -> list[dict[str, Any]]:
        """Every registered topic of a scope and embedding model (those first seen in ``exclude_week`` and
        never since are left out: they are a previous build of that week)."""
        out = []
        for tid, name, desc, anchor, phrases, blob, first, last in self.db.conn.execute(
            "SELECT topic_id, name, description, anchor, keyphrases, centroid, first_week, last_week "
            "FROM topic_registry WHERE scope = ? AND model = ? ORDER BY first_week, topic_id",
            (scope, model),
        ):
            if exclude_week is not None and first == last == exclude_week:
                continue
            out.append(
                {
                    "id": tid,
                    "name": name,
                    "description": desc,
                    "anchor": anchor,
                    "keyphrases": orjson.loads(phrases),
                    "centroid": None if blob is None else np.frombuffer(blob, dtype="<f4"),
                    "first_week": first,
                    "last_week": last,
                }
            )
        return out

    def next_id(self, scope: str) -> Callable[[], str]:
        """A generator of fresh topic ids (k1, k2, ...) of a scope, continuing after the stored ones."""
        rows = self.db.conn.execute("SELECT topic_id FROM topic_registry WHERE scope = ?", (scope,)).fetchall()
        start = max((int(r[0][1:]) for r in rows if r[0][1:].isdigit()), default=0)
        counter = iter(range(start + 1, 10**9))
        return lambda: f"k{next(counter)}"

    def built(self, scope: str) -> dict[str, int]:
        """week -> number of papers grouped, for the weeks of a scope already built."""
        return dict(self.db.conn.execute("SELECT week, papers FROM topic_weeks_built WHERE scope = ?", (scope,)))

    def save_week(
        self, scope: str, week: str, model: str, topics: Sequence[dict[str, Any]], assignments: dict[str, str]
    ) -> None:
        """Replace one week's grouping of a scope: upsert its topics (id, name, description, anchor, keyphrases,
        centroid) and its paper assignments, in one transaction."""
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM topic_registry WHERE scope = ? AND first_week = ? AND last_week = ?", (scope, week, week)
            )
            conn.execute("DELETE FROM topic_weeks WHERE scope = ? AND week = ?", (scope, week))
            for t in topics:
                centroid = None if t.get("centroid") is None else np.asarray(t["centroid"], "<f4").tobytes()
                conn.execute(
                    "INSERT INTO topic_registry (scope, topic_id, name, description, anchor, keyphrases, centroid, "
                    "model, first_week, last_week) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (scope, topic_id) DO UPDATE SET centroid = COALESCE(excluded.centroid, centroid), "
                    "keyphrases = excluded.keyphrases, last_week = MAX(last_week, excluded.last_week), "
                    "first_week = MIN(first_week, excluded.first_week)",
                    (
                        scope,
                        t["id"],
                        t["name"],
                        t.get("description", ""),
                        t.get("anchor"),
                        orjson.dumps(t.get("keyphrases", [])).decode(),
                        centroid,
                        model,
                        week,
                        week,
                    ),
                )
            conn.executemany(
                "INSERT INTO topic_weeks (scope, week, paper_id, topic_id) VALUES (?, ?, ?, ?)",
                [(scope, week, pid, tid) for pid, tid in assignments.items()],
            )
            conn.execute(
                "INSERT OR REPLACE INTO topic_weeks_built (scope, week, papers, model) VALUES (?, ?, ?, ?)",
                (scope, week, len(assignments), model),
            )

    def counts(self, scope: str, weeks: Sequence[str]) -> dict[str, dict[str, int]]:
        """week -> topic id -> papers, for the given weeks of a scope."""
        out: dict[str, dict[str, int]] = {w: {} for w in weeks}
        for w in weeks:
            for tid, n in self.db.conn.execute(
                "SELECT topic_id, count(*) FROM topic_weeks WHERE scope = ? AND week = ? GROUP BY topic_id",
                (scope, w),
            ):
                out[w][tid] = n
        return out

    def of_week(self, scope: str, week: str) -> dict[str, str]:
        """paper id -> topic id for one week of a scope."""
        return dict(
            self.db.conn.execute(
                "SELECT paper_id, topic_id FROM topic_weeks WHERE scope = ? AND week = ?", (scope, week)
            )
        )
