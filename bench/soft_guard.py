"""Look at softer off-topic guards before declaring one: p(neutral) from the base cosine's curve.

    python bench/soft_guard.py [--model stance/model/artifact] [--data ../shared/datasets]

The packaged guard is a step: where the plain base encoder's cosine of text and target is
below 0.05, p(neutral) is raised to 0.95. On VAST the share of neutral rows falls smoothly
with that cosine (about 0.95 below 0, 0.7 at 0.05-0.1, 0.45 at 0.1-0.15, 0.25 at 0.15-0.2,
under 0.1 above 0.2), so the step is over-confident just below 0.05 and blind just above it.
This look fits that curve on VAST's *train* split (isotonic, decreasing; the cosine comes from
the plain encoder, which never saw a stance label, so train rows are fair ground) and tries:

* ``floor``: p(neutral) raised to at least the curve's value;
* ``odds``: p(neutral)'s odds multiplied by the curve's odds over VAST's prior odds (the cosine
  as independent evidence), only where that raises p(neutral).

Each way keeps favor : against. Printed per way (unguarded, the packaged step, each soft way):
dev mean (the sample that selects heads), VAST dev 3-way macro-F1 and ECE (the whole split),
contrast-set accuracy, rows right on the read news sets (and per variation), and the share of
``bench/off_topic.py``'s pairs read neutral. Nothing is written (docs/stance-model.md, session 21).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, ROOT, tally

NEUTRAL = list(CLASSES).index("neutral")


def neutral_curve(similarity: np.ndarray, neutral: np.ndarray):
    """Isotonic (decreasing) fit of "is neutral" on the base cosine."""
    from sklearn.isotonic import IsotonicRegression

    curve = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0, out_of_bounds="clip")
    return curve.fit(similarity, neutral.astype(float))


def floor_way(proba: np.ndarray, level: np.ndarray) -> np.ndarray:
    from stance.model.head import split_proba

    return split_proba(proba, np.maximum(proba[:, NEUTRAL], level), NEUTRAL)


def odds_way(proba: np.ndarray, level: np.ndarray, prior: float) -> np.ndarray:
    from stance.model.head import split_proba

    eps = 1e-6
    p = np.clip(proba[:, NEUTRAL], eps, 1 - eps)
    lv = np.clip(level, eps, 1 - eps)
    odds = p / (1 - p) * (lv / (1 - lv)) / (prior / (1 - prior))
    return split_proba(proba, np.maximum(proba[:, NEUTRAL], odds / (1 + odds)), NEUTRAL)


def main() -> None:
    import pandas as pd

    from stance.model.data import load_split
    from stance.model.evaluate import off_topic_pairs
    from stance.model.guard import guard, topic_similarity
    from stance.model.metrics import expected_calibration_error, macro_f1, predict_labels
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    train = load_split(args.data, "vast", "train")
    sim_train = topic_similarity(train["text"].tolist(), train["target"].tolist())
    is_neutral = (train["label"] == "neutral").to_numpy()
    curve = neutral_curve(sim_train, is_neutral)
    prior = float(is_neutral.mean())
    grid = np.array([-0.1, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4])

    frame = _checked_pairs([args.model], args.data)
    parts = {
        "dev": dev_sample(frame[frame["split"] != "test"].reset_index(drop=True)),
        "vast_dev": load_split(args.data, "vast", "dev"),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
        "off_topic": off_topic_pairs([CONTRAST / f"{name}.csv" for name in args.sets], 13),
    }
    model = StanceModel.load(args.model)
    plain = model.unguarded()
    step = model.off_topic_guard
    results: dict[str, dict[str, float | int]] = {}
    for part, rows in parts.items():
        texts, targets = rows["text"].astype(str).tolist(), rows["target"].astype(str).tolist()
        proba = plain.predict_proba(texts, targets)
        sim = topic_similarity(texts, targets)
        level = curve.predict(sim)
        ways = {
            "unguarded": proba,
            "step (packaged)": guard(proba, sim, step, CLASSES),
            "floor": floor_way(proba, level),
            "odds": odds_way(proba, level, prior),
        }
        for way, p in ways.items():
            out = results.setdefault(way, {})
            if part == "off_topic":
                out["off_topic_neutral"] = round(float((p.argmax(axis=1) == NEUTRAL).mean()), 3)
            elif part == "vast_dev":
                gold = rows["label"].to_numpy()
                pred = predict_labels(p)
                out["vast_dev_f1"] = round(macro_f1(gold, pred, labels=CLASSES), 4)
                out["vast_dev_ece"] = round(expected_calibration_error(p, gold), 4)
            else:
                tally(out, part, rows.reset_index(drop=True), p)
    levels = curve.predict(grid)
    report = {
        "curve_fit_on": f"VAST train, {len(train)} rows, neutral share {prior:.3f}",
        "curve": {f"{g:.2f}": round(float(v), 3) for g, v in zip(grid, levels, strict=True)},
        "ways": results,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
