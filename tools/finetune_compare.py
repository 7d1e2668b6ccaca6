"""The comparison of tools/finetune_experiment.py (issue 10): the shipped stack built `--without-days` (its profile in
/tmp/s/base: `python tools/build_profile.py --without-days --out /tmp/s/base --embed-cache` and efficiency.toml copied
beside it) against the fine-tuned scores, alone and rank-blended, on the 439 papers of the complete judged dev days.

    python tools/finetune_compare.py /tmp/s/ft_days_seed0_split4.json
"""
import json, sys, gzip, os
from pathlib import Path
import numpy as np, orjson
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tools"), str(ROOT / "benchmarks")]
import build_profile as bp
from scipy.stats import rankdata
from sklearn.metrics import average_precision_score
complete = bp.complete_days()
g = {i: v for d in complete.values() for i, v in d.items()}
base_path = Path("/tmp/s/base_days.json")
if not base_path.exists():
    from relevance import library_scores
    from paperradar.sources.jsonl import paper_from_common
    papers = []
    with gzip.open(bp.CORPUS, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            if r["id"] in g:
                papers.append(paper_from_common(r, "dev"))
    sc = library_scores(Path("/tmp/s/base"), papers)
    base_path.write_text(json.dumps({i: s for i, (s, _r, _e) in sc.items()}))
base = json.loads(base_path.read_text())
ids = sorted(g)
y = np.array([g[i] >= 1 for i in ids]); y2 = np.array([g[i] >= 2 for i in ids])

def metrics(s):
    order = np.argsort(-s, kind="stable")
    ys = y[order]
    tp = np.cumsum(ys); prec = tp / np.arange(1, len(ys) + 1); rec = tp / ys.sum()
    p85 = prec[np.argmax(rec >= 0.85)]
    r90 = max([r for p, r in zip(prec, rec) if p >= 0.90] or [0])
    k72 = np.argmax(tp >= 72)
    neg_above = int((~ys[:k72 + 1]).sum())
    return f"AP {average_precision_score(y, s):.3f}  AP(2) {average_precision_score(y2, s):.3f}  P@R.85 {p85:.3f}  R@P.90 {r90:.3f}  judged-0 above 72nd relevant {neg_above}"

b = np.array([base[i] for i in ids])
print("base (shipped stack, --without-days) ", metrics(b))
for f in sys.argv[1:]:
    ft = json.load(open(f)); s = np.array([ft[i] for i in ids])
    print(Path(f).stem, "alone            ", metrics(s))
    rb, rs = rankdata(b) / len(b), rankdata(s) / len(s)
    for w in (0.3, 0.5):
        print(Path(f).stem, f"rank blend w={w}  ", metrics((1 - w) * rb + w * rs))
