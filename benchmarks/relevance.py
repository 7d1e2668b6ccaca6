"""Benchmark: relevance on the dev labels, honestly split, through the CLI contract (../shared/eval/evaluate.py).

    .venv/bin/python benchmarks/relevance.py [--n-other 3000]

The built-in `efficiency` profile ships a model of ALL dev-label papers (tools/build_profile.py), so scoring the
dev split with it would test papers it was fitted on. Instead, for each half K of the labels: the profile is rebuilt
from half K only (its lexical model never sees the eval sample, not even as background), installed as the
reader's own `efficiency` profile in a temporary PAPERRADAR_HOME, and evaluate.py scores the other half plus 3,000
random papers with `--exclude` of half K. The two halves' figures are averaged. Writes the "Relevance" section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, write_section

EVAL = SHARED.parent / "eval" / "evaluate.py"
PY = sys.executable
CLI = str(Path(PY).parent / "paperradar")
METRICS = ["recall@1P", "recall@2P", "recall@5P", "avg_precision_lower_bound"]


def eval_sample(n_other: int, exclude: set[str]) -> list[str]:
    """The ids evaluate.py will score (its own sampling code, loaded from the shared folder)."""
    spec = importlib.util.spec_from_file_location("evaluate", EVAL)
    ev = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(ev)  # type: ignore[union-attr]
    papers, labels = ev.load_split("dev")
    return ev.sample(papers, labels, n_other, exclude=frozenset(exclude))


def run_half(half: int, n_other: int, work: Path) -> dict:
    home = work / f"home{half}"
    profiles = home / "profiles"
    profiles.mkdir(parents=True)
    sample_file = work / f"sample{half}.txt"
    # first the seeds of this half, to know which sample evaluate.py will draw once they are excluded
    subprocess.run(
        [PY, str(ROOT / "tools" / "build_profile.py"), "--half", str(half), "--out", str(profiles)],
        check=True,
        capture_output=True,
    )
    seeds = set((profiles / "efficiency_seed_ids.txt").read_text().split()) - {"#"}
    sample_file.write_text("\n".join(eval_sample(n_other, seeds)))
    # then again with the whole eval sample kept out of the background
    subprocess.run(
        [
            PY,
            str(ROOT / "tools" / "build_profile.py"),
            "--half",
            str(half),
            "--out",
            str(profiles),
            "--exclude-background",
            str(sample_file),
        ],
        check=True,
    )
    shutil.copy(ROOT / "src" / "paperradar" / "relevance" / "profiles" / "efficiency.toml", profiles)
    env = {**os.environ, "PAPERRADAR_HOME": str(home)}
    out = subprocess.run(
        [
            PY,
            str(EVAL),
            "relevance",
            "--cmd",
            CLI,
            "--n-other",
            str(n_other),
            "--exclude",
            str(profiles / "efficiency_seed_ids.txt"),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    ).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-other", type=int, default=3000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as w:
        runs = [run_half(h, a.n_other, Path(w)) for h in (0, 1)]
    print(json.dumps(runs, indent=1))

    def mean(get) -> float:  # type: ignore[no-untyped-def]
        return sum(get(r) for r in runs) / len(runs)

    rows = [
        ("**paperradar**", lambda r, m: r["paperradar"][m]),
        ("arxiv-sanity-lite TF-IDF+SVM", lambda r, m: r["baselines"]["arxiv_sanity_lite_svm"][m]),
        ("keyword filter", lambda r, m: r["baselines"]["keyword_filter"][m]),
    ]
    table = [
        "| | R-precision (recall@1P) | recall@2P | recall@5P | avg precision (lower bound) | selected "
        "| recall of selected |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, get in rows:
        cells = [f"{mean(lambda r, m=m, get=get: get(r, m)):.4f}" for m in METRICS]
        sel = ["–", "–"]
        if name.startswith("**"):
            sel = [
                f"{mean(lambda r: r['paperradar']['selected_fraction']):.4f}",
                f"{mean(lambda r: r['paperradar']['recall_of_selected']):.4f}",
            ]
        table.append(f"| {name} | " + " | ".join(cells + sel) + " |")
    per_half = "\n".join(
        f"- half {h}: {r['positives']} positives + {r['papers'] - r['positives']} others; paperradar R-precision "
        f"{r['paperradar']['recall@1P']}, AP {r['paperradar']['avg_precision_lower_bound']}, selected "
        f"{r['paperradar']['selected_fraction']}, recall of selected {r['paperradar']['recall_of_selected']}; "
        f"TF-IDF+SVM {r['baselines']['arxiv_sanity_lite_svm']['recall@1P']} / "
        f"{r['baselines']['arxiv_sanity_lite_svm']['avg_precision_lower_bound']}; recall@2P by topic "
        f"{json.dumps(r['paperradar']['recall@2P_by_topic'])}; scoring took {r['score_s']} s"
        for h, r in enumerate(runs)
    )
    write_section(
        "Relevance",
        f"""
Command: `.venv/bin/python benchmarks/relevance.py` — runs `../shared/eval/evaluate.py relevance` (dev split) twice,
each time with the built-in profile rebuilt from one half of the dev labels (`tools/build_profile.py --half K`,
the eval sample kept out of its background) and `--exclude` of that half; figures are the mean of the two runs, each
beside the baselines evaluate.py printed in the same run. The shipped profile is built from all dev labels.

{chr(10).join(table)}

{per_half}
""",
    )


if __name__ == "__main__":
    main()
