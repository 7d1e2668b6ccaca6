"""Benchmark: the built-in `efficiency` profile on the dev labels and judgments, honestly split, through the CLI.

    python benchmarks/relevance.py [--n-other 3000] [--skip-relevance] [--skip-days]

The shipped profile is fitted on every dev label and judgment (tools/build_profile.py), so scoring dev with it would
test papers it was fitted on. Instead every figure comes from a profile rebuilt without the papers it is scored on,
installed as the reader's own `efficiency` profile in a temporary PAPERRADAR_HOME:

- `evaluate.py days` (whole judged days; it takes no --exclude): a profile built `--without-days`, i.e. with no
  paper of any judged day among its positives, hard negatives or ordinary papers;
- `evaluate.py relevance`, once per fold K of the judged papers: a profile built from fold K only (its ordinary
  papers drawn outside the evaluation sample) and `--exclude` of every id it was fitted on. Excluding ids changes
  the sample evaluate.py draws, so fewer judged papers land in it than in the unexcluded sample: the output's
  `unjudged_in_top_P` and `selected_unjudged` say how many.

Beside those, through the library with the same fold profiles: recall per sub-area, likes moving the ranking, and
the time to score a day of 1,000 papers. Embeddings come from benchmarks/embed_cache.py (computed once, reused by
every run). Writes the "Relevance: sub-areas and judged labels" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, write_section
from embed_cache import cached_embedder

sys.path.insert(0, str(ROOT / "tools"))
from build_profile import fold_of, judgments

from paperradar.embed import paper_text
from paperradar.relevance.profiles import parse_profile
from paperradar.relevance.scorer import ProfileScorer
from paperradar.sources.jsonl import paper_from_common

EVAL = SHARED.parent / "eval" / "evaluate.py"
PY = sys.executable
CLI = f"{PY} {ROOT / 'benchmarks' / 'embed_cache.py'}"
TOML = ROOT / "src" / "paperradar" / "relevance" / "profiles" / "efficiency.toml"


def _evaluate():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("evaluate", EVAL)
    ev = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(ev)  # type: ignore[union-attr]
    return ev


def build(home: Path, *args: str) -> Path:
    """Build a profile into ``home``/profiles with tools/build_profile.py; return that folder."""
    profiles = home / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PY, str(ROOT / "tools" / "build_profile.py"), "--out", str(profiles), "--embed-cache", *args], check=True
    )
    shutil.copy(TOML, profiles)
    return profiles


def evaluate(home: Path, *args: str) -> dict:
    env = {**os.environ, "PAPERRADAR_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [PY, str(EVAL), *args, "--cmd", CLI], check=True, capture_output=True, text=True, env=env, cwd=ROOT
    ).stdout
    return json.loads(out)


def scorer_for(profiles: Path, likes: dict | None = None) -> ProfileScorer:
    profile = parse_profile((profiles / "efficiency.toml").read_text(), "bench", profiles)
    return ProfileScorer(profile, np.zeros((0, 384)), likes=likes, model=profile.model)


def library_scores(profiles: Path, papers: list, likes: dict | None = None) -> dict[str, tuple[float, bool, str]]:
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in papers])
    return {s.id: (s.score, s.relevant, s.explanation) for s in scorer_for(profiles, likes).score(papers, vecs)}


def area_recall(profiles: Path, papers: list, grade: dict[str, int]) -> dict[str, list[int]]:
    """Per sub-area (the model's nearest area): [positives, selected] for the positives among ``papers``."""
    sc = scorer_for(profiles)
    pos = [p for p in papers if grade.get(p.id, 0) >= 1]
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in pos])
    area, _ = sc.model.area_of(vecs)  # type: ignore[union-attr]
    scored = sc.score(pos, vecs)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, s in zip(area, scored, strict=True):
        name = sc.profile.areas[a].name
        out[name][0] += 1
        out[name][1] += int(s.relevant)
    return dict(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-other", type=int, default=3000)
    ap.add_argument("--skip-relevance", action="store_true")
    ap.add_argument("--skip-days", action="store_true")
    a = ap.parse_args()
    ev = _evaluate()
    grade, day_of = judgments()
    rows = {}
    with gzip.open(ev.DEV_CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[r["id"]] = r
    results: dict = {"commands": []}
    with tempfile.TemporaryDirectory() as w:
        work = Path(w)
        if not a.skip_days:
            home = work / "days"
            profiles = build(home, "--without-days")
            t = time.time()
            results["days"] = evaluate(home, "days")
            results["days_s"] = round(time.time() - t, 1)
            day_papers = [paper_from_common(r, "dev") for i, r in rows.items() if i in day_of]
            results["days_area"] = area_recall(profiles, day_papers, grade)
        if not a.skip_relevance:
            papers, labels = ev.load_split("dev")
            for k in (0, 1):
                home = work / f"fold{k}"
                trained = {i for i in grade if fold_of(i) == k}
                sample = ev.sample(papers, labels, a.n_other, exclude=frozenset(trained))
                sample_file = work / f"sample{k}.txt"
                sample_file.write_text("\n".join(sample))
                profiles = build(home, "--fold", str(k), "--exclude-background", str(sample_file))
                ids_file = profiles / "efficiency_seed_ids.txt"
                t = time.time()
                res = evaluate(home, "relevance", "--n-other", str(a.n_other), "--exclude", str(ids_file))
                res["wall_s"] = round(time.time() - t, 1)
                results[f"fold{k}"] = res
                held = [paper_from_common(rows[i], "dev") for i in grade if fold_of(i) != k and i in rows]
                results[f"fold{k}_area"] = area_recall(profiles, held, grade)
                if k == 0:
                    results["likes"] = likes_demo(profiles, held, grade)
                    results["timing"] = timing(profiles, [paper_from_common(rows[i], "dev") for i in sample[:1000]])
    print(json.dumps(results, indent=1))
    (ROOT / "benchmarks" / "relevance_last.json").write_text(json.dumps(results, indent=1))


def likes_demo(profiles: Path, held: list, grade: dict[str, int]) -> dict:
    """20 simulated likes from one sub-area: where the area's other papers rank among the held-out judged papers
    before and after (the profile never saw any of them)."""
    sc = scorer_for(profiles)
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in held])
    area, _ = sc.model.area_of(vecs)  # type: ignore[union-attr]
    names = [sc.profile.areas[x].name for x in area]
    pos_by_area = Counter(n for n, p in zip(names, held, strict=True) if grade.get(p.id, 0) >= 1)
    out = {}
    for target in [n for n, c in pos_by_area.most_common() if c >= 30][:1] + ["kernels, compilers and hardware"]:
        members = [n for n, p in enumerate(held) if names[n] == target and grade.get(p.id, 0) >= 1]
        liked, rest = members[:20], members[20:]
        if len(rest) < 3:
            continue
        likes = {held[n].id: (vecs[n], held[n].title) for n in liked}
        keep = [n for n in range(len(held)) if n not in set(liked)]
        before = sc.score([held[n] for n in keep], vecs[keep])
        after = scorer_for(profiles, likes).score([held[n] for n in keep], vecs[keep])

        def summary(scored):  # type: ignore[no-untyped-def]
            order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
            rank = {scored[i].id: r for r, i in enumerate(order, 1)}
            ids = [held[n].id for n in rest]
            wanted = set(ids)
            return {
                "median_rank_of_area": float(np.median([rank[i] for i in ids])),
                "area_in_top_100": sum(1 for i in ids if rank[i] <= 100),
                "area_selected": sum(1 for s in scored if s.id in wanted and s.relevant),
                "selected_total": sum(1 for s in scored if s.relevant),
            }

        out[target] = {"likes": len(liked), "held_out_area_papers": len(rest), "of": len(keep),
                       "before": summary(before), "after": summary(after)}
    return out


def timing(profiles: Path, papers: list) -> dict:
    """Seconds to score 1,000 papers whose vectors are known (the profile loaded, the scorer built)."""
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in papers])
    t = time.perf_counter()
    sc = scorer_for(profiles)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    sc.score(papers, vecs)
    return {"papers": len(papers), "load_s": round(t_load, 3), "score_s": round(time.perf_counter() - t, 3)}


if __name__ == "__main__":
    main()
