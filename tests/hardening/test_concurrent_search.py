"""Searches from other processes while ingests write the tantivy index (issue 13): none may crash, none may come
back empty, each sees the last committed state. Real processes, a real database and index folder."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

WORDS = [
    "cache",
    "attention",
    "sparse",
    "quantization",
    "decoding",
    "speculative",
    "pruning",
    "distillation",
    "kernel",
    "memory",
    "latency",
    "throughput",
    "transformer",
    "token",
    "eviction",
    "mixture",
    "expert",
    "routing",
    "adapter",
    "low",
    "rank",
    "gradient",
]


def _corpus(path: Path, start: int, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    with path.open("w") as f:
        for i in range(start, start + n):
            title = " ".join(rnd.choices(WORDS, k=6))
            abstract = " ".join(rnd.choices(WORDS, k=120))
            row = {"id": f"2501.{i:05d}", "title": f"{title} {i}", "abstract": abstract, "listing_date": "2025-01-02"}
            f.write(orjson.dumps(row).decode() + "\n")


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperradar", *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_searches_during_ingests_never_crash_or_come_back_empty(tmp_path):
    env = {
        **os.environ,
        "PAPERRADAR_DB": str(tmp_path / "radar.db"),
        "PAPERRADAR_INDEX_TANTIVY_THRESHOLD": "500",  # tantivy from the start
        "PAPERRADAR_INGEST_BATCH": "500",  # many small commits: many chances to meet a half-written index
        "PAPERRADAR_EMBEDDER": "hashing",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    files = []
    for k in range(3):
        files.append(tmp_path / f"part{k}.jsonl")
        _corpus(files[-1], k * 4000, 4000, k)
    first = _cli(env, "ingest", str(files[0]))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "radar.db.files" / "index" / "keyword-tantivy").is_dir()

    def search(i: int) -> tuple[int, str, int]:
        r = _cli(
            env, "search", f"{WORDS[i % len(WORDS)]} {WORDS[(i * 7) % len(WORDS)]}", "--mode", "keyword", "--jsonl"
        )
        return r.returncode, r.stderr[-400:], len(r.stdout.splitlines())

    with ThreadPoolExecutor(4) as pool:
        ingests = [pool.submit(_cli, env, "ingest", str(f)) for f in files[1:]]  # two writers at once
        searches = list(pool.map(search, range(24)))
    for job in ingests:
        assert job.result().returncode == 0, job.result().stderr
    failures = [(code, err) for code, err, _n in searches if code != 0]
    assert not failures, failures
    assert all(n > 0 for _c, _e, n in searches), [n for _c, _e, n in searches]
    final = _cli(env, "search", "cache 9999", "--mode", "keyword", "--jsonl", "-n", "3")  # the last committed state
    assert final.returncode == 0 and '"2501.09999"' in final.stdout.splitlines()[0], final.stdout


def test_a_search_between_another_writers_commit_and_its_meta_write_keeps_the_index(tmp_path):
    """The window that made searches come back empty: a writer has committed to tantivy but not yet recorded it in
    its meta file (it is merging segments). A search then must neither rebuild nor wipe the folder."""
    from paperradar.index.keyword import _document, _Files, _writer_lock
    from paperradar.store import Store

    env = {
        **os.environ,
        "PAPERRADAR_DB": str(tmp_path / "radar.db"),
        "PAPERRADAR_INDEX_TANTIVY_THRESHOLD": "500",
        "PAPERRADAR_EMBEDDER": "hashing",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    _corpus(tmp_path / "a.jsonl", 0, 2000, 1)
    assert _cli(env, "ingest", str(tmp_path / "a.jsonl")).returncode == 0
    folder = tmp_path / "radar.db.files" / "index" / "keyword-tantivy"
    files = _Files(folder)
    assert files.open()
    with Store(tmp_path / "radar.db") as store, _writer_lock(files.lock_path) as mine:
        assert mine
        writer = files.index.writer(heap_size=50_000_000, num_threads=1)
        for row in store.search.index_rows(0, 10):
            writer.add_json(_document(row))  # (a re-indexed paper, say)
        writer.commit()  # committed; the meta file still has the old document count
        r = _cli(env, "search", "cache attention", "--mode", "keyword", "--jsonl")
        del writer
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 20, r.stdout
    import tantivy

    # the folder was neither wiped nor rebuilt by the search: the other writer's commit is all there
    assert tantivy.Index.open(str(folder)).searcher().num_docs == 2010
