"""Exports parse back with real parsers and keep the fields a reference manager needs."""

from __future__ import annotations

import csv
import io

import bibtexparser
import orjson

from paperradar.cli import app
from paperradar.deliver.exports import to_bibtex, to_csv, to_json, to_ris
from paperradar.models import Paper

PAPERS = [
    Paper(
        id="2306.12929v2",
        title="Quantizable Transformers: Removing Outliers by Helping Attention Heads Do Nothing",
        abstract="We remove 100% of outliers & keep {accuracy} at 8-bit.",
        authors=["Yelysei Bondarenko", "Markus Nagel"],
        categories=["cs.LG", "cs.AI"],
        published="2023-06-22T17:59:00+00:00",
        doi="10.1000/xyz",
    ),
    Paper(
        title="Efficient Transformers: A Survey",
        authors=["Yi Tay", "Mostafa Dehghani"],
        published="2020-09-14",
        journal_ref="ACM Computing Surveys 55(6)",
    ),
    Paper(id="2306.00001", title="Ünïcode Títle with <tags>", authors=["Jürgen Müller"], published="2023-06-01"),
]


def test_bibtex_parses_back_with_bibtexparser():
    lib = bibtexparser.parse_string(to_bibtex(PAPERS))
    assert not lib.failed_blocks
    entries = lib.entries
    assert len(entries) == 3 and len({e.key for e in entries}) == 3
    first = entries[0]
    assert first["eprint"] == "2306.12929" and first["archivePrefix"] == "arXiv"
    assert first["primaryClass"] == "cs.LG" and first["year"] == "2023" and first["doi"] == "10.1000/xyz"
    assert "Bondarenko" in first["author"] and r"100\%" in first["abstract"]
    assert "eprint" not in entries[1].fields_dict and "Surveys" in entries[1]["journal"]


def test_ris_records_are_complete():
    text = to_ris(PAPERS)
    records = [r for r in text.split("ER  - ") if r.strip()]
    assert len(records) == 3
    assert "AU  - Yelysei Bondarenko" in records[0] and "UR  - https://arxiv.org/abs/2306.12929" in records[0]
    assert records[1].strip().startswith("TY  - JOUR")
    assert all(line[2:6] == "  - " for r in records for line in r.strip().splitlines())


def test_csv_and_json_round_trip():
    rows = list(csv.DictReader(io.StringIO(to_csv(PAPERS))))
    assert [r["title"] for r in rows] == [p.title for p in PAPERS]
    assert rows[0]["authors"] == "Yelysei Bondarenko; Markus Nagel" and rows[0]["version"] == "2"
    lines = [orjson.loads(x) for x in to_json(PAPERS).splitlines()]
    assert lines[0]["id"] == "2306.12929" and lines[0]["version"] == "v2" and lines[2]["authors"] == ["Jürgen Müller"]


def test_export_cli_round_trips_through_ingest(runner, tmp_path, store, db_path):
    store.papers.write_batch(PAPERS, source="t", now="2025-01-01T00:00:00+00:00")
    out = tmp_path / "lib.jsonl"
    r = runner.invoke(app, ["--db", str(db_path), "export", "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    db2 = tmp_path / "copy.db"
    r = runner.invoke(app, ["--db", str(db2), "ingest", str(out)])
    assert r.exit_code == 0, r.output
    assert "3 new" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "export", "2306.12929v1", "--format", "bibtex"])
    assert r.exit_code == 0 and "eprint = 2306.12929" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "export", "9999.99999"])
    assert r.exit_code == 2 and "no paper" in r.output
