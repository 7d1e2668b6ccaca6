"""The arXiv API Atom source: recorded responses (JSON-wrapped and raw XML), both feed layouts, errors, the store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.models import Paper, Rejected
from paperradar.sources import SourceError, open_source
from paperradar.sources.arxiv_api import (
    ArxivApiError,
    ArxivApiRecording,
    ArxivAtom,
    arxiv_links,
    parse_feed,
    split_dois,
    unwrap_recording,
)

API = "arxiv_api_atom_from_lukasschwab_arxiv.py"


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def api_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / API


@pytest.fixture(scope="module")
def feed_files(api_dir: Path, fixtures_dir: Path) -> list[Path]:
    """Every recorded API response: JSON wrappers, the 2016 historical XML, and the two 2026 XML files."""
    files = sorted(api_dir.glob("*.json")) + sorted((api_dir / "historical").iterdir())
    files += sorted((fixtures_dir / "arxiv_api_atom_from_misc").glob("*.xml"))
    assert len(files) == 29
    return files


def body(path: Path) -> bytes:
    """The Atom bytes of a fixture: JSON recordings hold them latin-1-decoded in "body"."""
    data = path.read_bytes()
    return unwrap_recording(data, str(path)) if path.suffix == ".json" else data


def page_of(path: Path):
    return parse_feed(body(path), path.name)


def test_every_recorded_response_parses_or_raises_the_api_error(feed_files):
    errors = []
    for f in feed_files:
        status = json.loads(f.read_text())["status_code"] if f.suffix == ".json" else 200
        try:
            page = page_of(f)
        except ArxivApiError as e:
            errors.append((f.name, status, e.code))
            continue
        assert status == 200, f.name
        assert all(isinstance(p, Paper) for p in page.items), f.name
        assert page.total is not None and page.start is not None and page.per_page is not None, f.name
        assert len(page.items) == min(page.per_page, page.total - page.start), f.name
    assert errors == [("id_abc_s0_m100_b79c8dcf6bc3.json", 400, "incorrect_id_format_for_abc")]


def test_entries_match_the_common_jsonl(feed_files, api_dir):
    by_file = {f.name: page_of(f).items for f in feed_files if not f.name.startswith("id_abc")}
    rows = jsonl(api_dir / "entries_common.jsonl")
    assert len(rows) == 281
    for r in rows:
        papers = {p.id: p for p in by_file[r["source"].rsplit("/", 1)[-1]]}
        p = papers[r["id"]]
        assert p.title == " ".join(r["title"].split()), r["id"]
        assert p.abstract == " ".join(r["abstract"].split()), r["id"]
        assert p.authors == r["authors"], r["id"]
        assert p.categories == r["categories"] and p.primary_category == r["primary_category"], r["id"]
        assert (p.doi, p.comment) == (r["doi"], r["comment"] and " ".join(r["comment"].split())), r["id"]
        assert p.journal_ref == (r["journal_ref"] and " ".join(r["journal_ref"].split())), r["id"]
        assert p.version == int(r["version"][1:]), r["id"]
        # dates are normalized to UTC ISO 8601 with an explicit offset
        assert p.published == r["published"].replace("Z", "+00:00"), r["id"]
        assert p.updated == r["updated"].replace("Z", "+00:00"), r["id"]
    # every file's entry count matches the derived file, so nothing was dropped or invented
    for name, items in by_file.items():
        assert len(items) == sum(r["source"].rsplit("/", 1)[-1] == name for r in rows), name


def test_opensearch_counters_and_empty_results(api_dir):
    page = page_of(api_dir / "q_testing_s9_m15_0b78d4b4d476.json")
    assert (page.total, page.start, page.per_page, len(page.items)) == (214881, 9, 15, 15)
    empty = page_of(api_dir / "id_0000.0000_s0_m100_8b51d9633a68.json")
    assert (empty.items, empty.total, empty.start) == ([], 0, 0)
    historical = page_of(api_dir / "historical" / "search_query=au_del_maestro.xml")
    assert (historical.total, historical.start, historical.per_page, len(historical.items)) == (31, 0, 10, 10)


def test_one_paper_is_mapped_completely(api_dir):
    (p,) = page_of(api_dir / "id_1605.08386_s0_m100_199195aa31ad.json").items
    assert p.id == "1605.08386" and p.version == 1
    assert p.title == "Heat-bath random walks with Markov bases"
    assert p.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert p.categories == ["math.CO", "math.ST"] and p.primary_category == "math.CO"
    assert p.published == p.updated == "2016-05-26T17:59:46+00:00"
    assert [(v.version, v.date) for v in p.versions] == [(1, "2016-05-26T17:59:46+00:00")]
    assert p.comment == "20 pages, 3 figures" and p.doi is None and not p.withdrawn
    assert p.links == {"abs": "https://arxiv.org/abs/1605.08386v1", "pdf": "https://arxiv.org/pdf/1605.08386v1"}
    assert p.source.startswith("arxiv-api:") and p.source.endswith("id_1605.08386_s0_m100_199195aa31ad.json")
    assert p.raw.startswith("<entry") and "<id>http://arxiv.org/abs/1605.08386v1</id>" in p.raw


def test_historical_layout_old_ids_doi_and_affiliations(api_dir):
    (p,) = page_of(api_dir / "historical" / "search_query=au_del_maestro_AND_ti_checkerboard.xml").items
    assert p.id == "cond-mat/0603029" and p.version == 1
    assert p.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert p.doi == "10.1103/PhysRevB.74.024520" and p.journal_ref == "Phys. Rev. B 74, 024520 (2006)"
    assert p.links["doi"] == "http://dx.doi.org/10.1103/PhysRevB.74.024520"
    assert p.primary_category == "cond-mat.str-el" and p.categories == ["cond-mat.str-el", "cond-mat.supr-con"]
    (old,) = page_of(api_dir / "historical" / "id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.json").items
    assert old.id == "hep-ex/0406020" and old.version == 1
    (astro,) = page_of(api_dir / "id_astro-ph_0601001_s0_m100_3150dca9dc76.json").items
    assert astro.id == "astro-ph/0601001"
    assert astro.extra["affiliations"]["Andrew Gould"] == ["Ohio State"]
    assert astro.journal_ref == "ActaAstron.56:1-50,2006"


def test_versioned_id_and_version_history(api_dir):
    (p,) = page_of(api_dir / "id_2104.12255v1_s0_m100_6ae69987ffe1.json").items
    assert p.id == "2104.12255" and p.version == 1 and [v.version for v in p.versions] == [1]
    revised = [p for f in api_dir.glob("q_testing_*.json") for p in page_of(f).items if p.version and p.version > 1]
    assert revised, "the recorded pages hold revised papers"
    for p in revised:
        assert [v.version for v in p.versions] == [1, p.version]
        assert p.versions[0].date == p.published and p.versions[-1].date == p.updated


def test_latex_and_non_ascii_survive(api_dir):
    papers = {p.id: p for f in api_dir.glob("*.json") if "abc" not in f.name for p in page_of(f).items}
    assert papers["2306.03845"].title.startswith("$ω$Test: WebView-Oriented Testing")
    authors = {a for p in papers.values() for a in p.authors}
    assert {"Dirk Wübben"} <= authors
    assert any("Ramírez" in a for a in papers["2405.13786"].authors)
    assert any("Weißl" in a for a in papers["2602.15552"].authors)


def test_pagination_overlap_dedups_in_the_store(store, api_dir):
    pages = sorted(api_dir.glob("q_testing_*.json"))
    unique = {p.id for f in pages for p in page_of(f).items}
    total = sum(len(page_of(f).items) for f in pages)
    assert total > len(unique)  # the pages overlap (start 0/5/9/10... with 10, 15 and 100 per page)
    report = ingest_files(store, pages)
    assert report.new == len(unique) and report.new + report.unchanged + report.updated == total
    assert set(store.papers.ids()) == unique and store.papers.count() == len(unique)
    again = ingest_files(store, pages)
    assert (again.new, again.updated) == (0, 0)


def test_error_feed_raises_with_the_api_message(api_dir, store):
    f = api_dir / "id_abc_s0_m100_b79c8dcf6bc3.json"
    with pytest.raises(ArxivApiError, match="incorrect id format for abc") as e:
        page_of(f)
    assert e.value.code == "incorrect_id_format_for_abc" and isinstance(e.value, SourceError)
    with pytest.raises(ArxivApiError):
        ingest_files(store, [api_dir / "id_1605.08386_s0_m100_199195aa31ad.json", f])
    assert store.papers.count() == 0  # the good file before it was not written either


def test_malformed_xml_raises_before_anything_is_stored(api_dir, store, tmp_path):
    data = body(api_dir / "q_testing_s0_m10_bc5a6c384fe9.json")
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match=re.escape("truncated.xml: not well-formed XML")):
        list(open_source(truncated).records())
    with pytest.raises(SourceError):
        ingest_files(store, [truncated])
    assert store.papers.count() == 0
    with pytest.raises(SourceError, match="not an Atom feed"):
        parse_feed(b'<feed xmlns="urn:other"/>', "other.xml")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"url": "u", "status_code": 200, "body": "<feed>☃</feed>"}), encoding="utf-8")
    with pytest.raises(SourceError, match=re.escape("broken.json: recorded body is not latin-1 text")):
        list(ArxivApiRecording(broken.read_bytes(), str(broken)).records())


def test_malformed_entries_are_rejected_not_fatal(api_dir, store, tmp_path):
    data = body(api_dir / "q_testing_s0_m10_bc5a6c384fe9.json").decode("utf-8")
    first_title = data.index("<title>", data.index("<entry>"))
    no_title = data[:first_title] + data[data.index("</title>", first_title) + len("</title>") :]
    second_id = data.index("<id>", data.index("<entry>", data.index("</entry>")))
    no_id = no_title.replace(data[second_id : data.index("</id>", second_id) + 5], "<id>not-an-id</id>", 1)
    items = parse_feed(no_id.encode(), "edited.xml").items
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [r.reason for r in rejected] == ["entry has no title", "entry has no arXiv id"]
    assert rejected[0].payload.startswith("<entry") and "not-an-id" in rejected[1].locator
    edited = tmp_path / "edited.xml"
    edited.write_text(no_id, encoding="utf-8")
    report = ingest_files(store, [edited])
    assert (report.new, report.quarantined) == (8, 2)
    assert {q["reason"] for q in store.papers.quarantined()} == {"entry has no title", "entry has no arXiv id"}


def test_withdrawal_comment_marks_the_paper(api_dir):
    data = body(api_dir / "id_1605.08386_s0_m100_199195aa31ad.json").decode("utf-8")
    data = data.replace(
        "<arxiv:comment>20 pages, 3 figures", "<arxiv:comment>This paper has been withdrawn by the author"
    )
    (p,) = parse_feed(data.replace("1605.08386v1", "1605.08386v2").encode(), "withdrawn.xml").items
    assert p.withdrawn and p.version == 2


def test_detection_and_cli(api_dir, fixtures_dir, runner, db_path):
    rec = api_dir / "q_testing_s0_m10_bc5a6c384fe9.json"
    xml = fixtures_dir / "arxiv_api_atom_from_misc" / "sotawhat__arxiv_transformer_cs.LG_2026-06-14.xml"
    historical = api_dir / "historical" / "search_query=au_del_maestro.xml"
    assert isinstance(open_source(rec), ArxivApiRecording)
    assert isinstance(open_source(xml), ArxivAtom) and isinstance(open_source(historical), ArxivAtom)
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(rec), str(xml)])
    assert r.exit_code == 0, r.output
    assert "2 file(s): 15 new, 0 updated, 0 unchanged, 0 quarantined" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(api_dir / "id_abc_s0_m100_b79c8dcf6bc3.json")])
    assert r.exit_code == 2 and "incorrect id format for abc" in r.output


def test_shared_link_and_doi_helpers():
    assert split_dois("10.1103/A.1 10.1103/B.2, doi:10.1/c;10.2/d") == [
        "10.1103/A.1",
        "10.1103/B.2",
        "10.1/c",
        "10.2/d",
    ]
    # old SICI DOIs contain a semicolon that does not separate two DOIs
    assert split_dois("10.1175/1520-0469(1996)053<0946:ASTFHH>2.0.CO;2") == [
        "10.1175/1520-0469(1996)053<0946:ASTFHH>2.0.CO;2"
    ]
    assert split_dois("") == [] and split_dois(None) == []
    assert arxiv_links("hep-th/9901001", "10.1/x") == {
        "abs": "https://arxiv.org/abs/hep-th/9901001",
        "pdf": "https://arxiv.org/pdf/hep-th/9901001",
        "doi": "https://doi.org/10.1/x",
    }
