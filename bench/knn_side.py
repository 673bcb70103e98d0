"""Look at nearest training pairs as a second opinion on the side, before building it into a head.

    python bench/knn_side.py [--model stance/model/artifact] --cache-dir DIR

The packaged split takes p(neutral) from member 0 and the favor : against share from member 1's
head. This look keeps p(neutral) and mixes the side share with a k-nearest-neighbour vote over
the favor/against train pairs, in member 1's embedding (cosine similarity, weights
``exp(similarity / tau)``): ``share = (1 - lam) * head + lam * knn``. ``k``, ``tau`` and ``lam``
are chosen on the dev sample that selects heads, twice: on each half of its targets, scored on
the other half (the cross-fitted dev mean: a fair figure), and on all of it (the setting the
contrast set and the read news sets are scored with). Printed: both dev means, the settings, and
per way (packaged split, with the nearest pairs) contrast-set accuracy and rows right on the read
news sets. Embeddings are cached in ``--cache-dir``. Nothing is written to the artifact
(docs/stance-model.md, session 19).
"""

from __future__ import annotations

import argparse
import itertools
import json
import zlib
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, ROOT, member_embeddings, tally

KS = (4, 8, 16, 32, 64, 128)
TAUS = (0.01, 0.03, 0.1, 1.0)
LAMS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0)


def neighbours(query: np.ndarray, bank: np.ndarray, k: int, chunk: int = 2048):
    """Cosine similarities and indices of each query row's ``k`` nearest bank rows, nearest first."""
    q = query / np.linalg.norm(query, axis=1, keepdims=True)
    b = bank / np.linalg.norm(bank, axis=1, keepdims=True)
    sims = np.zeros((len(q), k), np.float32)
    idx = np.zeros((len(q), k), np.int64)
    for start in range(0, len(q), chunk):
        s = q[start : start + chunk] @ b.T
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        part = np.take_along_axis(s, top, axis=1)
        order = np.argsort(-part, axis=1)
        sims[start : start + chunk] = np.take_along_axis(part, order, axis=1)
        idx[start : start + chunk] = np.take_along_axis(top, order, axis=1)
    return sims, idx


def knn_favor(sims: np.ndarray, favor: np.ndarray, k: int, tau: float) -> np.ndarray:
    """Share of favor among the ``k`` nearest, weighted by ``exp(similarity / tau)``."""
    from stance.model.head import similarity_vote

    return similarity_vote(sims[:, :k], favor[:, :k], tau)


def main() -> None:
    import pandas as pd

    from stance.model.head import mix_side_share
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample, dev_scores

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--cache-dir", type=Path, required=True)
    ap.add_argument("--member", type=int, default=1, help="encoder whose embedding is searched")
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    frame = _checked_pairs([args.model], args.data)
    fit = frame[frame["split"] != "test"].reset_index(drop=True)
    train = fit[(fit["split"] == "train") & (fit["label"] != "neutral")].reset_index(drop=True)
    parts = {
        "bank": train,
        "dev": dev_sample(fit),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
    }
    x = member_embeddings(args.model, parts, args.cache_dir, members=[args.member], backend="onnx")
    bank_favor = (train["label"] == "favor").to_numpy()
    packaged = StanceModel.load(args.model)
    found = {}
    for part, rows in parts.items():
        if part == "bank":
            continue
        sims, idx = neighbours(x[part][0], x["bank"][0], max(KS))
        proba = packaged.predict_proba(rows["text"].astype(str), rows["target"].astype(str))
        found[part] = (proba, sims, bank_favor[idx].astype(np.float64))

    def score(part: str, setting: tuple, pick=None) -> np.ndarray:
        k, tau, lam = setting
        proba, sims, favor = found[part]
        if pick is not None:
            proba, sims, favor = proba[pick], sims[pick], favor[pick]
        return mix_side_share(proba, knn_favor(sims, favor, k, tau), lam, CLASSES)

    settings = list(itertools.product(KS, TAUS, LAMS))
    dev = parts["dev"]

    def best(pick: np.ndarray) -> tuple[tuple, float]:
        rows = dev[pick].reset_index(drop=True)
        means = {s: dev_scores(rows, score("dev", s, pick=pick))["mean"] for s in settings}
        chosen = max(means, key=means.get)
        return chosen, means[chosen]

    # two halves of the dev targets; each half's setting is scored on the other half
    half = np.array([zlib.crc32(t.encode()) % 2 for t in dev["target"].astype(str)], bool)
    crossed = np.zeros((len(dev), len(CLASSES)))
    chosen_by_half = {}
    for fold in (False, True):
        chosen, _ = best(half == fold)
        chosen_by_half[str(fold)] = chosen
        crossed[half != fold] = score("dev", chosen, pick=half != fold)
    everywhere, in_sample = best(np.ones(len(dev), bool))

    results: dict[str, dict[str, float | int]] = {}
    for part, rows in parts.items():
        if part == "bank":
            continue
        tally(results.setdefault("packaged split", {}), part, rows, found[part][0])
        tally(results.setdefault("nearest pairs mixed in", {}), part, rows, score(part, everywhere))
    report = {
        "bank_rows": len(train),
        "dev_mean_cross_fitted": round(dev_scores(dev, crossed)["mean"], 4),
        "settings_by_half (k, tau, lam)": chosen_by_half,
        "dev_mean_in_sample": round(in_sample, 4),
        "setting_on_all_dev (k, tau, lam)": everywhere,
        "dev_per_dataset_cross_fitted": {
            k: round(v, 4) for k, v in dev_scores(dev, crossed).items()
        },
        "news_rows": sum(len(parts[name]) for name in args.sets),
        "ways": results,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
