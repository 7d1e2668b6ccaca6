"""`paperradar run` end to end against a local server replaying arXiv's RSS: digest written, then "nothing new"."""

from __future__ import annotations

from paperradar.cli import app

from .conftest import Reply


def test_run_writes_a_digest_then_says_nothing_new(runner, db_path, tmp_path, replay_server, fixtures_dir, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    monkeypatch.setenv("PAPERRADAR_FETCH_ARXIV_INTERVAL", "0")
    feed = (fixtures_dir / "arxiv_rss_xml" / "jmamath-distill__arxiv_cs_lg_2026-04-27_trimmed3items.xml").read_bytes()
    replay_server.handler = lambda path, p: Reply(body=feed)
    out = tmp_path / "out"
    args = [
        "--db",
        str(db_path),
        "run",
        "--source",
        "rss",
        "-c",
        "cs.LG",
        "--out",
        str(out),
        "--base-url",
        replay_server.url + "/rss/{categories}",
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "3 new" in r.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "digest-efficiency-2026-04-27.atom",
        "digest-efficiency-2026-04-27.html",
        "digest-efficiency-2026-04-27.md",
    ]
    assert replay_server.requests[0][0] == "/rss/cs.LG"
    r = runner.invoke(app, args)
    assert r.exit_code == 0 and "nothing new" in r.output
    r = runner.invoke(app, [*args[:4], "nope"])
    assert r.exit_code == 2 and "unknown source" in r.output
