"""How often a model reads a policy statement as neutral toward a topic it is not about.

    python bench/off_topic.py [MODEL ...] [--sets news_dev ...] [--seed 13]

Each statement of the news-style sets (``fixtures/contrast/news_*.csv``: commitments,
reversals and non-answers, each written for one target) is paired with the target of another,
randomly drawn group of its set (seeded): a statement about one policy, judged against another.
The right reading is neutral. Printed per model (an artifact folder; default the packaged one):
the share of such pairs read neutral, overall and by the statement's variation, and the mean
p(neutral). With ``--unguarded``, each model is also read without its off-topic guard
(``StanceModel.unguarded``), and the number of the sets' own (on-topic) statements whose label
the guard changes is printed: their labels are not read, so an unread judge set stays unread
(docs/stance-model.md, session 20, round 9). The on-topic reading of the same sets is ``bench/side_share.py``'s
(docs/stance-model.md, session 19). The pairs are
``stance.model.evaluate.off_topic_pairs``'s, which ``stance evaluate`` scores on its news sets.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from side_share import CONTRAST, READ_SETS


def main() -> None:
    from stance.model.evaluate import score_off_topic
    from stance.model.stance_model import StanceModel

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", type=Path, nargs="*", help="artifact folders (default: packaged)")
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--unguarded", action="store_true", help="also read without the guard")
    args = ap.parse_args()

    paths = [CONTRAST / f"{name}.csv" for name in args.sets]
    own = pd.concat([pd.read_csv(p, usecols=["text", "target"]) for p in paths])
    report = {"sets": args.sets, "models": {}}
    for path in args.models or [None]:
        model = StanceModel.load(path)
        ways = {"": model, " (unguarded)": model.unguarded()} if args.unguarded else {"": model}
        for suffix, way in ways.items():
            scores = score_off_topic(way, paths, seed=args.seed)
            report["pairs"] = scores["pairs"]
            report["models"][str(path or "packaged") + suffix] = {
                "read_neutral": round(scores["read_neutral"], 3),
                "mean_p_neutral": round(scores["mean_p_neutral"], 3),
                **{v: round(share, 3) for v, share in scores["by_variation"].items()},
            }
        if args.unguarded:
            texts, targets = own["text"].astype(str), own["target"].astype(str)
            changed = model.predict(texts, targets) != model.unguarded().predict(texts, targets)
            report["models"][str(path or "packaged")]["on_topic_labels_changed_by_guard"] = (
                f"{int(changed.sum())} of {len(own)}"
            )
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
