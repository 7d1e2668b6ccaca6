"""How stable the topic clustering is on the dev split (never the holdout): NMI against the labels of the five
main topics on all labelled papers, on random 80% subsamples, and with random unlabelled dev papers mixed in.

    python benchmarks/topics_robustness.py [--subsamples 10] [--noise 300] [--noise-draws 3] [--neighbours N] [--seed S]

Papers and labels are read the way ../shared/eval/evaluate.py reads them (its own functions), stored in a temp
database and embedded through benchmarks/embed_cache.py (MiniLM, fp32, cached), then grouped by
``paperradar.topics.build`` exactly as ``paperradar topics`` does. NMI counts the labelled papers only (noise papers
are clustered with them but not scored). Prints one JSON object; figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT
from embed_cache import CachedEmbedder

from paperradar.embed import ensure_embeddings
from paperradar.sources.jsonl import paper_from_common
from paperradar.store import Store
from paperradar.topics import WardClusterer, build


def _evaluate_module():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT.parent / "shared" / "eval" / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subsamples", type=int, default=10, help="random 80%% subsamples of the labelled papers")
    ap.add_argument("--noise", type=int, default=300, help="unlabelled dev papers mixed in per noise draw")
    ap.add_argument("--noise-draws", type=int, default=3)
    ap.add_argument("--neighbours", type=int, default=None, help="override WardClusterer's neighbour vote")
    ap.add_argument("--seed", type=int, default=0, help="WardClusterer's random_state (the consensus' subsamples)")
    a = ap.parse_args()
    ev = _evaluate_module()
    papers, labels = ev.load_split("dev")
    ids = [i for i in sorted(labels) if labels[i] in ev.MAIN_TOPICS and i in papers]
    rng = np.random.default_rng(13)
    pool = sorted(set(papers) - set(labels))
    noise_draws = [list(rng.choice(pool, a.noise, replace=False)) for _ in range(a.noise_draws)] if a.noise else []
    wanted = sorted(set(ids).union(*noise_draws))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "radar.db")
        store.papers.write_batch([paper_from_common(papers[i], "dev") for i in wanted], source="dev", now="t")
        embedder = CachedEmbedder()
        stored = {p.id: p for p in store.papers.iter(wanted)}
        ensure_embeddings(store, embedder, list(stored))
        have, matrix = store.embeddings.matrix(embedder.name, list(stored))
        store.close()
    row = {pid: n for n, pid in enumerate(have)}
    kw = {} if a.neighbours is None else {"neighbours": a.neighbours}
    clusterer = WardClusterer(random_state=a.seed, **kw)

    def score(chosen: list[str]) -> tuple[float, int]:
        chosen = [i for i in chosen if i in row]
        model = build([stored[i] for i in chosen], matrix[[row[i] for i in chosen]], clusterer=clusterer)
        scored = [i for i in chosen if i in labels]
        nmi = ev.nmi([labels[i] for i in scored], [model.assignment.get(i, "other") for i in scored])
        return round(nmi, 4), len(model.topics)

    out: dict[str, object] = {"neighbours": clusterer.neighbours, "seed": a.seed, "all": score(ids)}
    sub_rng = np.random.default_rng(0)
    subs = [score(sorted(sub_rng.choice(ids, int(0.8 * len(ids)), replace=False))) for _ in range(a.subsamples)]
    if subs:
        values = [s[0] for s in subs]
        out["subsamples_80"] = {"mean": round(float(np.mean(values)), 4), "min": min(values), "runs": subs}
    noisy = [score(ids + draw) for draw in noise_draws]
    if noisy:
        values = [s[0] for s in noisy]
        out[f"noise_{a.noise}"] = {"mean": round(float(np.mean(values)), 4), "min": min(values), "runs": noisy}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
