"""The arXiv RSS source: real trimmed feeds, the empty weekend feed, the synthetic feed with broken items."""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.models import Paper, Rejected
from paperradar.sources import SourceError, open_source
from paperradar.sources.rss import ArxivRss, parse_feed

SYNTHETIC = "All-News-AI__arxiv_cs.CL_SYNTHETIC_spec_based.xml"
WEEKEND = "All-News-AI__arxiv_cs.CL_weekend_empty_2026-08-01.xml"
CS_AI = "jmamath-distill__arxiv_cs_ai_2026-04-27_trimmed3items.xml"


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def rss_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "arxiv_rss_xml"


def items_of(path: Path) -> list[Paper | Rejected]:
    return parse_feed(path.read_bytes(), path.name)


def test_every_feed_parses(rss_dir):
    counts = {f.name: len(items_of(f)) for f in sorted(rss_dir.glob("*.xml"))}
    assert counts == {
        SYNTHETIC: 5,
        WEEKEND: 0,
        CS_AI: 3,
        "jmamath-distill__arxiv_cs_cl_2026-04-27_trimmed3items.xml": 3,
        "jmamath-distill__arxiv_cs_lg_2026-04-27_trimmed3items.xml": 3,
    }


def test_items_match_the_common_jsonl(rss_dir):
    rows = jsonl(rss_dir / "items_common.jsonl")
    assert len(rows) == 14
    for r in rows:
        items = items_of(rss_dir / r["source"])
        if not r["title"]:  # the synthetic item without a title
            (rej,) = [i for i in items if isinstance(i, Rejected)]
            assert rej.reason == "item has no title" and r["id"] in rej.locator and "<item" in rej.payload
            continue
        (p,) = [i for i in items if isinstance(i, Paper) and i.title == r["title"]]
        # the item whose description lost its "arXiv:<id> Announce Type:" header is identified by its guid
        assert p.id == (r["id"] or "2607.33333")
        assert p.version == (int(r["version"][1:]) if r["version"] else 1)
        assert p.extra.get("announce_type") == r["announce_type"]
        assert p.authors == r["authors"] and p.categories == r["categories"]
        assert p.abstract == " ".join(r["abstract"].split())
        assert p.announced == parsedate_to_datetime(r["published"]).date().isoformat()


def test_announcement_fields_of_a_real_item(rss_dir):
    p = items_of(rss_dir / CS_AI)[0]
    assert isinstance(p, Paper)
    assert (p.id, p.version, p.announced) == ("2604.21935", 1, "2026-04-27")
    # the feed has no submission date; `published` is left for the API or OAI-PMH to fill
    assert p.published is None and [(v.version, v.date) for v in p.versions] == [(1, None)]
    assert p.extra == {"announce_type": "new", "rights": "http://creativecommons.org/licenses/by/4.0/"}
    assert p.links == {"abs": "https://arxiv.org/abs/2604.21935", "pdf": "https://arxiv.org/pdf/2604.21935"}
    assert p.source == f"rss:{CS_AI}" and p.raw.startswith("<item") and not p.withdrawn
    assert p.primary_category == "cs.AI"


def test_synthetic_feed_types_doi_and_quarantine(rss_dir, store):
    items = items_of(rss_dir / SYNTHETIC)
    papers = {i.id: i for i in items if isinstance(i, Paper)}
    assert {k: p.extra.get("announce_type") for k, p in papers.items()} == {
        "2607.11111": "new",
        "2607.22222": "cross",
        "2203.01250": "replace-cross",
        "2607.33333": None,
    }
    assert papers["2607.22222"].doi == "10.1234/example.2607.22222"
    assert papers["2607.22222"].links["doi"] == "https://doi.org/10.1234/example.2607.22222"
    report = ingest_files(store, [rss_dir / SYNTHETIC])
    assert (report.new, report.quarantined) == (4, 1)
    (q,) = store.papers.quarantined()
    assert q["reason"] == "item has no title" and "2607.44444" in q["locator"]
    assert [v.version for v in store.papers.versions("2203.01250")] == [3]


def test_empty_weekend_feed_is_not_an_error(rss_dir, runner, db_path):
    assert items_of(rss_dir / WEEKEND) == []
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(rss_dir / WEEKEND)])
    assert r.exit_code == 0, r.output
    assert "1 file(s): 0 new, 0 updated, 0 unchanged, 0 quarantined" in r.output


def test_replace_announcement_is_a_new_version(rss_dir, store, tmp_path):
    monday = rss_dir / CS_AI
    text = monday.read_text(encoding="utf-8")
    tuesday = tmp_path / "tuesday.xml"
    tuesday.write_text(
        text.replace("Mon, 27 Apr 2026", "Tue, 28 Apr 2026")
        .replace("arXiv:2604.21935v1 Announce Type: new", "arXiv:2604.21935v2 Announce Type: replace")
        .replace("oai:arXiv.org:2604.21935v1", "oai:arXiv.org:2604.21935v2")
        .replace(
            "<arxiv:announce_type>new</arxiv:announce_type>", "<arxiv:announce_type>replace</arxiv:announce_type>", 1
        )
        .replace("Abstract: Although language models", "Abstract: Revised: language models"),
        encoding="utf-8",
    )
    assert ingest_files(store, [monday]).new == 3
    report = ingest_files(store, [tuesday])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)
    p = store.papers.get("2604.21935")
    assert p.version == 2 and p.extra["announce_type"] == "replace" and p.announced == "2026-04-28"
    assert p.abstract.startswith("Revised:") and [v.version for v in store.papers.versions(p.id)] == [1, 2]
    assert store.papers.status(p.id) == "updated"


def test_withdrawal_replacement_is_flagged(rss_dir):
    text = (rss_dir / SYNTHETIC).read_text(encoding="utf-8")
    text = text.replace(
        "Abstract: We consider first order optimisation under noise.",
        "Abstract: This paper has been withdrawn by the author due to an error in Lemma 2.",
    )
    papers = {i.id: i for i in parse_feed(text.encode(), "w.xml") if isinstance(i, Paper)}
    assert papers["2203.01250"].withdrawn and not papers["2607.11111"].withdrawn


def test_item_without_pubdate_takes_the_channel_date_and_items_without_id_are_rejected(rss_dir):
    text = (rss_dir / SYNTHETIC).read_text(encoding="utf-8")
    first = text.index("<item>")
    item_pub = text.index("<pubDate>", first)
    text = text[:item_pub] + text[text.index("</pubDate>", item_pub) + len("</pubDate>") :]
    text = text.replace("https://arxiv.org/abs/2607.33333", "https://example.org/paper")
    text = text.replace("oai:arXiv.org:2607.33333v1", "urn:example:1")
    items = parse_feed(text.encode(), "edited.xml")
    assert items[0].announced == "2026-07-29"
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [r.reason for r in rejected] == ["item has no arXiv id", "item has no title"]
    assert "urn:example:1" in rejected[0].locator


def test_malformed_and_wrong_documents_raise(rss_dir, store, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes((rss_dir / CS_AI).read_bytes()[:3000])
    with pytest.raises(SourceError, match=re.escape("broken.xml: not well-formed XML")):
        ingest_files(store, [broken])
    assert store.papers.count() == 0
    with pytest.raises(SourceError, match=re.escape("not an RSS 2.0 feed")):
        parse_feed(b'<rss version="2.0"/>', "nochannel.xml")
    with pytest.raises(SourceError, match=re.escape("not an RSS 2.0 feed")):
        parse_feed(b"<feed><channel/></feed>", "atom.xml")


def test_detection_and_cli(rss_dir, runner, db_path, tmp_path):
    files = sorted(rss_dir.glob("jmamath-*.xml"))
    assert all(isinstance(open_source(f), ArxivRss) for f in files)
    r = runner.invoke(app, ["--db", str(db_path), "ingest", *map(str, files)])
    assert r.exit_code == 0, r.output
    assert "3 file(s): 9 new, 0 updated, 0 unchanged, 0 quarantined" in r.output
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b'<rss version="2.0"><channel><title>arxiv</title><item>')
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(garbage)])
    assert r.exit_code == 2 and "garbage.xml" in r.output
