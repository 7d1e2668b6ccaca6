"""Every front end asks the same Radar: the `interest`, `embedder` and `fetch.contact` settings (from the
environment or config.toml) reach `digest`, `report`, `serve`, `send`, `run` and `fetch`, and a report that fails
its grounding check is refused the same way by the CLI, the web pages, the API, the mailer and the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from paperradar import Radar, Settings
from paperradar.cli import app
from paperradar.models import Paper
from paperradar.store import Store

from ..conftest import free_port
from .conftest import Reply

DAY = "2025-01-02"
WEEK = "2025-W01"
MINE = """name = "mine"
description = "Making neural networks cheaper: quantization, pruning and KV cache compression."
subtopics = ["quantization of weights to few bits", "KV cache compression for long contexts"]
include_keywords = ["quantization", "kv cache"]
threshold = 0.05
"""
PAPERS = [
    Paper(
        id=f"2501.0000{i}",
        title=f"KV cache quantization for efficient inference {i}",
        abstract=f"We quantize the KV cache to {i + 1} bits and prune heads, cutting memory by {10 * i}%.",
        authors=["Ada Lovelace"],
        categories=["cs.LG"],
        announced=DAY,
    )
    for i in range(1, 5)
]


@pytest.fixture(params=["env", "toml"])
def configured(request, db_path, monkeypatch):
    """A database of one day's papers, a reader's own profile `mine`, and settings naming it (and the test
    embedder) either in the environment or in config.toml; nothing passes --interest."""
    home = Path(os.environ["PAPERRADAR_HOME"])
    (home / "profiles").mkdir(parents=True)
    (home / "profiles" / "mine.toml").write_text(MINE, encoding="utf-8")
    if request.param == "env":
        monkeypatch.setenv("PAPERRADAR_INTEREST", "mine")
        monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    else:
        (home / "config.toml").write_text('interest = "mine"\nembedder = "hashing"\n', encoding="utf-8")
    with Store(db_path) as s:
        s.papers.write_batch(PAPERS, source="t", now="t")
    return db_path


def test_interest_setting_reaches_digest_report_and_send(runner, configured, smtp_server, monkeypatch):
    db = str(configured)
    r = runner.invoke(app, ["--db", db, "digest", "--date", DAY, "--format", "json", "--no-mark"])
    assert r.exit_code == 0, r.output
    digest = json.loads(r.output)
    assert digest["interest"] == "mine" and digest["items"] == 4
    r = runner.invoke(app, ["--db", db, "report", "--week", WEEK, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["interest"] == "mine"
    # the embedder setting: vectors are stored under the hashing model's name, none under MiniLM's
    with Store(configured) as s:
        assert len(s.embeddings.matrix("hashing-256")[0]) == 4
        assert len(s.embeddings.matrix("all-MiniLM-L6-v2")[0]) == 0
    inbox, port = smtp_server
    monkeypatch.setenv("PAPERRADAR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PAPERRADAR_SMTP_PORT", str(port))
    r = runner.invoke(app, ["--db", db, "subscribe", "reader@example.org"])
    assert r.exit_code == 0 and "'mine'" in r.output
    r = runner.invoke(app, ["--db", db, "send", "--date", DAY])
    assert r.exit_code == 0, r.output
    assert len(inbox.messages) == 1 and "mine" in inbox.messages[0]["Subject"]


def test_interest_and_contact_settings_reach_run(runner, configured, replay_server, fixtures_dir, tmp_path):
    home = Path(os.environ["PAPERRADAR_HOME"])
    with (home / "config.toml").open("a", encoding="utf-8") as f:
        f.write('[fetch]\ncontact = "radar-owner@example.org"\narxiv_interval = 0\n')
    feed = (fixtures_dir / "arxiv_rss_xml" / "jmamath-distill__arxiv_cs_lg_2026-04-27_trimmed3items.xml").read_bytes()
    replay_server.handler = lambda path, p: Reply(body=feed)
    out = tmp_path / "out"
    url = replay_server.url + "/rss/{categories}"
    r = runner.invoke(app, ["--db", str(configured), "run", "-c", "cs.LG", "--out", str(out), "--base-url", url])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir())[0].startswith("digest-mine-")
    assert "mailto:radar-owner@example.org" in replay_server.headers[0]["User-Agent"]
    r = runner.invoke(app, ["--db", str(configured), "fetch", "rss", "-c", "cs.LG", "--base-url", url])
    assert r.exit_code == 0 and "mailto:radar-owner@example.org" in replay_server.headers[1]["User-Agent"]


def test_interest_setting_reaches_serve(configured):
    """`paperradar serve` as a real process: its API and front page use the configured interest."""
    port = free_port()
    cmd = [sys.executable, "-m", "paperradar", "--db", str(configured), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # wait (bounded) for the server to listen
            try:
                httpx.get(base + "/api/profiles", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        got = httpx.get(f"{base}/api/digests/{DAY}", timeout=30).json()
        assert got["interest"] == "mine" and got["items"] == 4
        page = httpx.get(f"{base}/?date={DAY}", headers={"accept": "text/html"}, timeout=30).text
        assert "mine" in page and "KV cache quantization" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def failing_verification(monkeypatch):
    """Make the grounding check find a problem in every report: what matters here is how it is refused."""
    import paperradar.reports.report

    monkeypatch.setattr(paperradar.reports.report, "verify", lambda report, text=None: ["number 99 not in the sources"])


def test_a_report_that_fails_verification_is_refused_everywhere(
    runner, db_path, failing_verification, smtp_server, monkeypatch, tmp_path
):
    from fastapi.testclient import TestClient

    from paperradar.radar import ReportError
    from paperradar.web import create_app

    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    with Store(db_path) as s:
        s.papers.write_batch(PAPERS, source="t", now="t")
        s.delivery.subscribe("weekly@example.org", "efficiency", "weekly", "t")
    reason = f"the report of {WEEK} failed its grounding check: number 99 not in the sources"
    radar = Radar(db_path, Settings(embedder="hashing"))
    with pytest.raises(ReportError, match="number 99"):
        radar.week_report(WEEK)
    # the CLI: exit 1 with one line
    r = runner.invoke(app, ["--db", str(db_path), "report", "--week", WEEK])
    assert r.exit_code == 1 and r.output.strip() == f"error: {reason}"
    # the web page and the API: an error with the same reason, never the report
    with TestClient(create_app(radar)) as client:
        page = client.get(f"/reports/{WEEK}", headers={"accept": "text/html"})
        assert page.status_code == 500 and reason in page.text and "General trends" not in page.text
        api = client.get(f"/api/reports/{WEEK}")
        assert api.status_code == 500 and api.json()["detail"] == reason
    # the mailer: nothing sent, the delivery recorded as failed with the reason (it stays queued)
    inbox, port = smtp_server
    monkeypatch.setenv("PAPERRADAR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PAPERRADAR_SMTP_PORT", str(port))
    r = runner.invoke(app, ["--db", str(db_path), "send", "--date", "2025-01-08"])
    assert r.exit_code == 1 and f"weekly@example.org: {reason}" in r.output
    assert inbox.messages == []
    # the demo writes a report too: refused the same way
    r = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "demo", "--out", str(tmp_path / "demo")])
    assert r.exit_code == 1 and f"error: {reason.replace(WEEK, '2023-W25')}" in r.output  # the sample's week
    assert not list((tmp_path / "demo").glob("report-*"))
    radar.close()
