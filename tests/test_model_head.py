"""The stance head follows scikit-learn's contract and round-trips through JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from stance.model.head import StanceClassifier


@parametrize_with_checks([StanceClassifier()])
def test_sklearn_contract(estimator, check):
    check(estimator)


def _blobs(seed: int = 0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, 8)) * 3
    y = np.repeat(np.array(["against", "favor", "neutral"]), 40)
    X = centers[np.repeat(np.arange(3), 40)] + rng.normal(size=(120, 8))
    return X, y


def test_json_round_trip_gives_identical_predictions():
    X, y = _blobs()
    head = StanceClassifier(C=0.5).fit(X, y).calibrate(X[::2], y[::2])
    clone = StanceClassifier.from_dict(json.loads(json.dumps(head.to_dict())))
    np.testing.assert_array_equal(clone.predict_proba(X), head.predict_proba(X))
    assert list(clone.classes_) == ["against", "favor", "neutral"]
    assert clone.get_params() == head.get_params()


def test_calibration_softens_an_overconfident_head():
    X, y = _blobs(1)
    head = StanceClassifier(C=100.0).fit(X, y)
    noisy = y.copy()
    noisy[::3] = np.roll(y, 40)[::3]  # held-out labels a third wrong: the head must hedge
    before = head.predict_proba(X).max(1).mean()
    head.calibrate(X, noisy)
    assert head.temperature_ > 1.0
    assert head.predict_proba(X).max(1).mean() < before
    np.testing.assert_allclose(head.predict_proba(X).sum(1), 1.0)


def test_adapted_moves_toward_examples_and_leaves_original_alone():
    X, y = _blobs(2)
    head = StanceClassifier().fit(X, y)
    probe = X[:1] + 0.0
    flipped = head.adapted(np.repeat(probe, 6, 0), ["favor"] * 6, strength=0.1)
    assert head.predict(probe)[0] == "against"
    assert flipped.predict(probe)[0] == "favor"
    with pytest.raises(ValueError):
        head.adapted(probe, ["unknown"])
