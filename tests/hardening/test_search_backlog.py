"""The first search after a large ingest answers at once and says how much the meaning side covers; `paperradar
embed` embeds the rest, resumably (issue 13). Real CLI, real files, a real database."""

from __future__ import annotations

import orjson
import pytest

from paperradar import embed
from paperradar.cli import app
from paperradar.embed import HashingEmbedder
from paperradar.radar import INLINE_EMBED
from paperradar.store import Store


@pytest.fixture
def big_db(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    src = tmp_path / "papers.jsonl"
    n = INLINE_EMBED * 5
    src.write_text(
        "".join(
            orjson.dumps(
                {"id": f"2501.{i:05d}", "title": f"KV cache paper {i}", "abstract": "we compress the KV cache " * 20}
            ).decode()
            + "\n"
            for i in range(n)
        )
    )
    db = tmp_path / "radar.db"
    # --no-embed: the backlog of an import too big to embed on the way (`ingest` embeds up to INGEST_EMBED)
    assert runner.invoke(app, ["--db", str(db), "ingest", "--no-embed", str(src)]).exit_code == 0
    yield db, n


def _embedded(db) -> int:
    with Store(db) as s:
        return s.embeddings.count_live(HashingEmbedder().name)


def test_first_search_answers_from_what_is_indexed_and_says_so(big_db, runner):
    db, n = big_db
    r = runner.invoke(app, ["--db", str(db), "search", "KV cache", "--jsonl"])
    assert r.exit_code == 0, r.output
    hits = [orjson.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert len(hits) == 20  # the keyword side answered
    assert f"covers 0 of {n:,} papers" in r.stderr and "paperradar embed" in r.stderr
    assert _embedded(db) == 0  # nothing was embedded on the way
    r = runner.invoke(app, ["--db", str(db), "embed"])
    assert r.exit_code == 0, r.output
    assert _embedded(db) == n
    r = runner.invoke(app, ["--db", str(db), "search", "KV cache", "--jsonl"])
    assert r.exit_code == 0 and "covers" not in r.stderr
    assert any(orjson.loads(line)["vector_rank"] for line in r.stdout.splitlines())


class _Interrupted(HashingEmbedder):
    """Ctrl-C during the third batch."""

    calls = 0

    def embed_batch(self, texts):
        type(self).calls += 1
        if self.calls == 3:
            raise KeyboardInterrupt
        return super().embed_batch(texts)


def test_embed_resumes_after_an_interruption(big_db, runner, monkeypatch):
    db, n = big_db
    monkeypatch.setattr(embed, "make_embedder", lambda choice="": _Interrupted())
    r = runner.invoke(app, ["--db", str(db), "embed", "--batch", "100"])
    assert r.exit_code == 1 and "interrupted: 200 of" in r.stderr and "again" in r.stderr
    assert _embedded(db) == 200  # two batches were saved
    monkeypatch.setattr(embed, "make_embedder", lambda choice="": HashingEmbedder())
    r = runner.invoke(app, ["--db", str(db), "embed", "--batch", "100"])
    assert r.exit_code == 0 and f"embedded {n - 200:,} papers" in r.stdout
    assert _embedded(db) == n
