"""A profile made from a reader's library, against the built-in profile, and after simulated `teach` answers.

On the dev corpus: 30 papers of one curated sub-area (efficient_reasoning, ../shared/data/labels) listed outside the
held-out week are the "library"; the held-out week's papers are ranked by the library profile and by the built-in
`efficiency` profile. Reported: precision@20 and recall@50 of that sub-area's labelled papers in the week, and the
recall of the `relevant` flag. Then `teach` is simulated: 10 and 30 answers (like if the paper is labelled in the
sub-area, else dislike) on the papers the profile is least sure about, from a pool of other weeks' papers, beside
the same number of answers on random papers of that pool (the control).

    PYTHONPATH=src python benchmarks/library_profile.py [--week 2025-W21] [--pool 1200] [--background 1500]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, write_section

from paperradar.embed import ensure_embeddings, make_embedder
from paperradar.ingest import ingest_items
from paperradar.models import Paper
from paperradar.relevance import feedback_key, load_profile, score_papers
from paperradar.relevance.library import build_library_profile, least_sure
from paperradar.sources.jsonl import paper_from_common
from paperradar.store import Store, now_iso


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def week_of(day: str) -> str:
    y, w, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{y}-W{w:02d}"


def metrics(scored, positives: set[str], threshold: float) -> dict[str, float]:
    ranked = [s.id for s in scored]
    top20 = ranked[:20]
    sel = {s.id for s in scored if s.relevant}
    return {
        "p@20": sum(i in positives for i in top20) / 20,
        "recall@50": sum(i in positives for i in ranked[:50]) / max(1, len(positives)),
        "recall_of_relevant": len(sel & positives) / max(1, len(positives)),
        "selected": len(sel),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--topic", default="efficient_reasoning")
    ap.add_argument("--week", default="2025-W21")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--pool", type=int, default=250, help="other weeks' papers teach may ask about")
    ap.add_argument("--background", type=int, default=150, help="further ordinary papers in the database")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pool-weeks", default="2025-W22,2025-W23", help="weeks whose sub-area papers join the pool")
    ap.add_argument("--precision", default="fp32", help="embedding precision (bf16 ran ~6x slower on the busy box)")
    ap.add_argument("--week-others", type=int, default=0, help="the week's unlabelled papers kept (0: all)")
    args = ap.parse_args()
    t0 = time.time()
    labels = [json.loads(x) for x in (SHARED / "labels" / "efficiency_labels_dev.jsonl").open()]
    topic_ids = {x["id"] for x in labels if x["topic"] == args.topic}
    rows = {}
    with gzip.open(SHARED / "corpora" / "cs_ai_2025-05_2026-05.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            rows[o["id"]] = o
    day = {i: str(o.get("listing_date") or o["published"])[:10] for i, o in rows.items()}
    week_all = [i for i in rows if week_of(day[i]) == args.week]
    positives = {i for i in week_all if i in topic_ids}
    rng0 = random.Random(1)
    week_rest = [i for i in week_all if i not in positives]
    if args.week_others and len(week_rest) > args.week_others:
        week_rest = rng0.sample(week_rest, args.week_others)  # a sample keeps the run short on a shared machine
    week_ids = sorted(positives) + week_rest
    others = sorted((i for i in topic_ids if i in rows and week_of(day[i]) != args.week), key=lambda i: day[i])
    rng = random.Random(0)
    not_pool = [i for i in others if week_of(day[i]) not in set(args.pool_weeks.split(","))]
    seeds = rng.sample(not_pool, args.seeds)
    rest = [i for i in rows if week_of(day[i]) != args.week and i not in set(seeds)]
    rng.shuffle(rest)
    # what teach may ask about: random papers plus the sub-area's papers of two other weeks (a stream where the
    # reader's interest is a small minority, as in a real listing)
    pool_weeks = set(args.pool_weeks.split(","))
    pool_topic = [i for i in others if week_of(day[i]) in pool_weeks and i not in set(seeds)]
    pool = list(dict.fromkeys([*pool_topic, *rest[: args.pool]]))
    background = [i for i in rest[args.pool : args.pool + args.background + len(pool_topic)] if i not in pool]
    builtin_seed_file = Path("src/paperradar/relevance/profiles/efficiency_seed_ids.txt")
    builtin_seeds = set(builtin_seed_file.read_text().split()) if builtin_seed_file.exists() else set()

    import torch

    # one intra-op thread: on a shared 2-core machine a second thread waiting for a core slows torch many-fold
    torch.set_num_threads(args.threads)
    embedder = make_embedder()
    if args.precision and hasattr(embedder, "precision"):
        embedder.precision = args.precision
    out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        papers = [paper_from_common(rows[i], "dev") for i in [*week_ids, *pool, *background]]
        ingest_items(store, papers, source="dev")
        log(f"{store.papers.count()} papers stored; embedding")
        ensure_embeddings(store, embedder, None)
        log("embedded")
        t_embed = time.time() - t0
        library: list[Paper] = [paper_from_common(rows[i], "library") for i in seeds]
        made = build_library_profile(store, embedder, "library", library, Path(tmp) / "profiles")
        profile = made.profile
        t_build = time.time() - t0 - t_embed
        results: dict[str, dict[str, float]] = {}
        builtin = load_profile("efficiency")
        results["built-in efficiency"] = metrics(
            score_papers(store, builtin, week_ids, embedder=embedder), positives, builtin.threshold
        )
        results["library (30 seeds)"] = metrics(
            score_papers(store, profile, week_ids, embedder=embedder), positives, profile.threshold
        )

        def oracle(pid: str) -> str:
            return "like" if pid in topic_ids else "dislike"

        for mode in ("teach", "random"):
            key = feedback_key(profile.name)
            for pid in list(store.feedback.of_profile(key)):
                store.feedback.set(key, pid, None, now_iso())
            answered: set[str] = set()
            order = rng.sample(pool, len(pool))
            likes = 0
            for n in range(1, 31):
                if mode == "teach":
                    scored = score_papers(store, profile, pool, embedder=embedder)
                    pick = least_sure(scored, profile.threshold, answered)[0].id
                else:
                    pick = next(p for p in order if p not in answered)
                answered.add(pick)
                store.feedback.set(key, pick, oracle(pick), now_iso())
                likes += oracle(pick) == "like"
                if n % 5 == 0:
                    log(f"{mode}: {n} answers")
                if n in (10, 30):
                    r = metrics(score_papers(store, profile, week_ids, embedder=embedder), positives, profile.threshold)
                    r["likes_among_answers"] = likes
                    results[f"library + {n} {mode} answers"] = r
        store.close()
    total = time.time() - t0
    out.append(
        f"Sub-area `{args.topic}`; held-out week {args.week}: {len(week_all)} papers, {len(positives)} labelled in "
        f"the sub-area; ranked: those {len(positives)} and {len(week_rest)} others. "
        f"Library: {args.seeds} sub-area papers from other weeks (random, seed 0); "
        f"{len(set(seeds) & builtin_seeds)} of them and {len(positives & builtin_seeds)} of the week's positives are "
        f"also seeds of the built-in profile. Database: the week + a teach pool of {len(pool)} "
        f"({len(pool_topic)} of them in the sub-area, from "
        f"{args.pool_weeks}) + {len(background)} other papers. Simulated answers: like when the paper is labelled in "
        f"the sub-area, else dislike. "
        f"Library profile threshold {profile.threshold:.3f} (calibrated on {made.days} days); sub-areas: "
        + "; ".join(f"{a.name} ({len(a.papers)})" for a in made.areas)
        + "."
    )
    out.append("")
    out.append("| ranking | precision@20 | recall@50 | recall of `relevant` | selected | likes in answers |")
    out.append("|---|---|---|---|---|---|")
    for name, r in results.items():
        out.append(
            f"| {name} | {r['p@20']:.2f} | {r['recall@50']:.2f} | {r['recall_of_relevant']:.2f} | "
            f"{int(r['selected'])} | {int(r['likes_among_answers']) if 'likes_among_answers' in r else ''} |"
        )
    out.append("")
    out.append(
        f"Labels are incomplete (an unlabelled paper in the top 20 may still be on {args.topic}), so precision is a "
        f"lower bound. Embedding {t_embed:.0f} s, profile {t_build:.0f} s, total {total:.0f} s."
    )
    out.append("")
    out.append("    PYTHONPATH=src python benchmarks/library_profile.py " + " ".join(sys.argv[1:]))
    body = "\n".join(out)
    print(body)
    write_section("Library profile and teach (dev)", body)


if __name__ == "__main__":
    main()
