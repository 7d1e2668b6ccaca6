"""Shared fixtures: the ../shared data folder, a fresh store per test, the CLI runner."""

from __future__ import annotations

import email
import email.policy
import gzip
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from paperradar.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("PAPERRADAR_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (or PAPERRADAR_SHARED_DATA); tests that need it skip with a reason when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set PAPERRADAR_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir(shared_data: Path) -> Path:
    """../shared/data/fixtures: recorded responses of arXiv, HF and friends."""
    return shared_data / "fixtures"


@pytest.fixture(scope="session")
def dev_rows(shared_data: Path) -> list[dict]:
    """The first 1,500 records of the dev corpus (real cs.AI papers) as dicts."""
    rows = []
    with gzip.open(shared_data / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if len(rows) >= 1500:
                break
    return rows


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh database file in the test's temp dir."""
    return tmp_path / "radar.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A fresh, migrated store on a real SQLite file."""
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def runner() -> CliRunner:
    """Typer's CLI runner."""
    return CliRunner()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data dir or a real PAPERRADAR_DB from a test."""
    monkeypatch.setenv("PAPERRADAR_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("PAPERRADAR_DB", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on loopback: (its inbox, its port)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()
