"""The SQLite connection, numbered migrations and the data directory: the only place that opens the DB."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """The database cannot be opened or is newer than this paperradar."""


class StoreCorrupt(StoreError, sqlite3.DatabaseError):
    """The database file is damaged: reads may fail, writes are refused. The message says how to restore."""


# SQLite's primary result codes for a damaged file: SQLITE_CORRUPT, SQLITE_NOTADB.
_CORRUPT_CODES = {11, 26}
QUICK_CHECK_MAX_BYTES = 512 * 1024 * 1024  # quick_check on open reads the whole file: only below this size


def _is_corruption(e: sqlite3.DatabaseError) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CORRUPT_CODES:
        return True
    msg = str(e).lower()
    return "malformed" in msg or "not a database" in msg or "corrupt" in msg


def restore_hint(path: Path) -> str:
    """What to do about a damaged database file (one line)."""
    return (
        f"restore {path} from a backup (stop paperradar and copy the backup over it), or salvage what is readable "
        f"with `sqlite3 {path} .recover | sqlite3 recovered.db` and use --db recovered.db"
    )


class _GuardedCursor(sqlite3.Cursor):
    """A cursor that turns SQLite's corruption errors into StoreCorrupt and marks the database damaged."""

    db: Database | None = None

    def _guard(self, e: sqlite3.DatabaseError) -> BaseException:
        if self.db is not None and _is_corruption(e) and not isinstance(e, StoreCorrupt):
            return self.db.mark_corrupt(str(e))
        return e

    def execute(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e

    def executemany(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e

    def fetchmany(self, *args: Any) -> list[Any]:
        try:
            return super().fetchmany(*args)
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as e:
            raise self._guard(e) from e


class _GuardedConnection(sqlite3.Connection):
    """A connection whose cursors (also those ``conn.execute`` makes) are :class:`_GuardedCursor`."""

    db: Database | None = None

    def cursor(self, factory: Any = _GuardedCursor) -> Any:
        cur = super().cursor(factory)
        cur.db = self.db
        return cur


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
            self.conn = sqlite3.connect(
                str(self.path), timeout=30, isolation_level=None, check_same_thread=False, factory=_GuardedConnection
            )
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open database ({e})") from e
        self.corrupt: str | None = None
        self.conn.db = self
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
            self._check_on_open()
            if not readonly and self.corrupt is None:
                self.migrate()
        except StoreCorrupt:
            pass  # opened, so that what is readable can still be read; every write is refused
        except sqlite3.DatabaseError as e:
            if _is_corruption(e) and self.path.stat().st_size > 0 and self._looks_like_sqlite():
                self.mark_corrupt(str(e))  # a damaged SQLite file, not a foreign one: say how to restore it
                return
            self.conn.close()
            raise StoreError(f"{self.path}: not a paperradar database ({e})") from e

    def _looks_like_sqlite(self) -> bool:
        with open(self.path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"

    def _marker(self) -> Path:
        return self.path.parent / f"{self.path.name}.files" / "DAMAGED"

    def _check_on_open(self) -> None:
        """``PRAGMA quick_check`` when it is cheap (a file under QUICK_CHECK_MAX_BYTES) or when an earlier process
        found the file damaged (its marker file); a damaged file is marked so (see :meth:`mark_corrupt`)."""
        if self.path == Path(":memory:") or not self.path.exists():
            return
        marker = self._marker()
        if self.path.stat().st_size > QUICK_CHECK_MAX_BYTES and not marker.exists():
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # at least the schema is readable
            return
        rows = [r[0] for r in self.conn.execute("PRAGMA quick_check(100)").fetchall()]
        # quick_check also reports NOT NULL / CHECK constraint findings (e.g. a NULL in a non-INTEGER primary key,
        # which SQLite allows); those are not a damaged file.
        rows = [r for r in rows if not str(r).startswith(("NULL value in", "CHECK constraint failed"))]
        if rows and rows != ["ok"]:
            raise self.mark_corrupt("; ".join(map(str, rows)))
        if marker.exists():
            marker.unlink()  # repaired or restored since

    def mark_corrupt(self, reason: str) -> StoreCorrupt:
        """Record that the file is damaged (writes are refused from now on, and the next process checks it on
        open); return the error to raise."""
        if self.corrupt is None:
            reason = " ".join(reason.replace("*** in database main ***", "").split())
            self.corrupt = reason if len(reason) <= 120 else reason[:117] + "..."
            try:
                marker = self._marker()
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(f"{now_iso()} {reason}\n", encoding="utf-8")
            except OSError:
                pass  # a read-only folder: this process refuses writes all the same
        return StoreCorrupt(f"{self.path} is damaged ({self.corrupt}); writes are refused: {restore_hint(self.path)}")

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
        """A write transaction: committed on success, rolled back on any exception; refused (StoreCorrupt) on a
        damaged file."""
        if self.corrupt is not None:
            raise StoreCorrupt(
                f"{self.path} is damaged ({self.corrupt}); writes are refused: {restore_hint(self.path)}"
            )
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            with suppress(sqlite3.DatabaseError):  # a damaged file may fail the rollback too; the error says more
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
