"""Timelines: positions, pooling with uncertainty, hedged claims weigh less."""

from __future__ import annotations

import dataclasses

import pytest

from stance.records import Claim, StanceScore, from_frame, to_frame
from stance.timeline import HEDGE_WEIGHT, build_timeline, pool, positions, stance_of
from tests.synthetic import load_documents, load_scored


def test_build_timeline_joins_claims_scores_and_sources():
    docs = load_documents()
    claims, scores = load_scored()
    frame = build_timeline(claims, scores, docs)
    assert len(frame) == len(scores)
    assert list(frame["date"]) == sorted(frame["date"])
    row = frame[frame["text"].str.startswith("has failed families")].iloc[0]
    assert row["position"] == pytest.approx(0.03 - 0.94)
    assert row["source"] == "Norland Daily (fictional): Brandt scraps carbon tax"


def test_unlinked_scores_are_left_out_and_hedges_weigh_less():
    docs = load_documents()
    claims, scores = load_scored()
    claims[0] = dataclasses.replace(claims[0], hedged=True)
    scores[1] = dataclasses.replace(scores[1], label="")
    frame = build_timeline(claims, scores, docs)
    assert len(frame) == len(scores) - 1
    assert frame.set_index("claim_id").loc[claims[0].id, "weight"] == HEDGE_WEIGHT


def test_pool_uncertainty_shrinks_with_agreeing_claims():
    docs = load_documents()
    claims, scores = load_scored()
    frame = build_timeline(claims, scores, docs)
    carbon = frame[(frame["topic"] == "norland-carbon-tax") & (frame["administration"] == "brandt")]
    one, two = pool(carbon.iloc[:1]), pool(carbon)
    assert two.n == 2 and two.se < one.se
    assert two.stance == "against"


def test_override_label_replaces_model_probabilities():
    docs = load_documents()
    claims, scores = load_scored()
    scores[0] = dataclasses.replace(scores[0], override="against", label="against")
    row = build_timeline(claims, scores, docs).set_index("claim_id").loc[claims[0].id]
    assert (row["p_favor"], row["p_against"], row["position"]) == (0.0, 1.0, -1.0)


def test_positions_per_quarter():
    docs = load_documents()
    claims, scores = load_scored()
    table = positions(build_timeline(claims, scores, docs), level="government", freq="YE")
    carbon = table[table["topic"] == "norland-carbon-tax"].set_index("period_end")
    assert list(carbon["stance"]) == ["favor", "favor", "against", "against"]
    assert (carbon["lower"] <= carbon["position"]).all() and (
        carbon["position"] <= carbon["upper"]
    ).all()


@pytest.mark.parametrize(("x", "label"), [(0.6, "favor"), (-0.3, "against"), (0.2, "neutral")])
def test_stance_of(x, label):
    assert stance_of(x) == label


def test_records_round_trip_through_frames():
    claims, scores = load_scored()
    assert from_frame(to_frame(claims), Claim) == claims
    assert from_frame(to_frame(scores), StanceScore) == scores
