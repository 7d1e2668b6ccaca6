"""The .abs source: arXiv's own metadata files (all 1,192 from arxiv-browse), versions, withdrawals, old ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.models import Paper, Rejected, last_name, normalize_title
from paperradar.sources import SourceError, open_source
from paperradar.sources.absfile import AbsFile, parse_abs
from paperradar.sources.arxiv_api import split_dois
from paperradar.sources.base import read_bytes
from paperradar.sources.text import iso_date, latex_to_text

# The derived abs_common.jsonl cut these abstracts at a "\\" TeX line break that stands alone on a line.
CUT_ABSTRACTS = {"2004.02153", "2103.11058"}


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def abs_root(fixtures_dir: Path) -> Path:
    return fixtures_dir / "arxiv_abs_files_from_arXiv_arxiv-browse"


@pytest.fixture(scope="module")
def abs_files(abs_root: Path) -> Path:
    return abs_root / "tests" / "data" / "abs_files"


@pytest.fixture(scope="module")
def parsed(abs_root: Path) -> list[tuple[dict, Paper]]:
    """(expected row, parsed paper) for every non-empty .abs file."""
    out = []
    for r in jsonl(abs_root / "abs_common.jsonl"):
        if r["id"] is None:
            continue
        path = abs_root / r["source"].split(":", 2)[2]
        (item,) = AbsFile(read_bytes(path), str(path)).records()
        assert isinstance(item, Paper), path
        out.append((r, item))
    return out


def abs_paper(abs_files: Path, rel: str) -> Paper:
    (p,) = AbsFile((abs_files / rel).read_bytes(), rel).records()
    assert isinstance(p, Paper)
    return p


def test_every_file_parses_and_matches_the_common_jsonl(parsed, abs_root):
    assert len(parsed) == 1191  # 1,192 files, one of them empty
    for r, p in parsed:
        assert p.id == r["id"]
        assert p.title == latex_to_text(" ".join(r["title"].split())), r["source"]
        expected_abstract = " ".join(r["abstract"].split())
        if p.id in CUT_ABSTRACTS:
            assert p.abstract.startswith(expected_abstract) and len(p.abstract) > len(expected_abstract) + 200
        else:
            assert p.abstract == expected_abstract, r["source"]
        assert p.categories == r["categories"], r["source"]
        assert p.withdrawn == r["withdrawn"], r["source"]
        assert [v.date for v in p.versions] == [iso_date(v.split(":", 1)[1].split("(")[0]) for v in r["versions_raw"]]
        assert p.comment == (latex_to_text(" ".join(r["comment"].split())) if r["comment"] else None), r["source"]
        assert p.doi == next(iter(split_dois(r["doi"])), None), r["source"]
        assert p.extra.get("license") == r["license"], r["source"]
        # every author's family name is in the raw author line (affiliations removed, TeX decoded)
        raw_authors = normalize_title(latex_to_text(r["authors_raw"]))
        assert p.authors and all(last_name(a) in raw_authors for a in p.authors), r["source"]
    assert sum(r["withdrawn"] for r, _ in parsed) == 11


def test_versions_from_date_lines(abs_files):
    p = abs_paper(abs_files, "ftp/arxiv/papers/0704/0704.0001.abs")
    assert [(v.version, v.date, v.size) for v in p.versions] == [
        (1, "2007-04-02T19:18:42+00:00", "443kb"),
        (2, "2007-07-24T20:10:27+00:00", "370kb"),
    ]
    assert (p.version, p.published, p.updated) == (2, p.versions[0].date, p.versions[1].date)
    w = abs_paper(abs_files, "ftp/arxiv/papers/2101/2101.10016.abs")
    assert [v.version for v in w.versions] == list(range(1, 9)) and w.versions[-1].size == "0kb"
    assert w.withdrawn and w.version == 8


def test_tex_accents_old_ids_and_extra_fields(abs_files):
    p = abs_paper(abs_files, "ftp/arxiv/papers/0704/0704.0001.abs")
    assert p.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert p.extra["submitter"] == "Pavel Nadolsky"  # the (obfuscated) e-mail address is dropped
    assert p.links == {
        "abs": "https://arxiv.org/abs/0704.0001",
        "pdf": "https://arxiv.org/pdf/0704.0001",
        "doi": "https://doi.org/10.1103/PhysRevD.76.013009",
    }
    assert p.source.startswith("arxiv-abs:") and p.raw.startswith("-----")
    old = abs_paper(abs_files, "ftp/acc-phys/papers/9411/9411001.abs")
    assert (old.id, old.authors) == ("acc-phys/9411001", ["Salman Habib", "Robert D. Ryne"])
    assert old.categories == ["acc-phys", "physics.acc-ph"] and old.extra["report_no"] == "LA-UR-94-3641"
    cs = abs_paper(abs_files, "ftp/cs/papers/0011/0011004.abs")
    assert (cs.id, cs.version, cs.extra["acm_class"]) == ("cs/0011004", 2, "C.2.0")
    assert cs.comment == "6 pages, some things clearified, especially that a broadcast channel is not necessary"
    dois = abs_paper(abs_files, "ftp/arxiv/papers/0704/0704.0221.abs")
    assert dois.doi == "10.1007/s10714-007-0472-9"
    assert dois.extra["dois"] == ["10.1007/s10714-007-0472-9", "10.1142/S0218271808012449"]
    assert dois.links["doi"] == "https://doi.org/10.1007/s10714-007-0472-9"
    assert dois.authors == ["Lawrence M. Krauss", "Robert J. Scherrer"]  # affiliations dropped
    handle = abs_paper(abs_files, "ftp/arxiv/papers/2009/2009.01669.abs")
    assert handle.doi is None and handle.extra["doi_raw"].startswith("21.11130/")
    latin1 = abs_paper(abs_files, "ftp/arxiv/papers/1607/1607.08199.abs")
    assert latin1.journal_ref.startswith("Épijournal de Géométrie Algébrique")


def test_tex_line_breaks_inside_the_abstract_do_not_cut_it(abs_files):
    p = abs_paper(abs_files, "ftp/arxiv/papers/2004/2004.02153.abs")
    assert "v_t = \\Delta v - v + u" in p.abstract
    assert p.abstract.endswith("collapse into a persistent Dirac distribution.")


def test_store_keeps_history_withdrawals_and_old_ids(store, abs_root, abs_files):
    files = sorted(f for f in abs_files.rglob("*.abs") if f.stat().st_size)
    report = ingest_files(store, files)
    expected = {r["id"] for r in jsonl(abs_root / "abs_common.jsonl") if r["id"]}
    assert report.files == 1191 and report.quarantined == 0
    assert set(store.papers.ids()) == expected and report.new == len(expected)
    assert {"acc-phys/9411001", "cs/0011004", "funct-an/9301001"} <= expected
    # orig/ holds one file per version: their histories merge with the current file's
    assert [v.version for v in store.papers.versions("2101.10016")] == list(range(1, 9))
    withdrawn = {p.id for p in store.papers.iter() if p.withdrawn}
    assert {"0704.0156", "0704.0374", "0704.0480", "0704.0525", "0906.3336", "2101.10016"} <= withdrawn
    assert "0704.0615" not in withdrawn and store.papers.get("0704.0615").version == 4  # v4 replaced the withdrawal


def test_malformed_files(tmp_path, abs_files, store):
    empty = abs_files / "ftp" / "math-ph" / "papers" / "0509" / "0509037.abs"
    with pytest.raises(SourceError, match=re.escape("0509037.abs: file is empty")):
        open_source(empty)
    with pytest.raises(SourceError, match=re.escape("x.abs: not an arXiv .abs file")):
        parse_abs("---\narXiv:0704.0001\nTitle: t\n", "x.abs")
    with pytest.raises(SourceError, match=re.escape("y.abs: .abs file without an arXiv id")):
        parse_abs("-----\n\\\\\nFrom: someone\nTitle: t\n\\\\\n abstract\n\\\\\n", "y.abs")
    text = (abs_files / "ftp/arxiv/papers/0704/0704.0001.abs").read_text(encoding="utf-8")
    untitled = tmp_path / "untitled.abs"
    untitled.write_text(
        text.replace("Title: Calculation of prompt", "Subject: Calculation of prompt"), encoding="utf-8"
    )
    (rej,) = AbsFile(untitled.read_bytes(), str(untitled)).records()
    assert isinstance(rej, Rejected) and rej.reason == "no Title field" and "0704.0001" in rej.locator
    report = ingest_files(store, [untitled])
    assert (report.new, report.quarantined) == (0, 1)


def test_detection_and_cli(abs_files, runner, db_path):
    files = [abs_files / "ftp/arxiv/papers/0704/0704.0001.abs", abs_files / "ftp/acc-phys/papers/9411/9411001.abs"]
    assert all(isinstance(open_source(f), AbsFile) for f in files)
    r = runner.invoke(app, ["--db", str(db_path), "ingest", *map(str, files)])
    assert r.exit_code == 0, r.output
    assert "2 file(s): 2 new, 0 updated, 0 unchanged, 0 quarantined" in r.output
    empty = abs_files / "ftp" / "math-ph" / "papers" / "0509" / "0509037.abs"
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(empty)])
    assert r.exit_code == 2 and "file is empty" in r.output
