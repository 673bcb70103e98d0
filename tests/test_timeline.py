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


def _said(start, end, text, *, actor, kind="reported", government="us-executive"):
    import datetime as dt

    claim = Claim(
        doc_id="d1",
        text=text,
        start_char=start,
        end_char=end,
        date=dt.date(2025, 2, 12),
        actor=actor,
        government=government,
        kind=kind,
    )
    return claim, StanceScore(claim.id, "t", 1.0, "favor", 0.8, 0.1, 0.1)


def test_a_statement_is_counted_once_when_a_fragment_overhangs_or_another_speaker_is_quoted():
    pairs = [
        # the clause ends before the closing punctuation, the fragment after it
        _said(
            49, 135, 'a carbon tax was "the fairest way to cut emissions this year', actor="varga"
        ),
        _said(
            67, 136, "the fairest way to cut emissions this year.", actor="varga", kind="partial"
        ),
        # the president reports his secretary's words; the secretary's own quote is kept
        _said(200, 246, "Hegseth had said “it’s unlikely or impractical", actor="trump"),
        _said(218, 246, "it’s unlikely or impractical", actor="hegseth", kind="direct"),
        # a separate statement after the clause, and another government's, both stay
        _said(140, 190, "the tax would stay until the end of the decade", actor="varga"),
        _said(219, 246, "t’s unlikely or impractical", actor="putin", government="ru"),
    ]
    claims, scores = zip(*pairs, strict=True)
    frame = build_timeline(claims, scores, {})
    kept = set(zip(frame["actor"], frame["start_char"], strict=True))
    assert kept == {("varga", 49), ("hegseth", 218), ("varga", 140), ("putin", 219)}
