"""Bootstrap intervals over topics: the noise a reader should allow for in docs/accuracy.md."""

from __future__ import annotations

import numpy as np
import pytest

from stance.model.evaluate import target_verdict
from stance.model.metrics import (
    CLASSES,
    _weighted_scores,
    bootstrap_interval,
    macro_f1,
    score_split,
)


def _predictions(n: int, right: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    gold = rng.choice(CLASSES, size=n)
    wrong = rng.random(n) > right
    pred = gold.copy()
    pred[wrong] = rng.choice(CLASSES, size=int(wrong.sum()))
    return gold, pred


def test_weighted_scores_with_unit_weights_are_sklearns_macro_f1_and_accuracy():
    gold, pred = _predictions(300, 0.6, seed=1)
    f1, accuracy = _weighted_scores(gold, pred, CLASSES, np.ones((1, len(gold))))
    assert f1[0] == pytest.approx(macro_f1(gold, pred, labels=CLASSES))
    assert accuracy[0] == pytest.approx(np.mean(gold == pred))
    # favor/against scoring: a "neutral" prediction is wrong, and no class of its own
    two = gold != "neutral"
    f1, _ = _weighted_scores(gold[two], pred[two], CLASSES[:2], np.ones((1, int(two.sum()))))
    assert f1[0] == pytest.approx(macro_f1(gold[two], pred[two], labels=CLASSES[:2]))


def test_weighted_scores_count_a_row_drawn_twice_twice():
    gold = np.array(["favor", "against", "favor"])
    pred = np.array(["favor", "favor", "against"])
    _, accuracy = _weighted_scores(gold, pred, CLASSES[:2], np.array([[3, 1, 0]]))
    assert accuracy[0] == pytest.approx(3 / 4)


def test_interval_brackets_the_figure_and_is_the_same_for_the_same_seed():
    gold, pred = _predictions(600, 0.7, seed=2)
    topics = np.repeat(np.arange(60), 10)
    low, high = bootstrap_interval(gold, pred, labels=CLASSES, groups=topics)
    assert low < macro_f1(gold, pred, labels=CLASSES) < high
    assert high - low < 0.2
    assert bootstrap_interval(gold, pred, labels=CLASSES, groups=topics) == (low, high)
    assert bootstrap_interval(gold, pred, labels=CLASSES, groups=topics, seed=1) != (low, high)


def test_a_perfect_predictor_has_a_point_interval():
    gold, _ = _predictions(100, 1.0, seed=3)
    topics = np.repeat(np.arange(20), 5)
    for measure in ("accuracy", "macro_f1"):
        interval = bootstrap_interval(gold, gold, labels=CLASSES, groups=topics, measure=measure)
        assert interval == (1.0, 1.0)


def test_resampling_topics_widens_the_interval_when_topics_differ():
    # half the topics read perfectly, half at chance: rows of one topic are not independent
    gold, pred = [], []
    for topic in range(40):
        g, p = _predictions(25, 1.0 if topic % 2 else 0.0, seed=topic)
        gold.extend(g)
        pred.extend(p)
    topics = np.repeat(np.arange(40), 25)
    by_row = bootstrap_interval(gold, pred, labels=CLASSES, measure="accuracy")
    by_topic = bootstrap_interval(gold, pred, labels=CLASSES, groups=topics, measure="accuracy")
    assert by_topic[1] - by_topic[0] > 1.5 * (by_row[1] - by_row[0])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="measure"):
        bootstrap_interval(["favor"], ["favor"], labels=CLASSES, measure="recall")
    with pytest.raises(ValueError, match="same length"):
        bootstrap_interval(["favor"], ["favor", "against"], labels=CLASSES)


def test_score_split_reports_topics_and_an_interval_around_its_macro_f1():
    gold, pred = _predictions(400, 0.7, seed=4)
    proba = np.eye(3)[[CLASSES.index(p) for p in pred]] * 0.8 + 0.2 / 3
    topics = np.repeat([f"topic {i}" for i in range(40)], 10)
    scores = score_split(proba, gold, binary=False, groups=topics)
    assert scores["topics"] == 40
    low, high = scores["macro_f1_interval"]
    assert low <= scores["macro_f1"] <= high
    assert "macro_f1_interval" not in score_split(proba, gold, binary=False)


@pytest.mark.parametrize(
    ("value", "interval", "target", "verdict"),
    [
        (0.883, (0.872, 0.894), 0.88, "not settled"),
        (0.90, (0.885, 0.91), 0.88, "yes"),
        (0.674, (0.650, 0.698), 0.72, "no"),
        (0.70, None, 0.75, "no"),
        (0.80, None, 0.75, "yes"),
        (0.75, (0.7, 0.8), None, "–"),
    ],
)
def test_a_target_is_met_only_when_the_whole_interval_clears_it(value, interval, target, verdict):
    assert target_verdict(value, interval, target) == verdict
