"""Probes of a hostile or unlucky CLI user (issue 13): real files, a real SQLite database, the real CLI."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
from html.parser import HTMLParser

import bibtexparser
import orjson
import pytest

from paperradar.cli import app
from paperradar.deliver.exports import to_bibtex, to_csv, to_ris
from paperradar.embed import EMBED_CHARS, paper_text
from paperradar.models import LIMITS, Paper
from paperradar.store import Store

EVIL = {
    "id": "2501.00009",
    "title": "[/INST] TIME[t] [x](https://evil.example/phish) ![p](https://evil.example/track.png) KV cache eviction",
    "abstract": "<details><summary>open</summary>We evict KV cache entries</details> to cut memory 4x for long-context "
    "inference <img src=https://evil.example/t.png> with speculative decoding, quantization and efficient attention.",
    "authors": ['=HYPERLINK("https://evil.example")', "Eve\nER  - \nTY  - JOUR\nTI  - forged", "[bold]Mallory[/bold]"],
    "categories": ["cs.CL", "cs.LG"],
    "listing_date": "2025-01-02",
}


@pytest.fixture
def evil_db(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")
    src = tmp_path / "evil.jsonl"
    src.write_text(orjson.dumps(EVIL).decode() + "\n")
    db = tmp_path / "radar.db"
    r = runner.invoke(app, ["--db", str(db), "ingest", str(src)])
    assert r.exit_code == 0, r.output
    yield db


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_digest_shows_paper_markdown_as_text(evil_db, runner, tmp_path):
    out = tmp_path / "d.html"
    r = runner.invoke(
        app, ["--db", str(evil_db), "digest", "--date", "2025-01-02", "-f", "html", "--all", "-o", str(out)]
    )
    if r.exit_code != 0 and "--all" in r.output:  # (older CLIs have no --all)
        r = runner.invoke(app, ["--db", str(evil_db), "digest", "--date", "2025-01-02", "-f", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    parser = _Tags()
    parser.feed(out.read_text())
    text = "".join(parser.text)
    assert "[x](https://evil.example/phish)" in text  # the title, shown as typed
    for tag, attrs in parser.tags:
        assert "evil.example" not in (attrs.get("href") or "") + (attrs.get("src") or ""), (tag, attrs)
        assert tag not in ("script", "img") or (tag == "img" and (attrs.get("src") or "").startswith("data:"))
    # our own <details> blocks survive; the abstract's does not become one
    assert sum(t == "details" for t, _ in parser.tags) == text.count("Summary")


def test_cli_prints_rich_markup_in_data_as_data(evil_db, runner):
    for args in (["search", "KV cache eviction", "--mode", "keyword"], ["score", "-n", "5"]):
        r = runner.invoke(app, ["--db", str(evil_db), *args], env={"COLUMNS": "400"})
        assert r.exit_code == 0, r.output
        assert "[/INST]" in r.output and "TIME[t]" in r.output


def test_error_message_with_brackets_in_a_path(runner, tmp_path):
    bad = tmp_path / "[/red] TIME[t].jsonl"
    r = runner.invoke(app, ["--db", str(tmp_path / "r.db"), "ingest", str(bad)])
    assert r.exit_code == 2
    assert "[/red] TIME[t].jsonl" in r.output and "Traceback" not in r.output


def test_exports_are_not_injectable(evil_db):
    with Store(evil_db) as s:
        p = s.papers.get("2501.00009")
    assert p is not None
    braced = Paper(id="2501.00010", title="{BERT} Goes {Brrr}: a {GPU} study", authors=["A B"])
    unbalanced = Paper(id="2501.00011", title="A } closes @misc{forged, title={x}", authors=["C D"])
    rows = list(csv.reader(io.StringIO(to_csv([p]))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert rows[1][3].startswith("'=HYPERLINK")
    ris = to_ris([p])
    assert ris.count("TY  - ") == 1 and ris.count("ER  - ") == 1
    assert all(line[2:6] == "  - " for line in ris.splitlines() if line)
    lib = bibtexparser.parse_string(to_bibtex([p, braced, unbalanced]))
    assert not lib.failed_blocks and len(lib.entries) == 3
    assert lib.entries[1]["title"] == "{BERT} Goes {Brrr}: a {GPU} study"  # braces kept (no data loss)
    assert "forged" not in {e.key for e in lib.entries}


def test_fields_are_bounded_at_ingest(runner, tmp_path):
    rows = [
        {"id": "2501.00001", "title": "Huge abstract", "abstract": "word " * 10_000_000, "listing_date": "2025-01-02"},
        {"id": "2501.00002", "title": "t" * 5_000, "abstract": "a page-long title", "listing_date": "2025-01-02"},
        {
            "id": "2501.00003",
            "title": "Many authors",
            "authors": [f"Author {i} " + "x" * 1000 for i in range(6_000)],
            "listing_date": "2025-01-02",
        },
    ]
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(orjson.dumps(r).decode() for r in rows) + "\n")
    db = tmp_path / "r.db"
    r = runner.invoke(app, ["--db", str(db), "ingest", str(src)])
    assert r.exit_code == 0, r.output
    assert "2 new" in r.output and "1 quarantined" in r.output
    with Store(db) as s:
        huge, many = s.papers.get("2501.00001"), s.papers.get("2501.00003")
        assert huge is not None and many is not None
        assert len(huge.abstract) <= LIMITS["abstract"] + 2 and "abstract cut" in huge.extra["limits"][0]
        assert len(many.authors) == LIMITS["authors"] and all(len(a) <= LIMITS["author"] + 2 for a in many.authors)
        assert s.papers.get("2501.00002") is None
        reasons = [q["reason"] for q in s.papers.quarantined()]
        assert any("title is 5000 characters" in q for q in reasons)
    assert len(paper_text("t", "w " * 1_000_000)) == EMBED_CHARS  # and what is embedded is capped


def test_a_corrupt_gzip_is_one_line_and_exit_2(runner, tmp_path):
    good = gzip.compress(b'{"id": "2501.00001", "title": "x"}\n' * 1000)
    bad = tmp_path / "papers.jsonl.gz"
    bad.write_bytes(good[:20] + bytes(b ^ 0x55 for b in good[20:200]) + good[200:])
    r = runner.invoke(app, ["--db", str(tmp_path / "r.db"), "ingest", str(bad)])
    assert r.exit_code == 2, r.output
    assert "damaged gzip" in r.output and "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def _damage(db) -> str:
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        f.seek(size // 2)
        f.write(b"\xde\xad" * 40_000)
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_a_damaged_database_refuses_writes_and_says_how_to_restore(runner, tmp_path):
    db = tmp_path / "r.db"
    with Store(db) as s:
        s.papers.write_batch(
            [Paper(id=f"2501.{i:05d}", title=f"paper {i} " * 5, abstract="word " * 300) for i in range(3000)],
            source="t",
            now="2025-01-02T00:00:00+00:00",
        )
    before = _damage(db)
    more = tmp_path / "more.jsonl"
    more.write_text(orjson.dumps({"id": "2601.00001", "title": "new"}).decode() + "\n")
    for args in (["stats"], ["export", "--format", "csv"], ["ingest", str(more)], ["search", "paper"]):
        r = runner.invoke(app, ["--db", str(db), *args])
        assert r.exit_code == 1, (args, r.output)
        assert "damaged" in r.output and "restore" in r.output and "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # nothing was written into it
