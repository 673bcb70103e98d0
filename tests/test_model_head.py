"""The stance head follows scikit-learn's contract and round-trips through JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from stance.model.head import AveragedHead, SplitHead, StanceClassifier, head_from_dict


@parametrize_with_checks([StanceClassifier(), AveragedHead(), SplitHead()])
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


def _with_non_answers(seed: int = 3):
    """Blobs plus a fourth cluster of neutral rows that only a gate should learn from."""
    X, y = _blobs(seed)
    rng = np.random.default_rng(seed + 100)
    center = X[y == "favor"].mean(0) + rng.normal(size=8) * 4
    extra = center + rng.normal(size=(40, 8))
    return X, y, extra, center


def test_gate_learns_neutral_from_gate_only_rows_and_keeps_favor_against():
    X, y, extra, center = _with_non_answers()
    plain = StanceClassifier(C=0.5).fit(X, y)
    gated = StanceClassifier(C=0.5, gate_class="neutral").fit(
        np.vstack([X, extra]),
        np.concatenate([y, ["neutral"] * len(extra)]),
        gate_only=np.arange(len(y) + len(extra)) >= len(y),
    )
    np.testing.assert_allclose(gated.coef_, plain.coef_)  # the softmax part never saw them
    probe = center[None, :] + 0.0
    assert plain.predict(probe)[0] != "neutral"
    assert gated.predict(probe)[0] == "neutral"
    proba, before = gated.predict_proba(X), plain.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    # favor against against is split as the softmax head splits it
    np.testing.assert_allclose(
        proba[:, 1] / proba[:, :2].sum(1), before[:, 1] / before[:, :2].sum(1)
    )
    assert (gated.predict(X) == y).mean() >= 0.95
    np.testing.assert_array_equal(gated.decision_function(X).argmax(1), proba.argmax(1))


def test_gate_calibration_matches_the_neutral_share_of_the_chosen_rows():
    X, y = _blobs(5)
    head = StanceClassifier(C=100.0, gate_class="neutral", gate_C=100.0).fit(X, y)
    # held-out rows where neutral is rarer than in training, plus rows of a favor/against-only
    # source that the gate should not be calibrated on
    rng = np.random.default_rng(9)
    held = np.concatenate([np.flatnonzero(y == "neutral")[:8], np.flatnonzero(y != "neutral")])
    X_cal, y_cal = X[held] + rng.normal(size=(len(held), 8)), y[held]
    three_way = np.arange(len(held)) < 48  # 8 neutral + 40 against
    head.calibrate(X_cal, y_cal, gate_rows=three_way)
    p_neutral = head.predict_proba(X_cal)[:, list(head.classes_).index("neutral")]
    # Platt scaling with a bias: the mean gate probability equals the neutral share there
    assert p_neutral[three_way].mean() == pytest.approx(8 / 48, abs=1e-3)
    assert head.gate_temperature_ > 0
    with pytest.raises(ValueError, match="gate_rows must be a boolean mask"):
        head.calibrate(X_cal, y_cal, gate_rows=np.zeros(len(held), bool))
    plain = StanceClassifier(C=1.0).fit(X, y)
    with pytest.raises(ValueError, match="gate_rows needs a head with a gate"):
        plain.calibrate(X_cal, y_cal, gate_rows=three_way)


def test_gated_head_calibrates_both_parts_and_round_trips():
    X, y, extra, _ = _with_non_answers(4)
    head = StanceClassifier(C=100.0, gate_class="neutral", gate_C=100.0).fit(X, y)
    noisy = y.copy()
    noisy[::3] = np.roll(y, 40)[::3]
    head.calibrate(X, noisy)
    assert head.temperature_ > 1.0 and head.gate_temperature_ > 1.0
    data = json.loads(json.dumps(head.to_dict()))
    assert data["format"] == "stance-head/2" and "gate" in data
    clone = StanceClassifier.from_dict(data)
    np.testing.assert_array_equal(clone.predict_proba(X), head.predict_proba(X))
    # adapting to analyst examples keeps the gate
    adapted = head.adapted(X[:4], y[:4])
    np.testing.assert_array_equal(adapted.gate_coef_, head.gate_coef_)


def test_head_reads_the_earlier_format_and_refuses_unknown_ones():
    X, y = _blobs()
    data = StanceClassifier().fit(X, y).to_dict()
    old = {**data, "format": "stance-head/1"}
    old["params"] = {k: v for k, v in data["params"].items() if not k.startswith("gate")}
    np.testing.assert_array_equal(
        StanceClassifier.from_dict(old).predict_proba(X),
        StanceClassifier.from_dict(data).predict_proba(X),
    )
    with pytest.raises(ValueError, match="stance-head/9"):
        StanceClassifier.from_dict({**data, "format": "stance-head/9"})


def test_gate_needs_a_gate_class_of_three_or_more():
    X, y = _blobs()
    with pytest.raises(ValueError, match="gate_only needs"):
        StanceClassifier().fit(X, y, gate_only=np.zeros(len(y), bool))
    two = y != "neutral"
    with pytest.raises(ValueError, match="three or more"):
        StanceClassifier(gate_class="neutral").fit(X[two], y[two])


def test_averaged_head_averages_its_members_on_their_own_columns():
    X, y = _blobs()
    other = X[:, ::-1] + 0.5
    heads = [
        StanceClassifier(C=c).fit(x, y).calibrate(x[::2], y[::2])
        for c, x in ((0.5, X), (2.0, other))
    ]
    both = np.hstack([X, other])
    head = AveragedHead.from_heads(heads)
    expected = (heads[0].predict_proba(X) + heads[1].predict_proba(other)) / 2
    np.testing.assert_allclose(head.predict_proba(both), expected)
    assert head.n_features_in_ == 16
    again = head_from_dict(json.loads(json.dumps(head.to_dict())))
    assert isinstance(again, AveragedHead)
    np.testing.assert_array_equal(again.predict_proba(both), head.predict_proba(both))
    assert isinstance(head_from_dict(heads[0].to_dict()), StanceClassifier)
    with pytest.raises(ValueError, match="16 features"):
        head.predict_proba(X)  # one member's columns alone are refused


def test_averaged_head_adapts_every_member():
    X, y = _blobs()
    head = AveragedHead.from_heads([StanceClassifier().fit(X, y), StanceClassifier().fit(X, y)])
    both = np.hstack([X, X])
    flipped = np.where(y == "favor", "against", np.where(y == "against", "favor", y))
    adapted = head.adapted(both[:12], flipped[:12], strength=0.01)
    for old, new in zip(head.heads_, adapted.heads_, strict=True):
        assert not np.allclose(old.coef_, new.coef_)
    np.testing.assert_array_equal(
        head.predict_proba(both), AveragedHead.from_heads(head.heads_).predict_proba(both)
    )


def test_split_head_takes_neutral_from_one_member_and_the_side_from_the_other():
    X, y = _blobs()
    other = X[:, ::-1] + 0.5
    gate = StanceClassifier(gate_class="neutral").fit(X, y)
    side = StanceClassifier(C=0.1).fit(other, y)
    both = np.hstack([X, other])
    head = SplitHead.from_heads([gate, side], neutral_from=0, side_from=1)
    proba = head.predict_proba(both)
    k = list(head.classes_).index("neutral")
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, k], gate.predict_proba(X)[:, k])
    s = side.predict_proba(other)
    np.testing.assert_allclose(  # favor : against as the side member has it
        proba[:, 0] / proba[:, 1], s[:, 0] / s[:, 1], rtol=1e-9
    )
    assert (head.predict(both) == y).mean() > 0.8
    # the roles survive JSON and adaptation; swapped roles give other scores
    again = head_from_dict(json.loads(json.dumps(head.to_dict())))
    assert isinstance(again, SplitHead)
    np.testing.assert_array_equal(again.predict_proba(both), proba)
    adapted = head.adapted(both[:12], y[:12], strength=0.01)
    assert (adapted.neutral_from, adapted.side_from) == (0, 1)
    swapped = SplitHead.from_heads([gate, side], neutral_from=1, side_from=0)
    assert not np.allclose(swapped.predict_proba(both), proba)
    with pytest.raises(ValueError, match="side_from=2 names no member of 2"):
        SplitHead.from_heads([gate, side], neutral_from=0, side_from=2)
