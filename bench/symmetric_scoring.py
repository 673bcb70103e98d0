"""Plain against symmetric scoring (``predict_proba(..., symmetric=True)``) on test rows.

    python bench/symmetric_scoring.py --limit 250      # seeded sample per test split, as evaluate
    python bench/symmetric_scoring.py --limit 0        # full test splits

Symmetric scoring also scores each text against the negated proposition and averages with favor
and against swapped (docs/stance-model.md, "Symmetric scoring"). Rows are ``stance evaluate``'s
seeded sample of each test split plus the contrast set; macro-F1 as ``stance evaluate`` scores it
(favor/against only on IBM ArgQ, Perspectrum, Procon20); contrast-set accuracy per variation.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def compare(data: Path, limit: int | None, *, backend: str = "onnx", seed: int = 13) -> dict:
    """Macro-F1 per test split and contrast accuracy, plain and symmetric."""
    import numpy as np
    import pandas as pd

    from stance.model import StanceModel
    from stance.model.data import load_pairs
    from stance.model.evaluate import CONTRAST_FILE, sample_rows
    from stance.model.metrics import score_datasets

    model = StanceModel.load(backend=backend)
    test = load_pairs(data, splits=("test",))
    if limit:
        test = sample_rows(test, limit, seed=seed)
    contrast = pd.read_csv(CONTRAST_FILE)
    out: dict = {"model": model.identity["artifact_sha256"][:16], "rows": len(test)}
    for mode in ("plain", "symmetric"):
        started = time.perf_counter()
        proba = model.predict_proba(
            test["text"].tolist(), test["target"].tolist(), symmetric=mode == "symmetric"
        )
        scores = score_datasets(test, proba)
        proba_c = model.predict_proba(
            contrast["text"].tolist(), contrast["target"].tolist(), symmetric=mode == "symmetric"
        )
        ok = pd.Series(np.asarray(model.classes_)[proba_c.argmax(axis=1)] == contrast["label"])
        out[mode] = {
            "macro_f1": {name: round(s["macro_f1"], 4) for name, s in scores.items()},
            "contrast_accuracy": round(float(ok.mean()), 4),
            "contrast_by_variation": {
                name: round(float(ok[rows.index].mean()), 4)
                for name, rows in contrast.groupby("variation")
            },
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--limit", type=int, default=250, help="rows per test split (0: all)")
    parser.add_argument("--backend", default="onnx")
    args = parser.parse_args()
    print(json.dumps(compare(args.data, args.limit or None, backend=args.backend), indent=1))


if __name__ == "__main__":
    main()
