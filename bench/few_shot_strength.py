"""Few-shot head refitting on the dev splits: gain per strength of the pull toward the trained head.

Embeds the IBM ArgQ and Perspectrum dev rows once with the packaged model, then runs the
protocol of ``stance evaluate``'s few-shot block (k examples per topic, half favor and half
against, 3 draws; favor/against macro-F1 on the topic's other rows) for each strength.
Results: docs/stance-model.md ("Topic examples").

    python bench/few_shot_strength.py [--data ../shared/datasets] [--strengths 0.3 1 3 10 30 100]
"""

import argparse
import time

from stance.model import StanceModel
from stance.model.data import load_pairs
from stance.model.evaluate import FEW_SHOT_DATASETS, few_shot_gain

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--data", default="../shared/datasets")
parser.add_argument("--strengths", type=float, nargs="*", default=[0.3, 1, 3, 10, 30, 100])
args = parser.parse_args()

started = time.time()
model = StanceModel.load()
dev = load_pairs(args.data, datasets=FEW_SHOT_DATASETS, splits=("dev",)).reset_index(drop=True)
emb = model.embed(dev["text"].tolist(), dev["target"].tolist())
print(f"embedded {len(dev)} dev rows in {time.time() - started:.0f} s", flush=True)
print("| strength | set / k | topics | before | after | gain |")
print("|---|---|---|---|---|---|")
for strength in args.strengths:
    result = few_shot_gain(model, dev, emb, strength=strength, methods=("head",))
    for key, row in result.items():
        if "/" not in key:
            continue
        before, after = row["macro_f1_before"], row["macro_f1_head"]
        print(
            f"| {strength:g} | {key} | {row['topics']} | {before:.3f} | {after:.3f} "
            f"| {after - before:+.3f} |",
            flush=True,
        )
