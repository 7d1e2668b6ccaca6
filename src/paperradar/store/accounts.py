"""Accounts for the web app: users with scrypt-hashed passwords, sessions, and API tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperradar.store.db import Database

LOCAL_USER = "local"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class User:
    """A web user; in single-user mode the implicit user ``local``."""

    uid: int
    name: str


def hash_password(password: str) -> str:
    """scrypt hash with a random salt, as ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a :func:`hash_password` string."""
    try:
        _algo, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _h(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountRepo:
    """Users, sessions and API tokens."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_user(self, name: str, password: str, now: str) -> User:
        """Create a user; raise ValueError when the name is taken or the password too short."""
        if len(password) < 8:
            raise ValueError("password must have at least 8 characters")
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise ValueError(f"user {name!r} exists")
            cur = conn.execute(
                "INSERT INTO users (name, password_hash, created) VALUES (?, ?, ?)",
                (name, hash_password(password), now),
            )
        return User(int(cur.lastrowid or 0), name)

    def local_user(self, now: str) -> User:
        """The implicit single-user-mode user (created on first use, with an unusable password)."""
        row = self.db.conn.execute("SELECT uid, name FROM users WHERE name = ?", (LOCAL_USER,)).fetchone()
        if row:
            return User(row[0], row[1])
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO users (name, password_hash, created) VALUES (?, '!', ?)", (LOCAL_USER, now)
            )
        row = self.db.conn.execute("SELECT uid, name FROM users WHERE name = ?", (LOCAL_USER,)).fetchone()
        return User(row[0], row[1])

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password matches, else None."""
        row = self.db.conn.execute("SELECT uid, name, password_hash FROM users WHERE name = ?", (name,)).fetchone()
        if row and verify_password(password, row[2]):
            return User(row[0], row[1])
        return None

    def users(self) -> list[User]:
        """All users."""
        return [User(r[0], r[1]) for r in self.db.conn.execute("SELECT uid, name FROM users ORDER BY uid")]

    def new_session(self, user: User, days: int = 30) -> tuple[str, str]:
        """Start a browser session; return (session token, CSRF token). Only the token's hash is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = (datetime.now(UTC) + timedelta(days=days)).isoformat()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, uid, csrf, expires) VALUES (?, ?, ?, ?)",
                (_h(token), user.uid, csrf, expires),
            )
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """(user, CSRF token) of a live session, or None."""
        row = self.db.conn.execute(
            "SELECT u.uid, u.name, s.csrf, s.expires FROM sessions s JOIN users u ON u.uid = s.uid "
            "WHERE s.token_hash = ?",
            (_h(token),),
        ).fetchone()
        if not row or row[3] < datetime.now(UTC).isoformat():
            return None
        return User(row[0], row[1]), row[2]

    def end_session(self, token: str) -> None:
        """Log out."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_h(token),))

    def new_api_token(self, user: User, label: str, now: str) -> str:
        """Create an API token for ``user``; the plain token is returned once and stored hashed."""
        token = "pr_" + secrets.token_urlsafe(32)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO api_tokens (token_hash, uid, label, created) VALUES (?, ?, ?, ?)",
                (_h(token), user.uid, label, now),
            )
        return token

    def api_user(self, token: str) -> User | None:
        """The user an API token belongs to, or None."""
        row = self.db.conn.execute(
            "SELECT u.uid, u.name FROM api_tokens t JOIN users u ON u.uid = t.uid WHERE t.token_hash = ?", (_h(token),)
        ).fetchone()
        return User(row[0], row[1]) if row else None
