"""Scores for stance predictions: macro-F1 (3-way or favor/against), ECE, confusion matrix,
and bootstrap intervals that resample whole topics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stance.bootstrap import group_draws, percentile_interval

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


#: Resamples and level of the intervals :func:`score_split` reports.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_LEVEL = 0.95


def _weighted_scores(
    gold: np.ndarray, pred: np.ndarray, labels: Sequence[str], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Macro-F1 and accuracy for each row of ``weights`` (resamples x rows: how often each row
    is drawn). Per-class F1 is 0 where a class is neither gold nor predicted, as in
    :func:`macro_f1`; a prediction outside ``labels`` counts as wrong."""
    k = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    g = np.array([index.get(x, k) for x in gold])
    p = np.array([index.get(x, k) for x in pred])
    weights = np.asarray(weights, dtype=float)
    # cells[:, i, j]: weight of rows with gold i, prediction j (index k: outside labels)
    cells = np.zeros((len(weights), k + 1, k + 1))
    for i in range(k + 1):
        for j in range(k + 1):
            mask = (g == i) & (p == j)
            if mask.any():
                cells[:, i, j] = weights[:, mask].sum(axis=1)
    tp = np.stack([cells[:, c, c] for c in range(k)], axis=1)
    gold_total = cells[:, :k, :].sum(axis=2)
    pred_total = cells[:, :, :k].sum(axis=1)
    denominator = gold_total + pred_total
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    total = cells.sum(axis=(1, 2))
    accuracy = np.divide(tp.sum(axis=1), total, out=np.zeros_like(total), where=total > 0)
    return f1.mean(axis=1), accuracy


def bootstrap_interval(
    gold: Sequence[str],
    pred: Sequence[str],
    *,
    labels: Sequence[str],
    groups: Sequence | None = None,
    measure: str = "macro_f1",
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = BOOTSTRAP_LEVEL,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of macro-F1 (or ``measure="accuracy"``).

    With ``groups`` (e.g. each row's topic) whole groups are drawn with replacement, so the
    interval includes the spread from one topic to the next that a new topic brings; rows of
    one topic are not independent draws. Without, rows are drawn. Seeded: the same inputs give
    the same interval.
    """
    if measure not in ("macro_f1", "accuracy"):
        raise ValueError(f"measure must be 'macro_f1' or 'accuracy', not {measure!r}")
    gold, pred = np.asarray(gold), np.asarray(pred)
    if len(gold) != len(pred) or not len(gold):
        raise ValueError("gold and pred must be non-empty and of the same length")
    if groups is None:
        group_of = np.arange(len(gold))
    else:
        _, group_of = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    per_group = group_draws(int(group_of.max()) + 1, resamples=resamples, seed=seed)
    f1, accuracy = _weighted_scores(gold, pred, labels, per_group[:, group_of])
    return percentile_interval(f1 if measure == "macro_f1" else accuracy, level)


def score_split(
    proba: np.ndarray, gold: Sequence[str], *, binary: bool, groups: Sequence | None = None
) -> dict:
    """All figures for one split: macro-F1, accuracy, ECE, confusion matrix, row count.

    With ``groups`` (each row's topic) also ``macro_f1_interval``, the 95% bootstrap interval
    over resampled topics (:func:`bootstrap_interval`), and ``topics``.
    """
    gold = np.asarray(gold)
    labels = CLASSES[:2] if binary else CLASSES
    if binary:
        two = proba[:, :2] / proba[:, :2].sum(axis=1, keepdims=True)
        cal = np.column_stack([two, np.zeros(len(two))])
    else:
        cal = proba
    pred = predict_labels(proba, binary=binary)
    out = {
        "n": int(len(gold)),
        "macro_f1": macro_f1(gold, pred, labels=labels),
        "accuracy": float(np.mean(pred == gold)),
        "ece": expected_calibration_error(cal, gold),
        "labels": list(labels),
        "confusion": confusion(gold, pred, labels=labels),
    }
    if groups is not None:
        out["topics"] = int(len(set(np.asarray(groups, dtype=str))))
        out["macro_f1_interval"] = bootstrap_interval(gold, pred, labels=labels, groups=groups)
    return out


def score_datasets(frame, proba: np.ndarray) -> dict[str, dict]:
    """Figures per dataset of a pair table (positional rows of ``proba``).

    VAST gets 3-way scores on all rows and on its zero-shot rows (``seen == 0``); IBM ArgQ,
    Perspectrum and Procon20 favor/against scores; any other dataset 3-way scores. Each with
    its bootstrap interval over topics (the ``target`` column).
    """
    from stance.model.data import BINARY_DATASETS

    frame = frame.reset_index(drop=True)
    out: dict[str, dict] = {}
    for name, rows in frame.groupby("dataset", sort=True):
        idx = rows.index.to_numpy()
        out[name] = score_split(
            proba[idx], rows["label"], binary=name in BINARY_DATASETS, groups=rows["target"]
        )
        if name == "vast":
            zero = rows.index[rows["seen"] == 0].to_numpy()
            if len(zero):
                gold, topics = frame.loc[zero, "label"], frame.loc[zero, "target"]
                out["vast_zero_shot"] = score_split(proba[zero], gold, binary=False, groups=topics)
    return out
