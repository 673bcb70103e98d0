"""Look at a joint side head before building one: favor : against from both encoders' embeddings.

    python bench/joint_side.py [--model stance/model/artifact] [--cache-dir DIR]

The packaged split reads each pair with two encoders and uses each head for one question
(member 0: whether a side is taken; member 1: which side). This look fits one head on both
embeddings side by side (768 features, the head rows, gate and dev selection that
``stance refit-head --neutral-gate --head-augment deflect:4`` uses) and joins it as the split
does: p(neutral) from member 0's packaged head, favor : against from the joint head. The
inference cost is the split's (the same two encoder passes). Printed per way: dev mean
macro-F1, contrast-set accuracy, rows right on the read news sets (all, per variation).
Embeddings are cached in ``--cache-dir`` (one ``.npy`` per encoder and part). Nothing is
written to the artifact (docs/stance-model.md, session 18).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, ROOT, member_embeddings, tally


def main() -> None:
    import pandas as pd

    from stance.model.head import split_proba
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import (
        DEV_SEED,
        HEAD_TRAIN_ROWS,
        dev_sample,
        head_rows,
        select_head,
    )

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--cache-dir", type=Path, required=True)
    ap.add_argument("--augment", nargs="*", default=["deflect:4"])
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    frame = _checked_pairs([args.model], args.data)
    fit = frame[frame["split"] != "test"].reset_index(drop=True)
    rows, counts = head_rows(
        fit, seed=DEV_SEED, train_cap=HEAD_TRAIN_ROWS, augment=tuple(args.augment)
    )
    added = np.arange(len(rows)) >= len(rows) - sum(counts.values())
    parts = {
        "train": rows,
        "dev": dev_sample(fit),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
    }
    x = member_embeddings(args.model, parts, args.cache_dir)

    packaged = StanceModel.load(args.model)
    neutral_column = list(CLASSES).index("neutral")
    packaged_proba = {
        part: packaged.predict_proba(r["text"].astype(str), r["target"].astype(str))
        for part, r in parts.items()
        if part != "train"
    }
    heads = {}
    for name, pick in {"member 1": [1], "joint": [0, 1]}.items():
        features = {part: np.hstack([x[part][i] for i in pick]) for part in parts}
        start = time.perf_counter()
        head, scores, chosen = select_head(
            features["train"],
            rows["label"].to_numpy(),
            features["dev"],
            parts["dev"],
            gate_only=added,
            neutral_gate=True,
        )
        print(f"{name} head: {chosen}, {time.perf_counter() - start:.0f} s", flush=True)
        heads[name] = (head, features)

    results: dict[str, dict[str, float | int]] = {}
    for part, part_rows in parts.items():
        if part == "train":
            continue
        ways = {"packaged split": packaged_proba[part]}
        p_neutral = packaged_proba[part][:, neutral_column]  # member 0's, as the split keeps it
        for name, (head, features) in heads.items():
            own = head.predict_proba(features[part])
            ways[f"{name} alone"] = own
            ways[f"split, side {name}"] = split_proba(own, p_neutral, neutral_column)
        for way, p in ways.items():
            tally(results.setdefault(way, {}), part, part_rows, p)
    news_rows = sum(len(parts[name]) for name in args.sets)
    print(json.dumps({"news_rows": news_rows, "ways": results}, indent=1))


if __name__ == "__main__":
    main()
