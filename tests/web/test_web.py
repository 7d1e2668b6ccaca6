"""Pages and API through an in-process ASGI client: escaping, auth, CSRF, bad parameters, feeds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

from paperradar.store import Store


class Tags(HTMLParser):
    """Collects start tags and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def csrf_of(html: str) -> str:
    return next(a["content"] for t, a in parse(html).tags if t == "meta" and a.get("name") == "csrf-token")


def test_titles_abstracts_and_authors_are_escaped(client):
    for url in ("/papers/2501.00001", "/search?q=cache", "/?date=2025-01-02"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        page = parse(r.text)
        scripts = [a for t, a in page.tags if t == "script"]
        assert all(a.get("src", "").startswith("/static/") for a in scripts), url  # only our own script
        assert not any(t == "img" for t, _ in page.tags), url
        assert "<script>alert(1)</script>" in "".join(page.text) or url.startswith("/?")


def test_writes_without_auth_are_refused(client):
    r = client.post("/api/papers/2501.00002/feedback", json={"value": "like"})
    assert r.status_code in (401, 403)
    r = client.post("/papers/2501.00002/feedback", data={"value": "like"})
    assert r.status_code in (401, 403)
    r = client.post("/api/papers/2501.00002/feedback", json={"value": "like"}, headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403


def test_feedback_with_csrf_and_with_a_token(client, web_db):
    page = client.get("/papers/2501.00002")
    token = csrf_of(page.text)
    r = client.post("/api/papers/2501.00002/feedback", json={"value": "like"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["value"] == "like"
    with Store(web_db) as s:
        assert s.feedback.get("efficiency", "2501.00002") == "like"
        api_token = s.accounts.new_api_token(s.accounts.local_user("t"), "test", "t")
    r = client.post(
        "/api/papers/2501.00003/feedback", json={"value": "dislike"}, headers={"Authorization": f"Bearer {api_token}"}
    )
    assert r.status_code == 200
    r = client.post(
        "/papers/2501.00004/feedback",
        data={"value": "like", "csrf": token, "next": "/search?q=x"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/search?q=x"
    r = client.post(
        "/papers/2501.00004/feedback",
        data={"value": "like", "csrf": token, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/papers/2501.00004"  # no open redirect


def test_bad_parameters_get_a_4xx_with_a_message(client):
    assert client.get("/api/search", params={"q": '"oops'}).status_code == 400
    r = client.get("/search", params={"q": "x", "limit": "many"})
    assert r.status_code == 400 and "limit" in r.text
    assert client.get("/?date=yesterday").status_code == 400
    assert client.get("/papers/9999.99999").status_code == 404
    assert client.get("/reports/2025-20").status_code == 400
    assert client.post(
        "/api/papers/2501.00001/feedback", json={"value": "love"}, headers={"X-CSRF-Token": "x"}
    ).status_code in (400, 403, 422)


def test_openapi_feed_and_exports(client):
    spec = client.get("/openapi.json").json()
    assert "/api/papers/{paper_id}/feedback" in spec["paths"] and "/api/search" in spec["paths"]
    r = client.get("/feeds/efficiency.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(r.content)
    assert root.tag.endswith("feed")
    assert client.get("/feeds/nope.atom").status_code == 404
    bib = client.get("/api/papers/2501.00002/export", params={"format": "bibtex"}).text
    assert "eprint = 2501.00002" in bib


def test_multi_user_login_and_separate_feedback(multi_client, web_db):
    assert multi_client.get("/", headers={"accept": "text/html"}).status_code == 401
    r = multi_client.post("/login", data={"name": "alice", "password": "wrong"})
    assert r.status_code == 401
    r = multi_client.post("/login", data={"name": "alice", "password": "correct horse"}, follow_redirects=False)
    assert r.status_code == 303
    page = multi_client.get("/papers/2501.00002")
    assert page.status_code == 200 and "alice" in page.text
    r = multi_client.post(
        "/api/papers/2501.00002/feedback", json={"value": "like"}, headers={"X-CSRF-Token": csrf_of(page.text)}
    )
    assert r.status_code == 200
    with Store(web_db) as s:
        assert s.feedback.get("alice:efficiency", "2501.00002") == "like"
        assert s.feedback.get("efficiency", "2501.00002") is None
        stored = s.db.conn.execute("SELECT password_hash FROM users WHERE name = 'alice'").fetchone()[0]
    assert stored.startswith("scrypt$") and "correct horse" not in stored


def test_unsubscribe_link(client, web_db):
    with Store(web_db) as s:
        sub = s.delivery.subscribe("a@example.org", "efficiency", "daily", "t")
    assert client.get(f"/unsubscribe/{sub.token}").status_code == 200
    assert client.post(f"/unsubscribe/{sub.token}").status_code == 200
    assert client.post(f"/unsubscribe/{sub.token}").status_code == 404
    with Store(web_db) as s:
        assert s.delivery.all() == []
    assert re.search("Unsubscribed", client.post("/unsubscribe/x").text) is None


def test_multi_user_profiles_are_per_user(multi_client, web_db):
    multi_client.post("/login", data={"name": "alice", "password": "correct horse"})
    page = multi_client.get("/profiles/efficiency")
    csrf = csrf_of(page.text)
    toml = 'name = "mine"\ndescription = "graph neural networks"\n'
    r = multi_client.post("/profiles/mine", data={"toml": toml, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert "mine" in multi_client.get("/api/profiles").json()["profiles"]
    bad = multi_client.post("/profiles/mine", data={"toml": "name = ", "csrf": csrf})
    assert "not valid TOML" in bad.text
    from paperradar.relevance import list_profiles

    assert "mine" in list_profiles("alice") and "mine" not in list_profiles()
