"""Fuzzing every registered source parser and the query language (hypothesis): whatever the bytes, a parser yields
Papers and Rejected records or raises SourceError, the records fit the ingest limits and store cleanly, and a query
either parses or raises QueryError, and a parsed query runs on both keyword engines."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperradar.index.keyword import Fts5Index, TantivyIndex
from paperradar.index.query import QueryError, parse
from paperradar.ingest import ingest_items
from paperradar.models import LIMITS, Paper, Rejected, bound_record
from paperradar.sources import SourceError
from paperradar.sources.base import detect, registered
from paperradar.store import Store

EXAMPLES = int(os.environ.get("PAPERRADAR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: a failure here reproduces
)

SEEDS = [
    b'{"id": "2501.00001", "submitter": "A B", "authors": "A B, C D", "title": "T", "abstract": "S", '
    b'"categories": "cs.LG cs.AI", "versions": [{"version": "v1", "created": "Mon, 2 Jan 2025 00:00:00 GMT"}], '
    b'"authors_parsed": [["B", "A", ""]], "update_date": "2025-01-02"}\n',
    b'{"id": "2501.00001v2", "title": "A title", "abstract": "An abstract.", "authors": ["A B", "C D"], '
    b'"categories": ["cs.LG"], "listing_date": "2025-01-02"}\n{"id": "x", "title": 3}\n',
    b"id,title,abstract,authors\n2501.00001,A title,An abstract,A B; C D\n,,,\n",
    b"@article{key1, title={A {Title}}, author={A B and C D}, year={2024}, eprint={2501.00001}}\n@misc{k2,\n",
    b"# Reading list\n\n- [A title](https://arxiv.org/abs/2501.00001) - an abstract\n- **Bold** 2501.00002\n",
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.00001v1'
    b"</id><title>T</title><summary>S</summary><author><name>A B</name></author></entry></feed>",
]
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fixtures"
DEMO = Path(__file__).resolve().parents[2] / "src" / "paperradar" / "demo_data"


def _seeds() -> dict[str, list[bytes]]:
    """Real-looking inputs per parser: the inline seeds, demo data and (when present) the shared fixtures,
    each cut to 6 KB so that mutations reach every part."""
    found: dict[str, list[bytes]] = {}
    files = [*DEMO.glob("*.*")]
    if FIXTURES.is_dir():
        files += sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "MANIFEST.md")
    blobs = list(SEEDS)
    for f in files:
        data = f.read_bytes()
        blobs.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    for data in blobs:
        try:
            cls = detect(data, "")
        except SourceError:
            continue
        if len(found.setdefault(cls.name, [])) < 3:
            found[cls.name].append(data[:6000])
    return found


SEEDED = _seeds()
PARSERS = registered()


def _parse_all(cls, data: bytes) -> list[Paper | Rejected]:
    try:
        items = list(cls(data, origin="fuzz").records())
    except SourceError as e:
        assert str(e) and "\n" not in str(e).strip(), repr(e)  # one line for a person
        return []
    for item in items:
        assert isinstance(item, Paper | Rejected), type(item)
        if isinstance(item, Paper):
            assert isinstance(item.title, str) and isinstance(item.authors, list)
            assert all(isinstance(a, str) for a in item.authors)
    return items


def _mutate(seed: bytes, data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["insert", "truncate", "flip", "splice"]))
    at = data.draw(st.integers(0, len(seed)))
    if kind == "truncate":
        return seed[:at]
    if kind == "flip":
        n = data.draw(st.integers(1, 16))
        return seed[:at] + bytes(b ^ 0xFF for b in seed[at : at + n]) + seed[at + n :]
    junk = data.draw(
        st.one_of(
            st.binary(max_size=64),
            st.text(max_size=64).map(lambda s: s.encode("utf-8", "surrogatepass")),
            st.sampled_from([b'"', b"{", b"}", b"<", b"]]>", b"\x00", b"\n\n", b"&#0;", b"\\", b",", b"@", b"\xff"]),
        )
    )
    if kind == "splice":
        return seed[:at] + junk + seed[at + len(junk) :]
    return seed[:at] + junk + seed[at:]


def test_every_parser_has_a_seed_to_mutate():
    missing = [c.name for c in PARSERS if c.name not in SEEDED]
    if missing and not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {FIXTURES}")
    assert len(SEEDED) >= len(PARSERS) // 2, (sorted(SEEDED), missing)


@pytest.mark.parametrize("cls", PARSERS, ids=lambda c: c.name)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_parsers_survive_random_bytes(cls, data):
    _parse_all(cls, data)


@pytest.mark.parametrize("cls", PARSERS, ids=lambda c: c.name)
@FUZZ
@given(data=st.data())
def test_parsers_survive_mutated_real_inputs(cls, data):
    seeds = SEEDED.get(cls.name) or SEEDS
    seed = data.draw(st.sampled_from(seeds))
    for _ in range(data.draw(st.integers(1, 3))):
        seed = _mutate(seed, data)
    _parse_all(cls, seed)


@FUZZ
@given(data=st.data())
def test_mutated_inputs_store_within_limits(tmp_path_factory, data):
    cls = data.draw(st.sampled_from([c for c in PARSERS if c.name in SEEDED] or PARSERS))
    seed = _mutate(data.draw(st.sampled_from(SEEDED.get(cls.name) or SEEDS)), data)
    items = _parse_all(cls, seed)
    for item in items:
        bounded = bound_record(item)
        if isinstance(bounded, Paper):
            assert len(bounded.title) <= LIMITS["title"] and len(bounded.abstract) <= LIMITS["abstract"] + 2
    db = tmp_path_factory.mktemp("fuzzdb") / "r.db"
    with Store(db) as store:
        report = ingest_items(store, items, source="fuzz")
        assert report.new + report.updated + report.unchanged + report.quarantined <= len(items)


QUERY_ALPHABET = st.sampled_from(
    [
        *list("abcxyz019 \"-:*()[]{}^~+!?&|\\/'.,;@#$%"),
        "title:",
        "author:",
        "cat:",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "é",
        "\u200b",
        "\x00",
    ]
)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    db = tmp_path_factory.mktemp("q") / "r.db"
    store = Store(db)
    store.papers.write_batch(
        [
            Paper(id="2501.00001", title="KV cache compression", abstract="we compress caches", authors=["Song Han"]),
            Paper(id="2501.00002", title="Quantization", abstract="4-bit weights", categories=["cs.LG"]),
        ],
        source="t",
        now="2025-01-02T00:00:00+00:00",
    )
    fts, tantivy = Fts5Index(store), TantivyIndex(store)
    fts.sync()
    tantivy.sync()
    yield fts, tantivy
    store.close()


@settings(max_examples=EXAMPLES * 5, deadline=None, derandomize=True)
@given(text=st.one_of(st.text(max_size=80), st.lists(QUERY_ALPHABET, max_size=30).map("".join)))
def test_query_language_parses_or_says_why(engines, text):
    try:
        q = parse(text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)
        return
    for engine in engines:
        for mode in ("or", "and"):
            try:
                hits = engine.search(q, 10, mode=mode)
            except QueryError as e:  # the engine may still refuse it, with a one-line reason
                assert str(e)
                continue
            assert all(isinstance(i, str) and isinstance(s, float) for i, s in hits)


def test_what_the_fuzzer_found(runner, tmp_path):
    """Inputs hypothesis found (at 400 examples) that crashed with a traceback or a multi-line error."""
    from paperradar.cli import app

    db = str(tmp_path / "r.db")
    cases = {
        "cr-nul.csv": (b"id,title\n\r\x00", 0),  # was a csv.Error traceback; now read (nothing in it)
        "nul.xml": (SEEDS[-1][:1] + b"\x00" + SEEDS[-1][1:], 2),  # lxml's message spans two lines
        "surplus.csv": (b"id,title,abstract\n2501.00001,A title,An abstract,one cell too many\n", 0),  # None key
    }
    for name, (data, code) in cases.items():
        (tmp_path / name).write_bytes(data)
        r = runner.invoke(app, ["--db", db, "ingest", str(tmp_path / name)])
        assert r.exit_code == code, (name, r.output)
        assert "Traceback" not in r.output and (code == 0 or len(r.output.strip().splitlines()) == 1), r.output
