"""Every recorded format in ../shared/data/fixtures (and the seeds) parses into the store with the right values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.sources import SourceError, detect, open_source
from paperradar.sources.oaipmh import OaiError, parse_response


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seeds(shared_data):
    return shared_data / "seeds"


def test_every_fixture_format_is_detected(fixtures_dir, seeds):
    expected = {
        "arxiv_api_atom_from_lukasschwab_arxiv.py/q_testing_s0_m10_bc5a6c384fe9.json": "arxiv-api-recording",
        "arxiv_api_atom_from_lukasschwab_arxiv.py/historical/search_query=au_del_maestro.xml": "arxiv-api",
        "arxiv_api_atom_from_misc/brevio-ai__arxiv_api_cat_cs.LG_OR_cs.AI_2026-04-30.xml": "arxiv-api",
        "arxiv_oaipmh_xml/mikesaelim_arXivOAIHarvester/ListRecordsResponse.xml": "oai-pmh",
        "arxiv_oaipmh_xml/inspirehep_hepcrawl/unit__responses__arxiv__sample_arxiv_record0.xml": "oai-pmh",
        "arxiv_rss_xml/jmamath-distill__arxiv_cs_ai_2026-04-27_trimmed3items.xml": "arxiv-rss",
        "hf_daily_papers_api_json/sotawhat__hf_daily_papers_2026-06.json": "hf-daily",
        "arxiv_api_atom_from_lukasschwab_arxiv.py/entries_common.jsonl": "jsonl",
        "arxiv_abs_files_from_arXiv_arxiv-browse/tests/data/abs_files/ftp/cs/papers/0011/0011004.abs": "arxiv-abs",
    }
    for rel, name in expected.items():
        assert open_source(fixtures_dir / rel).name == name, rel
    assert open_source(seeds / "daily_digest_example_raw.md").name == "markdown"
    assert open_source(seeds / "hf_papers_search_page_raw.txt").name == "hf-search"


def test_arxiv_api_recordings_match_the_common_jsonl(store, fixtures_dir):
    folder = fixtures_dir / "arxiv_api_atom_from_lukasschwab_arxiv.py"
    files = [f for f in sorted(folder.rglob("*")) if f.suffix in (".json", ".xml") and "id_abc" not in f.name]
    files += sorted((fixtures_dir / "arxiv_api_atom_from_misc").glob("*.xml"))
    report = ingest_files(store, files)
    expected = {r["id"]: r for r in jsonl(folder / "entries_common.jsonl")}
    assert report.new == store.papers.count() == len(expected)
    for pid, r in expected.items():
        p = store.papers.get(pid)
        assert p is not None, pid
        assert len(p.authors) == len(r["authors"]), pid
        assert set(r["categories"]) <= set(p.categories), pid
    # overlapping pages of the same query dedup to one row per id
    assert len(store.papers.ids()) == len(set(store.papers.ids()))
    # old-style ids, LaTeX titles and non-ASCII names survive
    assert store.papers.get("astro-ph/0601001") is not None
    assert store.papers.get("quant-ph/0201082").version == 1
    names = {a for p in store.papers.iter() for a in p.authors}
    assert {"Dirk Wübben"} <= names or any("Wübben" in n for n in names)
    assert any("ω" in p.title or "$\\omega$" in p.title or "$ω$" in p.title for p in store.papers.iter())


def test_api_error_feed_raises(fixtures_dir):
    f = next((fixtures_dir / "arxiv_api_atom_from_lukasschwab_arxiv.py").glob("id_abc_*.json"))
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        list(open_source(f).records())


def test_oai_pmh_both_formats_versions_and_errors(store, fixtures_dir):
    folder = fixtures_dir / "arxiv_oaipmh_xml"
    good = [f for f in sorted(folder.rglob("*.xml")) if "Error" not in f.name and "cannotDisseminate" not in f.name]
    ingest_files(store, good)
    for r in jsonl(folder / "records_common.jsonl"):
        p = store.papers.get(r["id"])
        assert p is not None and p.title, r["id"]
    hist = store.papers.versions("0704.0716")
    assert [v.version for v in hist] == [1, 2, 3, 4] and all(v.date and v.size for v in hist)
    assert (
        store.papers.get("0704.0716").published.startswith("2007-04-04")
        or hist[0].date == store.papers.get("0704.0716").published
    )
    assert store.papers.get("0704.0471").authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert store.papers.get("0704.0471").doi == "10.1103/PhysRevC.76.024606"
    rec = store.papers.get("1601.03238")
    assert "Jieci Wang" in rec.authors and "Planck Collaboration" in rec.authors
    page = parse_response((folder / "mikesaelim_arXivOAIHarvester" / "ListRecordsResponse.xml").read_bytes(), "t")
    assert (page.resumption_token, page.complete_list_size, page.cursor) == ("726959|1001", 58011, 0)
    codes = {}
    for f in [
        *list((folder / "mikesaelim_arXivOAIHarvester").glob("Error*.xml")),
        folder / "mloesch_sickle" / "cannotDisseminateFormat.xml",
    ]:
        with pytest.raises(OaiError) as e:
            parse_response(f.read_bytes(), f.name)
        codes[f.name] = e.value.code
    assert sorted(codes.values()) == [
        "badArgument",
        "badResumptionToken",
        "badVerb",
        "cannotDisseminateFormat",
        "idDoesNotExist",
        "noRecordsMatch",
    ]


def test_rss_announce_types_and_quarantine(store, fixtures_dir):
    folder = fixtures_dir / "arxiv_rss_xml"
    report = ingest_files(store, sorted(folder.glob("*.xml")))
    expected = jsonl(folder / "items_common.jsonl")
    assert report.quarantined == 1  # the synthetic feed's item without a title
    good = [r for r in expected if r["title"] and r["id"]]
    # the item whose description lost its "arXiv:<id>" prefix is still identified from its guid
    assert set(store.papers.ids()) == {r["id"] for r in good} | {"2607.33333"}
    for r in good:
        p = store.papers.get(r["id"])
        assert p.authors == r["authors"] and p.title == r["title"], r["id"]
    assert store.papers.get("2203.01250").extra["announce_type"] == "replace-cross"
    assert store.papers.get("2604.21935").announced == "2026-04-27"
    q = store.papers.quarantined()
    assert q[0]["reason"] == "item has no title" and "2607.44444" in q[0]["locator"]


def test_abs_files_versions_withdrawn_old_ids(store, fixtures_dir):
    root = fixtures_dir / "arxiv_abs_files_from_arXiv_arxiv-browse"
    files = [f for f in root.rglob("*.abs") if f.stat().st_size]
    ingest_files(store, files)
    expected = {r["id"] for r in jsonl(root / "abs_common.jsonl") if r["id"]}
    assert set(store.papers.ids()) == expected
    withdrawn = {p.id for p in store.papers.iter() if p.withdrawn}
    assert {"0704.0374", "0906.3336", "2101.10016"} <= withdrawn
    assert "0704.0615" not in withdrawn  # withdrawn in v2, replaced by a published v4
    assert store.papers.get("0704.0615").version == 4
    assert [v.version for v in store.papers.versions("2101.10016")] == list(range(1, 9))
    assert store.papers.get("acc-phys/9411001").authors == ["Salman Habib", "Robert D. Ryne"]
    assert any("Balázs" in a for p in store.papers.iter() for a in p.authors)


def test_hf_daily_json(store, fixtures_dir):
    folder = fixtures_dir / "hf_daily_papers_api_json"
    ingest_files(store, sorted(folder.glob("*.json")))
    for r in jsonl(folder / "papers_common.jsonl"):
        p = store.papers.get(r["id"])
        assert p.title == r["title"] and p.authors == r["authors"] and p.abstract == " ".join(r["abstract"].split())


def test_markdown_digest_is_repaired_and_matches_the_parsed_seed(store, seeds):
    ingest_files(store, [seeds / "daily_digest_example_raw.md"])
    expected = json.loads((seeds / "arxiv_efficiency_daily_2023-06.json").read_text(encoding="utf-8"))
    assert store.papers.count() == len(expected) == 91
    for e in expected:
        p = store.papers.get(e["arxiv_id"])
        assert [b.strip() for b in p.extra["bullets"]] == [b.strip() for b in e["summary"]], e["arxiv_id"]
        assert p.announced and p.announced.startswith("2023-06")
    assert store.papers.get("2306.12929").announced == "2023-06-23"
    assert not any("Ã" in p.title or "â€" in p.title for p in store.papers.iter())


def test_hf_search_page(store, seeds):
    report = ingest_files(store, [seeds / "hf_papers_search_page_raw.txt"])
    expected = json.loads((seeds / "hf_papers_search_results.json").read_text(encoding="utf-8"))
    titles = {p.title: p for p in store.papers.iter()}
    for e in expected:
        assert e["title"] in titles and titles[e["title"]].abstract == " ".join(e["abstract"].split())
    assert report.new == len({e["title"] for e in expected}) and report.quarantined == 0


def test_kaggle_csv_bibtex(store, tmp_path):
    kaggle = tmp_path / "snapshot.json"
    rows = [
        {
            "id": "0704.0001",
            "submitter": "Pavel Nadolsky",
            "authors": "C. Bal\\'azs, E. L. Berger",
            "title": "Calculation of prompt diphoton production",
            "comments": "37 pages",
            "journal-ref": "Phys.Rev.D76",
            "doi": "10.1103/PhysRevD.76.013009",
            "categories": "hep-ph",
            "abstract": "  A fully differential ...",
            "versions": [
                {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
                {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
            ],
            "update_date": "2008-11-13",
            "authors_parsed": [["Balázs", "C.", ""], ["Berger", "E. L.", ""]],
        },
        {
            "id": "math/0211159",
            "submitter": "x",
            "authors": "G. Perelman",
            "title": "Ricci flow with surgery",
            "comments": "This paper has been withdrawn by the author",
            "categories": "math.DG",
            "abstract": "...",
            "versions": [{"version": "v1", "created": "Tue, 12 Nov 2002 00:00:00 GMT"}],
            "authors_parsed": [],
        },
        {"id": "", "submitter": "x", "title": ""},
    ]
    kaggle.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    report = ingest_files(store, [kaggle])
    assert (report.new, report.quarantined) == (2, 2)
    p = store.papers.get("0704.0001")
    assert p.authors == ["C. Balázs", "E. L. Berger"] and p.version == 2 and p.doi.startswith("10.1103")
    assert store.papers.get("math/0211159").withdrawn and store.papers.get("math/0211159").authors == ["G. Perelman"]

    csv_file = tmp_path / "list.csv"
    csv_file.write_text(
        'Title,Authors,URL,Year\n"Calculation of prompt diphoton production","C. Balazs; E. Berger",'
        "https://arxiv.org/abs/0704.0001v1,2007\n,Nobody,,2020\n"
        '"Attention Is All You Need","Ashish Vaswani and Noam Shazeer",,2017\n',
        encoding="utf-8",
    )
    report = ingest_files(store, [csv_file])
    assert (report.new, report.unchanged, report.quarantined) == (1, 1, 1)
    assert store.papers.get("0704.0001").title == "Calculation of prompt diphoton production"

    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{vaswani2017,\n  title={Attention Is All You Need},\n  author={Vaswani, Ashish and "
        "Shazeer, Noam},\n  year={2017}\n}\n@misc{lora,\n  title={{LoRA}: Low-Rank Adaptation of Large "
        "Language Models},\n  author={Hu, Edward J. and Shen, Yelong},\n  eprint={2106.09685},\n  "
        "archivePrefix={arXiv},\n  primaryClass={cs.CL},\n  year={2021}\n}\n@misc{notitle,\n  "
        "author={Nobody},\n  year={2020}\n}\n",
        encoding="utf-8",
    )
    report = ingest_files(store, [bib])
    assert (report.new, report.unchanged, report.quarantined) == (1, 1, 1)  # Vaswani dedups against the CSV row
    lora = store.papers.get("2106.09685")
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.authors == ["Edward J. Hu", "Yelong Shen"] and lora.categories == ["cs.CL"]


def test_unparseable_files_exit_2_and_write_nothing(runner, db_path, tmp_path, fixtures_dir):
    good = fixtures_dir / "hf_daily_papers_api_json" / "sotawhat__hf_daily_papers_2026-06.json"
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 10)
    broken_xml = tmp_path / "broken.xml"
    broken_xml.write_bytes(b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>')
    for bad in (garbage, broken_xml):
        r = runner.invoke(app, ["--db", str(db_path), "ingest", str(good), str(bad)])
        assert r.exit_code == 2, r.output
        assert "error:" in r.output and str(bad.name) in r.output
        assert len(r.output.strip().splitlines()) == 1
    r = runner.invoke(app, ["--db", str(db_path), "stats", "--json"])
    assert json.loads(r.output)["papers"] == 0
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(good)])
    assert r.exit_code == 0 and "30 new" in r.output


def test_detect_rejects_plain_text():
    with pytest.raises(SourceError, match="not a format paperradar can read"):
        detect(b"just some notes\nabout papers\n", "notes.txt")


def test_font_commands_in_titles_are_unwrapped_and_real_math_kept(store, tmp_path):
    """arXiv titles such as ``$\\texttt{SPECS}$: ...`` read as ``SPECS: ...`` in every digest; real math stays."""
    rows = [
        {"id": "2506.15733", "title": "$\\texttt{SPECS}$: Faster Test-Time Scaling", "abstract": "a"},
        {"id": "2504.00001", "title": "Business as \\textit{Rule}sual and $\\textit{near} $ things", "abstract": "b"},
        {"id": "2504.00002", "title": "M$^2$CD with the $\\ell_1$ loss for $5 and $10", "abstract": "c"},
        {"id": "2504.00003", "title": "ReStNet: A Reusable \\& Stitchable Network, 50\\% Smaller", "abstract": "d"},
    ]
    path = tmp_path / "titles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ingest_files(store, [path])
    titles = {r["id"]: store.papers.get(r["id"]).title for r in rows}
    assert titles == {
        "2506.15733": "SPECS: Faster Test-Time Scaling",
        "2504.00001": "Business as Rulesual and near things",
        "2504.00002": "M$^2$CD with the $\\ell_1$ loss for $5 and $10",
        "2504.00003": "ReStNet: A Reusable & Stitchable Network, 50% Smaller",
    }
