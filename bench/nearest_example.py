"""What the "reads most like" hint in the report is worth: the nearest analyst example's label.

    python bench/nearest_example.py [--data ../shared/datasets] [--split dev]

The report shows, next to each then-and-now quote, the topic's analyst example the quote reads
most like (:func:`stance.examples.nearest_examples`: cosine in the embedding the model reads the
side from). This draws ``k`` favor/against examples per topic of the IBM ArgQ and Perspectrum
rows (half each way, 3 draws, as ``stance evaluate``'s few-shot figures do) and scores the
topic's other favor/against rows. Printed per set and ``k``: how often the nearest example's
label is the gold label, how often the model's side (favor vs against) is, and the model's
accuracy where the two agree and where they disagree (with the share of rows that disagree):
a quote whose nearest example is on the other side from the model is the one to read twice.
Under each row the same by the nearest example's similarity.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

#: Similarity bands of the nearest example, printed under each set.
BANDS = ((-1.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def main() -> None:
    from stance.examples import CLOSE
    from stance.model import StanceModel
    from stance.model.data import load_pairs
    from stance.model.evaluate import FEW_SHOT_DATASETS, FEW_SHOT_K
    from stance.model.head import side_block

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/datasets")
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--draws", type=int, default=3)
    args = parser.parse_args()

    model = StanceModel.load()
    rows = load_pairs(args.data, datasets=FEW_SHOT_DATASETS, splits=(args.split,))
    rows = rows[rows["label"].isin(["favor", "against"])].reset_index(drop=True)
    start = time.perf_counter()
    emb = model.embed(rows["text"].tolist(), rows["target"].tolist())
    print(f"{len(rows)} {args.split} rows embedded in {time.perf_counter() - start:.0f} s")
    proba = model.head.predict_proba(emb)
    a, f = model.classes_.index("against"), model.classes_.index("favor")
    model_side = np.where(proba[:, f] >= proba[:, a], "favor", "against")
    side = side_block(model.head, emb)
    side = side / np.linalg.norm(side, axis=1, keepdims=True)
    gold_all = rows["label"].to_numpy()
    rng = np.random.default_rng(13)
    print(
        "set/k  topics  rows  nearest_right  model_right  model_right_if_agree  "
        "model_right_if_disagree (share)"
    )
    for name in FEW_SHOT_DATASETS:
        part = rows[rows["dataset"] == name]
        for k in FEW_SHOT_K:
            near, mine, gold, sim, topics = [], [], [], [], 0
            for _, topic in part.groupby("target"):
                by = {c: topic.index[topic["label"] == c].to_numpy() for c in ("favor", "against")}
                if len(topic) < k + 8 or min(len(v) for v in by.values()) < k // 2 + 2:
                    continue
                topics += 1
                for _ in range(args.draws):
                    shots = np.concatenate(
                        [rng.choice(v, size=k // 2, replace=False) for v in by.values()]
                    )
                    rest = np.setdiff1d(topic.index.to_numpy(), shots)
                    sims = side[rest] @ side[shots].T
                    nearest = shots[sims.argmax(axis=1)]
                    sim.extend(sims.max(axis=1))
                    near.extend(gold_all[nearest])
                    mine.extend(model_side[rest])
                    gold.extend(gold_all[rest])
            near, mine, gold, sim = map(np.asarray, (near, mine, gold, sim))
            agree = near == mine
            print(
                f"{name}/k={k}  {topics}  {len(gold)}  {np.mean(near == gold):.3f}  "
                f"{np.mean(mine == gold):.3f}  {np.mean((mine == gold)[agree]):.3f}  "
                f"{np.mean((mine == gold)[~agree]):.3f} ({np.mean(~agree):.2f})"
            )
            close = sim >= CLOSE
            print(
                f"    close examples (similarity >= {CLOSE}): {close.mean():.2f} of rows; model "
                f"right {np.mean((mine == gold)[close & agree]):.3f} where they agree, "
                f"{np.mean((mine == gold)[close & ~agree]):.3f} where not "
                f"({np.mean(close & ~agree):.2f} of rows)"
            )
            for low, high in BANDS:
                band = (sim >= low) & (sim < high)
                if (band & ~agree).sum() == 0:
                    continue
                print(
                    f"    similarity {low:.1f}-{min(high, 1.0):.1f}: {band.sum()} rows, "
                    f"model right {np.mean((mine == gold)[band & agree]):.3f} where they agree, "
                    f"{np.mean((mine == gold)[band & ~agree]):.3f} where not "
                    f"({(band & ~agree).sum()} rows)"
                )


if __name__ == "__main__":
    main()
