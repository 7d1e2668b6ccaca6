"""Build the model the built-in `efficiency` profile ships (src/paperradar/relevance/profiles/efficiency_model.npz).

    python tools/build_profile.py                                   # everything -> src/paperradar/relevance/profiles
    python tools/build_profile.py --fold 0 --out DIR                # half of the judged papers, for honest figures
    python tools/build_profile.py --without-days --out DIR          # nothing from the judged whole days
        [--calibration-days all|none|DAY,DAY]   # the complete judged days that set the cut (default: all)
        [--exclude-background IDS_FILE]     # papers kept out of the ordinary-paper sample (an evaluation sample)
        [--embed-cache]                     # embed through benchmarks/embed_cache.py (no re-embedding between runs)
    python tools/build_profile.py --areas-only [--out DIR]          # re-assign the seeds' sub-areas of a built
                                                                    # model, nothing refitted (scores unchanged)

This is the one place that reads the dev labels and judgments (../shared/data/labels, dev split):
- positives: the curated lists (`efficiency_labels_dev.jsonl`, grade 2) and every paper judged 1 or 2 in
  `efficiency_judged_dev.jsonl` and `days_judged_dev.jsonl`;
- hard negatives: the papers judged 0 there (capability-only reasoning and RL, "sample-efficient" RL, applications
  that merely use a small model, ...);
- ordinary papers: a random sample of the rest of the dev corpus, taken as not relevant, less those with a
  quantified efficiency claim (a number and a cost unit in one sentence past the first: "reduces latency by 53%",
  "10x lower inference cost"): about 7% of ordinary papers are in fact relevant, and those are the likeliest of
  them (`quantified_claim`; benchmarks/RESULTS.md, 2026-12-02 "evidence from the errors").
- whole days: every paper of the complete judged days (`days_judged_dev.jsonl`, `"complete": true`) with its
  judgment, a natural day's mix; the cut 0.5 is set where precision and recall balance best on them (F1), each
  day paper scored by a model that did not see it (relevance/build.py). With --without-days they only set the
  cut, never train; `--calibration-days` names which of them do (leave one out to measure a day honestly).
Each positive is assigned to a sub-area of the profile (the `[[areas]]` of efficiency.toml), which only
explanations read: the nearest area (description and terms) it may be named for (an area's `only_when` gate:
"surveys and benchmarks" only for a survey or benchmark). The curated lists' topics are not used: they are the
yardstick of benchmarks/area_naming.py, and assigning by them drew general papers to "efficient reasoning". Only
derived numbers are written (vectors, weights, ids), never the papers' text. The ids of every labelled or judged
paper trained on go to <stem>_seed_ids.txt: pass that file to evaluate.py with --exclude. With --fold K only the
papers whose id hashes to K (of 2) are used; with --without-days no paper of a judged day is (evaluate.py days
takes no --exclude, so its figures need a profile that never saw those days).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from paperradar.embed import Embedder, make_embedder, paper_text  # noqa: E402
from paperradar.relevance.areas import allowed  # noqa: E402
from paperradar.relevance.build import Example, assign_areas, fit_profile_model  # noqa: E402
from paperradar.relevance.model import ProfileModel, sentence_spans  # noqa: E402
from paperradar.relevance.profiles import parse_profile  # noqa: E402
from paperradar.relevance.scorer import paper_text as scorer_text  # noqa: E402
from paperradar.sources.jsonl import paper_from_common  # noqa: E402

SHARED = Path(os.environ.get("PAPERRADAR_SHARED_DATA", ROOT.parent / "shared" / "data"))
LABELS = SHARED / "labels"
CORPUS = SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"
PROFILE = ROOT / "src" / "paperradar" / "relevance" / "profiles" / "efficiency.toml"


# A quantified efficiency claim: a number with a unit of gain ("3.2x", "53%", "orders of magnitude") and a cost word
# in one sentence of the abstract past its first (the first sentence sets the scene: "real-time systems need ...").
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:x|×|\\times|times|%)|\border(?:s)? of magnitude|\bfold\b", re.I)
_COST = re.compile(
    r"\b(?:faster|speed-?ups?|latency|throughput|memory|VRAM|FLOPs?|compute|computation\w*|cost\w*|runtime|run-time"
    r"|wall-clock|energy|inference time|training time|parameters|tokens|GPU hours?|accelerat\w+|compression|smaller"
    r"|cheaper)\b",
    re.I,
)


def quantified_claim(text: str) -> bool:
    """Whether ``text`` (title line, then abstract) makes a quantified efficiency claim (see _NUMBER, _COST): such an
    ordinary paper is not used as a negative. On the whole dev days, over four ordinary samples, leaving them out
    raised the days' AP by 0.004-0.012 (benchmarks/RESULTS.md)."""
    spans = sentence_spans(text)[1:]
    return any(_NUMBER.search(text[a:b]) and _COST.search(text[a:b]) for a, b in spans)


def fold_of(paper_id: str) -> int:
    """Which of two folds a paper falls in (stable across runs and machines)."""
    return int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 2


def _jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def complete_days() -> dict[str, dict[str, int]]:
    """The judged days where every paper is judged: {day: {id: grade}}."""
    out: dict[str, dict[str, int]] = {}
    for r in _jsonl(LABELS / "days_judged_dev.jsonl"):
        if r.get("complete"):
            out.setdefault(r["day"], {})[r["id"]] = int(r["rel"])
    return out


def judgments() -> tuple[dict[str, int], dict[str, str]]:
    """Grade by id (curated 2; judged 0/1/2; curated wins) and the listing day of each paper of a judged day."""
    grade: dict[str, int] = {}
    day_of: dict[str, str] = {}
    for r in _jsonl(LABELS / "days_judged_dev.jsonl"):
        grade[r["id"]] = int(r["rel"])
        day_of[r["id"]] = r["day"]
    for r in _jsonl(LABELS / "efficiency_judged_dev.jsonl"):
        grade[r["id"]] = int(r["rel"])
    for r in _jsonl(LABELS / "efficiency_labels_dev.jsonl"):
        grade[r["id"]] = 2
    return grade, day_of


def seed_areas(vectors: np.ndarray, texts: list[str], embedder: Embedder) -> np.ndarray:
    """The area index of each positive seed (see the module docstring)."""
    toml = tomllib.loads(PROFILE.read_text(encoding="utf-8"))
    areas = parse_profile(PROFILE.read_text(encoding="utf-8"), str(PROFILE)).areas
    area_vectors = embedder.embed_batch([f"{t['name']}: {t['description']}" for t in toml["areas"]])
    return assign_areas(vectors, texts, area_vectors, [a.terms for a in areas], allowed(texts, areas))


def reassign_areas(out: Path, stem: str, embedder: Embedder) -> None:
    """--areas-only: rewrite the seeds' sub-areas of the model built in ``out``; nothing else changes."""
    path = out / f"{stem}_model.npz"
    model = ProfileModel.load(path)
    want = set(model.seed_ids)
    text: dict[str, str] = {}
    with gzip.open(CORPUS, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            if r["id"] in want:
                text[r["id"]] = scorer_text(paper_from_common(r, "dev"))
    before = model.seed_area.copy()
    model.seed_area = seed_areas(model.seed_vectors, [text[i] for i in model.seed_ids], embedder)
    model.save(path)
    names = [a["name"] for a in tomllib.loads(PROFILE.read_text(encoding="utf-8"))["areas"]]
    counts = np.bincount(model.seed_area, minlength=len(names))
    print(f"{int((before != model.seed_area).sum())} of {len(before)} seeds moved -> {path}")
    print("seeds per area:", ", ".join(f"{t} {c}" for t, c in zip(names, counts, strict=True)))


def embedder_for(cached: bool) -> Embedder:
    if not cached:
        return make_embedder()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from embed_cache import cached_embedder

    return cached_embedder()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=PROFILE.parent)
    ap.add_argument("--stem", default="efficiency")
    ap.add_argument("--fold", type=int, choices=[0, 1], help="train on one fold of the judged papers only")
    ap.add_argument("--without-days", action="store_true", help="leave out every paper of the judged days")
    ap.add_argument(
        "--calibration-days", default="all", help="complete judged days that set the cut: all, none or DAY,DAY"
    )
    ap.add_argument("--exclude-background", type=Path, help="ids (one a line) kept out of the ordinary papers")
    ap.add_argument("--n-ordinary", type=int, default=1000, help="ordinary papers sampled as negatives")
    ap.add_argument(
        "--all-ordinary", action="store_true", help="keep ordinary papers with a quantified efficiency claim too"
    )
    ap.add_argument("--embed-cache", action="store_true", help="embed through benchmarks/embed_cache.py")
    ap.add_argument("--areas-only", action="store_true", help="only re-assign the seeds' sub-areas of a built model")
    a = ap.parse_args()
    if not LABELS.exists():
        sys.exit(f"{LABELS}: not found (set PAPERRADAR_SHARED_DATA to the shared data folder)")
    if a.areas_only:
        reassign_areas(a.out, a.stem, embedder_for(a.embed_cache))
        return
    grade, day_of = judgments()
    judged_days = set(day_of.values())
    complete = complete_days()
    cal = {"all": set(complete), "none": set()}.get(a.calibration_days, set(a.calibration_days.split(",")))
    if cal - set(complete):
        sys.exit(f"--calibration-days: not complete judged days: {sorted(cal - set(complete))}")
    cal_grade = {i: g for d in cal for i, g in complete[d].items()}
    day_papers = []
    keep_out = set(grade)  # judged papers never serve as ordinary ones
    if a.exclude_background:
        keep_out |= {line.split()[0] for line in a.exclude_background.read_text().splitlines() if line.strip()}
    train, ordinary = [], []
    with gzip.open(CORPUS, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            pid = r["id"]
            on_judged_day = (r.get("listing_date") or r.get("published", "")[:10]) in judged_days
            if pid in cal_grade and (a.fold is None or fold_of(pid) == a.fold):  # a fold's cut: its own day papers
                day_papers.append(paper_from_common(r, "dev"))
            if a.without_days and (on_judged_day or pid in day_of):
                continue
            if pid in grade:
                if a.fold is None or fold_of(pid) == a.fold:
                    train.append(paper_from_common(r, "dev"))
            elif pid not in keep_out and not on_judged_day:
                p = paper_from_common(r, "dev")
                if a.all_ordinary or not quantified_claim(scorer_text(p)):
                    ordinary.append(p)
    train.sort(key=lambda p: p.id or "")
    # the first papers in a fixed pseudo-random order (a hash of the id), so builds that keep out different
    # evaluation samples share most of their ordinary papers
    ordinary = sorted(ordinary, key=lambda p: hashlib.sha1((p.id or "").encode()).hexdigest())[: a.n_ordinary]
    embedder = embedder_for(a.embed_cache)
    papers = [*train, *ordinary]
    vectors = embedder.embed_batch([paper_text(p.title, p.abstract) for p in papers])
    day_vectors = embedder.embed_batch([paper_text(p.title, p.abstract) for p in day_papers])
    day_grades = [cal_grade[p.id or ""] for p in day_papers]
    days = [
        Example(p.id or "", scorer_text(p), day_vectors[n], int(g >= 1), "day", g)
        for n, (p, g) in enumerate(zip(day_papers, day_grades, strict=True))
    ]
    examples = [
        Example(
            p.id or "",
            scorer_text(p),
            vectors[n],
            int(grade.get(p.id or "", 0) >= 1),
            "judged" if n < len(train) else "ordinary",
            grade.get(p.id or "", 0),
        )
        for n, p in enumerate(papers)
    ]
    toml = tomllib.loads(PROFILE.read_text(encoding="utf-8"))
    areas = toml["areas"]
    pos = [e for e in examples if e.label]
    seed_area = seed_areas(np.stack([e.vector for e in pos]), [e.text for e in pos], embedder)
    model, _oof = fit_profile_model(
        examples,
        embedder.name,
        list(seed_area),
        claims=toml.get("claim_patterns", []),
        days=days,
        cues=[str(c["pattern"]) for c in toml.get("negative_cues", [])],
    )
    a.out.mkdir(parents=True, exist_ok=True)
    model.save(a.out / f"{a.stem}_model.npz")
    ids_file = a.out / f"{a.stem}_seed_ids.txt"
    ids_file.write_text(
        "# arXiv ids of the dev papers (curated labels and judgments) this profile's model was fitted on.\n"
        "# Pass this file to evaluate.py with --exclude so reported figures are on papers the profile has not seen.\n"
        + "".join(f"{p.id}\n" for p in train)
    )
    counts = np.bincount(seed_area, minlength=len(areas))
    k = len(model.stack_mean) if model.stack_mean is not None else len(model.stack_coef)
    print(
        f"{len(train)} judged papers ({len(pos)} positive), {len(ordinary)} ordinary, cut set on "
        f"{len(days)} papers of {len(cal)} whole days -> {a.out}; "
        f"stack: degree {model.stack_degree}, {len(model.stack_coef)} weights, of the evidence itself "
        f"{np.round(model.stack_coef[:k], 2).tolist()}, intercept "
        f"{model.stack_intercept:.3f}"
    )
    print("seeds per area:", ", ".join(f"{t['name']} {c}" for t, c in zip(areas, counts, strict=True)))
    print("strongest terms:", ", ".join(model.lexical.top_terms(25)))


if __name__ == "__main__":
    main()
