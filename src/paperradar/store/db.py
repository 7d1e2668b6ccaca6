"""The SQLite connection, numbered migrations and the data directory: the only place that opens the DB."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import platformdirs

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """The database cannot be opened or is newer than this paperradar."""


def data_dir() -> Path:
    """The user's paperradar directory: ``PAPERRADAR_HOME``, else the platform's user data dir."""
    home = os.environ.get("PAPERRADAR_HOME")
    return Path(home).expanduser() if home else Path(platformdirs.user_data_dir("paperradar", appauthor=False))


def default_db_path() -> Path:
    """``PAPERRADAR_DB`` if set, else ``paperradar.db`` in :func:`data_dir`."""
    env = os.environ.get("PAPERRADAR_DB")
    return Path(env).expanduser() if env else data_dir() / "paperradar.db"


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped in ``store/migrations``: (number, file name, SQL), in order."""
    out = []
    for entry in resources.files("paperradar.store.migrations").iterdir():
        m = _MIGRATION.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    out.sort()
    numbers = [n for n, _, _ in out]
    if len(set(numbers)) != len(numbers):
        raise StoreError(f"two migrations share a number: {numbers}")
    return out


class Database:
    """One SQLite file in WAL mode, migrated to the newest schema on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if self.path != Path(":memory:"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open database ({e})") from e
        self.conn.row_factory = sqlite3.Row
        try:
            # Paper rows run to several KB (abstract + raw payload): larger pages avoid overflow chains.
            # (Takes effect only on a new, empty file; must precede journal_mode.)
            self.conn.execute("PRAGMA page_size=16384")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            self.conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache
            self.conn.execute("PRAGMA temp_store=MEMORY")
            if not readonly:
                self.migrate()
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise StoreError(f"{self.path}: not a paperradar database ({e})") from e

    @property
    def schema_version(self) -> int:
        """The number of the newest migration applied."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def applied_migrations(self) -> set[int]:
        """Numbers of the migrations already applied to this file."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
        )
        return {r[0] for r in self.conn.execute("SELECT number FROM schema_migrations")}

    def migrate(self) -> None:
        """Apply every shipped migration not yet applied, in number order, each in its own transaction."""
        known = migrations()
        applied = self.applied_migrations()
        unknown = applied - {n for n, _, _ in known}
        if unknown:
            raise StoreError(
                f"{self.path}: written by a newer paperradar (migrations {sorted(unknown)} "
                "unknown here); upgrade paperradar"
            )
        for number, name, sql in known:
            if number in applied:
                continue
            # executescript commits first; wrap the script and its bookkeeping in one transaction.
            self.conn.executescript(
                f"BEGIN;\n{sql}\n;INSERT INTO schema_migrations VALUES ({number}, '{name}', '{now_iso()}');\n"
                f"PRAGMA user_version={max(number, self.schema_version)};\nCOMMIT;"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
