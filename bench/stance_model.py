"""Benchmark the stance model: pairs scored per second and peak RSS, per backend.

    python bench/stance_model.py                 # onnx (default), torch, int8: fresh processes
    python bench/stance_model.py --backend int8  # one backend in this process
    python bench/stance_model.py --backend onnx --model DIR  # another artifact (an ensemble)

Texts are policy statements of at most 64 tokens (the contrast set's, repeated to --pairs; since
session 20 each repeat carries a numbered suffix, so that every text is distinct).
Targets: >= 150 pairs/s on 2 cores, <= 1.5 GB peak RSS. The onnx and int8 runs also report how
far they are from fp32 torch (embedding cosine, label agreement); every run reports the load
average, since the machine is shared.

Last figures (session 21, the packaged split with its off-topic guard, distinct texts of mean 25
tokens per pair): onnx 191-202 pairs/s at 681-695 MB. The guard caches its base-encoder
similarities of the last pairs (so `stance classify` asks for them once); each timed repeat
now clears that cache, since without it repeats 2+ skipped the guard and read 261-280 pairs/s.
Session 20: 205-217 at 684-717 MB (no onnxruntime memory arena; with it 210-213 at 805 MB, and
without the guard 284-287 at 652-664 MB).
Earlier (one encoder, 1,024 pairs of mean 22 tokens; docs/stance-model.md has the before/after
table): quiet machine (load average 0.6-2.0, mostly
this benchmark) onnx 198-216 pairs/s at 407-412 MB, torch 173-231 at 642-675 MB, int8 314-347
at 403-405 MB; beside a one-core busy loop (load 2.9) onnx 112, torch 66, int8 170.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRAST = ROOT / "fixtures" / "contrast" / "contrast_set.csv"


def measure(backend: str, n_pairs: int, repeats: int, model_dir: str | None = None) -> dict:
    """Score ``n_pairs`` pairs ``repeats`` times with one backend; return the figures.

    ``model_dir``: an artifact folder (None: the packaged model), e.g. an encoder ensemble.
    """
    import numpy as np
    import pandas as pd

    from stance.model import StanceModel

    pairs = pd.read_csv(CONTRAST)
    reps = -(-n_pairs // len(pairs))
    # every text distinct (repeats get a numbered suffix): the off-topic guard embeds each
    # distinct text once, and would be charged for a fifth of the pairs otherwise
    texts = [
        text if i < len(pairs) else f"{text} ({i // len(pairs) + 1})"
        for i, text in enumerate((pairs["text"].tolist() * reps)[:n_pairs])
    ]
    targets = (pairs["target"].tolist() * reps)[:n_pairs]
    from stance.model.encoder import cpu_threads, tokenize_pairs

    model = StanceModel.load(model_dir, backend=backend)
    model.predict_proba(texts[:64], targets[:64])  # warm-up (loads the encoder)
    tokenizer = model.embedder._encoder()[0]
    ids, _ = tokenize_pairs(tokenizer, targets, texts, max_length=model.embedder.max_length)
    lengths = [len(row) for row in ids]
    timings = []
    from stance.model.guard import _similarity

    for _ in range(repeats):
        _similarity.cache_clear()  # each repeat pays for the guard's base-encoder pass too
        start = time.perf_counter()
        proba = model.predict_proba(texts, targets)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    figures = {
        "model": model.identity["model_name"],
        "backend": backend,
        "threads": cpu_threads(),
        "cpu_count": os.cpu_count(),
        "pairs": n_pairs,
        "max_pair_tokens": max(lengths),
        "mean_pair_tokens": round(float(np.mean(lengths)), 1),
        "pairs_per_s": round(n_pairs / best, 1),
        "seconds_best": round(best, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if backend != "torch":
        ref = StanceModel.load(model_dir, backend="torch")
        uniq = pairs.drop_duplicates(["text", "target"])
        a = model.embed(uniq["text"], uniq["target"])
        b = ref.embed(uniq["text"], uniq["target"])
        cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        pa = model.head.predict_proba(a).argmax(1)
        pb = ref.head.predict_proba(b).argmax(1)
        gold = uniq["label"].to_numpy()
        classes = np.asarray(model.classes_)
        figures.update(
            {
                "cosine_to_fp32_mean": round(float(cos.mean()), 4),
                "cosine_to_fp32_min": round(float(cos.min()), 4),
                "label_agreement_with_fp32": round(float((pa == pb).mean()), 4),
                "contrast_accuracy": round(float((classes[pa] == gold).mean()), 4),
                "contrast_accuracy_fp32": round(float((classes[pb] == gold).mean()), 4),
            }
        )
    del proba
    return figures


def main() -> None:
    """Parse options, run each backend (in a fresh process when several), print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["onnx", "torch", "int8"], default=None)
    parser.add_argument("--pairs", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default=None, help="artifact folder (default: packaged)")
    args = parser.parse_args()
    if args.backend:
        figures = measure(args.backend, args.pairs, args.repeats, args.model)
        print(json.dumps(figures), flush=True)
        return
    for backend in ("onnx", "torch", "int8"):
        cmd = [sys.executable, __file__, "--backend", backend, "--pairs", str(args.pairs)]
        cmd += ["--repeats", str(args.repeats)]
        cmd += ["--model", args.model] if args.model else []
        subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})


if __name__ == "__main__":
    main()
