"""Experiment: refine the top layers of the packaged stance encoder on the CPU.

Caches the hidden states after the lower layers of the packaged (LoRA-merged) encoder once,
then trains new LoRA factors on the top ``--top`` layers only (plus a softmax head) from those
cached activations, optionally with augmentation rows (``--augment KIND ...``, names of
``stance.model.train.AUGMENTATIONS``: ``antonym`` swaps one polarity word, ``action`` restates
the target as a policy action moved forward or undone). Prints mean dev macro-F1
(logistic-regression head refitted on 8,000 train rows), contrast-set accuracy and
favor/against accuracy on news-style sets (``--news-eval``), before and after.
``--news-train`` adds hand-written news-style sets to the training rows. ``--save DIR`` writes
a candidate artifact (the packaged factors plus the new top-layer factors, same head) for
``stance refit-head``; the packaged artifact is never touched. Results: docs/stance-model.md.

Since session 14 the packaged artifact is a split of two encoders; the encoder refined here is
its member 0, the session-10 soup (``stance.model.ensemble.member_artifact``), as before.

    python bench/stance_refine.py --train-rows 16000 [--augment action] [--cache-dir DIR]
        [--max-length 256 --length-batches]
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from stance.model.artifact import default_artifact_dir, encoder_files, read_meta, write_meta
from stance.model.data import load_pairs
from stance.model.encoder import (
    base_model_path,
    load_transformer,
    mean_pool,
    pad_batch,
    tokenize_pairs,
)
from stance.model.gpu_job import _news_rows
from stance.model.head import StanceClassifier
from stance.model.lora import TARGET_MODULES, load_lora, merge_lora, save_lora
from stance.model.metrics import CLASSES
from stance.model.train import _augment, _subsample, dev_scores, length_batches

ap = argparse.ArgumentParser()
ap.add_argument("--train-rows", type=int, default=16000)
ap.add_argument("--top", type=int, default=2)
ap.add_argument("--rank", type=int, default=16)
ap.add_argument("--lr", type=float, default=2e-4)
ap.add_argument("--epochs", type=int, default=1)
ap.add_argument("--bs", type=int, default=32)
ap.add_argument("--max-length", type=int, default=128, help="tokens per (target, text) pair")
ap.add_argument(
    "--length-batches",
    action="store_true",
    help="batch rows of similar length (as the GPU job does) instead of a plain shuffle",
)
ap.add_argument("--augment", nargs="*", default=[], help="augmentation kinds to add")
ap.add_argument("--save", default="", help="write a candidate artifact here")
ap.add_argument(
    "--news-eval",
    nargs="+",
    default=["news_dev", "news_statements"],
    help="news-style sets (fixtures/contrast/NAME.csv) scored before and after",
)
ap.add_argument(
    "--news-train", nargs="*", default=[], help="news-style sets added to the training rows"
)
ap.add_argument("--news-repeat", type=int, default=8, help="times each --news-train row is seen")
ap.add_argument("--check", action="store_true")
ap.add_argument("--skip-before", action="store_true")
ap.add_argument(
    "--seed",
    type=int,
    default=13,
    help="seed of the train-row sample, its augmentation rows, the initialisation and the batch "
    "order (the dev sample and the bench head's rows stay fixed, so runs compare)",
)
ap.add_argument(
    "--labels",
    nargs="+",
    default=None,
    help="train only on rows with these gold labels (e.g. favor against: a side member for a "
    "split, whose p(neutral) comes from another model); augmentation rows are made from them",
)
ap.add_argument("--cache-dir", default="", help="keep cached activations here between runs")
ap.add_argument("--data", default="../shared/datasets")
args = ap.parse_args()
torch.manual_seed(args.seed)
random.seed(args.seed)
np.random.seed(args.seed)
torch.set_num_threads(2)
t0 = time.time()


def base_artifact() -> Path:
    """The single-encoder artifact refined: the packaged one, or its member 0 if it has two."""
    import tempfile

    from stance.model.ensemble import member_artifact

    src = default_artifact_dir()
    if len(encoder_files(json.loads((src / "meta.json").read_text()))) == 1:
        return src
    return member_artifact(src, 0, Path(tempfile.mkdtemp(prefix="stance-refine-base-")))


BASE = base_artifact()
tok, model = load_transformer(base_model_path())
tensors, cfg = load_lora(BASE / "lora.safetensors")
merge_lora(model, tensors, scaling=cfg["scaling"])
for p in model.parameters():
    p.requires_grad_(False)
layers = model.encoder.layer
low = len(layers) - args.top

frame = load_pairs(args.data, splits=("train", "dev"))
pool = frame[frame.split == "train"]
if args.labels:
    pool = pool[pool.label.isin(args.labels)]
tr = _subsample(pool, args.train_rows, args.seed)
extra = None
if args.augment:
    made = _augment(tr, tuple(args.augment), args.seed)
    print("augmented rows", {k: len(v) for k, v in made.items()}, flush=True)
    extra = pd.concat(list(made.values()), ignore_index=True)
if args.news_train:
    assert not set(args.news_train) & set(args.news_eval), "train and score on different sets"
    hand = _news_rows(args.news_train, repeat=args.news_repeat)
    print("news rows", len(hand), flush=True)
    extra = hand if extra is None else pd.concat([extra, hand], ignore_index=True)
dv = frame[frame.split == "dev"]
dv = pd.concat(
    [_subsample(dv[dv.dataset == n], 1500, 13) for n in sorted(set(dv.dataset))], ignore_index=True
)
con = pd.read_csv("fixtures/contrast/contrast_set.csv")
news = pd.concat(
    [pd.read_csv(f"fixtures/contrast/{n}.csv").assign(set=n) for n in args.news_eval],
    ignore_index=True,
)
news = news[news.label != "neutral"].reset_index(drop=True)
head_rows = _subsample(frame[frame.split == "train"], 8000, 14)


def run_layers(part, h, mask):
    """Run encoder blocks on hidden states ``h`` with a 0/1 attention ``mask``."""
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for layer in part:
        h = layer(h, attention_mask=additive)
        if isinstance(h, tuple):
            h = h[0]
    return h


@torch.no_grad()
def cache(df, name):
    if not args.cache_dir:
        return _cache(df, name)
    seed = f"_seed{args.seed}" if name == "train" else ""  # only the train rows are seeded
    key = f"{name}_{len(df)}_{args.top}_{args.max_length}{seed}"
    path = os.path.join(args.cache_dir, f"cache_{key}.pt")
    if os.path.exists(path):
        return torch.load(path)
    out = _cache(df, name)
    os.makedirs(args.cache_dir, exist_ok=True)
    torch.save(out, path)
    return out


@torch.no_grad()
def _cache(df, name):
    ids, types = tokenize_pairs(
        tok, df.target.tolist(), df.text.tolist(), max_length=args.max_length
    )
    order = np.argsort([len(i) for i in ids])
    out = [None] * len(ids)
    t = time.time()
    for s in range(0, len(ids), 128):
        idx = order[s : s + 128]
        batch = pad_batch([ids[i] for i in idx], [types[i] for i in idx])
        h = model.embeddings(
            input_ids=torch.from_numpy(batch["input_ids"]),
            token_type_ids=torch.from_numpy(batch["token_type_ids"]),
        )
        h = run_layers(layers[:low], h, torch.from_numpy(batch["attention_mask"]))
        for r, i in enumerate(idx):
            out[i] = h[r, : len(ids[i])].to(torch.float16).clone()
    print(f"cached {name}: {len(ids)} rows {time.time() - t:.0f}s", flush=True)
    return out


class LoRALinear(torch.nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        self.s = alpha / r
        self.A = torch.nn.Parameter(torch.empty(r, base.in_features))
        torch.nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = torch.nn.Parameter(torch.zeros(base.out_features, r))
        self.drop = torch.nn.Dropout(0.1)

    def forward(self, x):
        return self.base(x) + self.s * (self.drop(x) @ self.A.T @ self.B.T)


wrapped = []
for name, module in list(model.named_modules()):
    if re.fullmatch(TARGET_MODULES, name) and int(name.split(".")[2]) >= low:
        parent, leaf = name.rsplit(".", 1)
        w = LoRALinear(module, args.rank, 2 * args.rank)
        setattr(model.get_submodule(parent), leaf, w)
        wrapped.append(w)


def top_forward(hs):
    lens = [h.shape[0] for h in hs]
    h = torch.zeros((len(hs), max(lens), hs[0].shape[1]))
    m = torch.zeros((len(hs), max(lens)))
    for r, x in enumerate(hs):
        h[r, : lens[r]] = x.float()
        m[r, : lens[r]] = 1
    return mean_pool(run_layers(layers[low:], h, m), m)


@torch.no_grad()
def embed(cached):
    for layer in layers:
        layer.eval()
    order = np.argsort([c.shape[0] for c in cached])
    out = np.zeros((len(cached), 384), np.float32)
    for s in range(0, len(cached), 256):
        idx = order[s : s + 256]
        out[idx] = top_forward([cached[i] for i in idx]).numpy()
    return out


c_tr = cache(tr, "train")
if extra is not None:
    c_tr = c_tr + _cache(extra, "extra")
    tr = pd.concat([tr, extra], ignore_index=True)
c_dv, c_con, c_head = cache(dv, "dev"), cache(con, "contrast"), cache(head_rows, "head")
c_news = _cache(news, "news")


def report(tag):
    t = time.time()
    xh, xd, xc, xn = embed(c_head), embed(c_dv), embed(c_con), embed(c_news)
    best = None
    for C in (0.1,):
        h = StanceClassifier(C=C, max_iter=2000).fit(xh, head_rows.label.to_numpy())
        sc = dev_scores(dv, h.predict_proba(xd))
        if best is None or sc["mean"] > best[1]["mean"]:
            best = (h, sc, C)
    h, sc, C = best
    pc = h.predict_proba(xc)
    pred = np.array(h.classes_)[pc.argmax(1)]
    con_acc = float((pred == con.label.to_numpy()).mean())
    byvar = {
        v: round(float((pred[con.variation == v] == con.label[con.variation == v]).mean()), 3)
        for v in sorted(set(con.variation))
    }
    # favor or against, whichever the head prefers (the neutral gate is not part of this bench)
    pn = h.predict_proba(xn)
    cls = list(h.classes_)
    side = np.where(pn[:, cls.index("favor")] > pn[:, cls.index("against")], "favor", "against")
    right = side == news.label.to_numpy()
    news_var = {
        v: round(float(right[news.variation == v].mean()), 3) for v in ("commitment", "reversal")
    }
    news_sets = {  # rows right per set and variation, out of how many
        f"{n}/{v}": f"{int(right[part.index].sum())}/{len(part)}"
        for (n, v), part in news.groupby(["set", "variation"])
    }
    print(
        json.dumps(
            {
                "tag": tag,
                "C": C,
                "dev": {k: round(v, 4) for k, v in sc.items()},
                "contrast": round(con_acc, 3),
                "byvar": byvar,
                "news_polar": round(float(right.mean()), 3),
                "news_byvar": news_var,
                "news_sets": news_sets,
                "s": round(time.time() - t),
            }
        ),
        flush=True,
    )


if not args.skip_before:
    report("before")
if args.check:
    raise SystemExit
params = [p for w in wrapped for p in (w.A, w.B)]
ht = torch.nn.Linear(384, 3)
opt = torch.optim.AdamW(
    [{"params": params, "lr": args.lr}, {"params": ht.parameters(), "lr": args.lr * 4}],
    weight_decay=0.01,
)
y = torch.tensor(tr.label.map({c: i for i, c in enumerate(CLASSES)}).to_numpy())
# warm start the training head from a logistic regression on current embeddings
xtr = embed(c_tr)
h0 = StanceClassifier(C=1.0, max_iter=2000).fit(xtr[:8000], tr.label.to_numpy()[:8000])
w0, b0 = np.zeros((len(CLASSES), 384)), np.full(len(CLASSES), -10.0)  # absent class: never
present = [list(CLASSES).index(c) for c in h0.classes_]
if len(present) == 2:  # binary head: one row, the log-odds of its second class over its first
    b0[present[0]] = 0.0
    w0[present[1]], b0[present[1]] = h0.coef_[0], h0.intercept_[0]
else:
    w0[present], b0[present] = h0.coef_, h0.intercept_
with torch.no_grad():
    ht.weight.copy_(torch.tensor(w0, dtype=torch.float32))
    ht.bias.copy_(torch.tensor(b0, dtype=torch.float32))
steps = args.epochs * math.ceil(len(c_tr) / args.bs)
warm = max(1, int(0.06 * steps))
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
)
t = time.time()
step = 0
for ep in range(args.epochs):
    for layer in layers[low:]:
        layer.train()
    if args.length_batches:
        lengths = np.array([c.shape[0] for c in c_tr])
        batches = length_batches(lengths, args.bs, seed=args.seed + ep)
    else:
        perm = torch.randperm(len(c_tr), generator=torch.Generator().manual_seed(args.seed + ep))
        batches = [perm[s : s + args.bs].tolist() for s in range(0, len(perm), args.bs)]
    run = None
    for idx in batches:
        logits = ht(top_forward([c_tr[i] for i in idx]))
        loss = torch.nn.functional.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        step += 1
        run = loss.item() if run is None else 0.98 * run + 0.02 * loss.item()
        if step % 100 == 0:
            print(f"step {step}/{steps} loss {run:.3f} {time.time() - t:.0f}s", flush=True)
    print(f"epoch {ep + 1} done {time.time() - t:.0f}s", flush=True)
    report(f"epoch{ep + 1}")


def save(out):
    """The packaged factors plus the new top-layer ones: one LoRA merged at scaling 1.0."""
    src = BASE
    packaged, cfg = load_lora(src / "lora.safetensors")
    tensors = {
        k: v.float() * (cfg["scaling"] if k.endswith("lora_B") else 1.0)
        for k, v in packaged.items()
    }
    named = {n: m for n, m in model.named_modules() if isinstance(m, LoRALinear)}
    for name, w in named.items():
        a, b = tensors[f"{name}.lora_A"], tensors[f"{name}.lora_B"]
        tensors[f"{name}.lora_A"] = torch.cat([a, w.A.detach()], 0)
        tensors[f"{name}.lora_B"] = torch.cat([b, w.s * w.B.detach()], 1)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "head.json", out / "head.json")
    config = {**cfg, "scaling": 1.0, "dtype": "float16", "rank": int(cfg["rank"]) + args.rank}
    save_lora(out / "lora.safetensors", {k: v.half() for k, v in tensors.items()}, config=config)
    meta = read_meta(src)
    meta.pop("format_version")
    tc = meta["training_config"]
    tc["lora"] = config
    tc.setdefault("refinements", []).append(
        {
            "layers": sorted({int(n.split(".")[2]) for n in named}),
            "rank": args.rank,
            "lr": args.lr,
            "epochs": args.epochs,
            "train_rows": args.train_rows,
            "max_length": args.max_length,
            "length_batches": args.length_batches,
            "augment": list(args.augment),
            "labels": args.labels,
            "news_train": {n: args.news_repeat for n in args.news_train},
            "note": "bench/stance_refine.py: new LoRA factors on the top layers, trained on cached "
            "activations of the layers below; the rank of those layers' factors is the sum",
        }
    )
    write_meta(out, meta)
    print("saved", out, flush=True)


if args.save:
    save(args.save)
print("total", round(time.time() - t0), "s")
