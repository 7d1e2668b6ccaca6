"""The teach page: least-sure paper first, answers stored as feedback, skip moves on, no JavaScript needed."""

from __future__ import annotations

from html.parser import HTMLParser

from paperradar.store import Store


class _Parse(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    p = _Parse()
    p.feed(html)
    return p.tags


def shown_id(html: str) -> str:
    return next(a["action"].split("/")[2] for t, a in parse(html) if t == "form" and "/feedback" in a.get("action", ""))


def test_teach_shows_least_sure_paper_and_learns_the_answer(client, web_db):
    page = client.get("/teach/efficiency")
    assert page.status_code == 200
    first = shown_id(page.text)
    tags = parse(page.text)
    csrf = next(a["value"] for t, a in tags if t == "input" and a.get("name") == "csrf")
    assert any(t == "input" and a.get("name") == "interest" and a.get("value") == "efficiency" for t, a in tags)
    r = client.post(
        f"/papers/{first}/feedback",
        data={"value": "like", "csrf": csrf, "interest": "efficiency", "next": "/teach/efficiency"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/teach/efficiency"
    with Store(web_db) as s:
        assert s.feedback.get("efficiency", first) == "like"
    second = shown_id(client.get("/teach/efficiency").text)
    assert second != first
    skip = next(
        a["href"] for t, a in parse(client.get("/teach/efficiency").text) if t == "a" and "skip=" in a.get("href", "")
    )
    third = shown_id(client.get(skip).text)
    assert third not in (first, second)
    assert client.get("/teach/no-such-profile").status_code == 404
