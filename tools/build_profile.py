"""Build the files the built-in `efficiency` profile ships: its seed papers' embeddings and lexical model.

    .venv/bin/python tools/build_profile.py                       # all dev labels -> src/paperradar/relevance/profiles
    .venv/bin/python tools/build_profile.py --half 0 --out DIR    # one half of the labels, for honest dev figures
        [--exclude-background IDS_FILE]                           # papers the model must not see (an eval sample)

Seeds are the papers human curators listed as ML-efficiency work (../shared/data/labels, dev split); the background
is the rest of the dev corpus. Only derived numbers are written (vectors, term weights), never the papers' text.
With --half K the seeds are the labelled papers whose id hashes to K (of 2); their ids go to <stem>_seed_ids.txt so
that evaluate.py can leave them out (--exclude).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from paperradar.embed import make_embedder  # noqa: E402
from paperradar.models import Paper  # noqa: E402
from paperradar.relevance.build import pack_seeds  # noqa: E402

SHARED = Path(os.environ.get("PAPERRADAR_SHARED_DATA", ROOT.parent / "shared" / "data"))
LABELS = SHARED / "labels" / "efficiency_labels_dev.jsonl"
CORPUS = SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz"


def half_of(paper_id: str) -> int:
    """Which of two halves a labelled paper falls in (stable across runs and machines)."""
    return int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "paperradar" / "relevance" / "profiles")
    ap.add_argument("--stem", default="efficiency")
    ap.add_argument("--half", type=int, choices=[0, 1], help="seed with one half of the labels only")
    ap.add_argument("--exclude-background", type=Path, help="ids (one a line) kept out of the background")
    a = ap.parse_args()
    if not LABELS.exists():
        sys.exit(f"{LABELS}: not found (set PAPERRADAR_SHARED_DATA to the shared data folder)")
    labelled = [orjson.loads(line)["id"] for line in LABELS.read_bytes().splitlines() if line.strip()]
    seed_ids = {i for i in labelled if a.half is None or half_of(i) == a.half}
    keep_out = set(labelled)  # every labelled paper stays out of the background (negatives)
    if a.exclude_background:
        keep_out |= set(a.exclude_background.read_text().split())
    seeds, background = [], []
    with gzip.open(CORPUS, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            p = Paper(id=r["id"], title=r["title"], abstract=r.get("abstract") or "")
            if r["id"] in seed_ids:
                seeds.append(p)
            elif r["id"] not in keep_out:
                background.append(p)
    seeds.sort(key=lambda p: p.id or "")
    _, _, model = pack_seeds(seeds, background, make_embedder(), a.out, a.stem)
    ids_file = a.out / f"{a.stem}_seed_ids.txt"
    ids_file.write_text(
        "# arXiv ids of the dev-label papers that seed this profile (embeddings and lexical model).\n"
        "# Pass this file to evaluate.py with --exclude so reported figures are on papers the profile has not seen.\n"
        + "".join(f"{p.id}\n" for p in seeds)
    )
    print(f"{len(seeds)} seeds, {len(background):,} background papers, {len(model.terms):,} terms -> {a.out}")
    print("strongest terms:", ", ".join(model.top_terms(25)))


if __name__ == "__main__":
    main()
