"""Score models side by side on one news-style set and apply the choice rule's news test.

    python bench/judge_news.py CANDIDATE [--file fixtures/contrast/news_test3.csv]

The packaged model and ``CANDIDATE`` (an artifact folder) read the same hand-written rows
(``group_id, topic, target, text, label, variation``: a commitment, a reversal in a report's
words and a non-answer per topic). Printed per model: rows right per variation and in all; then
the verdict of the rule used since session 10 (docs/stance-model.md): the candidate passes if
it gets at least ``--more`` more rows right and at most ``--fewer-non-answers`` fewer
non-answers right. The set is read once for both models, and neither model is refitted on it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stance.model.stance_model import StanceModel

NEWS_JUDGE = Path(__file__).resolve().parents[1] / "fixtures" / "contrast" / "news_test3.csv"


def right_per_variation(model: StanceModel, rows) -> dict[str, int]:
    """Rows labelled right by ``model``, per variation and in ``"all"``."""
    pred = model.predict(rows["text"].astype(str), rows["target"].astype(str))
    ok = pred == rows["label"].to_numpy()
    counts = {
        v: int(ok[(rows["variation"] == v).to_numpy()].sum())
        for v in sorted(set(rows["variation"]))
    }
    return {**counts, "all": int(ok.sum())}


def main() -> None:
    import pandas as pd

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("candidate", type=Path, help="artifact folder of the candidate")
    ap.add_argument("--file", type=Path, default=NEWS_JUDGE)
    ap.add_argument("--more", type=int, default=3, help="rows the candidate must gain")
    ap.add_argument("--fewer-non-answers", type=int, default=2, help="non-answers it may lose")
    args = ap.parse_args()
    rows = pd.read_csv(args.file)
    packaged = right_per_variation(StanceModel.load(), rows)
    candidate = right_per_variation(StanceModel.load(args.candidate), rows)
    gain = candidate["all"] - packaged["all"]
    lost = packaged.get("non-answer", 0) - candidate.get("non-answer", 0)
    verdict = gain >= args.more and lost <= args.fewer_non_answers
    print(
        json.dumps(
            {
                "file": args.file.name,
                "rows": len(rows),
                "packaged": packaged,
                "candidate": candidate,
                "gain": gain,
                "non_answers_lost": lost,
                "passes": verdict,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
