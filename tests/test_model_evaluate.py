"""Evaluation helpers: the accuracy block, the contrast set, negation augmentation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance.model.augment import negate_once, negation_augment
from stance.model.evaluate import BEGIN, CONTRAST_FILE, END, write_block
from stance.model.metrics import expected_calibration_error, score_split


def test_write_block_keeps_other_sections(tmp_path):
    path = tmp_path / "accuracy.md"
    path.write_text("# Accuracy\n\n<!-- attribution:begin -->\nA\n<!-- attribution:end -->\n")
    write_block(path, "first\n")
    write_block(path, "second\n")
    text = path.read_text()
    assert "<!-- attribution:begin -->\nA\n<!-- attribution:end -->" in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert "second" in text and "first" not in text


def test_contrast_set_is_large_varied_and_paired():
    pairs = pd.read_csv(CONTRAST_FILE)
    assert pairs["pair_id"].nunique() >= 100
    assert (pairs.groupby("pair_id").size() == 2).all()
    assert pairs.groupby("pair_id")["target"].nunique().eq(1).all()
    assert set(pairs["label"]) <= {"favor", "against", "neutral"}
    assert pairs["topic"].nunique() >= 8
    assert {"negation", "antonym", "hedge"} <= set(pairs["variation"])


def test_metrics_on_known_predictions():
    proba = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    scores = score_split(proba, ["against", "favor", "favor"], binary=True)
    assert scores["accuracy"] == 2 / 3
    assert scores["confusion"] == [[1, 0], [1, 1]]
    perfect = np.eye(3)[[0, 1, 2]]
    assert expected_calibration_error(perfect, ["against", "favor", "neutral"]) == 0.0


def test_negation_augmentation_flips_labels():
    assert negate_once("We should ban zoos") == "We should not ban zoos"
    assert negate_once("We should not ban zoos") is None
    assert negate_once("Where will science stop?", normative_only=True) is None
    frame = pd.DataFrame(
        {
            "target": ["We should ban zoos", "zoos"],
            "text": ["Zoos must be closed.", "Zoos are fine."],
            "label": ["favor", "neutral"],
            "dataset": ["ibm_argq", "vast"],
            "split": ["train", "train"],
            "seen": [1, 1],
        }
    )
    aug = negation_augment(frame, seed=0)
    assert set(aug["label"]) == {"against"}
    assert "We should not ban zoos" in set(aug["target"])
    assert "Zoos must not be closed." in set(aug["text"])
