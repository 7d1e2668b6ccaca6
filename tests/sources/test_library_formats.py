"""Library exports (Zotero, Mendeley, JabRef, Semantic Scholar, OpenAlex, id lists, HF pages) end in the right papers.

The export files in tests/sources/exports/ were written for these tests from each format's documentation
(Zotero's BibTeX/CSV/RIS/CSL-JSON exporters, BibLaTeX, RIS tags, the S2 Graph and OpenAlex API references);
their abstracts are made up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.ingest import ingest_files
from paperradar.models import Paper
from paperradar.sources import SourceError, detect, open_source

EXPORTS = Path(__file__).parent / "exports"
QLORA_AUTHORS = ["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"]
QLORA_ABSTRACT = "A test abstract written for paperradar: finetuning a quantized model with low-rank adapters."


def papers(path: Path, fmt: str | None = None) -> dict[str, Paper]:
    src = open_source(path, fmt)
    return {p.key: p for p in src.records() if isinstance(p, Paper)}


def test_zotero_bibtex_finds_the_arxiv_id_in_url_number_doi_journal_and_eprint():
    src = open_source(EXPORTS / "zotero.bib")
    assert src.name == "bibtex"
    got = {p.id: p for p in src.records() if isinstance(p, Paper)}
    assert set(got) == {"2305.14314", "2210.17323", "2106.09685", "2211.17192"}  # url, number/doi, journal, eprint
    q = got["2305.14314"]
    assert q.title == "QLoRA: Efficient Finetuning of Quantized LLMs"
    assert q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT and q.published == "2023"
    assert got["2210.17323"].doi == "10.48550/arXiv.2210.17323"
    assert got["2106.09685"].authors[0] == "Edward J. Hu" and got["2106.09685"].journal_ref is None
    assert got["2211.17192"].categories == ["cs.LG"]
    assert "International Conference on Machine Learning" in (got["2211.17192"].journal_ref or "")


def test_biblatex_jabref_and_mendeley_variants():
    got = {p.id: p for p in open_source(EXPORTS / "biblatex.bib").records() if isinstance(p, Paper)}
    smooth, distil = got["2211.10438"], got["1910.01108"]
    assert smooth.version == 7 and smooth.published == "2022-11-18" and smooth.categories == ["cs.CL"]
    assert smooth.authors[0] == "Guangxuan Xiao" and smooth.extra["added"].startswith("2024-02-03")
    assert distil.title.startswith("DistilBERT, a distilled version of BERT") and distil.authors[-1] == "Thomas Wolf"


def test_zotero_csv_keeps_names_whole_with_abstract_year_and_ids():
    src = open_source(EXPORTS / "zotero.csv")
    assert src.name == "csv"
    got = papers(EXPORTS / "zotero.csv")
    q, lora = got["2305.14314"], got["2106.09685"]  # Url column; "arXiv: ..." in Extra
    assert q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT and q.published == "2023-05-23"
    assert q.doi == "10.48550/arXiv.2305.14314" and q.extra["added"] == "2024-01-15 09:30:00"
    assert lora.authors == ["Edward J. Hu", "Yelong Shen"] and lora.published == "2021"
    other = next(p for p in got.values() if p.id is None)
    assert other.doi == "10.1145/1234567.8901234" and other.authors == ["Anne Nobody"]


def test_ris_from_zotero_and_others():
    src = open_source(EXPORTS / "zotero.ris")
    assert src.name == "ris"
    got = papers(EXPORTS / "zotero.ris")
    q = got["2305.14314"]
    assert q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT and q.published == "2023-05-23"
    assert q.doi == "10.48550/arXiv.2305.14314"
    assert got["2309.06180"].authors == ["Woosuk Kwon", "Zhuohan Li"]  # id in T2 "arXiv preprint arXiv:..."
    title_only = next(p for p in got.values() if p.id is None)
    assert (
        title_only.title == "A Conference Paper Known Only by Title" and title_only.abstract == "Eighth test abstract."
    )
    assert title_only.published == "2020-06-01" and title_only.authors == ["Jane Doe"]


def test_ris_variants_one_space_tags_crlf_and_a_provider_header(tmp_path):
    text = (EXPORTS / "zotero.ris").read_text().replace("  - ", " - ").replace("\n", "\r\n")
    f = tmp_path / "export.txt"
    f.write_text('Provider: Some Publisher\r\nContent: text/plain; charset="UTF-8"\r\n\r\n' + text)
    assert open_source(f).name == "ris"
    assert papers(f)["2305.14314"].authors == QLORA_AUTHORS


def test_zotero_csl_json():
    src = open_source(EXPORTS / "zotero-csl.json")
    assert src.name == "csl-json"
    got = papers(EXPORTS / "zotero-csl.json")
    q, gqa = got["2305.14314"], got["2305.13245"]
    assert q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT and q.published == "2023-05-23"
    assert gqa.version == 3 and gqa.published == "2023" and gqa.journal_ref == "Proceedings of EMNLP 2023"
    assert gqa.authors == ["Joshua Ainslie", "James Lee-Thorp"]


def test_one_record_per_paper_across_every_export(store):
    files = [EXPORTS / n for n in ("zotero.csv", "zotero.bib", "zotero.ris", "zotero-csl.json", "biblatex.bib")]
    ingest_files(store, files)
    q = store.papers.get("2305.14314")
    assert q is not None and q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT
    ids = store.papers.ids()
    assert len(ids) == len(set(ids))
    titles = [p.title for p in store.papers.iter()]
    assert titles.count("QLoRA: Efficient Finetuning of Quantized LLMs") == 1
    arxiv = sorted(i for i in ids if not i.startswith("title:"))
    assert arxiv == sorted(
        ["2305.14314", "2210.17323", "2106.09685", "2211.17192", "2211.10438", "1910.01108", "2309.06180", "2305.13245"]
    )
    assert len(ids) == len(arxiv) + 2  # the DOI-only conference paper and the RIS title-only one


def test_id_url_and_doi_lists(tmp_path):
    f = tmp_path / "my-papers.txt"
    f.write_text(
        "# papers I keep coming back to\n\n"
        "2305.14314\n"
        "  arXiv:2210.17323v2   GPTQ\n"
        "- https://arxiv.org/abs/2106.09685\n"
        "https://arxiv.org/pdf/2211.17192v1.pdf\n"
        "10.48550/arXiv.2309.06180\n"
        "https://doi.org/10.48550/arXiv.2305.13245\n"
        "hep-th/9901001\n"
        "10.1145/1234567.8901234\n"
    )
    src = open_source(f)
    assert src.name == "ids"
    items = list(src.records())
    got = [p for p in items if isinstance(p, Paper)]
    assert [p.id for p in got] == [
        "2305.14314",
        "2210.17323",
        "2106.09685",
        "2211.17192",
        "2309.06180",
        "2305.13245",
        "hep-th/9901001",
    ]
    assert got[1].version == 2 and all(p.extra["incomplete"] == ["title", "abstract"] for p in got)
    rejected = [r for r in items if not isinstance(r, Paper)]
    assert len(rejected) == 1 and "not an arXiv DOI" in rejected[0].reason


def test_json_arrays_and_lines_of_paper_objects_with_other_key_spellings(tmp_path):
    arr = tmp_path / "mine.json"
    arr.write_text(
        json.dumps(
            [
                {"title": "A Paper With Only Title and Abstract", "abstract": "Ninth test abstract."},
                {
                    "paper_title": "Another One",
                    "summary": "Tenth test abstract.",
                    "authors": "Dettmers, Tim; Doe, Jane",
                    "arxiv_id": "2305.14314v1",
                },
                {"name": "Third", "abstractNote": "Eleventh test abstract.", "url": "https://arxiv.org/abs/2106.09685"},
            ],
            indent=2,
        )
    )
    assert open_source(arr).name == "json"
    got = list(open_source(arr).records())
    assert [p.title for p in got] == ["A Paper With Only Title and Abstract", "Another One", "Third"]
    assert got[1].id == "2305.14314" and got[1].authors == ["Tim Dettmers", "Jane Doe"] and got[2].id == "2106.09685"
    lines = tmp_path / "mine.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(o)
            for o in [
                {"arxiv_id": "2305.14314", "title": "QLoRA", "abstract": "x"},
                {"arxivId": "2210.17323", "paper_title": "GPTQ"},
            ]
        )
        + "\n"
    )
    assert open_source(lines).name == "json"
    assert [p.id for p in open_source(lines).records()] == ["2305.14314", "2210.17323"]
    ids = tmp_path / "ids.json"
    ids.write_text('["2305.14314", "https://arxiv.org/abs/2106.09685"]')
    assert [p.id for p in open_source(ids).records()] == ["2305.14314", "2106.09685"]


S2_SEARCH = {
    "total": 2,
    "offset": 0,
    "next": 2,
    "data": [
        {
            "paperId": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
            "externalIds": {"ArXiv": "2305.14314", "DOI": "10.48550/arXiv.2305.14314", "CorpusId": 1},
            "title": "QLoRA: Efficient Finetuning of Quantized LLMs",
            "abstract": QLORA_ABSTRACT,
            "year": 2023,
            "publicationDate": "2023-05-23",
            "venue": "Neural Information Processing Systems",
            "authors": [{"authorId": "1", "name": n} for n in QLORA_AUTHORS],
        },
        {
            "paperId": "ffeeddccbbaa99887766554433221100ffeeddcc",
            "externalIds": {"CorpusId": 2},
            "title": "A Paper Semantic Scholar Has Without Abstract",
            "abstract": None,
            "year": 2020,
            "authors": [{"authorId": None, "name": "Jane Doe"}],
        },
    ],
}
OPENALEX = {
    "meta": {"count": 1, "page": 1, "per_page": 25},
    "results": [
        {
            "id": "https://openalex.org/W0000000001",
            "doi": "https://doi.org/10.48550/arxiv.2305.14314",
            "title": "QLoRA: Efficient Finetuning of Quantized LLMs",
            "display_name": "QLoRA: Efficient Finetuning of Quantized LLMs",
            "publication_year": 2023,
            "publication_date": "2023-05-23",
            "authorships": [
                {"author_position": "first", "author": {"id": "https://openalex.org/A1", "display_name": n}}
                for n in QLORA_AUTHORS
            ],
            "abstract_inverted_index": {
                "A": [0],
                "test": [1],
                "abstract": [2],
                "written": [3],
                "for": [4],
                "paperradar:": [5],
                "finetuning": [6],
                "a": [7],
                "quantized": [8],
                "model": [9],
                "with": [10],
                "low-rank": [11],
                "adapters.": [12],
            },
            "locations": [{"landing_page_url": "https://arxiv.org/abs/2305.14314", "pdf_url": None}],
        }
    ],
}


@pytest.mark.parametrize(
    "doc,indent",
    [
        (S2_SEARCH, None),
        (S2_SEARCH, 2),
        (S2_SEARCH["data"], 2),
        (OPENALEX, None),
        (OPENALEX, 2),
        (OPENALEX["results"][0], None),
    ],
)
def test_semantic_scholar_and_openalex_answers(tmp_path, doc, indent):
    f = tmp_path / "answer.json"
    f.write_text(json.dumps(doc, indent=indent))
    src = open_source(f)
    assert src.name == "json"
    got = [p for p in src.records() if isinstance(p, Paper)]
    q = got[0]
    assert q.id == "2305.14314" and q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT
    assert q.doi.lower() == "10.48550/arxiv.2305.14314" and q.published == "2023-05-23"
    assert q.source.split(":")[0] in ("semantic-scholar", "openalex")
    if doc is S2_SEARCH:
        assert got[1].title.startswith("A Paper Semantic Scholar") and got[1].extra["incomplete"] == ["abstract"]


def test_zotero_web_api_items(tmp_path):
    items = [
        {
            "key": "ABCD1234",
            "version": 12,
            "library": {"type": "user", "id": 1},
            "data": {
                "key": "ABCD1234",
                "version": 12,
                "itemType": "preprint",
                "title": "QLoRA: Efficient Finetuning of Quantized LLMs",
                "creators": [
                    {"creatorType": "author", "firstName": f, "lastName": last}
                    for f, last in (n.split(" ", 1) for n in QLORA_AUTHORS)
                ]
                + [{"creatorType": "editor", "firstName": "Ed", "lastName": "Itor"}],
                "abstractNote": QLORA_ABSTRACT,
                "archiveID": "arXiv:2305.14314",
                "url": "http://arxiv.org/abs/2305.14314",
                "date": "2023-05-23",
                "dateAdded": "2024-01-15T09:30:00Z",
            },
        }
    ]
    f = tmp_path / "items.json"
    f.write_text(json.dumps(items))
    (q,) = open_source(f).records()
    assert q.id == "2305.14314" and q.authors == QLORA_AUTHORS and q.abstract == QLORA_ABSTRACT
    assert q.extra["added"] == "2024-01-15T09:30:00Z" and q.source.startswith("zotero:")


def hf_page(seeds: Path) -> list[str]:
    return (seeds / "hf_papers_search_page_raw.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def seeds(shared_data):
    return shared_data / "seeds"


def test_hf_papers_page_saved_differently(tmp_path, seeds):
    expected = json.loads((seeds / "hf_papers_search_results.json").read_text(encoding="utf-8"))
    lines = hf_page(seeds)
    header, body = lines[:2], lines[2:]
    body[0] = body[0].removeprefix("Subscribe")
    variant = ["", *header, "", "Subscribe", ""]
    for i in range(0, len(body) - 1, 2):
        variant += [
            body[i],
            "",
            f"Published on Jun {i % 28 + 1}, 2024",
            "Submitted by someone",
            "· 7 authors",
            "",
            body[i + 1],
            "",
            "Upvote",
            str(i),
            "",
            "",
        ]
    f = tmp_path / "hf.txt"
    f.write_text("\n".join(variant) + "\n")
    assert open_source(f).name == "hf-search"
    got = [p for p in open_source(f).records() if isinstance(p, Paper)]
    titles = {p.title: p for p in got}
    for e in expected:
        assert e["title"] in titles and titles[e["title"]].abstract == " ".join(e["abstract"].split())
    no_header = tmp_path / "hf2.txt"
    no_header.write_text("\n".join(variant[6:]) + "\n")
    assert open_source(no_header).name == "hf-search"
    assert len([p for p in open_source(no_header).records() if isinstance(p, Paper)]) == len(got)


def test_unreadable_input_names_every_format_tried_on_one_line(runner, db_path, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just some notes\nabout papers\n")
    with pytest.raises(SourceError) as e:
        detect(f.read_bytes(), str(f))
    msg = str(e.value)
    assert "\n" not in msg and "notes.txt" in msg and "just some notes" in msg
    for name in ("bibtex", "ris", "csv", "csl-json", "json", "ids", "hf-search"):
        assert f"{name} needs" in msg
    r = runner.invoke(app, ["--db", str(db_path), "ingest", str(f)])
    assert r.exit_code == 2


def test_common_jsonl_and_kaggle_keep_their_readers(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "2305.14314", "title": "Q", "abstract": "a", "authors": ["T D"]}) + "\n")
    assert detect(f.read_bytes()).name == "jsonl"
    long = {"id": "2305.14314", "title": "Q", "abstract": "word " * 3000, "authors": ["T D"]}
    assert detect((json.dumps(long) + "\n").encode()).name == "jsonl"  # a first line longer than the sniffed head
    assert detect(json.dumps({"data": [{**long, "paperId": "x"}]}).encode()).name == "json"
    k = tmp_path / "k.json"
    k.write_text(json.dumps({"id": "2305.14314", "submitter": "x", "title": "Q", "authors_parsed": []}) + "\n")
    assert detect(k.read_bytes()).name == "kaggle"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("bom-crlf.bib", lambda t: "\ufeff" + t["zotero.bib"].replace("\n", "\r\n")),
        ("jabref.bib", lambda t: "% Encoding: UTF-8\n\n" + t["zotero.bib"] + "\n@Comment{jabref-meta: x;}\n"),
        ("strings.bib", lambda t: '@preamble{"x"}\n@string{arx = "arXiv"}\n' + t["zotero.bib"]),
        ("excel.csv", lambda t: "\ufeff" + t["zotero.csv"].replace('","', '";"').replace("\n", "\r\n")),
        ("bom.ris", lambda t: "\ufeff" + t["zotero.ris"].replace("\n", "\r\n")),
        ("one-item.json", lambda t: json.dumps(json.loads(t["zotero-csl.json"])[0])),
        ("indented.json", lambda t: json.dumps(json.loads(t["zotero-csl.json"]), indent=4)),
    ],
)
def test_export_variants_read_as_the_originals(tmp_path, name, make):
    """Byte order marks, CRLF, JabRef's header and comments, @string/@preamble, Excel's semicolon CSV, a single CSL
    item instead of an array: the same papers as the export they were made from."""
    texts = {f.name: f.read_text(encoding="utf-8") for f in EXPORTS.iterdir()}
    f = tmp_path / name
    f.write_bytes(make(texts).encode("utf-8"))
    got = papers(f)
    q = got["2305.14314"]
    assert q.title.startswith("QLoRA: Efficient Finetuning") and q.authors == QLORA_AUTHORS
    assert q.abstract == QLORA_ABSTRACT


def test_utf16_csv_and_bom_json_lines_with_capitalized_keys(tmp_path):
    f = tmp_path / "export.csv"
    f.write_bytes((EXPORTS / "zotero.csv").read_text(encoding="utf-8").encode("utf-16"))
    assert papers(f)["2305.14314"].authors == QLORA_AUTHORS
    g = tmp_path / "sheet.jsonl"
    rows = [{"Title": "Sparse Mixers", "Abstract": "A made-up abstract.", "Authors": "Ann Lee; Bob Kim"}]
    g.write_text("\ufeff" + "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [p] = papers(g).values()
    assert (p.title, p.abstract, p.authors) == ("Sparse Mixers", "A made-up abstract.", ["Ann Lee", "Bob Kim"])


def test_id_lists_with_several_ids_a_line_or_as_a_markdown_bullet_list(tmp_path):
    f = tmp_path / "ids.txt"
    f.write_text("2305.14314, 2210.17323; 2106.09685\n")
    assert list(papers(f)) == ["2305.14314", "2210.17323", "2106.09685"]
    md = tmp_path / "reading.md"
    md.write_text("- https://arxiv.org/abs/2305.14314\n- arxiv.org/abs/2210.17323 my notes\n* 2106.09685\n")
    src = open_source(md)
    assert src.name == "ids" and [p.id for p in src.records()] == ["2305.14314", "2210.17323", "2106.09685"]
