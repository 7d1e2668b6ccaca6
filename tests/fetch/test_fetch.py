"""Live fetching against a real local HTTP server replaying recorded arXiv and Hugging Face responses."""

from __future__ import annotations

import json
import re

import pytest

from paperradar.cli import app
from paperradar.fetch import fetch_api, fetch_hf_daily, fetch_rss, harvest_oai
from paperradar.sources.arxiv_api import ArxivApiError
from paperradar.sources.http import FetchError, PoliteClient

from .conftest import Reply


def client(**kw):
    """A client that records waits instead of sleeping."""
    return PoliteClient(sleep=lambda s: None, backoff=0.01, **kw)


@pytest.fixture(scope="module")
def oai_dir(fixtures_dir):
    return fixtures_dir / "arxiv_oaipmh_xml" / "mikesaelim_arXivOAIHarvester"


def recorded(path):
    """The original bytes of a lukasschwab/arxiv.py recording (body stored latin-1-decoded)."""
    return json.loads(path.read_text())["body"].encode("latin-1")


def test_oai_harvest_follows_resumption_token_and_stores_state(store, replay_server, oai_dir):
    page1 = (oai_dir / "ListRecordsResponse.xml").read_bytes()
    page2 = (oai_dir / "GetRecordResponse.xml").read_bytes()
    replay_server.handler = lambda path, p: Reply(body=page2 if "resumptionToken" in p else page1)
    report = harvest_oai(store, client(), set_spec="physics", from_date="2014-10-01", base_url=replay_server.url)
    assert report.pages == 2 and report.ingest.new == 7
    first, second = replay_server.requests
    assert first[1] == {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "physics", "from": "2014-10-01"}
    assert second[1] == {"verb": "ListRecords", "resumptionToken": "726959|1001"}
    assert store.state.get("oai:physics:token") is None  # finished: no token left
    assert store.state.get("oai:physics:from") is not None
    assert [v.version for v in store.papers.versions("0704.0716")] == [1, 2, 3, 4]
    assert store.papers.get("0704.0716").version == 4


def test_interrupted_harvest_resumes_from_the_stored_token_without_duplicates(store, replay_server, oai_dir):
    page1 = (oai_dir / "ListRecordsResponse.xml").read_bytes()
    page2 = (oai_dir / "GetRecordResponse.xml").read_bytes()
    replay_server.handler = lambda path, p: Reply(503, b"busy") if "resumptionToken" in p else Reply(body=page1)
    with pytest.raises(FetchError, match="503"):
        harvest_oai(store, client(retries=2), set_spec="cs", from_date="2014-10-01", base_url=replay_server.url)
    assert store.state.get("oai:cs:token") == "726959|1001"
    count_after_page1 = store.papers.count()
    assert count_after_page1 == 6
    replay_server.requests.clear()
    replay_server.handler = lambda path, p: Reply(body=page2) if "resumptionToken" in p else Reply(body=page1)
    report = harvest_oai(store, client(), set_spec="cs", base_url=replay_server.url)
    assert replay_server.requests[0][1] == {"verb": "ListRecords", "resumptionToken": "726959|1001"}
    assert report.ingest.new == 1 and store.papers.count() == 7
    ids = store.papers.ids()
    assert len(ids) == len(set(ids))


def test_bad_resumption_token_restarts_from_the_date(store, replay_server, oai_dir):
    bad = (oai_dir / "ErrorResponseBadResumptionToken.xml").read_bytes()
    page = (oai_dir / "GetRecordResponse.xml").read_bytes()
    store.state.set("oai:cs:token", "stale|1", "t")
    store.state.set("oai:cs:from", "2015-01-01", "t")
    replay_server.handler = lambda path, p: Reply(body=bad) if "resumptionToken" in p else Reply(body=page)
    report = harvest_oai(store, client(), set_spec="cs", base_url=replay_server.url)
    assert any("expired" in n for n in report.notes)
    assert replay_server.requests[1][1]["from"] == "2015-01-01" and report.ingest.new == 1


def test_no_records_match_is_nothing_new_with_exit_0(runner, db_path, replay_server, oai_dir, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_FETCH_ARXIV_INTERVAL", "0")
    body = (oai_dir / "ErrorResponseNoRecordsMatch.xml").read_bytes()
    replay_server.handler = lambda path, p: Reply(body=body)
    r = runner.invoke(app, ["--db", str(db_path), "fetch", "oai", "--set", "cs", "--base-url", replay_server.url])
    assert r.exit_code == 0, r.output
    assert "nothing new" in r.output


def test_api_paginates_and_dedups_overlapping_pages(store, replay_server, fixtures_dir):
    rec = fixtures_dir / "arxiv_api_atom_from_lukasschwab_arxiv.py"
    pages = {}
    for f in rec.glob("q_testing_s*_m10_*.json"):
        m = re.search(r"_s(\d+)_m10_", f.name)
        pages.setdefault(int(m.group(1)), recorded(f))
    replay_server.handler = lambda path, p: Reply(body=pages[int(p["start"])])
    report = fetch_api(store, client(), query="testing", max_results=60, page_size=10, base_url=replay_server.url)
    starts = [int(p["start"]) for _, p in replay_server.requests]
    assert starts == [0, 10, 20, 30, 40, 50]
    assert all(p["max_results"] == "10" and "testing" in p["search_query"] for _, p in replay_server.requests)
    assert report.pages == 6
    ids = store.papers.ids()
    assert len(ids) == len(set(ids)) == report.ingest.new


def test_api_error_feed_is_a_clear_error(store, replay_server, fixtures_dir):
    body = recorded(next((fixtures_dir / "arxiv_api_atom_from_lukasschwab_arxiv.py").glob("id_abc_*.json")))
    replay_server.handler = lambda path, p: Reply(400, body)
    with pytest.raises(ArxivApiError, match="incorrect id format for abc"):
        fetch_api(store, client(), query="id:abc", base_url=replay_server.url)
    assert store.papers.count() == 0


def test_429_with_retry_after_then_success(store, replay_server, fixtures_dir):
    feed = (fixtures_dir / "arxiv_rss_xml" / "jmamath-distill__arxiv_cs_lg_2026-04-27_trimmed3items.xml").read_bytes()
    calls = []

    def handler(path, p):
        calls.append(path)
        return Reply(429, b"slow down", {"Retry-After": "7"}) if len(calls) == 1 else Reply(body=feed)

    replay_server.handler = handler
    c = client()
    report = fetch_rss(store, c, categories=["cs.LG"], base_url=replay_server.url + "/rss/{categories}")
    assert report.ingest.new == 3 and c.slept == [7.0]
    assert replay_server.requests[-1][0] == "/rss/cs.LG"


def test_persistent_503_gives_up_with_a_one_line_error(runner, db_path, replay_server, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_FETCH_ARXIV_INTERVAL", "0")
    replay_server.handler = lambda path, p: Reply(503, b"down", {"Retry-After": "0"})
    r = runner.invoke(
        app,
        ["--db", str(db_path), "fetch", "rss", "-c", "cs.AI", "--base-url", replay_server.url + "/rss/{categories}"],
    )
    assert r.exit_code == 1
    assert "giving up after 5 attempts (HTTP 503)" in r.output
    assert len(replay_server.requests) == 5


def test_rate_limiter_spaces_requests_to_the_same_host(replay_server):
    now = [100.0]
    waits = []

    def sleep(s):
        waits.append(s)
        now[0] += s

    replay_server.handler = lambda path, p: Reply(body=b"ok")
    c = PoliteClient(intervals={f"127.0.0.1:{replay_server.port}": 3.0}, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        c.get(replay_server.url + "/x")
        now[0] += 0.5  # the caller spends half a second between requests
    assert waits == [2.5, 2.5]


def test_rss_weekend_feed_and_hf_daily(store, replay_server, fixtures_dir):
    empty = (fixtures_dir / "arxiv_rss_xml" / "All-News-AI__arxiv_cs.CL_weekend_empty_2026-08-01.xml").read_bytes()
    hf = (fixtures_dir / "hf_daily_papers_api_json" / "sotawhat__hf_daily_papers_2026-06.json").read_bytes()
    replay_server.handler = lambda path, p: (
        Reply(body=hf, content_type="application/json") if path == "/api" else Reply(body=empty)
    )
    report = fetch_rss(store, client(), categories=["cs.CL"], base_url=replay_server.url + "/rss/{categories}")
    assert report.ingest.new == 0 and "empty" in report.notes[0]
    report = fetch_hf_daily(store, client(), day="2026-06-12", base_url=replay_server.url + "/api")
    assert report.ingest.new == 30 and replay_server.requests[-1][1] == {"date": "2026-06-12"}
    p = store.papers.get("2606.00467")
    assert p.extra["upvotes"] >= 0 and p.announced == "2026-06-12"
