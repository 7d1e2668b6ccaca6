"""Completing id-only papers from the arXiv API, against a local server replaying recorded API responses."""

from __future__ import annotations

import json
import re

import pytest

from paperradar.complete import complete_metadata
from paperradar.ingest import ingest_files
from paperradar.sources.http import FetchError, PoliteClient

from .conftest import Reply

ENTRY = re.compile(rb"<entry>.*?</entry>", re.S)


@pytest.fixture(scope="module")
def recordings(fixtures_dir):
    """id -> recorded Atom body of the lukasschwab/arxiv.py id_list recordings (single ids and the 2-id one)."""
    out = {}
    for f in (fixtures_dir / "arxiv_api_atom_from_lukasschwab_arxiv.py").glob("id_*.json"):
        rec = json.loads(f.read_text())
        id_list = re.search(r"id_list=([^&]*)", rec["url"]).group(1).replace("%2C", ",")
        out[re.sub(r"v\d+$", "", id_list)] = (rec["status_code"], rec["body"].encode("latin-1"))
    return out


def arxiv_like(recordings, fail=lambda ids: None):
    """A handler answering any id_list the way arXiv does: the recorded answer when there is one, else the
    recorded single-id entries put together in one feed (ids without a recording are absent, as unknown ids are)."""

    def handler(path, params):
        ids = params.get("id_list", "")
        if (reply := fail(ids)) is not None:
            return reply
        if ids in recordings:
            status, body = recordings[ids]
            return Reply(status, body)
        bad = [i for i in ids.split(",") if recordings.get(i, (200,))[0] == 400]
        if bad:
            return Reply(400, recordings[bad[0]][1])
        template = recordings["0000.0000"][1]  # the recorded empty answer
        entries = b"".join(
            m.group(0) for i in ids.split(",") if i in recordings for m in ENTRY.finditer(recordings[i][1])
        )
        return Reply(body=template.replace(b"</feed>", entries + b"</feed>"))

    return handler


def client(server=None):
    """A client that keeps arXiv's 3-second spacing towards the replay server, recording waits instead of sleeping."""
    hosts = {f"127.0.0.1:{server.port}": 3.0} if server else {}
    return PoliteClient(intervals=hosts, sleep=lambda s: None, clock=lambda: 100.0, backoff=0.01)


def id_file(tmp_path, ids):
    f = tmp_path / "ids.txt"
    f.write_text("\n".join(ids) + "\n")
    return f


def test_id_list_papers_get_title_abstract_and_authors_in_batches(store, replay_server, recordings, tmp_path):
    ingest_files(store, [id_file(tmp_path, ["1605.08386", "1707.08567", "0808.05394", "2104.12255v1"])])
    assert len(store.papers.incomplete()) == 4
    replay_server.handler = arxiv_like(recordings)
    c = client(replay_server)
    report = complete_metadata(store, c, batch=2, base_url=replay_server.url)
    assert [p["id_list"] for _, p in replay_server.requests] == ["1605.08386,1707.08567", "0808.05394,2104.12255"]
    assert report.completed == 3 and report.still_incomplete == ["0808.05394"]  # arXiv has no such paper
    heat = store.papers.get("1605.08386")
    assert heat.title == "Heat-bath random walks with Markov bases" and heat.abstract and heat.authors
    assert heat.categories and heat.published
    assert store.papers.count() == 4
    assert c.slept == [3.0]  # the 3-second rule between the two requests (a frozen clock: no time passes)


def test_a_malformed_id_costs_only_itself(store, replay_server, recordings, tmp_path):
    ingest_files(store, [id_file(tmp_path, ["1605.08386", "1707.08567"])])
    # arXiv refuses 1707.08567 here with the recorded "incorrect id format" answer (recorded for "abc")
    refused = {**recordings, "1707.08567": recordings["abc"]}
    replay_server.handler = arxiv_like(refused)
    report = complete_metadata(store, client(), base_url=replay_server.url)
    assert [p["id_list"] for _, p in replay_server.requests] == ["1605.08386,1707.08567", "1605.08386", "1707.08567"]
    assert report.completed == 1 and report.still_incomplete == ["1707.08567"] and report.requests == 3
    assert any("incorrect id format" in n for n in report.notes)


def test_retries_429_and_503_then_resumes_after_a_failure(store, replay_server, recordings, tmp_path):
    ingest_files(store, [id_file(tmp_path, ["1605.08386", "1707.08567", "2104.12255"])])
    calls = {"n": 0}

    def flaky(ids):
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(429, b"slow down", headers={"Retry-After": "7"})
        if calls["n"] == 2:
            return Reply(503, b"busy")
        if ids.startswith("2104"):
            return Reply(503, b"still busy")  # the second batch keeps failing
        return None

    replay_server.handler = arxiv_like(recordings, flaky)
    c = PoliteClient(sleep=lambda s: None, backoff=0.01, retries=2)
    with pytest.raises(FetchError, match="503"):
        complete_metadata(store, c, batch=2, base_url=replay_server.url)
    assert 7.0 in c.slept  # Retry-After honoured
    assert {p.id for p in store.papers.incomplete()} == {"2104.12255"}  # the first batch was kept
    replay_server.requests.clear()
    replay_server.handler = arxiv_like(recordings)
    report = complete_metadata(store, client(), batch=2, base_url=replay_server.url)
    assert [p["id_list"] for _, p in replay_server.requests] == ["2104.12255"]
    assert report.completed == 1 and not store.papers.incomplete()


def test_complete_command_says_what_is_still_incomplete(
    runner, db_path, replay_server, recordings, tmp_path, monkeypatch
):
    from paperradar.cli import app

    monkeypatch.setenv("PAPERRADAR_FETCH_ARXIV_INTERVAL", "0")
    f = id_file(tmp_path, ["1605.08386", "0808.05394"])
    assert runner.invoke(app, ["--db", str(db_path), "ingest", str(f)]).exit_code == 0
    replay_server.handler = arxiv_like(recordings)
    r = runner.invoke(app, ["--db", str(db_path), "complete", "--base-url", replay_server.url])
    assert r.exit_code == 0, r.output
    assert "completed 1 of 2" in r.output and "still incomplete (1): 0808.05394" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "complete", "1605.08386", "--base-url", replay_server.url])
    assert "nothing to complete" in r.output


def test_a_title_only_record_merges_into_the_arxiv_record_a_later_run_brings(
    store, replay_server, recordings, tmp_path
):
    """Run 1 stores a title-only BibTeX entry (a like and a tag on it) and a bare arXiv id from another file; they
    cannot be matched yet. `complete` later brings the id's title and authors: the two become one record, the like
    and the tag follow it, and the old title: id still names it (as a profile's seed file does)."""
    from paperradar.store import now_iso

    bib = tmp_path / "library.bib"
    bib.write_text(
        "@article{stanley2016,\n  title = {Heat-Bath Random Walks with {Markov} Bases},\n"
        "  author = {Stanley, Caprice and Windisch, Tobias},\n  year = {2016},\n"
        "  note = {my reading note},\n}\n"
    )
    ingest_files(store, [bib, id_file(tmp_path, ["1605.08386"])])
    [title_id] = [i for i in store.papers.ids() if i.startswith("title:")]
    assert store.papers.count() == 2
    store.feedback.set("reader", title_id, "like", now_iso())
    store.feedback.tag(title_id, "to-read", now_iso())
    replay_server.handler = arxiv_like(recordings)
    report = complete_metadata(store, client(replay_server), base_url=replay_server.url)
    assert report.completed == 1 and report.ingest.merged == 1
    assert store.papers.ids() == ["1605.08386"]  # one record
    heat = store.papers.get("1605.08386")
    assert heat.title == "Heat-bath random walks with Markov bases" and heat.authors[0] == "Caprice Stanley"
    assert heat.published and heat.abstract
    assert store.feedback.of_profile("reader") == {"1605.08386": "like"}
    assert store.feedback.tags("1605.08386") == ["to-read"]
    assert store.papers.resolve([title_id, "2101.00001"]) == ["1605.08386", "2101.00001"]
    # the same title-only entry read again later lands on the arXiv record, not a new one
    ingest_files(store, [bib])
    assert store.papers.ids() == ["1605.08386"]


def test_a_title_only_record_and_an_arxiv_record_in_later_batches_become_one(store):
    from paperradar.models import Paper

    t = Paper(title="Sparse Mixers", authors=["Ann Lee"], abstract="From my library.", source="csv:lib.csv")
    t.extra["added"] = "2024-01-01"
    store.papers.write_batch([t], source="csv", now=now())
    store.feedback.set("p", t.key, "dislike", now())
    a = Paper(id="2401.00001", version=1, title="Sparse mixers", authors=["A. Lee", "B. Kim"], source="rss:x")
    r = store.papers.write_batch([a], source="rss", now=now())
    assert (r.new, r.merged) == (1, 1) and store.papers.ids() == ["2401.00001"]
    p = store.papers.get("2401.00001")
    assert p.abstract == "From my library." and p.extra["added"] == "2024-01-01" and p.title == "Sparse mixers"
    assert store.feedback.of_profile("p") == {"2401.00001": "dislike"}


def now():
    from paperradar.store import now_iso

    return now_iso()
