"""Probes of a hostile or unlucky web user (issue 13), against the real app on a real SQLite file."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from html.parser import HTMLParser

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from paperradar import Radar, Settings
from paperradar.models import Paper
from paperradar.relevance.profiles import user_profiles_dir
from paperradar.store import Store
from paperradar.web import create_app

PROFILE = 'name = "secret"\ndescription = "private research topic of bob"\n'


def _csrf(client: TestClient) -> str:
    html = client.get("/", headers={"accept": "text/html"}).text
    return html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("interest", ["/etc/passwd", "/bin/ls", "../../../../etc/passwd", "x.toml"])
def test_interest_is_never_read_as_a_path(client, web_db, interest):
    for url in ("/api/digests/2025-01-02", "/api/reports/2025-W01"):
        r = client.get(url, params={"interest": interest})
        assert r.status_code == 400, r.text
        assert "TOML" not in r.text and "root:" not in r.text and str(web_db.parent) not in r.text
    r = client.get("/api/digests/2025-01-02", params={"interest": str(web_db)})  # the database file itself
    assert r.status_code == 400 and "SQLite" not in r.text and "not valid" not in r.text


def test_one_user_cannot_score_with_another_users_profile(multi_client, web_db):
    with Store(web_db) as s:
        s.accounts.add_user("bob", "battery staple", "t")
    folder = user_profiles_dir("bob")
    folder.mkdir(parents=True)
    (folder / "secret.toml").write_text(PROFILE)
    r = multi_client.post("/login", data={"name": "alice", "password": "correct horse"}, follow_redirects=False)
    assert r.status_code == 303
    for interest in ("secret", str(folder / "secret.toml")):
        r = multi_client.get("/api/digests/2025-01-02", params={"interest": interest})
        assert r.status_code == 400 and "private research" not in r.text
    assert multi_client.get("/api/profiles/secret").status_code == 404


def test_security_headers_on_pages_api_static_and_errors(client):
    for path in ("/", "/api/papers", "/static/style.css", "/static/nope.css", "/papers/2501.00001"):
        r = client.get(path, headers={"accept": "text/html"})
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in client.get("/").headers


def test_secure_cookies_behind_tls(web_db):
    with TestClient(
        create_app(Radar(web_db, Settings(embedder="hashing")), secure_cookies=True), base_url="https://radar.example"
    ) as c:
        r = c.get("/", headers={"accept": "text/html"})
        cookie = r.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert r.headers["strict-transport-security"].startswith("max-age=")


def _sessions(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]


def test_cookieless_requests_store_no_session_rows(web_db):
    app = create_app(Radar(web_db, Settings(embedder="hashing")))
    for _ in range(30):
        with TestClient(app) as fresh:  # a new client each time: never sends a cookie back
            assert fresh.get("/static/nope.css").status_code == 404
            assert fresh.get("/api/papers").status_code == 200
            assert fresh.get("/", headers={"accept": "text/html"}).status_code == 200
    assert _sessions(web_db) == 0
    with TestClient(app) as c:  # ... and the stateless session still protects writes with its CSRF token
        token = _csrf(c)
        assert c.post("/api/papers/2501.00002/feedback", json={"value": "like"}).status_code == 403
        ok = c.post("/api/papers/2501.00002/feedback", json={"value": "like"}, headers={"X-CSRF-Token": token})
        assert ok.status_code == 200
    with TestClient(app, cookies={"pr_session": "forged-by-someone"}) as other:  # a token made for another cookie
        r = other.post("/api/papers/2501.00002/feedback", json={"value": "like"}, headers={"X-CSRF-Token": token})
        assert r.status_code == 403


def test_failed_log_ins_are_throttled(multi_client):
    codes = [
        multi_client.post("/login", data={"name": "alice", "password": f"wrong{i}"}).status_code for i in range(30)
    ]
    assert codes[:5] == [401] * 5
    assert set(codes[5:]) == {429}
    r = multi_client.post("/login", data={"name": "alice", "password": "correct horse"}, follow_redirects=False)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # even the right password waits


@pytest.mark.parametrize(
    "path",
    [
        "/api/papers/2501.00002/export?format=bibtex",
        "/api/profiles",
        "/api/profiles/efficiency",
        "/feeds/efficiency.atom",
        "/api/papers",
        "/api/search?q=cache",
        "/search?q=cache",
        "/profiles",
    ],
)
def test_multi_user_mode_needs_a_log_in_for_data(multi_client, web_db, path):
    assert multi_client.get(path).status_code == 401
    with Store(web_db) as s:
        token = s.accounts.new_api_token(s.accounts.users()[0], "t", "t")
    assert multi_client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    if path.startswith("/feeds/"):  # feed readers cannot send headers: the token may ride in the URL
        assert multi_client.get(path, params={"token": token}).status_code == 200


def test_multi_user_public_routes(multi_client):
    assert multi_client.get("/login").status_code == 200
    assert multi_client.get("/static/style.css").status_code == 200
    assert multi_client.get("/openapi.json").status_code == 200


class _Server:
    """uvicorn on a free loopback port in a thread."""

    def __init__(self, app) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def test_large_bodies_are_refused_before_parsing_and_auth(web_db):
    app = create_app(Radar(web_db, Settings(embedder="hashing")), multi_user=True, max_body=100_000)
    with _Server(app) as url:
        big = b'{"value": "like", "interest": "' + b"x" * 5_000_000 + b'"}'
        r = httpx.post(
            f"{url}/api/papers/2501.00002/feedback", content=big, headers={"content-type": "application/json"}
        )
        assert r.status_code == 413

        def chunks():  # no Content-Length: refused once the bytes pass the limit, without reading the rest
            for _ in range(100):
                yield b"x" * 65536

        r = httpx.put(f"{url}/api/profiles/x", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 401  # not logged in: refused before the body is read at all
        small = httpx.post(f"{url}/api/papers/2501.00002/feedback", json={"value": "like"})
        assert small.status_code == 401  # a small body gets as far as the log-in check
    with _Server(
        create_app(Radar(web_db, Settings(embedder="hashing")), max_body=100_000)
    ) as url:  # single-user: a chunked body
        r = httpx.put(f"{url}/api/profiles/x", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


EVIL = Paper(
    id="2501.00009",
    title="[x](https://evil.example/phish) ![p](https://evil.example/track.png) KV cache eviction",
    abstract="<details><summary>open</summary>We evict KV cache entries fast</details> to cut memory 4x for "
    "long-context inference <img src=https://evil.example/t.png> with speculative decoding and quantization.",
    authors=["Eve [/INST] <script>alert(1)</script>"],
    categories=["cs.CL"],
    announced="2025-01-02",
)


def test_digest_and_report_pages_escape_paper_text(client, web_db):
    with Store(web_db) as s:
        s.papers.write_batch([EVIL], source="t", now="2025-01-02T00:00:00+00:00")
    pages = [
        client.get("/reports/2025-W01", headers={"accept": "text/html"}),
        client.get("/?date=2025-01-02", headers={"accept": "text/html"}),
    ]
    assert "evil.example/phish" in pages[1].text  # the paper is shown, as text
    for r in pages:
        assert r.status_code == 200
        parser = _Tags()
        parser.feed(r.text)
        for tag, attrs in parser.tags:
            assert "evil.example" not in (attrs.get("href") or "") + (attrs.get("src") or ""), (tag, attrs)
            assert tag != "script" or (attrs.get("src") or "").startswith("/static/")
