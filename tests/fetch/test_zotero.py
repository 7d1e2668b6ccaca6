"""The Zotero web API source against a local server answering as api.zotero.org v3 documents: paginated items with
``Link``/``Total-Results``/``Last-Modified-Version`` headers, ``since`` and ``If-Modified-Since-Version``, a key in
the ``Zotero-API-Key`` header, collections."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from paperradar.cli import app
from paperradar.models import Paper
from paperradar.sources.http import PoliteClient
from paperradar.sources.zotero import ZoteroError, fetch_zotero
from paperradar.store import now_iso

from .conftest import Reply

KEY = "P9NiFoyLeZu2bZNvvuQPDWsd"  # made up, in the documented 24-character shape
USER = "475425"


def item(key, version, title, arxiv=None, creators=(("Tim", "Dettmers"),), item_type="preprint", **data):
    d = {
        "key": key,
        "version": version,
        "itemType": item_type,
        "title": title,
        "creators": [{"creatorType": "author", "firstName": f, "lastName": last} for f, last in creators],
        "abstractNote": f"Abstract of {title}.",
        "date": "2023-05-23",
        "dateAdded": f"2024-0{version % 9 + 1}-01T00:00:00Z",
        "collections": data.pop("collections", []),
        **data,
    }
    if arxiv:
        d.update(url=f"http://arxiv.org/abs/{arxiv}", archiveID=f"arXiv:{arxiv}", repository="arXiv")
    return {
        "key": key,
        "version": version,
        "library": {"type": "user", "id": int(USER), "name": "reader"},
        "links": {"self": {"href": f"https://api.zotero.org/users/{USER}/items/{key}"}},
        "meta": {},
        "data": d,
    }


class FakeZotero:
    """Items and collections of one user library, answered by the documented rules."""

    def __init__(self):
        self.items = [
            item(
                "AAAA1111",
                10,
                "QLoRA: Efficient Finetuning of Quantized LLMs",
                "2305.14314",
                collections=["COLL0001"],
                creators=(("Tim", "Dettmers"), ("Artidoro", "Pagnoni")),
            ),
            item("BBBB2222", 11, "GPTQ", "2210.17323"),
            item("CCCC3333", 12, "A book chapter without arXiv", None, item_type="bookSection", DOI="10.1000/xyz"),
            item("DDDD4444", 13, "PDF", None, item_type="attachment"),
            item("EEEE5555", 14, "LoRA", "2106.09685", collections=["COLL0001"]),
        ]
        self.collections = [{"key": "COLL0001", "version": 5, "data": {"key": "COLL0001", "name": "To read"}}]
        self.headers_seen = []

    @property
    def version(self):
        return max(i["version"] for i in self.items)

    def handle(self, path, params, headers):
        self.headers_seen.append(headers)
        if headers.get("Zotero-API-Key") != KEY:
            return Reply(403, b"Forbidden", content_type="text/plain")
        if not path.startswith(f"/users/{USER}/"):
            return Reply(404, b"Not found", content_type="text/plain")
        vh = {"Last-Modified-Version": str(self.version)}
        if path.endswith("/collections"):
            return Reply(body=json.dumps(self.collections).encode(), headers=vh, content_type="application/json")
        if (ims := headers.get("If-Modified-Since-Version")) and int(ims) >= self.version:
            return Reply(304, b"", headers=vh)
        chosen = self.items
        if "/collections/" in path:
            coll = path.split("/collections/")[1].split("/")[0]
            chosen = [i for i in chosen if coll in i["data"]["collections"]]
        if params.get("itemType") == "-attachment":
            chosen = [i for i in chosen if i["data"]["itemType"] != "attachment"]
        if "since" in params:
            chosen = [i for i in chosen if i["version"] > int(params["since"])]
        start, limit = int(params.get("start", 0)), min(int(params.get("limit", 25)), 2)  # small pages
        page = chosen[start : start + limit]
        h = {**vh, "Total-Results": str(len(chosen))}
        if start + limit < len(chosen):
            h["Link"] = f'<http://127.0.0.1/users/{USER}/items?start={start + limit}&limit={limit}>; rel="next"'
        return Reply(body=json.dumps(page).encode(), headers=h, content_type="application/json")


@pytest.fixture
def zotero_server():
    """A real HTTP server on 127.0.0.1 answering as FakeZotero (which sees each request's headers)."""
    fake = FakeZotero()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            reply = fake.handle(parts.path, params, dict(self.headers))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def client():
    return PoliteClient(sleep=lambda s: None, backoff=0.01, retries=1)


def test_sync_pages_through_the_library_then_only_what_changed(store, zotero_server):
    fake, url = zotero_server
    report = fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    assert report.items == 4 and report.version == 14 and report.ingest.new == 4
    q = store.papers.get("2305.14314")
    assert q.authors == ["Tim Dettmers", "Artidoro Pagnoni"] and q.abstract.startswith("Abstract of QLoRA")
    assert store.papers.get("2106.09685") is not None and store.papers.count() == 4  # the attachment is skipped
    assert all(h.get("Zotero-API-Key") == KEY and h.get("Zotero-API-Version") == "3" for h in fake.headers_seen)
    # nothing changed: one request, answered 304
    again = fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    assert again.requests == 1 and again.items == 0 and "nothing new" in again.notes[0]
    # one item edited: only it comes back
    fake.items[1] = item("BBBB2222", 15, "GPTQ: Accurate Post-Training Quantization", "2210.17323")
    third = fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    assert third.since == 14 and third.items == 1 and third.version == 15
    # the edit replaces what the item stored: one record, the new title, nothing duplicated
    assert store.papers.count() == 4 and (third.ingest.new, third.ingest.updated) == (0, 1)
    assert store.papers.get("2210.17323").title == "GPTQ: Accurate Post-Training Quantization"


def test_edits_across_syncs_replace_the_items_fields_but_not_arxivs(store, zotero_server):
    fake, url = zotero_server
    fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    [chapter_id] = [i for i in store.papers.ids() if i.startswith("title:")]
    # arXiv's own record of LoRA arrives (e.g. `paperradar complete` or the daily feed): it owns LoRA's metadata now
    lora = Paper(
        id="2106.09685",
        version=2,
        title="LoRA: Low-Rank Adaptation of Large Language Models",
        abstract="arXiv's abstract.",
        authors=["Edward J. Hu", "Yelong Shen"],
        source="arxiv-api:test",
    )
    store.papers.write_batch([lora], source="arxiv-api:test", now=now_iso())
    # the reader edits three items in Zotero: a title with an arXiv id, the chapter's title and abstract (its
    # title-derived id would change), and LoRA's title
    fake.items[1] = item("BBBB2222", 15, "GPTQ: Accurate Post-Training Quantization", "2210.17323")
    fake.items[2] = item("CCCC3333", 16, "A book chapter, retitled", None, item_type="bookSection", DOI="10.1000/xyz")
    fake.items[2]["data"]["abstractNote"] = "The chapter's new abstract."
    fake.items[4] = item("EEEE5555", 17, "LoRA (my note in the title)", "2106.09685")
    second = fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    assert second.items == 3 and second.ingest.new == 0 and store.papers.count() == 4
    assert store.papers.get("2210.17323").title == "GPTQ: Accurate Post-Training Quantization"
    chapter = store.papers.get(chapter_id)  # the same record, under the id it was first stored with
    assert chapter.title == "A book chapter, retitled" and chapter.abstract == "The chapter's new abstract."
    assert chapter.doi == "10.1000/xyz"
    assert store.papers.get("2106.09685").title == "LoRA: Low-Rank Adaptation of Large Language Models"
    # an older state of the chapter replayed (the sync state lost, everything sent again) changes nothing
    fake.items[2] = item("CCCC3333", 12, "An old title", None, item_type="bookSection", DOI="10.1000/xyz")
    store.state.set(f"zotero:u{USER}::version", "0", now_iso())
    third = fetch_zotero(store, client(), user=USER, key=KEY, base_url=url)
    assert third.items == 4 and store.papers.count() == 4
    assert store.papers.get(chapter_id).title == "A book chapter, retitled"
    assert third.ingest.new == 0


def test_one_collection_by_name(store, zotero_server):
    _fake, url = zotero_server
    report = fetch_zotero(store, client(), user=USER, key=KEY, collection="To read", base_url=url)
    assert report.items == 2 and sorted(store.papers.ids()) == ["2106.09685", "2305.14314"]
    with pytest.raises(ZoteroError, match="no Zotero collection named 'Missing'"):
        fetch_zotero(store, client(), user=USER, key=KEY, collection="Missing", base_url=url)


def test_cli_never_prints_or_logs_the_key(runner, db_path, zotero_server, caplog):
    _fake, url = zotero_server
    caplog.set_level(logging.DEBUG)
    r = runner.invoke(app, ["--db", str(db_path), "fetch", "zotero", "--user", USER, "--key", KEY, "--base-url", url])
    assert r.exit_code == 0, r.output
    assert "4 new" in r.output
    bad = runner.invoke(
        app, ["--db", str(db_path), "fetch", "zotero", "--user", USER, "--key", KEY[::-1], "--base-url", url]
    )
    assert bad.exit_code == 1 and "refused" in bad.output
    for text in (r.output, bad.output, caplog.text):
        assert KEY not in text and KEY[::-1] not in text
