"""Look at split joins before building one: p(neutral) from one model, favor : against from others.

    python bench/side_share.py NEUTRAL SIDE [SIDE ...] [--data ../shared/datasets]

Every model (an artifact folder, heads as fitted) reads the dev sample that selects heads, the
contrast set and the news-style sets already read (``--sets``; an unread judge set does not
belong here). Printed per way to join: dev mean macro-F1, contrast-set accuracy and rows right
on the news sets (all, and per variation). The ways: the split with each SIDE, the split with
the mean favor share of all SIDEs (when there are two or more), and each model alone. Nothing
is fitted or written: it says whether a join is worth declaring a round for
(docs/stance-model.md, sessions 14 and 17).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from stance.model.evaluate import READ_NEWS_SETS

ROOT = Path(__file__).resolve().parents[1]
CONTRAST = ROOT / "fixtures" / "contrast"
#: The news-style sets already read (600 rows; stance.model.evaluate.READ_NEWS_SETS): an unread
#: judge set does not belong here.
READ_SETS = READ_NEWS_SETS
CLASSES = np.array(["against", "favor", "neutral"])


def tally(result: dict[str, float | int], part: str, rows, proba: np.ndarray) -> None:
    """Add one way's reading of one part to ``result``: the dev mean macro-F1 (``dev``), the
    contrast-set accuracy (``contrast``), or rows right on a news set, in all and per variation
    (summed over the news sets)."""
    from stance.model.train import dev_scores

    right = CLASSES[proba.argmax(axis=1)] == rows["label"].to_numpy()
    if part == "dev":
        result["dev_mean"] = round(dev_scores(rows, proba)["mean"], 4)
    elif part == "contrast":
        result["contrast"] = round(float(right.mean()), 3)
    else:
        result["news"] = result.get("news", 0) + int(right.sum())
        for variation in sorted(set(rows["variation"])):
            hit = int(right[(rows["variation"] == variation).to_numpy()].sum())
            result[variation] = result.get(variation, 0) + hit


def member_embeddings(
    model: Path, parts: dict, cache_dir: Path, *, members=None, backend: str = "torch"
) -> dict[str, list[np.ndarray]]:
    """Each member encoder's embeddings of each part's pairs, cached as ``.npy`` in ``cache_dir``.

    ``parts`` maps a name to rows with ``target`` and ``text``; ``members`` picks encoders by
    their index in the artifact's ``meta.json`` (default: all). Returns, per part, one array
    per picked member. A cached file is named by member, part and row count.
    """
    import time

    from stance.model.encoder import _tuned_encoder, base_model_path, encode_pairs

    meta = json.loads((model / "meta.json").read_text())
    files = meta["encoders"]
    length = meta["training_config"]["max_length"]
    picked = range(len(files)) if members is None else members
    cache_dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[np.ndarray]] = {part: [] for part in parts}
    for index in picked:
        for part, rows in parts.items():
            cached = cache_dir / f"{index}.{part}.{len(rows)}.npy"
            if not cached.exists():
                # the member's encoder, loaded once (cached by its arguments)
                tokenizer, encoder = _tuned_encoder(
                    str(base_model_path()), str(model / files[index]), "cpu", backend
                )
                start = time.perf_counter()
                emb = encode_pairs(
                    tokenizer,
                    encoder,
                    rows["target"].astype(str).tolist(),
                    rows["text"].astype(str).tolist(),
                    batch_size=256 if backend == "torch" else 64,
                    max_length=length,
                    device="cpu",
                )
                np.save(cached, np.asarray(emb, dtype=np.float32))
                took = time.perf_counter() - start
                print(f"encoder {index} {part}: {len(rows)} rows, {took:.0f} s", flush=True)
            out[part].append(np.load(cached))
    return out


def main() -> None:
    import pandas as pd

    from stance.model.head import split_proba
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("neutral", type=Path, help="artifact whose head gives p(neutral)")
    ap.add_argument("sides", type=Path, nargs="+", help="artifacts whose heads give the side")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    models = [args.neutral, *args.sides]
    frame = _checked_pairs(models, args.data)
    parts = {
        "dev": dev_sample(frame[frame["split"] != "test"].reset_index(drop=True)),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
    }
    proba: dict[Path, dict[str, np.ndarray]] = {}
    for path in models:
        model = StanceModel.load(path)
        if list(model.classes_) != list(CLASSES):
            raise SystemExit(f"{path}: its head's classes are {model.classes_}, not {CLASSES}")
        proba[path] = {
            part: model.predict_proba(rows["text"].astype(str), rows["target"].astype(str))
            for part, rows in parts.items()
        }

    neutral_column = list(CLASSES).index("neutral")

    def ways(part: str) -> dict[str, np.ndarray]:
        def join(side: np.ndarray) -> np.ndarray:
            return split_proba(side, proba[args.neutral][part][:, neutral_column], neutral_column)

        out = {f"split, side {side}": join(proba[side][part]) for side in args.sides}
        if len(args.sides) > 1:
            # each side's favor : against share (p(neutral) 0), averaged, then joined
            no_neutral = np.zeros(len(proba[args.neutral][part]))
            shares = [split_proba(proba[s][part], no_neutral, neutral_column) for s in args.sides]
            out["split, side the mean share"] = join(np.mean(shares, axis=0))
        out.update({f"{path} alone": proba[path][part] for path in models})
        return out

    results: dict[str, dict[str, float | int]] = {}
    for part, rows in parts.items():
        for name, p in ways(part).items():
            tally(results.setdefault(name, {}), part, rows, p)
    news_rows = sum(len(parts[name]) for name in args.sets)
    print(json.dumps({"news_rows": news_rows, "ways": results}, indent=1))


if __name__ == "__main__":
    main()
