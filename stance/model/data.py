"""Read the public stance datasets into one table of (target, text, label) pairs.

Every loader returns a DataFrame with the columns of :data:`PAIR_COLUMNS`:
``target`` (the proposition or topic), ``text`` (the statement), ``label`` (one of
``against``/``favor``/``neutral``), ``dataset``, ``split`` (``train``/``dev``/``test``) and
``seen`` (VAST's ``seen?`` flag: 0 marks zero-shot test rows; 1 elsewhere).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from stance.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

PAIR_COLUMNS = ("target", "text", "label", "dataset", "split", "seen")
DATASETS = ("vast", "ibm_argq", "perspectrum", "procon20", "emergent")
#: Datasets scored favor-vs-against only (no neutral class in their labels).
BINARY_DATASETS = ("ibm_argq", "perspectrum", "procon20")

_FILES: dict[str, dict[str, str]] = {
    "vast": {
        "train": "vast/vast_train.csv",
        "dev": "vast/vast_dev_onecol_from_ZeroStance.csv",
        "test": "vast/vast_test.csv",
    },
    "ibm_argq": {
        "train": "ibm_argq_30k_stance/raw_train_all_onecol.csv",
        "dev": "ibm_argq_30k_stance/raw_val_all_onecol.csv",
        "test": "ibm_argq_30k_stance/raw_test_all_onecol.csv",
    },
    "perspectrum": {
        split: f"perspectrum/perspectrum_claim_perspective_stance_{split}.csv"
        for split in ("train", "dev", "test")
    },
    "procon20": {split: f"procon20/{split}.tsv" for split in ("train", "dev", "test")},
    # Emergent has no dev split: one claim in ten of its train file is held out as dev.
    "emergent": {
        "train": "emergent/emergent_train_reconstructed.csv",
        "dev": "emergent/emergent_train_reconstructed.csv",
        "test": "emergent/emergent_test_reconstructed.csv",
    },
}

_ONECOL = {"FAVOR": "favor", "AGAINST": "against", "NONE": "neutral"}
_VAST = {0: "against", 1: "favor", 2: "neutral"}


def dataset_files(data_dir: Path | str, *, datasets: Iterable[str] = DATASETS) -> dict[str, str]:
    """Map each data file used (relative path) to its sha256, for the artifact's ``meta.json``."""
    root = Path(data_dir)
    out: dict[str, str] = {}
    for name in datasets:
        for rel in sorted(set(_FILES[name].values())):
            out[rel] = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    return out


def _read(path: Path, **kwargs) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise InputError(
            f"{path}: dataset file not found; pass --data pointing at a folder laid out like "
            "../shared/datasets (see its README.md)"
        )
    return pd.read_csv(path, **kwargs)


def _frame(target, text, label, dataset: str, split: str, seen=1) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "target": pd.Series(target).astype(str).str.strip().to_numpy(),
            "text": pd.Series(text).astype(str).str.strip().to_numpy(),
            "label": pd.Series(label).to_numpy(),
        }
    )
    frame["dataset"] = dataset
    frame["split"] = split
    frame["seen"] = seen if not hasattr(seen, "__len__") else list(seen)
    frame = frame[(frame["text"] != "") & (frame["target"] != "") & frame["label"].notna()]
    return frame.reset_index(drop=True)


def load_split(data_dir: Path | str, dataset: str, split: str) -> pd.DataFrame:
    """Load one split of one dataset as a pair table (columns :data:`PAIR_COLUMNS`).

    Args:
        data_dir: Folder laid out as ``../shared/datasets``.
        dataset: One of :data:`DATASETS`.
        split: ``train``, ``dev`` or ``test``.
    """
    path = Path(data_dir) / _FILES[dataset][split]
    if dataset == "vast" and split in ("train", "test"):
        raw = _read(path)
        return _frame(
            raw["topic_str"], raw["post"], raw["label"].map(_VAST), dataset, split, raw["seen?"]
        )
    if dataset == "vast":
        raw = _read(path)
        return _frame(
            raw["Target 1"],
            raw["Tweet"],
            raw["Stance 1"].map(_ONECOL),
            dataset,
            split,
            raw["seen?"],
        )
    if dataset == "ibm_argq":
        raw = _read(path)
        return _frame(raw["Target 1"], raw["Tweet"], raw["Stance 1"].map(_ONECOL), dataset, split)
    if dataset == "perspectrum":
        raw = _read(path)
        labels = raw["stance_label_3"].map({"SUPPORT": "favor", "UNDERMINE": "against"})
        return _frame(raw["claim"], raw["perspective"], labels, dataset, split)
    if dataset == "procon20":
        raw = _read(path, sep="\t", header=None, names=["label", "question", "text"], dtype=str)
        labels = raw["label"].str.strip().map({"01": "favor", "10": "against"})
        return _frame(raw["question"], raw["text"], labels, dataset, split)
    if dataset == "emergent":
        raw = _read(path)
        if split != "test":
            held = raw["claimId"].map(lambda c: zlib.crc32(str(c).encode()) % 10 == 0)
            raw = raw[held] if split == "dev" else raw[~held]
        labels = raw["articleHeadlineStance"].map(
            {"for": "favor", "against": "against", "observing": "neutral"}
        )
        return _frame(raw["claimHeadline"], raw["articleHeadline"], labels, dataset, split)
    raise InputError(f"unknown dataset {dataset!r}; use one of {', '.join(DATASETS)}")


def load_pairs(
    data_dir: Path | str,
    *,
    datasets: Iterable[str] = DATASETS,
    splits: Iterable[str] = ("train", "dev", "test"),
) -> pd.DataFrame:
    """Load and concatenate splits of several datasets (columns :data:`PAIR_COLUMNS`)."""
    import pandas as pd

    frames = [load_split(data_dir, name, split) for name in datasets for split in splits]
    return pd.concat(frames, ignore_index=True)[list(PAIR_COLUMNS)]
