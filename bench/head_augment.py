"""Head-only variants on the packaged encoder: report rows in the head, or in a neutral gate.

    python bench/head_augment.py                       # caches embeddings in --cache-dir
    python bench/head_augment.py --cache-dir DIR       # reuse them (a run takes ~10 min then)
    python bench/head_augment.py --set deflect         # session 10: deflection rows in the gate
    python bench/head_augment.py --model DIR --set gate-dose   # session 14: another encoder

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

``--set deflect`` (session 10) adds :func:`stance.model.augment.deflect_augment` rows (non-answers
that name the topic, and commitments in the same words of process) to the gate, and also prints
accuracy on the news-style sets ``news_dev.csv`` and ``news_statements.csv``.

Since session 14 the packaged artifact is a split of two encoders; "the packaged encoder" here
is its first (``lora.safetensors``, the session-10 soup, whose head decides neutral).
``--model DIR`` takes the encoder from another artifact (e.g. a ``bench/stance_refine.py``
candidate) instead of the packaged one; its embeddings are cached under a folder named by
its LoRA file's hash. ``--set gate-dose`` (session 14) varies the dose of deflection rows in
the gate and also prints the news-style sets read before (``news_test.csv``,
``news_test3.csv``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

CONTRAST_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "contrast"
HEDGE_DEV = CONTRAST_DIR / "hedge_dev.csv"
#: News-style sets printed per variant set (all read before; none is a judge).
NEWS_SETS = {
    "deflect": ("news_dev", "news_statements"),
    "gate-dose": ("news_dev", "news_statements", "news_test", "news_test3"),
}
#: (name, extra rows as ((augmentation, rows per label), ...), weight, labels kept or None,
#: neutral gate).
VARIANTS = {
    "report": (
        ("softmax head, no report rows (before)", (), 1.0, None, False),
        ("softmax head + report rows, 3 per label, weight 0.5", (("report", 3),), 0.5, None, False),
        ("softmax head + report rows, 3 per label", (("report", 3),), 1.0, None, False),
        ("softmax head + report rows, 3 per label, weight 2", (("report", 3),), 2.0, None, False),
        ("softmax head + report rows, 4 per label", (("report", 4),), 1.0, None, False),
        ("softmax head + neutral report rows only", (("report", 3),), 1.0, ("neutral",), False),
        ("neutral gate, no report rows", (), 1.0, None, True),
        ("neutral gate + report rows, 3 per label", (("report", 3),), 1.0, None, True),
        ("neutral gate + report rows, 4 per label (packaged)", (("report", 4),), 1.0, None, True),
    ),
    "deflect": (
        ("neutral gate + report 4 (packaged)", (("report", 4),), 1.0, None, True),
        ("neutral gate + report 4 + deflect 4", (("report", 4), ("deflect", 4)), 1.0, None, True),
        ("neutral gate + deflect 4", (("deflect", 4),), 1.0, None, True),
        ("neutral gate + deflect 2", (("deflect", 2),), 1.0, None, True),
    ),
    "gate-dose": (
        ("neutral gate + deflect 2 (the packaged recipe)", (("deflect", 2),), 1.0, None, True),
        ("neutral gate + deflect 3", (("deflect", 3),), 1.0, None, True),
        ("neutral gate + deflect 4", (("deflect", 4),), 1.0, None, True),
        ("neutral gate + report 4 + deflect 2", (("report", 4), ("deflect", 2)), 1.0, None, True),
    ),
}


def accuracy(frame, proba, classes) -> dict[str, float]:
    """Accuracy overall and per ``variation``."""
    import numpy as np
    import pandas as pd

    ok = pd.Series(np.asarray(classes)[proba.argmax(axis=1)] == frame["label"].to_numpy())
    out = {"all": round(float(ok.mean()), 3)}
    for name, rows in frame.reset_index(drop=True).groupby("variation"):
        out[name] = round(float(ok[rows.index].mean()), 3)
    return out


def run(
    data: Path, cache: Path, variant_set: str = "report", artifact_dir: Path | None = None
) -> list[dict]:
    import numpy as np
    import pandas as pd

    from stance.model.artifact import default_artifact_dir
    from stance.model.augment import deflect_augment, report_augment
    from stance.model.data import load_pairs
    from stance.model.encoder import base_model_path, encode_pairs, load_transformer
    from stance.model.evaluate import CONTRAST_FILE
    from stance.model.lora import load_lora, merge_lora
    from stance.model.train import DEV_SEED, HEAD_TRAIN_ROWS, dev_sample, head_rows, select_head

    artifact = default_artifact_dir() if artifact_dir is None else artifact_dir
    if artifact_dir is not None:  # embeddings of another encoder live apart
        digest = hashlib.sha256((artifact / "lora.safetensors").read_bytes()).hexdigest()
        cache = cache / digest[:12]
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
    news = {}
    for name in NEWS_SETS.get(variant_set, ()):
        news[name] = pd.read_csv(CONTRAST_DIR / f"{name}.csv")
    x_news = {name: embed(frame) for name, frame in news.items()}
    train = fit[fit["split"] == "train"]
    makers = {"report": report_augment, "deflect": deflect_augment}
    extras, x_extras = {}, {}
    for _, wanted, *_ in VARIANTS[variant_set]:
        for kind, per_label in wanted:
            if (kind, per_label) not in extras:
                part = makers[kind](train, seed=DEV_SEED, per_label=per_label)
                extras[kind, per_label], x_extras[kind, per_label] = part, embed(part)
    results = []
    for name, wanted, weight, labels, gate in VARIANTS[variant_set]:
        x, y, w = x_rows, rows["label"].to_numpy(), np.ones(len(rows))
        for key in wanted:
            extra, x_extra = extras[key], x_extras[key]
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
                **{
                    name: accuracy(frame, head.predict_proba(x_news[name]), head.classes_)
                    for name, frame in news.items()
                },
            }
        )
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/stance-head-augment"))
    parser.add_argument("--set", choices=sorted(VARIANTS), default="report", dest="variant_set")
    parser.add_argument(
        "--model", type=Path, default=None, help="artifact whose encoder to use (default: packaged)"
    )
    args = parser.parse_args()
    run(args.data, args.cache_dir, args.variant_set, args.model)


if __name__ == "__main__":
    main()
