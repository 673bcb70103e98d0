"""Where favor/against errors fall by how many of the target's words the text repeats.

    python bench/target_overlap.py [--model DIR] [--data ../shared/datasets]

Scores the dev sample that selects heads (favor/against rows only) and prints, per bucket of
word overlap (the share of the target's content words, 5-letter stems, that the text repeats),
how often gold-against and gold-favor rows are read as favor (favor share of the two sided
probabilities above 0.5). A model that leans on overlap would read gold-against rows as favor
more often the more words they share with the target (docs/stance-model.md, known weaknesses).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_STOP = frozenset(
    "should would could with that their there have been this from more less other into about "
    "what which when than they them then also only very such will must cannot".split()
)


def content_stems(sentence: str) -> set[str]:
    """Five-letter stems of the words of four letters or more, stop words left out."""
    words = re.findall(r"[a-z]+", sentence.lower())
    return {w[:5] for w in words if len(w) >= 4 and w not in _STOP}


def overlap(target: str, text: str) -> float:
    """Share of the target's content stems that the text repeats (0 when it has none)."""
    stems = content_stems(target)
    return len(stems & content_stems(text)) / len(stems) if stems else 0.0


def main() -> None:
    import pandas as pd

    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    args = ap.parse_args()

    frame = _checked_pairs([args.model], args.data)
    dev = dev_sample(frame[frame["split"] != "test"].reset_index(drop=True))
    dev = dev[dev["label"].isin(["favor", "against"])].reset_index(drop=True)
    proba = StanceModel.load(args.model).predict_proba(
        dev["text"].astype(str), dev["target"].astype(str)
    )
    dev["read_favor"] = proba[:, 1] > proba[:, 0]
    dev["overlap"] = [overlap(t, x) for t, x in zip(dev["target"], dev["text"], strict=True)]
    dev["bucket"] = pd.cut(
        dev["overlap"], [-0.01, 0.0, 1 / 3, 2 / 3, 1.0], labels=["none", "<=1/3", "<=2/3", ">2/3"]
    )
    table = dev.groupby(["bucket", "label"], observed=True)["read_favor"].agg(["size", "mean"])
    table = table.unstack("label").round(3)
    table.columns = [f"{label} {what}" for what, label in table.columns]
    print(f"{len(dev)} favor/against dev rows; read as favor, by target-word overlap:")
    print(table.to_string())


if __name__ == "__main__":
    main()
