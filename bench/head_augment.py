"""Head-only variants on the packaged encoder: report rows in the head, or in a neutral gate.

    python bench/head_augment.py                       # caches embeddings in --cache-dir
    python bench/head_augment.py --cache-dir DIR       # reuse them (a run takes ~10 min then)

The encoder of the packaged artifact stays fixed; each variant refits the head as
``stance refit-head`` does (24,000 train rows; ``C``, ``gate_C`` from (0.1, 1, 10) and the
temperatures on the 5,261-row dev sample), with news-style report rows
(``stance.model.augment.report_augment``) added at a weight, either to the softmax head or only
to a neutral gate (``StanceClassifier(gate_class="neutral")``: a binary neutral-or-not
regression; favor against against still comes from the softmax head, which then never sees
the report rows). Printed per variant, one JSON line: mean dev macro-F1 and per dataset (the
choice rule: within 0.002 of the head before or higher, and hedge dev accuracy up), accuracy on
``fixtures/contrast/hedge_dev.csv`` (hand-written non-answers and softened statements: a dev
set for hedges) and on the contrast set (test). Embedding the 29,000 head rows at 256 tokens
takes ~12 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HEDGE_DEV = Path(__file__).resolve().parents[1] / "fixtures" / "contrast" / "hedge_dev.csv"
#: (name, report rows per label or None, weight, labels kept or None, neutral gate).
VARIANTS = (
    ("softmax head, no report rows (before)", None, 1.0, None, False),
    ("softmax head + report rows, 3 per label, weight 0.5", 3, 0.5, None, False),
    ("softmax head + report rows, 3 per label", 3, 1.0, None, False),
    ("softmax head + report rows, 3 per label, weight 2", 3, 2.0, None, False),
    ("softmax head + report rows, 4 per label", 4, 1.0, None, False),
    ("softmax head + neutral report rows only", 3, 1.0, ("neutral",), False),
    ("neutral gate, no report rows", None, 1.0, None, True),
    ("neutral gate + report rows, 3 per label", 3, 1.0, None, True),
    ("neutral gate + report rows, 4 per label (packaged)", 4, 1.0, None, True),
)


def accuracy(frame, proba, classes) -> dict[str, float]:
    """Accuracy overall and per ``variation``."""
    import numpy as np
    import pandas as pd

    ok = pd.Series(np.asarray(classes)[proba.argmax(axis=1)] == frame["label"].to_numpy())
    out = {"all": round(float(ok.mean()), 3)}
    for name, rows in frame.reset_index(drop=True).groupby("variation"):
        out[name] = round(float(ok[rows.index].mean()), 3)
    return out


def run(data: Path, cache: Path) -> list[dict]:
    import numpy as np
    import pandas as pd

    from stance.model.artifact import default_artifact_dir
    from stance.model.augment import report_augment
    from stance.model.data import load_pairs
    from stance.model.encoder import base_model_path, encode_pairs, load_transformer
    from stance.model.evaluate import CONTRAST_FILE
    from stance.model.lora import load_lora, merge_lora
    from stance.model.train import DEV_SEED, HEAD_TRAIN_ROWS, dev_sample, head_rows, select_head

    artifact = default_artifact_dir()
    meta = json.loads((artifact / "meta.json").read_text())
    length = meta["training_config"]["max_length"]
    tokenizer, model = load_transformer(base_model_path(), device="cpu")
    tensors, config = load_lora(artifact / "lora.safetensors")
    merge_lora(model, tensors, scaling=config["scaling"])

    def embed(part: pd.DataFrame, name: str | None = None) -> np.ndarray:
        path = cache / f"{name}-{length}.npy" if name else None
        if path is not None and path.is_file():
            return np.load(path)
        x = encode_pairs(
            tokenizer, model, part["target"].tolist(), part["text"].tolist(),
            batch_size=256, max_length=length, progress=name is not None,
        )  # fmt: skip
        if path is not None:
            np.save(path, x)
        return x

    cache.mkdir(parents=True, exist_ok=True)
    fit = load_pairs(data, splits=("train", "dev"))
    rows, _ = head_rows(fit, seed=DEV_SEED, train_cap=HEAD_TRAIN_ROWS)
    dev = dev_sample(fit)
    x_rows, x_dev = embed(rows, "train"), embed(dev, "dev")
    hedge, contrast = pd.read_csv(HEDGE_DEV), pd.read_csv(CONTRAST_FILE)
    x_hedge, x_contrast = embed(hedge), embed(contrast)
    train = fit[fit["split"] == "train"]
    reports = {k: report_augment(train, seed=DEV_SEED, per_label=k) for k in (3, 4)}
    x_reports = {k: embed(r) for k, r in reports.items()}
    results = []
    for name, per_label, weight, labels, gate in VARIANTS:
        x, y, w = x_rows, rows["label"].to_numpy(), np.ones(len(rows))
        if per_label is not None:
            extra, x_extra = reports[per_label], x_reports[per_label]
            keep = extra["label"].isin(labels).to_numpy() if labels else np.ones(len(extra), bool)
            x = np.vstack([x, x_extra[keep]])
            y = np.concatenate([y, extra["label"].to_numpy()[keep]])
            w = np.concatenate([w, np.full(int(keep.sum()), weight)])
        added = np.arange(len(y)) >= len(rows)
        head, scores, chosen = select_head(
            x, y, x_dev, dev, sample_weight=w, gate_only=added, neutral_gate=gate
        )
        results.append(
            {
                "variant": name,
                **chosen,
                "temperature": round(head.temperature_, 2),
                "dev": {k: round(v, 4) for k, v in scores.items()},
                "hedge_dev": accuracy(hedge, head.predict_proba(x_hedge), head.classes_),
                "contrast": accuracy(contrast, head.predict_proba(x_contrast), head.classes_),
            }
        )
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/stance-head-augment"))
    args = parser.parse_args()
    run(args.data, args.cache_dir)


if __name__ == "__main__":
    main()
