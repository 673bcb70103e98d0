"""Claim-extraction figures on the slices an extraction rule is judged on.

    python bench/attribution_slices.py [--polnear ../shared/datasets/polnear]

Scores PolNeAR train articles 1-300 (where rules are tuned), 301-600 (the check a rule must
pass too) and the dev split, as `stance evaluate-attribution` does, and prints one JSON line
per slice: content and attribution precision / recall / F1, cross-sentence recall, and the
number of claims and of hedged claims. About 80 s on the 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def main() -> None:
    """Parse options, extract each slice, print its figures."""
    from stance.extract import extract_claims, load_nlp
    from stance.extract.evaluate import (
        load_polnear,
        metrics_from_counts,
        predicted_attributions,
        score,
    )

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--polnear", type=Path, default=Path("../shared/datasets/polnear"))
    args = parser.parse_args()
    nlp = load_nlp()
    train = load_polnear(args.polnear, split="train", limit=600)
    slices = {
        "train 1-300": train[:300],
        "train 301-600": train[300:600],
        "dev": load_polnear(args.polnear, split="dev"),
    }
    for name, articles in slices.items():
        claims = list(extract_claims([doc for doc, _ in articles], nlp=nlp))
        by_doc = defaultdict(list)
        for claim in claims:
            by_doc[claim.doc_id].append(claim)
        totals: dict[str, int] = defaultdict(int)
        for doc, gold in articles:
            predicted = predicted_attributions(doc.text, by_doc[doc.id])
            for key, value in score(doc.text, gold, predicted).items():
                totals[key] += value
        figures = {k: round(v, 5) for k, v in metrics_from_counts(totals).items()}
        figures |= {"claims": len(claims), "hedged": sum(c.hedged for c in claims)}
        print(json.dumps({"slice": name, **figures}), flush=True)


if __name__ == "__main__":
    main()
