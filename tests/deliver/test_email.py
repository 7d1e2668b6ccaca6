"""E-mail delivery against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import socket

from paperradar.deliver.email import Rendered, SmtpDeliverer, SmtpSettings, send_due


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _render(marked):
    def render(sub):
        return Rendered(
            subject=f"paperradar — {sub.interest} digest",
            text="1. <b>Paper</b> & co",
            html="<html><body><p>1. &lt;b&gt;Paper&lt;/b&gt; &amp; co</p></body></html>",
            papers=1,
            on_sent=lambda: marked.append(sub.email),
        )

    return render


def test_each_subscriber_gets_one_multipart_message_once(store, smtp_server):
    inbox, port = smtp_server
    a = store.delivery.subscribe("a@example.org", "efficiency", "daily", "t")
    store.delivery.subscribe("b@example.org", "vision", "daily", "t")
    store.delivery.subscribe("c@example.org", "efficiency", "weekly", "t")
    marked: list[str] = []
    deliverer = SmtpDeliverer(SmtpSettings(host="127.0.0.1", port=port))
    report = send_due(
        store,
        "daily",
        "2025-05-20",
        _render(marked),
        deliverer,
        sender="radar@example.org",
        base_url="http://127.0.0.1:8000",
    )
    assert sorted(report.sent) == ["a@example.org", "b@example.org"] and not report.failed
    assert sorted(m["To"] for m in inbox.messages) == ["a@example.org", "b@example.org"]
    msg = next(m for m in inbox.messages if m["To"] == "a@example.org")
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert str(msg["List-Unsubscribe"]).strip() == f"<http://127.0.0.1:8000/unsubscribe/{a.token}>"
    assert "Unsubscribe" in msg.get_body(("html",)).get_content()
    assert marked == ["a@example.org", "b@example.org"]
    # a second run for the same day sends nothing
    again = send_due(
        store, "daily", "2025-05-20", _render(marked), deliverer, sender="radar@example.org", base_url="http://x"
    )
    assert again.sent == [] and len(inbox.messages) == 2


def test_smtp_failure_keeps_the_queue_for_the_next_run(store, smtp_server):
    inbox, port = smtp_server
    store.delivery.subscribe("a@example.org", "efficiency", "daily", "t")
    marked: list[str] = []
    dead = SmtpDeliverer(SmtpSettings(host="127.0.0.1", port=_free_port(), timeout=2))  # nothing listens there
    report = send_due(store, "daily", "2025-05-21", _render(marked), dead, sender="r@x.org", base_url="http://x")
    assert report.sent == [] and report.failed and "SMTP 127.0.0.1" in report.failed[0][1]
    assert marked == []  # papers not marked as shown: the reader never got them
    assert [s.email for s in store.delivery.pending("daily", "2025-05-21")] == ["a@example.org"]
    live = SmtpDeliverer(SmtpSettings(host="127.0.0.1", port=port))
    report = send_due(store, "daily", "2025-05-21", _render(marked), live, sender="r@x.org", base_url="http://x")
    assert report.sent == ["a@example.org"] and len(inbox.messages) == 1 and marked == ["a@example.org"]


def test_unsubscribe_by_token_stops_delivery(store, smtp_server):
    inbox, port = smtp_server
    sub = store.delivery.subscribe("a@example.org", "efficiency", "daily", "t")
    assert store.delivery.subscribe("a@example.org", "efficiency", "daily", "t").sid == sub.sid  # idempotent
    assert store.delivery.unsubscribe(sub.token) == 1
    report = send_due(
        store,
        "daily",
        "2025-05-22",
        _render([]),
        SmtpDeliverer(SmtpSettings("127.0.0.1", port)),
        sender="r@x.org",
        base_url="http://x",
    )
    assert report.sent == [] and inbox.messages == []


def test_send_command_mails_a_real_digest(runner, db_path, smtp_server, monkeypatch):
    """`paperradar send` renders each subscriber's digest and delivers it through the SMTP server."""
    from paperradar.cli import app
    from paperradar.models import Paper
    from paperradar.store import Store

    inbox, port = smtp_server
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    monkeypatch.setenv("PAPERRADAR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PAPERRADAR_SMTP_PORT", str(port))
    papers = [
        Paper(
            id=f"2501.0000{i}",
            title=f"Efficient KV cache quantization and pruning {i}",
            abstract="Efficient inference: quantization, pruning and KV cache compression cut latency.",
            categories=["cs.LG"],
            announced="2025-01-02",
        )
        for i in range(1, 4)
    ]
    with Store(db_path) as s:
        s.papers.write_batch(papers, source="t", now="t")
        s.delivery.subscribe("reader@example.org", "efficiency", "daily", "t")
    r = runner.invoke(app, ["--db", str(db_path), "send", "--date", "2025-01-02"])
    assert r.exit_code == 0, r.output
    assert "daily 2025-01-02: 1 sent" in r.output
    assert len(inbox.messages) == 1 and "Efficient KV cache" in inbox.messages[0].get_body(("plain",)).get_content()
    r = runner.invoke(app, ["--db", str(db_path), "send", "--date", "2025-01-02"])
    assert "0 sent" in r.output and len(inbox.messages) == 1
