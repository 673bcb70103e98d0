"""Look at the hand-written news rows in the side head, set by set, before building it.

    python bench/news_side.py [--model stance/model/artifact] --cache-dir DIR [--weights 5 20]

The packaged split takes p(neutral) from member 0 and the favor : against share from member 1's
head. This look refits member 1's softmax (``C`` as packaged; temperature on the dev sample) on
its train pairs plus the commitments (favor) and reversals (against) of the read news-style
sets, each weighted ``w``, and joins it as the split does. Leave one set out: each set's rows are
scored by the head fitted without that set, so the figure says whether rows by some hands carry
to a set by another. Printed per way (packaged split, each ``w`` left out, each ``w`` with all
sets for dev and contrast): rows right on the sets per variation, dev mean, contrast accuracy.
Embeddings are cached in ``--cache-dir``. Nothing is written (docs/stance-model.md, session 19).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, ROOT, member_embeddings, tally


def main() -> None:
    import pandas as pd

    from stance.model.head import split_proba
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import DEV_SEED, HEAD_TRAIN_ROWS, dev_sample, head_rows, select_head

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "stance" / "model" / "artifact")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--cache-dir", type=Path, required=True)
    ap.add_argument("--weights", type=float, nargs="+", default=[5.0, 20.0])
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    args = ap.parse_args()

    meta = json.loads((args.model / "meta.json").read_text())
    side_c = meta["head"]["members"][1]["C"]
    frame = _checked_pairs([args.model], args.data)
    fit = frame[frame["split"] != "test"].reset_index(drop=True)
    train, _ = head_rows(fit, seed=DEV_SEED, train_cap=HEAD_TRAIN_ROWS)
    news = {name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets}
    parts = {
        "train": train,
        "dev": dev_sample(fit),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **news,
    }
    x = {
        part: a[0]
        for part, a in member_embeddings(args.model, parts, args.cache_dir, members=[1]).items()
    }
    packaged = StanceModel.load(args.model)
    proba = {
        part: packaged.predict_proba(r["text"].astype(str), r["target"].astype(str))
        for part, r in parts.items()
        if part != "train"
    }
    k = list(CLASSES).index("neutral")

    def side_head(names: list[str], weight: float):
        sided = {n: news[n]["label"].isin(["favor", "against"]).to_numpy() for n in names}
        xs = [x["train"], *[x[n][sided[n]] for n in names]]
        ys = [train["label"].to_numpy(), *[news[n]["label"].to_numpy()[sided[n]] for n in names]]
        w = [np.ones(len(train)), *[np.full(int(sided[n].sum()), weight) for n in names]]
        head, _, _ = select_head(
            np.vstack(xs),
            np.concatenate(ys),
            x["dev"],
            parts["dev"],
            grid=(side_c,),
            sample_weight=np.concatenate(w),
        )
        return head

    def joined(head, part: str) -> np.ndarray:
        return split_proba(head.predict_proba(x[part]), proba[part][:, k], k)

    results: dict[str, dict[str, float | int]] = {}
    for part, rows in parts.items():
        if part != "train":
            tally(results.setdefault("packaged split", {}), part, rows, proba[part])
    for weight in args.weights:
        name = f"w {weight:g}, each set left out"
        for held in args.sets:
            head = side_head([n for n in args.sets if n != held], weight)
            tally(results.setdefault(name, {}), held, news[held], joined(head, held))
        head = side_head(list(args.sets), weight)
        for part in ("dev", "contrast"):
            tally(
                results.setdefault(f"w {weight:g}, all sets", {}),
                part,
                parts[part],
                joined(head, part),
            )
        print(json.dumps({name: results[name]}), flush=True)
    print(json.dumps({"news_rows": sum(len(r) for r in news.values()), "ways": results}, indent=1))


if __name__ == "__main__":
    main()
