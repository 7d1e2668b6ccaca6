"""Kill-and-rerun: an ingest killed mid-way and run again loses and duplicates nothing."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time

import orjson
import pytest

from paperradar.ingest import ingest_files
from paperradar.store import Store


@pytest.fixture(scope="module")
def corpus_slice(shared_data, tmp_path_factory):
    """20,000 real papers from the dev corpus, with each id appearing once, as a gzip JSONL file."""
    src = shared_data / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"
    out = tmp_path_factory.mktemp("corpus") / "slice.jsonl.gz"
    with gzip.open(src, "rb") as f, gzip.open(out, "wb", compresslevel=1) as g:
        for n, line in enumerate(f):
            if n >= 20000:
                break
            g.write(line)
    return out


def _count(db):
    try:
        with sqlite3.connect(db, timeout=30) as c:
            return c.execute("SELECT count(*) FROM papers").fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0


def test_killed_ingest_then_rerun_is_exact(corpus_slice, db_path):
    with gzip.open(corpus_slice) as f:
        ids = [orjson.loads(line)["id"] for line in f]
    cmd = [sys.executable, "-m", "paperradar", "--db", str(db_path), "ingest", str(corpus_slice)]
    # small batches: many commits to interrupt; FTS5 as the keyword engine whatever the slice's size, since its
    # index lives in the same file and transactions as the papers (tantivy's has its own tests)
    env = {**os.environ, "PAPERRADAR_INGEST_BATCH": "500", "PAPERRADAR_INDEX_TANTIVY_THRESHOLD": "1000000"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        n = _count(db_path)
        if 0 < n < len(ids):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait(timeout=60)
    killed_at = _count(db_path)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert 0 < killed_at < len(ids)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert f"{len(ids) - killed_at} new" in done.stdout and f"{killed_at} unchanged" in done.stdout
    with Store(db_path) as store:
        stored = store.papers.ids()
        assert sorted(stored) == sorted(ids)  # every paper once, none lost
        conn = store.db.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
        assert store.papers.fts_pending() == 0
        versions = conn.execute(
            "SELECT paper_id, version, count(*) FROM paper_versions GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
        assert versions == []
        title = store.papers.get(ids[-1]).title
        quoted = '"' + title.split()[0].replace('"', "") + '"'
        hits = conn.execute(
            "SELECT p.id FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ?", (quoted,)
        ).fetchall()
        assert ids[-1] in {h[0] for h in hits}


def test_reingesting_the_same_file_changes_nothing(corpus_slice, store):
    first = ingest_files(store, [corpus_slice])
    store.papers.sync_fts()
    dump = list(store.db.conn.iterdump())
    second = ingest_files(store, [corpus_slice])
    assert second.new == second.updated == 0 and second.unchanged == first.new
    assert list(store.db.conn.iterdump()) == dump
