"""Look at a separate off-topic detector joined to the neutral gate by noisy-or.

    python bench/off_topic_gate.py [--model stance/model/artifact] --cache-dir DIR

The packaged split's gate (member 0) answers "does this statement take a side?". This look adds
"is this statement about the target at all?" as its own logistic regression on member 0's
embeddings: label 0 for member 0's head rows (train pairs and deflections, VAST's neutral rows
left out), label 1 for ``off_topic`` rows (a train text paired with another target of its
dataset); ``C`` chosen on the dev sample's split mean. Joined as
``p(neutral) = 1 - (1 - gate) * (1 - off_topic)``, the favor : against share kept. Printed per
way (packaged split, with the detector): dev mean, contrast-set accuracy, rows right on the read
news sets, and the share of ``bench/off_topic.py``'s pairs read neutral. Embeddings are cached
in ``--cache-dir``. Nothing is written to the artifact (docs/stance-model.md, session 19).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, ROOT, member_embeddings, tally

GRID = (0.01, 0.1, 1.0, 10.0)


def noisy_or(proba: np.ndarray, off_topic: np.ndarray) -> np.ndarray:
    """``proba`` with p(neutral) raised to ``1 - (1 - p) * (1 - off_topic)``, the side kept."""
    from stance.model.head import split_proba

    k = list(CLASSES).index("neutral")
    return split_proba(proba, 1.0 - (1.0 - proba[:, k]) * (1.0 - off_topic), k)


def main() -> None:
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from stance.model.evaluate import off_topic_pairs
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import DEV_SEED, HEAD_TRAIN_ROWS, dev_sample, dev_scores, head_rows

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--cache-dir", type=Path, required=True)
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    frame = _checked_pairs([args.model], args.data)
    fit = frame[frame["split"] != "test"].reset_index(drop=True)
    rows, counts = head_rows(
        fit, seed=DEV_SEED, train_cap=HEAD_TRAIN_ROWS, augment=("deflect", "off_topic")
    )
    off = rows["dataset"].str.endswith("+off").to_numpy()
    keep = ~((rows["dataset"] == "vast") & (rows["label"] == "neutral")).to_numpy()
    parts = {
        "train": rows,
        "dev": dev_sample(fit),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
        "off_topic": off_topic_pairs([CONTRAST / f"{name}.csv" for name in args.sets], 13),
    }
    x = {
        part: arrays[0]
        for part, arrays in member_embeddings(
            args.model, parts, args.cache_dir, members=[0]
        ).items()
    }
    packaged = StanceModel.load(args.model)
    proba = {
        part: packaged.predict_proba(r["text"].astype(str), r["target"].astype(str))
        for part, r in parts.items()
        if part != "train"
    }

    detectors, dev_means = {}, {}
    for c in GRID:
        detector = LogisticRegression(C=c, max_iter=2000)
        detector.fit(x["train"][keep], off[keep].astype(int))
        p_off = detector.predict_proba(x["dev"])[:, 1]
        dev_means[c] = dev_scores(parts["dev"], noisy_or(proba["dev"], p_off))["mean"]
        detectors[c] = detector
    chosen = max(dev_means, key=dev_means.get)
    detector = detectors[chosen]

    results: dict[str, dict[str, float | int]] = {}
    neutral = list(CLASSES).index("neutral")
    for part, part_rows in parts.items():
        if part == "train":
            continue
        joined = noisy_or(proba[part], detector.predict_proba(x[part])[:, 1])
        for way, p in {"packaged split": proba[part], "with the detector": joined}.items():
            if part == "off_topic":
                read = CLASSES[p.argmax(axis=1)] == "neutral"
                results[way]["off_topic_neutral"] = round(float(read.mean()), 3)
                results[way]["off_topic_mean_p_neutral"] = round(float(p[:, neutral].mean()), 3)
            else:
                tally(results.setdefault(way, {}), part, part_rows, p)
    report = {
        "detector_rows": {"on_topic": int((keep & ~off).sum()), "off_topic": int(off.sum())},
        "dev_mean_by_C": {str(c): round(v, 4) for c, v in dev_means.items()},
        "C": chosen,
        "news_rows": sum(len(parts[name]) for name in args.sets),
        "ways": results,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
