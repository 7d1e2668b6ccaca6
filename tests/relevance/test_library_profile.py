"""`profiles --new NAME --from FILE...`, `teach` and followed authors, on real papers with the test embedder."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from paperradar.cli import app
from paperradar.embed import HashingEmbedder
from paperradar.relevance import feedback_key, load_profile, score_papers
from paperradar.relevance.library import calibrate_threshold, least_sure, merge_papers, read_library
from paperradar.relevance.profiles import user_profiles_dir
from paperradar.relevance.scorer import Scored
from paperradar.store import Store

EXPORTS = Path(__file__).parent.parent / "sources" / "exports"
LIBRARY = [EXPORTS / n for n in ("zotero.bib", "zotero.csv", "zotero.ris", "zotero-csl.json", "biblatex.bib")]


@pytest.fixture
def hashing(monkeypatch):
    """The model-free embedder, through the `embedder` setting as a user would set it."""
    monkeypatch.setenv("PAPERRADAR_EMBEDDER", "hashing")


@pytest.fixture
def filled_db(db_path, dev_rows, tmp_path):
    f = tmp_path / "dev.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in dev_rows))
    with _closing(Store(db_path)) as s:
        from paperradar.ingest import ingest_files

        ingest_files(s, [f])
    return db_path


class _closing:
    def __init__(self, s):
        self.s = s

    def __enter__(self):
        return self.s

    def __exit__(self, *a):
        self.s.close()


def test_library_files_merge_into_one_record_per_paper():
    lib = read_library(LIBRARY)
    keys = [p.key for p in lib.papers]
    assert len(keys) == len(set(keys)) == 10
    q = next(p for p in lib.papers if p.id == "2305.14314")
    assert q.authors == ["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"] and q.abstract
    assert q.extra["added"] == "2024-01-15 09:30:00"  # from the CSV's Date Added
    from paperradar.models import Paper

    # a DOI-only record and an arXiv record of the same paper become one
    a = Paper(title="Same Paper", doi="10.1/x", authors=["A B"])
    b = Paper(title="Same paper!", id="2401.00001", abstract="text", authors=["A B"])
    (merged,) = merge_papers([a, b])
    assert merged.id == "2401.00001" and merged.doi == "10.1/x" and merged.abstract == "text"


def test_calibrated_threshold_selects_the_wanted_number_a_day():
    days = [[i / 100 for i in range(100)], [i / 200 for i in range(200)], [i / 50 for i in range(50)]]
    t = calibrate_threshold(days, per_day=15)
    counts = sorted(sum(s >= t for s in d) for d in days)
    assert counts[1] == 15
    assert calibrate_threshold([], 15) == 0.5


def test_teach_asks_by_turns_the_least_sure_and_the_best_scored_paper():
    scored = [Scored(str(i), s, s > 0.5, "") for i, s in enumerate([0.9, 0.52, 0.1, 0.47, 0.3])]
    assert [s.id for s in least_sure(scored, 0.5, set(), 3)] == ["1", "0", "3"]  # nearest 0.5, best, next nearest
    assert [s.id for s in least_sure(scored, 0.5, {"1"}, 1)] == ["0"]  # one answered: the best's turn
    assert [s.id for s in least_sure(scored, 0.5, {"1", "0"}, 1)] == ["3"]  # two answered: the nearest's turn
    assert least_sure(scored, 0.5, {"0", "1", "2", "3", "4"}, 1) == []


def test_profiles_new_from_a_zotero_library_then_teach(runner, filled_db, hashing, monkeypatch):
    db = str(filled_db)
    r = runner.invoke(
        app,
        [
            "--db",
            db,
            "profiles",
            "--new",
            "mine",
            *[a for f in LIBRARY for a in ("--from", str(f))],
            "--follow",
            "Tim Dettmers",
            "--description",
            "efficient LLMs",
            "--no-complete",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "profile mine: 10 seed paper(s) from 5 file(s)" in r.output
    profile = load_profile("mine")
    data = tomllib.loads((user_profiles_dir() / "mine.toml").read_text())
    assert data["description"] == "efficient LLMs" and data["follow_authors"] == ["Tim Dettmers"]
    assert "2305.14314" in data["seeds"] and len(data["subtopics"]) >= 1 and all(data["subtopics"])
    assert 0 < profile.threshold < 1 and profile.seed_vectors is not None and profile.lexical is not None
    with _closing(Store(filled_db)) as store:
        assert store.papers.get("2305.14314") is not None  # the library was ingested
        scored = score_papers(store, profile, embedder=HashingEmbedder())
        by_id = {s.id: s for s in scored}
        assert by_id["2305.14314"].relevant and "followed author Tim Dettmers" in by_id["2305.14314"].explanation
        day, _ = max((d for d in store.papers.days() if len(d[0]) == 10), key=lambda d: d[1])
        day_ids = {p.id for p in store.papers.select(date_from=day, date_to=day)}
        selected = sum(1 for s in scored if s.id in day_ids and s.score >= profile.threshold)
        assert 5 <= selected <= 30  # about 15 a day, as calibrated
    r = runner.invoke(app, ["--db", db, "teach", "mine", "-n", "3"], input="l\nd\ns\n")
    assert r.exit_code == 0, r.output
    assert "1 liked, 1 disliked" in r.output and r.output.count("threshold") >= 3
    with _closing(Store(filled_db)) as store:
        fb = store.feedback.of_profile(feedback_key("mine"))
        assert sorted(fb.values()) == ["dislike", "like"]
        latest = store.papers.latest_day()[:10]
    # the README's third command: the first digest, without --date (the stored papers are not today's)
    r = runner.invoke(app, ["--db", db, "digest", "--interest", "mine", "--no-mark", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert f"this is the digest of {latest}" in r.output
    digest = json.loads(r.output[r.output.index("{") :])
    assert digest["day"] == latest and digest["items"] >= 1 and digest["considered"] > 0


def test_profiles_new_refuses_unreadable_files(runner, db_path, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("some notes\nnot papers\n")
    r = runner.invoke(app, ["--db", str(db_path), "profiles", "--new", "x", "--from", str(f)])
    assert r.exit_code == 2 and "not a format paperradar can read" in r.output


def test_recently_added_items_weigh_double():
    from paperradar.models import Paper
    from paperradar.relevance.library import _weighted

    papers = [Paper(title=f"P{i}", extra={"added": f"2024-0{i}-01"}) for i in range(1, 9)]
    weighted = _weighted(papers)
    assert len(weighted) == 10 and [p.title for p in weighted[8:]] == ["P8", "P7"]  # the newest quarter again
    undated = [Paper(title=f"P{i}") for i in range(8)]
    assert _weighted(undated) == undated


def test_a_dislike_pushes_down_what_is_closer_to_it_than_to_the_seeds():
    """`teach` asks about papers near the threshold, among the profile's own sub-areas: disliking one must not push
    down the seed-like papers around it, only those nearer the disliked paper than to any seed or liked paper."""
    import numpy as np

    from paperradar.models import Paper
    from paperradar.relevance.profiles import parse_profile
    from paperradar.relevance.scorer import ProfileScorer

    def unit(*xs):
        v = np.zeros(8)
        v[: len(xs)] = xs
        return v / np.linalg.norm(v)

    profile = parse_profile(
        'name = "t"\ndescription = "x"\nseeds = ["2401.00001", "2401.00002", "2401.00003"]\n', "t.toml"
    )
    seeds = np.stack([unit(1, 0.05), unit(1, -0.05), unit(1, 0, 0.05)])
    disliked = unit(0.8, 0.6)  # a neighbouring sub-area
    papers = [Paper(id=i, title=i) for i in ("seedlike", "between", "dislike-like")]
    vectors = np.stack([unit(1, 0.3), unit(0.9, 0.45), unit(0.78, 0.62)])
    plain = ProfileScorer(profile, np.zeros((0, 8)), seeds=seeds).score(papers, vectors)
    taught = ProfileScorer(profile, np.zeros((0, 8)), seeds=seeds, dislikes={"d": (disliked, "D")}).score(
        papers, vectors
    )
    before, after = ({s.id: s.score for s in run} for run in (plain, taught))
    assert after["seedlike"] == pytest.approx(before["seedlike"])  # nearer a seed than the dislike: untouched
    assert after["dislike-like"] < before["dislike-like"] - 0.01  # nearer the dislike: pushed down
    liked = ProfileScorer(
        profile, np.zeros((0, 8)), seeds=seeds, likes={"l": (disliked, "L")}, dislikes={"d": (unit(0, 1), "D")}
    ).score(papers, vectors)
    assert {s.id: s.score for s in liked}["dislike-like"] > before["dislike-like"]


def test_a_later_run_with_title_only_records_finds_their_arxiv_records(filled_db, tmp_path):
    """The arXiv records are stored first (an earlier fetch or run); a library export without ids, read later,
    adds no second record and the profile's seeds name the arXiv ids."""
    from dataclasses import replace

    from paperradar.relevance.library import build_library_profile

    with _closing(Store(filled_db)) as store:
        stored = [p for p in store.papers.iter() if p.title and p.authors][:4]
        before = store.papers.count()
        library = [replace(p, id=None, version=None, source="bibtex:later.bib", abstract="") for p in stored]
        made = build_library_profile(store, HashingEmbedder(), "later", library, tmp_path, calibration_days=1)
        assert store.papers.count() == before  # one record per paper
        assert set(made.profile.seeds) == {p.id for p in stored}


def test_profiles_new_reads_a_file_as_the_format_given(runner, db_path, tmp_path):
    """What detection refuses, --format reads; an unknown name is refused in one line naming the formats."""
    f = tmp_path / "notes.txt"
    f.write_text("some notes\nnot papers\n")
    r = runner.invoke(app, ["--db", str(db_path), "profiles", "--new", "x", "--from", str(f), "--format", "nope"])
    assert r.exit_code == 2 and "unknown format 'nope'; choose one of:" in r.output and "bibtex" in r.output
    r = runner.invoke(app, ["--db", str(db_path), "profiles", "--new", "x", "--from", str(f), "--format", "bibtex"])
    assert r.exit_code == 2 and "the library has 0 paper(s) with a title" in r.output  # read as BibTeX: no entry
