"""Scores for stance predictions: macro-F1 (3-way or favor/against), ECE, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CLASSES = ("against", "favor", "neutral")


def predict_labels(proba: np.ndarray, *, binary: bool = False) -> np.ndarray:
    """Argmax labels; ``binary`` restricts the choice to against/favor (columns 0, 1)."""
    cols = proba[:, :2] if binary else proba
    return np.asarray(CLASSES)[np.argmax(cols, axis=1)]


def macro_f1(gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over ``labels``."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def expected_calibration_error(
    proba: np.ndarray, gold: Sequence[str], *, n_bins: int = 15
) -> float:
    """Top-label ECE: mean |accuracy - confidence| over equal-width confidence bins."""
    gold = np.asarray(gold)
    conf = proba.max(axis=1)
    correct = np.asarray(CLASSES)[proba.argmax(axis=1)] == gold
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(conf, edges[1:-1]), 0, n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def confusion(gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str]) -> list:
    """Confusion matrix as nested lists (rows gold, columns predicted, order ``labels``)."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(gold, pred, labels=list(labels)).tolist()


def score_split(proba: np.ndarray, gold: Sequence[str], *, binary: bool) -> dict:
    """All figures for one split: macro-F1, accuracy, ECE, confusion matrix, row count."""
    gold = np.asarray(gold)
    labels = CLASSES[:2] if binary else CLASSES
    if binary:
        two = proba[:, :2] / proba[:, :2].sum(axis=1, keepdims=True)
        cal = np.column_stack([two, np.zeros(len(two))])
    else:
        cal = proba
    pred = predict_labels(proba, binary=binary)
    return {
        "n": int(len(gold)),
        "macro_f1": macro_f1(gold, pred, labels=labels),
        "accuracy": float(np.mean(pred == gold)),
        "ece": expected_calibration_error(cal, gold),
        "labels": list(labels),
        "confusion": confusion(gold, pred, labels=labels),
    }


def score_datasets(frame, proba: np.ndarray) -> dict[str, dict]:
    """Figures per dataset of a pair table (positional rows of ``proba``).

    VAST gets 3-way scores on all rows and on its zero-shot rows (``seen == 0``); IBM ArgQ,
    Perspectrum and Procon20 favor/against scores; any other dataset 3-way scores.
    """
    from stance.model.data import BINARY_DATASETS

    frame = frame.reset_index(drop=True)
    out: dict[str, dict] = {}
    for name, rows in frame.groupby("dataset", sort=True):
        idx = rows.index.to_numpy()
        out[name] = score_split(proba[idx], rows["label"], binary=name in BINARY_DATASETS)
        if name == "vast":
            zero = rows.index[rows["seen"] == 0].to_numpy()
            if len(zero):
                gold = frame.loc[zero, "label"]
                out["vast_zero_shot"] = score_split(proba[zero], gold, binary=False)
    return out
