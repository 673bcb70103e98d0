"""Does a backend give the fp32 torch model's labels? Agreement and macro-F1 per test split.

    python bench/stance_agreement.py --backend onnx --limit 500   # seeded sample, as evaluate
    python bench/stance_agreement.py --backend int8 --limit 0     # full test splits

Rows are the test splits of ``--data`` (``stance evaluate``'s seeded sample with ``--limit``)
plus the contrast set. A label is the argmax scored as ``stance evaluate`` scores it
(favor/against only on IBM ArgQ, Perspectrum, Procon20). Gate for a default backend: labels
agree with fp32 torch on >= 98% of rows and macro-F1 drops by <= 0.01 on every dataset.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compare(backend: str, data: Path, limit: int | None, seed: int = 13) -> dict:
    """Score the rows with ``backend`` and with fp32 torch; agreement and F1 per dataset."""
    import numpy as np
    import pandas as pd

    from stance.model import StanceModel
    from stance.model.data import BINARY_DATASETS, load_pairs
    from stance.model.evaluate import CONTRAST_FILE, sample_rows
    from stance.model.metrics import predict_labels, score_datasets

    test = load_pairs(data, splits=("test",))
    if limit:
        test = sample_rows(test, limit, seed=seed)
    contrast = pd.read_csv(CONTRAST_FILE).assign(dataset="contrast", split="test", seen=1)
    rows = pd.concat([test, contrast[test.columns]], ignore_index=True)
    proba, seconds = {}, {}
    for name in (backend, "torch"):
        model = StanceModel.load(backend=name)
        start = time.perf_counter()
        proba[name] = model.head.predict_proba(model.embedder.transform(rows))
        seconds[name] = round(time.perf_counter() - start, 1)
    out: dict = {"backend": backend, "rows": len(rows), "limit": limit, "seconds": seconds}
    agree_all = []
    for dataset, part in rows.groupby("dataset", sort=True):
        idx = part.index.to_numpy()
        binary = dataset in BINARY_DATASETS
        a = predict_labels(proba[backend][idx], binary=binary)
        b = predict_labels(proba["torch"][idx], binary=binary)
        agree_all.append(a == b)
        out[dataset] = {"rows": len(idx), "label_agreement": round(float((a == b).mean()), 4)}
    scored = {name: score_datasets(test, p[: len(test)]) for name, p in proba.items()}
    for dataset, figures in scored["torch"].items():
        f1 = scored[backend][dataset]["macro_f1"]
        out.setdefault(dataset, {}).update(
            {
                "macro_f1_torch": round(figures["macro_f1"], 4),
                f"macro_f1_{backend}": round(f1, 4),
                "delta": round(f1 - figures["macro_f1"], 4),
            }
        )
    out["label_agreement"] = round(float(np.concatenate(agree_all).mean()), 4)
    out["max_abs_proba_diff"] = float(np.abs(proba[backend] - proba["torch"]).max())
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    """Parse options and print the comparison as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["onnx", "int8"], default="onnx")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--limit", type=int, default=500, help="rows per test split; 0: all")
    args = parser.parse_args()
    print(json.dumps(compare(args.backend, args.data, args.limit or None), indent=1))


if __name__ == "__main__":
    main()
