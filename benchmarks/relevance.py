"""Benchmark: the built-in `efficiency` profile on the dev labels and judgments, honestly split, through the CLI.

    python benchmarks/relevance.py [--n-other 3000] [--skip-relevance] [--skip-days]

The shipped profile is fitted on every dev label and judgment (tools/build_profile.py), so scoring dev with it would
test papers it was fitted on. Instead every figure comes from a profile rebuilt without the papers it is scored on,
installed as the reader's own `efficiency` profile in a temporary PAPERRADAR_HOME:

- `evaluate.py days` (whole judged days; it takes no --exclude): profiles built `--without-days`, i.e. with no
  paper of any judged day among their positives, hard negatives or ordinary papers. The cut (score 0.5) is set on
  complete judged days (tools/build_profile.py), so each complete day is scored by a profile whose cut was set on
  the other complete days only (leave one day out: one build and one `evaluate.py days` run per day, the held-out
  day's row kept); the incomplete day by the profile whose cut was set on all complete days. Beside it, the
  precision/recall of the days across thresholds (library, the same ranking: calibration moves only the cut);
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
from build_profile import complete_days, fold_of, judgments

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
    env = {**os.environ, "PAPERRADAR_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1"}
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
    ap.add_argument("--folds", default="1,0", help="which folds of the relevance protocol to run")
    ap.add_argument("--skip-relevance", action="store_true")
    ap.add_argument("--skip-days", action="store_true")
    ap.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from relevance_last.json")
    ap.add_argument("--crossfit", action="store_true", help="only the library cross-fit on the unexcluded sample")
    ap.add_argument("--timing", action="store_true", help="only the time to score 1,000 dev papers (shipped model)")
    ap.add_argument("--likes", action="store_true", help="only the likes demo (fold-1 profile, held-out papers)")
    a = ap.parse_args()
    if a.crossfit and a.render_only:  # add evaluate.py's baselines to a finished cross-fit
        ev = _evaluate()
        last = ROOT / "benchmarks" / "relevance_last.json"
        merged = json.loads(last.read_text())
        papers, labels = ev.load_split("dev")
        sample = ev.sample(papers, labels, a.n_other)
        judged = {i: v for i, v in ev.load_judged("dev").items() if i in set(sample)}
        lab = {i: labels[i] for i in sample if i in labels}
        base = ev.baselines(papers, sample, lab, judged=judged)
        merged["crossfit"]["baselines"] = {k: v.get("judged", {}) for k, v in base.items() if isinstance(v, dict)}
        last.write_text(json.dumps(merged, indent=1))
    if a.render_only:
        merged = json.loads((ROOT / "benchmarks" / "relevance_last.json").read_text())
        write_section("Relevance: the whole efficiency field (judged labels, whole days)", render(merged, a.n_other))
        return
    ev = _evaluate()
    grade, day_of = judgments()
    rows = {}
    with gzip.open(ev.DEV_CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[r["id"]] = r
    results: dict = {}
    with tempfile.TemporaryDirectory() as w:
        work = Path(w)
        if a.timing:
            some = [paper_from_common(rows[i], "dev") for i in sorted(grade)[:1000]]
            results["timing"] = timing(TOML.parent, some)
            a.skip_days = a.skip_relevance = True
        if a.crossfit:
            results["crossfit"] = crossfit(ev, work, rows, grade, day_of, a.n_other)
            a.skip_days = a.skip_relevance = True
        if a.likes:
            profiles = build(work / "likes", "--fold", "1")
            held = [paper_from_common(rows[i], "dev") for i in grade if fold_of(i) != 1 and i in rows]
            results["likes"] = likes_demo(profiles, held, grade)
            a.skip_days = a.skip_relevance = True
        if not a.skip_days:
            results.update(days_protocol(work, rows, grade, day_of))
        if not a.skip_relevance:
            papers, labels = ev.load_split("dev")
            for k in [int(x) for x in a.folds.split(",")]:
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
                if "likes" not in results:
                    results["likes"] = likes_demo(profiles, held, grade)
                    results["timing"] = timing(profiles, [paper_from_common(rows[i], "dev") for i in sample[:1000]])
    print(json.dumps(results, indent=1))
    last = ROOT / "benchmarks" / "relevance_last.json"
    merged = json.loads(last.read_text()) if last.exists() else {}
    merged.update(results)
    last.write_text(json.dumps(merged, indent=1))
    write_section("Relevance: the whole efficiency field (judged labels, whole days)", render(merged, a.n_other))


def days_protocol(work: Path, rows: dict, grade: dict[str, int], day_of: dict[str, str]) -> dict:
    """Whole judged days, leave one complete day out for the cut (see the module docstring)."""
    complete = complete_days()
    t = time.time()
    out: dict = {"days": {"days": {}}, "days_area": {}}
    tot = Counter()
    for held in [*sorted(complete), None]:
        cal = [d for d in sorted(complete) if d != held]
        home = work / f"days_{held or 'all'}"
        profiles = build(home, "--without-days", "--calibration-days", ",".join(cal))
        res = evaluate(home, "days")
        if held is None:
            out["days_all_calibrated"] = res  # the cut saw these days: flattering for the complete days
            out["days_curve"] = day_curve(profiles, rows, complete, day_of)
        for day, row in res["days"].items():
            if day != held and not (held is None and day not in complete):
                continue
            out["days"]["days"][day] = row
            judged_shown = row["shown"] - row["shown_unjudged"]
            tot["shown_judged"] += judged_shown
            tot["shown_relevant"] += round(row["precision"] * judged_shown)
            if day in complete:
                pos = [i for i, g in complete[day].items() if g >= 1]
                strict = [i for i, g in complete[day].items() if g >= 2]
                tot["pos"] += len(pos)
                tot["found"] += round(row["recall"] * len(pos))
                tot["strict"] += len(strict)
                tot["found2"] += round(row["recall_strict"] * len(strict))
                papers = [paper_from_common(rows[i], "dev") for i in complete[day] if i in rows]
                for name, (n, sel) in area_recall(profiles, papers, grade).items():
                    acc = out["days_area"].setdefault(name, [0, 0])
                    acc[0] += n
                    acc[1] += sel
    out["days"]["precision_of_shown"] = round(tot["shown_relevant"] / max(1, tot["shown_judged"]), 4)
    out["days"]["recall_complete_days"] = round(tot["found"] / max(1, tot["pos"]), 4)
    out["days"]["recall_strict_complete_days"] = round(tot["found2"] / max(1, tot["strict"]), 4)
    out["days_s"] = round(time.time() - t, 1)
    return out


def day_curve(profiles: Path, rows: dict, complete: dict[str, dict[str, int]], day_of: dict[str, str]) -> list:
    """Precision of shown (every judged day) and recall (complete days) at a range of thresholds, from the
    library scores of one ``--without-days`` profile: what any cut of this ranking can reach."""
    judged: dict[str, int] = {}
    for r in (json.loads(line) for line in (SHARED / "labels" / "days_judged_dev.jsonl").read_text().splitlines()):
        judged[r["id"]] = int(r["rel"])
    days = set(day_of.values())
    papers = [
        paper_from_common(r, "dev")
        for r in rows.values()
        if (r.get("listing_date") or r.get("published", "")[:10]) in days
    ]
    scores = library_scores(profiles, papers)
    in_complete = {i for d in complete.values() for i in d}
    curve = []
    for cut in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        shown = [i for i, (s, _r, _e) in scores.items() if s >= cut]
        sj = [i for i in shown if i in judged]
        pos = [i for i in in_complete if judged.get(i, 0) >= 1]
        strict = [i for i in in_complete if judged.get(i, 0) >= 2]
        curve.append(
            {
                "threshold": cut,
                "shown": len(shown),
                "share_of_papers": round(len(shown) / len(scores), 3),
                "precision": round(sum(judged[i] >= 1 for i in sj) / max(1, len(sj)), 3),
                "recall": round(len(set(pos) & set(shown)) / len(pos), 3),
                "recall_strict": round(len(set(strict) & set(shown)) / len(strict), 3),
            }
        )
    return curve


def _area_table(areas: dict[str, list[int]]) -> str:
    rows = ["| sub-area | positives | selected | recall |", "|---|---|---|---|"]
    for name, (n, sel) in sorted(areas.items(), key=lambda kv: -kv[1][0]):
        rows.append(f"| {name} | {n} | {sel} | {sel / n:.2f} |")
    return "\n".join(rows)


def _flattering(r: dict) -> list[str]:
    f = r.get("days_all_calibrated")
    if not f:
        return []
    return [
        f"For reference, the profile whose cut was set on all three complete days (the cut saw them): precision "
        f"{f['precision_of_shown']}, recall {f.get('recall_complete_days')} / {f.get('recall_strict_complete_days')}.",
        "",
    ]


def render(r: dict, n_other: int) -> str:
    """The RESULTS.md section from the merged results."""
    out = [
        "Command: `python benchmarks/relevance.py` (through `../shared/eval/evaluate.py`, dev split, the CLI run as "
        "`python benchmarks/embed_cache.py`, i.e. paperradar with embeddings cached between runs). Every profile "
        "is rebuilt by `tools/build_profile.py` without the papers it is scored on (see the docstring of "
        "benchmarks/relevance.py)."
    ]
    if "days" in r:
        d = r["days"]
        out += [
            "",
            "### Whole dev days (`evaluate.py days`), profiles built `--without-days`, the cut left one day out",
            "",
            "| day | papers | shown | shown unjudged | precision | relevant | recall (1+) | recall (2) | keyword "
            "filter shown / precision / recall |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for day, row in d["days"].items():
            kw = row.get("keyword_filter")
            out.append(
                f"| {day} | {row['papers']} | {row['shown']} | {row['shown_unjudged']} | {row['precision']} | "
                f"{row.get('relevant_in_day', '–')} | {row.get('recall', '–')} | {row.get('recall_strict', '–')} | "
                + (f"{kw['shown']} / {kw['precision']} / {kw['recall']} |" if kw else "– |")
            )
        out += [
            "",
            f"**precision of shown {d['precision_of_shown']}** (target ≥ 0.90), **recall on the complete days "
            f"{d.get('recall_complete_days')} (1+; target ≥ 0.85) / {d.get('recall_strict_complete_days')} (2; "
            f"target ≥ 0.95)**; the four builds and runs took {r.get('days_s')} s.",
            "",
            *_flattering(r),
            "Precision and recall of the same ranking across thresholds (library scores of the profile whose cut was "
            "set on all three complete days; precision over every judged day, recall over the complete days):",
            "",
            "| threshold | shown (of the days' papers) | precision | recall (1+) | recall (2) |",
            "|---|---|---|---|---|",
            *[
                f"| {c['threshold']} | {c['shown']} ({c['share_of_papers']:.0%}) | {c['precision']} | {c['recall']} | "
                f"{c['recall_strict']} |"
                for c in r.get("days_curve", [])
            ],
            "",
            "Recall of the days' relevant papers (1+) by sub-area (the model's nearest area):",
            "",
            _area_table(r["days_area"]),
        ]
    for k in ("1", "0"):
        res = r.get(f"fold{k}")
        if not res:
            continue
        pj, kj, sj = (
            res["paperradar"]["judged"],
            res["baselines"]["keyword_filter"].get("judged", {}),
            res["baselines"]["arxiv_sanity_lite_svm"].get("judged", {}),
        )
        out += [
            "",
            f"### `evaluate.py relevance --n-other {res['papers'] - res['positives']} --exclude` (profile built "
            f"from fold {k} only; {res['papers']} papers, {res['positives']} curated positives)",
            "",
            "| ranker (judged labels, condensed) | R-precision | AP | precision of selected "
            "| recall of selected (1+ / 2)"
            " | unjudged in top P | selected unjudged |",
            "|---|---|---|---|---|---|---|",
            f"| **paperradar** | {pj['r_precision']} | {pj['avg_precision']} | {pj.get('precision_of_selected')} | "
            f"{pj.get('recall_of_selected')} / {pj.get('recall_of_selected_strict')} | {pj['unjudged_in_top_P']} | "
            f"{pj.get('selected_unjudged')} |",
            f"| keyword filter | {kj.get('r_precision')} | {kj.get('avg_precision')} | "
            f"{kj.get('precision_of_selected')} | {kj.get('recall_of_selected')} / "
            f"{kj.get('recall_of_selected_strict')} | {kj.get('unjudged_in_top_P')} | {kj.get('selected_unjudged')} |",
            f"| arxiv-sanity-lite SVM | {sj.get('r_precision')} | {sj.get('avg_precision')} | – | – | "
            f"{sj.get('unjudged_in_top_P')} | – |",
            "",
            f"Judged positives in this sample: {pj['positives']} ({pj['positives_strict']} clear). Curated labels "
            f"only: paperradar R-precision {res['paperradar']['recall@1P']}, AP "
            f"{res['paperradar']['avg_precision_lower_bound']}; TF-IDF+SVM "
            f"{res['baselines']['arxiv_sanity_lite_svm']['recall@1P']} / "
            f"{res['baselines']['arxiv_sanity_lite_svm']['avg_precision_lower_bound']}; selected "
            f"{res['paperradar']['selected_fraction']} of the sample; score took {res['score_s']} s.",
            "",
            f"Recall of selected by sub-area, every judged positive of the other fold ({k} trained):",
            "",
            _area_table(r[f"fold{k}_area"]),
        ]
    if "crossfit" in r:
        c = r["crossfit"]
        j = c["judged"]
        kb, sb = (
            c.get("baselines", {}).get("keyword_filter", {}),
            c.get("baselines", {}).get("arxiv_sanity_lite_svm", {}),
        )
        out += [
            "",
            "### Judged labels on evaluate.py's unexcluded sample, two-fold cross-fit (`python benchmarks/relevance.py "
            "--crossfit`)",
            "",
            f"Each of the {j['positives']} judged positives ({j['positives_strict']} clear) and the judged negatives "
            "of the 3,305-paper sample is scored by the profile built from the other fold; condensed rankings, "
            "evaluate.py's `judged_metrics`; baselines from evaluate.py's `baselines` on the same sample.",
            "",
            "| ranker | R-precision | AP | precision of selected | recall of selected (1+ / 2) | unjudged in top P | "
            "selected unjudged |",
            "|---|---|---|---|---|---|---|",
            f"| **paperradar** | {j['r_precision']} | {j['avg_precision']} | {j['precision_of_selected']} | "
            f"{j['recall_of_selected']} / {j['recall_of_selected_strict']} | {j['unjudged_in_top_P']} | "
            f"{j['selected_unjudged']} |",
            f"| keyword filter | {kb.get('r_precision')} | {kb.get('avg_precision')} | "
            f"{kb.get('precision_of_selected')} | {kb.get('recall_of_selected')} / "
            f"{kb.get('recall_of_selected_strict')} | {kb.get('unjudged_in_top_P')} | {kb.get('selected_unjudged')} |",
            f"| arxiv-sanity-lite SVM | {sb.get('r_precision')} | {sb.get('avg_precision')} | – | – | "
            f"{sb.get('unjudged_in_top_P')} | – |",
            "",
            "The same cross-fit on the judged days (each day paper scored by the other fold's profile, threshold 0.5): "
            + "; ".join(
                f"{d}: shown {v['shown']}, precision {v['shown_rel'] / max(1, v['shown']):.2f}, recall "
                f"{v['found'] / max(1, v['pos']):.2f} / {v['found2'] / max(1, v['strict']):.2f}"
                for d, v in sorted(c["days"].items())
            )
            + ".",
        ]
    if "crossfit" in r and r["crossfit"].get("cues"):
        out += [
            "",
            "Hard negatives by negative cue (judged 0 in the cross-fit sample, scored by the other fold's profile):",
            "",
            "| cue | judged-0 papers with it | selected | clear positives ranked above all of them | median score |",
            "|---|---|---|---|---|",
            *[
                f"| {name} | {v['negatives']} | {v['selected']} | {v['clear_positives_above_all']} of "
                f"{v['clear_positives']} | {v['median_negative_score']} |"
                for name, v in r["crossfit"]["cues"].items()
            ],
        ]
    if "likes" in r:
        out += ["", "### Likes move the ranking (library, fold-1 profile, held-out judged papers)", ""]
        for area, v in r["likes"].items():
            b, a_ = v["before"], v["after"]
            out.append(
                f"- {v['likes']} likes from “{area}”: its other {v['held_out_area_papers']} papers (of {v['of']}) "
                f"median rank {b['median_rank_of_area']} → {a_['median_rank_of_area']}, in the top 100 "
                f"{b['area_in_top_100']} → {a_['area_in_top_100']}, selected {b['area_selected']} → "
                f"{a_['area_selected']} (all selected {b['selected_total']} → {a_['selected_total']})"
            )
    if "timing" in r:
        t = r["timing"]
        out += [
            "",
            f"Scoring {t['papers']} papers with known vectors (`python benchmarks/relevance.py --timing`: the shipped "
            f"profile, library, one process): model loaded in {t['load_s']} s, scored in **{t['score_s']} s wall** "
            f"({t.get('score_cpu_s')} s CPU, load average {t.get('load_average')}; budget: 10 s).",
        ]
    return "\n".join(out)


def crossfit(ev, work: Path, rows: dict, grade: dict[str, int], day_of: dict[str, str], n_other: int) -> dict:  # type: ignore[no-untyped-def]
    """Two-fold cross-fitting on evaluate.py's own (unexcluded) sample, where all 623 judged papers are: each
    judged paper is scored by the profile built from the other fold, and evaluate.py's judged metrics are computed
    on the condensed ranking (unjudged papers are dropped there, so they need no score); the same for the judged
    whole days. No --exclude here: no paper is scored by a model that saw it."""
    papers, labels = ev.load_split("dev")
    sample = ev.sample(papers, labels, n_other)
    sample_file = work / "default_sample.txt"
    sample_file.write_text("\n".join(sample))
    scores: dict[str, tuple[float, bool, str]] = {}
    for k in (0, 1):
        profiles = build(work / f"cf{k}", "--fold", str(k), "--exclude-background", str(sample_file))
        held = [paper_from_common(rows[i], "dev") for i in grade if fold_of(i) != k and i in rows]
        scores.update(library_scores(profiles, held))
    in_sample = set(sample)
    ranked = sorted((i for i in in_sample if i in scores), key=lambda i: -scores[i][0])
    selected = [i for i in ranked if scores[i][1]]
    judged = {i: v for i, v in ev.load_judged("dev").items() if i in in_sample}
    lab = {i: labels[i] for i in sample if i in labels}
    out = {"judged": ev.judged_metrics(ranked, selected, judged, lab)}
    out["cues"] = cue_stats(scores, rows, judged, lab)
    base = ev.baselines(papers, sample, lab, judged=judged)  # evaluate.py's own baselines on the same sample
    out["baselines"] = {k: v.get("judged", {}) for k, v in base.items() if isinstance(v, dict)}
    days: dict[str, dict] = {}
    for i, d in day_of.items():
        if i in scores:
            days.setdefault(d, {"pos": 0, "strict": 0, "shown": 0, "shown_rel": 0, "found": 0, "found2": 0})
            row = days[d]
            g = grade[i] if i not in labels else 2
            row["pos"] += g >= 1
            row["strict"] += g >= 2
            row["shown"] += scores[i][1]
            row["shown_rel"] += scores[i][1] and g >= 1
            row["found"] += scores[i][1] and g >= 1
            row["found2"] += scores[i][1] and g >= 2
    out["days"] = days
    return out


def cue_stats(scores: dict, rows: dict, judged: dict[str, int], labelled: dict) -> dict:
    """Per negative cue of the profile: the judged-0 papers (hard negatives) whose text shows it, how many of
    them are selected, and how many clear positives (judged 2 or curated) rank below the best-ranked of them."""
    profile = parse_profile(TOML.read_text(), "bench", TOML.parent)
    rel = {**{i: v for i, v in judged.items()}, **{i: 2 for i in labelled}}
    clear = sorted((scores[i][0] for i in rel if rel[i] >= 2 and i in scores), reverse=True)
    out = {}
    for cue in profile.negative_cues:
        neg = [
            i
            for i, v in rel.items()
            if v == 0 and i in scores and cue.pattern.search(f"{rows[i]['title']}\n{rows[i].get('abstract', '')}")
        ]
        if not neg:
            continue
        top = max(scores[i][0] for i in neg)
        out[cue.name] = {
            "negatives": len(neg),
            "selected": sum(1 for i in neg if scores[i][1]),
            "clear_positives_above_all": sum(1 for c in clear if c > top),
            "clear_positives": len(clear),
            "median_negative_score": round(float(np.median([scores[i][0] for i in neg])), 3),
        }
    return out


def likes_demo(profiles: Path, held: list, grade: dict[str, int]) -> dict:
    """20 simulated likes from one sub-area: where the area's other papers rank among the held-out judged papers
    before and after (the profile never saw any of them)."""
    sc = scorer_for(profiles)
    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in held])
    area, _ = sc.model.area_of(vecs)  # type: ignore[union-attr]
    names = [sc.profile.areas[x].name for x in area]
    pos_by_area = Counter(n for n, p in zip(names, held, strict=True) if grade.get(p.id, 0) >= 1)
    out = {}
    for target in [*[n for n, c in pos_by_area.most_common() if c >= 30][:1], "kernels, compilers and hardware"]:
        members = [n for n, p in enumerate(held) if names[n] == target and grade.get(p.id, 0) >= 1]
        liked, rest = members[:20], members[20:]
        if len(rest) < 3:
            continue
        likes = {held[n].id: (vecs[n], held[n].title) for n in liked}
        keep = [n for n in range(len(held)) if n not in set(liked)]
        before = sc.score([held[n] for n in keep], vecs[keep])
        after = scorer_for(profiles, likes).score([held[n] for n in keep], vecs[keep])

        def summary(scored, rest=rest):  # type: ignore[no-untyped-def]
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

        out[target] = {
            "likes": len(liked),
            "held_out_area_papers": len(rest),
            "of": len(keep),
            "before": summary(before),
            "after": summary(after),
        }
    return out


def timing(profiles: Path, papers: list) -> dict:
    """Seconds to score 1,000 papers whose vectors are known (the profile loaded, the scorer built)."""
    import sklearn.feature_extraction.text  # noqa: F401  (imports are the process's start-up, not scoring)

    vecs = cached_embedder().embed_batch([paper_text(p.title, p.abstract) for p in papers])
    t = time.perf_counter()
    sc = scorer_for(profiles)
    t_load = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    sc.score(papers, vecs)
    return {
        "papers": len(papers),
        "load_s": round(t_load, 3),
        "score_s": round(time.perf_counter() - t, 3),
        "score_cpu_s": round(time.process_time() - c, 3),
        "load_average": round(os.getloadavg()[0], 1),
    }


if __name__ == "__main__":
    main()
