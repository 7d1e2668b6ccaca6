"""The store's core promises: migrations, dedup by id, versions, quarantine."""

from __future__ import annotations

from paperradar.models import Paper, Rejected, Version
from paperradar.store import Store


def test_migrations_apply_once(db_path):
    with Store(db_path) as s:
        first = s.db.applied_migrations()
    with Store(db_path) as s:
        assert s.db.applied_migrations() == first
        assert 1 in first


def test_new_then_updated_version(store):
    v1 = Paper(id="2501.00001v1", title="A", abstract="x", authors=["Ann Lee"], versions=[Version(1, "2025-01-01")])
    r = store.papers.write_batch([v1], source="t", now="2025-01-01T00:00:00+00:00")
    assert (r.new, r.updated) == (1, 0)
    v2 = Paper(id="2501.00001v2", title="A2", abstract="y", authors=["Ann Lee"], versions=[Version(2, "2025-02-01")])
    r = store.papers.write_batch([v2], source="t", now="2025-02-01T00:00:00+00:00")
    assert (r.new, r.updated) == (0, 1)
    p = store.papers.get("2501.00001")
    assert p is not None and p.title == "A2" and p.version == 2
    assert [v.version for v in p.versions] == [1, 2]
    assert store.papers.status("2501.00001") == "updated"
    # an older version arriving late changes nothing but the history
    r = store.papers.write_batch([v1], source="t", now="2025-03-01T00:00:00+00:00")
    assert (r.new, r.updated, r.unchanged) == (0, 0, 1)
    assert store.papers.get("2501.00001").title == "A2"
    assert store.papers.count() == 1


def test_non_arxiv_dedup_by_title_and_first_author(store):
    a = Paper(title="Efficient  Transformers: A Survey", authors=["Yi Tay", "M. Dehghani"])
    b = Paper(title="Efficient Transformers - a survey.", authors=["Tay, Yi"])
    store.papers.write_batch([a], source="x.bib", now="t1")
    r = store.papers.write_batch([b], source="y.csv", now="t2")
    assert r.unchanged == 1 and store.papers.count() == 1


def test_quarantine_is_not_duplicated(store):
    bad = Rejected("line 3", "missing title", '{"id": "1"}')
    assert store.papers.write_batch([bad], source="f.jsonl", now="t").quarantined == 1
    assert store.papers.write_batch([bad], source="f.jsonl", now="t").quarantined == 0
    assert store.papers.stats()["quarantined"] == 1


def test_missing_vectors_check_is_skipped_while_no_paper_changed(tmp_path):
    """A search asks for missing vectors every time; while no paper was added, changed or deleted since the last
    "nothing missing", the answer comes without scanning the papers, and any change brings the scan back."""
    from paperradar.embed import HashingEmbedder, ensure_embeddings

    emb = HashingEmbedder()
    db = tmp_path / "radar.db"
    with Store(db) as s:
        s.papers.write_batch([_paper("2501.00001", 1), _paper("2501.00002", 1)], source="t", now="t")
        ensure_embeddings(s, emb)
        assert s.embeddings.missing(emb.name) == []  # scanned: nothing missing, remembered
    with Store(db) as s:  # the next process trusts the stored check
        statements: list[str] = []
        s.db.conn.set_trace_callback(statements.append)
        assert s.embeddings.missing(emb.name) == []
        assert not any("LEFT JOIN embeddings" in q for q in statements)
        s.db.conn.set_trace_callback(None)
        s.papers.write_batch([_paper("2501.00002", 2)], source="t", now="t2")
        assert [r[0] for r in s.embeddings.missing(emb.name)] == ["2501.00002"]  # a changed text is seen
        ensure_embeddings(s, emb)
        assert s.embeddings.missing(emb.name) == []
        s.papers.write_batch([_paper("2501.00003", 1)], source="t", now="t3")
        assert [r[0] for r in s.embeddings.missing(emb.name)] == ["2501.00003"]  # so is a new paper


def _paper(pid: str, version: int) -> Paper:
    return Paper(
        id=f"{pid}v{version}",
        title=f"Paper {pid}",
        abstract=f"Abstract of version {version}.",
        authors=["Ann Lee"],
        versions=[Version(version, f"2025-01-0{version}")],
    )
