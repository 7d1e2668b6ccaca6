"""The OAI-PMH source: arXiv and arXivRaw records, resumption tokens, protocol errors, deleted and broken records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.models import Paper, Rejected
from paperradar.sources import SourceError, open_source
from paperradar.sources.oaipmh import OaiError, OaiPmh, parse_response
from paperradar.sources.text import iso_date

ERRORS = {
    "ErrorResponseBadArgument.xml": "badArgument",
    "ErrorResponseBadResumptionToken.xml": "badResumptionToken",
    "ErrorResponseBadVerb.xml": "badVerb",
    "ErrorResponseIdDoesNotExist.xml": "idDoesNotExist",
    "ErrorResponseNoRecordsMatch.xml": "noRecordsMatch",
    "cannotDisseminateFormat.xml": "cannotDisseminateFormat",
}


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def oai_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "arxiv_oaipmh_xml"


@pytest.fixture(scope="module")
def list_records(oai_dir: Path) -> bytes:
    return (oai_dir / "mikesaelim_arXivOAIHarvester" / "ListRecordsResponse.xml").read_bytes()


def good_files(oai_dir: Path) -> list[Path]:
    return sorted(f for f in oai_dir.rglob("*.xml") if f.name not in ERRORS)


def test_every_fixture_parses_or_raises_its_error_code(oai_dir):
    files = sorted(oai_dir.rglob("*.xml"))
    assert len(files) == 23
    raised = {}
    for f in files:
        try:
            page = parse_response(f.read_bytes(), str(f))
        except OaiError as e:
            raised[f.name] = e.code
            assert str(e).startswith(f"{f}: OAI-PMH error {e.code}") and "\n" not in str(e)
            continue
        assert page.items and all(isinstance(p, Paper) for p in page.items), f.name
    assert raised == ERRORS


@pytest.mark.parametrize("name,code", sorted(ERRORS.items()))
def test_each_error_code_raises_oai_error(oai_dir, name, code, store):
    (f,) = oai_dir.rglob(name)
    with pytest.raises(OaiError) as e:
        parse_response(f.read_bytes(), name)
    assert e.value.code == code and isinstance(e.value, SourceError)
    with pytest.raises(OaiError):
        ingest_files(store, [f])
    assert store.papers.count() == 0


def test_records_match_the_common_jsonl(oai_dir):
    by_file = {f.name: parse_response(f.read_bytes(), f.name).items for f in good_files(oai_dir)}
    rows = jsonl(oai_dir / "records_common.jsonl")
    assert len(rows) == 37 and {r["format"] for r in rows} == {"arXiv", "arXivRaw"}
    for r in rows:
        papers = {p.id: p for p in by_file[Path(r["source"]).name]}
        p = papers[r["id"]]
        assert p.title == " ".join(r["title"].split()), r["id"]
        assert p.abstract == " ".join(r["abstract"].split()), r["id"]
        assert p.categories == r["categories"] and p.primary_category == r["categories"][0], r["id"]
        if r["format"] == "arXivRaw":  # one author string, split here; versions with dates
            assert ", ".join(p.authors[:-1]) in r["authors"] and r["authors"].endswith(p.authors[-1]), r["id"]
            assert [(v.version, v.date) for v in p.versions] == [
                (int(v["version"][1:]), iso_date(v["date"])) for v in r["versions"]
            ], r["id"]
        else:  # keyname + forenames; the derived file leaves out suffixes ("IV")
            assert len(p.authors) == len(r["authors"]), r["id"]
            assert all(a.startswith(b) for a, b in zip(p.authors, r["authors"], strict=True)), r["id"]
            assert p.published == r["versions"]["created"], r["id"]
            assert p.updated == (r["versions"]["updated"] or r["versions"]["created"]), r["id"]
    for name, items in by_file.items():
        assert len(items) == sum(Path(r["source"]).name == name for r in rows), name


def test_list_records_resumption_token_and_arxivraw_fields(list_records):
    page = parse_response(list_records, "ListRecordsResponse.xml")
    assert (page.resumption_token, page.complete_list_size, page.cursor) == ("726959|1001", 58011, 0)
    papers = {p.id: p for p in page.items}
    assert list(papers) == ["0704.0471", "0704.0716", "0704.0874", "0704.1109", "0704.1114", "0704.1586"]
    p = papers["0704.0471"]
    assert p.authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert p.doi == "10.1103/PhysRevC.76.024606"
    assert p.extra["dois"] == ["10.1103/PhysRevC.76.024606", "10.1103/PhysRevC.76.039902"]
    assert p.journal_ref == "Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007"
    assert p.links["doi"] == "https://doi.org/10.1103/PhysRevC.76.024606"
    assert p.extra["submitter"] == "Dinesh Shetty" and p.extra["datestamp"] == "2014-11-18"
    assert p.extra["sets"] == ["physics:nucl-ex", "physics:nucl-th"]
    assert p.source == "oai-pmh:ListRecordsResponse.xml" and p.raw.lstrip().startswith("<arXivRaw")
    r = papers["0704.0716"]
    assert r.version == 4 and r.extra["msc_class"] == "05A15, 05A16"
    assert [(v.version, v.date, v.size) for v in r.versions][-1] == (4, "2008-11-14T09:07:25+00:00", "49kb")
    assert r.published == "2007-04-05T12:45:03+00:00" and r.updated == "2008-11-14T09:07:25+00:00"


def test_version_history_reaches_the_store(store, oai_dir):
    folder = oai_dir / "mikesaelim_arXivOAIHarvester"
    report = ingest_files(store, [folder / "ListRecordsResponse.xml", folder / "GetRecordResponse.xml"])
    assert (report.new, report.quarantined) == (7, 0)
    assert [(v.version, v.size) for v in store.papers.versions("0704.0716")] == [
        (1, "43kb"),
        (2, "48kb"),
        (3, "48kb"),
        (4, "49kb"),
    ]
    assert [v.date for v in store.papers.versions("1302.2146")] == [
        "2013-02-08T21:00:01+00:00",
        "2013-04-02T01:50:08+00:00",
    ]
    assert store.papers.get("0704.0874").version == 3


def test_arxiv_format_authors_dates_and_extras(oai_dir):
    f = oai_dir / "inspirehep_hepcrawl" / "unit__responses__arxiv__sample_arxiv_record0.xml"
    (p,) = parse_response(f.read_bytes(), f.name).items
    assert p.id == "1601.03238"
    assert p.authors == ["Planck Collaboration", "Jieci Wang", "Zehua Tian", "Jiliang Jing", "Heng Fan"]
    assert (p.published, p.updated, [v.version for v in p.versions]) == ("2016-01-13", "2016-01-13", [1])
    # "a, b;c": commas and semicolons both separate DOIs
    assert p.extra["dois"] == ["10.1103/PhysRevD.93.016005", "10.1103/PhysRevD.98.079901", "10.1103/PhysRevD.98.079903"]
    assert p.extra["report_no"] == "YITP-2016-26"
    assert p.extra["license"] == "https://creativecommons.org/licenses/by/3.0/"
    assert p.categories[0] == p.primary_category == "quant-ph"
    suffixed = oai_dir / "inspirehep_hepcrawl" / "unit__responses__arxiv__sample_arxiv_record4.xml"
    (keck,) = parse_response(suffixed.read_bytes(), suffixed.name).items
    assert "R. W. IV" in keck.authors and len(keck.authors) == 66


def test_records_shared_between_files_dedup_in_the_store(store, oai_dir):
    files = good_files(oai_dir)
    ids = [p.id for f in files for p in parse_response(f.read_bytes(), f.name).items]
    assert len(ids) > len(set(ids))  # hepcrawl's samples repeat records across files
    report = ingest_files(store, files)
    assert report.new == len(set(ids)) == store.papers.count()
    assert report.new + report.updated + report.unchanged == len(ids)


def test_deleted_and_malformed_records(list_records, store, tmp_path):
    text = list_records.decode("utf-8")
    deleted = (
        '<record><header status="deleted"><identifier>oai:arXiv.org:0704.9999</identifier>'
        "<datestamp>2015-01-01</datestamp></header></record>"
    )
    no_metadata = "<record><header><identifier>oai:arXiv.org:0704.9998</identifier></header></record>"
    # the second record loses its title, the third its id
    edited = text.replace("<ListRecords>", "<ListRecords>" + deleted + no_metadata, 1)
    start = edited.index("<title>", edited.index("<id>0704.0716</id>"))
    edited = edited[:start] + edited[edited.index("</title>", start) + len("</title>") :]
    edited = edited.replace("<id>0704.0874</id>", "<id></id>", 1)
    page = parse_response(edited.encode(), "edited.xml")
    assert page.deleted == ["oai:arXiv.org:0704.9999"]
    rejected = [i for i in page.items if isinstance(i, Rejected)]
    assert [(r.locator, r.reason) for r in rejected] == [
        ("record oai:arXiv.org:0704.9998", "record has no metadata"),
        ("record oai:arXiv.org:0704.0716", "record has no title"),
        ("record oai:arXiv.org:0704.0874", "record has no valid arXiv id"),
    ]
    assert all(r.payload.startswith("<record") for r in rejected)
    path = tmp_path / "edited.xml"
    path.write_text(edited, encoding="utf-8")
    report = ingest_files(store, [path])
    assert (report.new, report.quarantined) == (4, 3)
    assert "0704.9999" not in store.papers.ids()


def test_last_page_has_no_token_and_withdrawals_are_flagged(list_records):
    text = list_records.decode("utf-8")
    last = text.replace(
        '<resumptionToken cursor="0" completeListSize="58011">726959|1001</resumptionToken>',
        '<resumptionToken cursor="58005" completeListSize="58011"/>',
    )
    page = parse_response(last.encode(), "last.xml")
    assert (page.resumption_token, page.complete_list_size, page.cursor) == (None, 58011, 58005)
    withdrawn = text.replace(
        "<comments>16 pages, 14 figures</comments>", "<comments>This paper has been withdrawn</comments>"
    )
    papers = {p.id: p for p in parse_response(withdrawn.encode(), "w.xml").items}
    assert papers["0704.0471"].withdrawn and not papers["0704.0716"].withdrawn


def test_malformed_xml_and_wrong_documents(list_records, store, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(list_records[:-200])
    with pytest.raises(SourceError, match=re.escape("broken.xml: not well-formed XML")):
        ingest_files(store, [broken])
    assert store.papers.count() == 0
    with pytest.raises(SourceError, match="without ListRecords or GetRecord"):
        parse_response(b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><Identify/></OAI-PMH>', "id.xml")
    with pytest.raises(SourceError, match="not an OAI-PMH response"):
        parse_response(b"<rss/>", "x.xml")
    # entities are not expanded and nothing is fetched: an external entity stays an unresolved reference
    xxe = list_records.replace(
        b"<OAI-PMH ", b'<!DOCTYPE OAI-PMH [<!ENTITY x SYSTEM "file:///etc/passwd">]><OAI-PMH ', 1
    ).replace(b"16 pages, 14 figures", b"&x;", 1)
    papers = {p.id: p for p in parse_response(xxe, "xxe.xml").items}
    assert "root:" not in (papers["0704.0471"].comment or "")


def test_detection_and_cli(oai_dir, runner, db_path):
    f = oai_dir / "mikesaelim_arXivOAIHarvester" / "ListRecordsResponse.xml"
    assert isinstance(open_source(f), OaiPmh)
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(f)])
    assert r.exit_code == 0, r.output
    assert "1 file(s): 6 new, 0 updated, 0 unchanged, 0 quarantined" in r.output
    bad = oai_dir / "mikesaelim_arXivOAIHarvester" / "ErrorResponseBadVerb.xml"
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(bad)])
    assert r.exit_code == 2 and "badVerb" in r.output
