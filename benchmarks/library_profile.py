"""A profile made from a reader's library, against the built-in profile, and after simulated `teach` answers.

On the dev corpus: 30 papers of one curated sub-area (efficient_reasoning, ../shared/data/labels) listed outside the
held-out week are the "library"; the held-out week's papers are ranked by the library profile and by the built-in
`efficiency` profile. Reported: precision@20 and recall@50 of that sub-area's labelled papers in the week, and the
recall of the `relevant` flag.

Then `teach` is simulated on a pool of other weeks' papers: judged papers of the dev labels (curated sub-area lists
and the 0/1/2 relevance judgments) outside the week and the library (a random 400), plus random unjudged papers.
The simulated reader answers only from judgments: like when the paper is listed in the sub-area, dislike when it is
listed in another sub-area or judged not relevant (0); it skips papers it cannot judge (unjudged, or judged
relevant to efficiency without a sub-area), as a reader skips what they cannot place. Skips are counted, not
answers: "10 answers" means ten likes or dislikes. The control answers random pool papers the same way.

    PYTHONPATH=src python benchmarks/library_profile.py [--week 2025-W21] [--pool 250]

Vectors are cached between runs (benchmarks/embed_cache.py: the same model, fp32).
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
from embed_cache import cached_embedder

from paperradar.embed import ensure_embeddings
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


def metrics(scored, positives: set[str], judged: set[str]) -> dict[str, float]:
    ranked = [s.id for s in scored]
    top20 = ranked[:20]
    sel = {s.id for s in scored if s.relevant}
    hits = [n for n, i in enumerate(ranked, 1) if i in positives]
    return {
        "ap": sum(k / n for k, n in enumerate(hits, 1)) / max(1, len(positives)),
        "p@20": sum(i in positives for i in top20) / 20,
        "unjudged@20": sum(i not in judged for i in top20),
        "recall@50": sum(i in positives for i in ranked[:50]) / max(1, len(positives)),
        "recall_of_relevant": len(sel & positives) / max(1, len(positives)),
        "selected": len(sel),
    }


def load_judgments() -> tuple[dict[str, str], dict[str, int]]:
    """(paper id -> curated sub-area, paper id -> 0/1/2 efficiency judgment) of the dev labels."""
    topic_of = {}
    for line in (SHARED / "labels" / "efficiency_labels_dev.jsonl").open():
        x = json.loads(line)
        topic_of[x["id"]] = x["topic"]
    rel: dict[str, int] = {}
    for name in ("efficiency_judged_dev.jsonl", "days_judged_dev.jsonl"):
        for line in (SHARED / "labels" / name).open():
            x = json.loads(line)
            rel[x["id"]] = max(int(x["rel"]), rel.get(x["id"], 0))
    return topic_of, rel


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--topic", default="efficient_reasoning")
    ap.add_argument("--week", default="2025-W21")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--pool", type=int, default=250, help="random unjudged papers of other weeks in the teach pool")
    ap.add_argument("--pool-judged", type=int, default=400, help="judged papers of other weeks in the pool (0: all)")
    ap.add_argument("--background", type=int, default=150, help="further ordinary papers in the database")
    ap.add_argument("--repeats", type=int, default=1, help="random-answer controls (different seeds)")
    ap.add_argument("--week-others", type=int, default=0, help="the week's unlabelled papers kept (0: all)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = ap.parse_args()
    t0 = time.time()
    topic_of, rel = load_judgments()
    topic_ids = {i for i, t in topic_of.items() if t == args.topic}
    judged = set(topic_of) | set(rel)
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
    others = sorted((i for i in topic_ids if i in rows and week_of(day[i]) != args.week), key=lambda i: (day[i], i))
    rng = random.Random(0)
    seeds = rng.sample(others, args.seeds)
    rest = [i for i in rows if week_of(day[i]) != args.week and i not in set(seeds) and i not in judged]
    rng.shuffle(rest)
    # what teach may ask about: every judged paper of other weeks plus random unjudged ones (which the simulated
    # reader skips)
    pool_judged = sorted(i for i in judged if i in rows and week_of(day[i]) != args.week and i not in set(seeds))
    if args.pool_judged and len(pool_judged) > args.pool_judged:
        # a sample: every judged paper at once would make the collection (the profile's weak negatives) a third
        # efficiency papers, where a real day's listing holds about a tenth
        pool_judged = sorted(random.Random(2).sample(pool_judged, args.pool_judged))
    pool = [*pool_judged, *rest[: args.pool]]
    background = rest[args.pool : args.pool + args.background]
    builtin_seed_file = Path("src/paperradar/relevance/profiles/efficiency_seed_ids.txt")
    builtin_seeds = set(builtin_seed_file.read_text().split()) if builtin_seed_file.exists() else set()

    def oracle(pid: str) -> str | None:
        """The simulated reader's answer from the judgments, or None (skip) for a paper it cannot judge."""
        if pid in topic_of:
            return "like" if topic_of[pid] == args.topic else "dislike"
        if rel.get(pid) == 0:
            return "dislike"
        return None

    embedder = cached_embedder()
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
            score_papers(store, builtin, week_ids, embedder=embedder), positives, judged
        )
        results["library (30 seeds)"] = metrics(
            score_papers(store, profile, week_ids, embedder=embedder), positives, judged
        )
        modes = ["teach", *(f"random{r}" for r in range(args.repeats))]
        for mode in modes:
            key = feedback_key(profile.name)
            for pid in list(store.feedback.of_profile(key)):
                store.feedback.set(key, pid, None, now_iso())
            seen: set[str] = set()
            order = random.Random(100 + modes.index(mode)).sample(pool, len(pool))
            likes = skips = answers = 0
            while answers < 30:
                if mode == "teach":
                    scored = score_papers(store, profile, pool, embedder=embedder)
                    left = least_sure(scored, profile.threshold, seen)
                    if not left:
                        break
                    pick = left[0].id
                else:
                    pick = next(p for p in order if p not in seen)
                seen.add(pick)
                answer = oracle(pick)
                if answer is None:
                    skips += 1
                    continue
                answers += 1
                store.feedback.set(key, pick, answer, now_iso())
                likes += answer == "like"
                if answers in (10, 30):
                    log(f"{mode}: {answers} answers, {skips} skips")
                    r = metrics(score_papers(store, profile, week_ids, embedder=embedder), positives, judged)
                    r["likes"], r["skips"] = likes, skips
                    label = "teach" if mode == "teach" else "random"
                    results[
                        f"library + {answers} {label} answers"
                        + (f" (seed {mode[6:]})" if args.repeats > 1 and mode != "teach" else "")
                    ] = r
        store.close()
    total = time.time() - t0
    n_pool_topic = sum(i in topic_ids for i in pool)
    n_pool_answerable = sum(oracle(i) is not None for i in pool)
    out.append(
        f"Sub-area `{args.topic}`; held-out week {args.week}: {len(week_all)} papers, {len(positives)} labelled in "
        f"the sub-area; ranked: those {len(positives)} and {len(week_rest)} others. "
        f"Library: {args.seeds} sub-area papers from other weeks (random, seed 0); "
        f"{len(set(seeds) & builtin_seeds)} of them and {len(positives & builtin_seeds)} of the week's positives are "
        f"also seeds of the built-in profile. Database: the week + a teach pool of {len(pool)} other weeks' papers "
        f"({len(pool_judged)} judged, {n_pool_answerable} of them answerable, {n_pool_topic} in the sub-area; "
        f"{len(pool) - len(pool_judged)} unjudged) + {len(background)} other papers. Simulated reader: likes a paper "
        f"listed in the sub-area, dislikes one listed in another sub-area or judged 0, skips the rest (unjudged, or "
        f"judged relevant without a sub-area); skips are not answers. "
        f"Library profile threshold {profile.threshold:.3f} (calibrated on {made.days} days); sub-areas: "
        + "; ".join(f"{a.name} ({len(a.papers)})" for a in made.areas)
        + "."
    )
    out.append("")
    out.append(
        "| ranking | precision@20 | AP | unjudged in top 20 | recall@50 | recall of `relevant` | selected "
        "| likes in answers | skipped |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        out.append(
            f"| {name} | {r['p@20']:.2f} | {r['ap']:.3f} | {int(r['unjudged@20'])} | {r['recall@50']:.2f} | "
            f"{r['recall_of_relevant']:.2f} | {int(r['selected'])} | "
            f"{int(r['likes']) if 'likes' in r else ''} | {int(r['skips']) if 'skips' in r else ''} |"
        )
    out.append("")
    out.append(
        f"Labels are incomplete (an unlabelled paper in the top 20 may still be on {args.topic}), so precision is a "
        f"lower bound. AP: average precision of the week's {len(positives)} sub-area papers over the whole ranking. "
        f"Embedding {t_embed:.0f} s, profile {t_build:.0f} s, total {total:.0f} s."
    )
    out.append("")
    out.append("    PYTHONPATH=src python benchmarks/library_profile.py " + " ".join(sys.argv[1:]))
    body = "\n".join(out)
    print(body)
    if not args.no_write:
        write_section("Library profile and teach (dev)", body)


if __name__ == "__main__":
    main()
