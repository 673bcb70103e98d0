"""The diff on the made-up Norland case: every change type, no model involved."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from stance.diff import classify_change, describe_duration, detect_holds, detect_shifts
from stance.timeline import Pooled, build_timeline
from tests.synthetic import load_documents, load_scored


@pytest.fixture(scope="module")
def shifts():
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    before = timeline[timeline["administration"] == "varga"]
    after = timeline[timeline["administration"] == "brandt"]
    return {
        s.topic: s
        for s in detect_shifts(
            before,
            after,
            names={"norland-executive": "Norland executive"},
            before_period="Varga administration",
            after_period="Brandt administration",
            min_confidence=0.3,
        )
    }


def test_each_change_type_is_flagged_on_its_topic(shifts):
    assert {t: s.change for t, s in shifts.items()} == {
        "norland-carbon-tax": "reversal",
        "norland-nuclear-power": "softening",
        "norland-border-fence": "hardening",
        "norland-trade-pact": "new",
        "norland-fishing-quotas": "dropped",
    }


def test_unchanged_position_is_not_flagged(shifts):
    assert "norland-rail-link" not in shifts


def test_reversal_carries_then_and_now_evidence(shifts):
    s = shifts["norland-carbon-tax"]
    assert (s.before_stance, s.after_stance) == ("favor", "against")
    assert s.actor_name == "Norland executive"
    assert all(e.speaker == "Ilona Varga" for e in s.evidence_before)
    assert all(e.speaker == "Otto Brandt" for e in s.evidence_after)
    assert s.evidence_after[0].date == dt.date(2023, 2, 1)
    assert s.after_date == dt.date(2023, 2, 1)
    assert s.held_since == dt.date(2019, 3, 2)
    assert s.held_days == (dt.date(2023, 2, 1) - dt.date(2019, 3, 2)).days
    assert s.confidence > 0.9
    assert s.before_period == "Varga administration"


def test_new_and_dropped_have_one_side_only(shifts):
    new, dropped = shifts["norland-trade-pact"], shifts["norland-fishing-quotas"]
    assert new.before_stance == "" and new.after_stance == "favor" and not new.evidence_before
    assert {e.speaker for e in new.evidence_after} == {"Lena Koss", "Otto Brandt"}
    assert dropped.after_stance == "" and dropped.before_stance == "favor"
    assert dropped.evidence_before and not dropped.evidence_after


def test_confidence_filter_and_order(shifts):
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    before = timeline[timeline["administration"] == "varga"]
    after = timeline[timeline["administration"] == "brandt"]
    strict = detect_shifts(before, after, min_confidence=0.99)
    assert {s.topic for s in strict} < set(shifts)
    confidences = [s.confidence for s in detect_shifts(before, after, min_confidence=0.0)]
    assert confidences == sorted(confidences, reverse=True)


def test_no_drop_without_current_activity():
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    before = timeline[timeline["administration"] == "varga"]
    assert detect_shifts(before, before.iloc[0:0], min_confidence=0.0) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (0.8, -0.7, "reversal"),
        (-0.8, 0.7, "reversal"),
        (0.8, 0.1, "softening"),
        (0.9, 0.4, "softening"),
        (0.0, -0.6, "hardening"),
        (0.3, 0.8, "hardening"),
        (0.6, 0.7, None),
        (0.1, -0.1, None),
    ],
)
def test_classify_change_rules(before, after, expected):
    def pooled(x):
        return Pooled(
            x, 0.1, 2, "favor" if x > 0.25 else "against" if x < -0.25 else "neutral", None, None
        )

    assert classify_change(pooled(before), pooled(after)) == expected


def test_describe_duration():
    assert describe_duration(3 * 365) == "about 3 years"
    assert describe_duration(150) == "about 5 months"
    assert describe_duration(10) == "10 days"


def test_shift_records_round_trip_through_frames(shifts):
    from stance.records import Shift, from_frame, to_frame

    records = list(shifts.values())
    assert from_frame(to_frame(records), Shift) == records


def test_the_unchanged_position_is_reported_as_held_and_only_it():
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    held = detect_holds(
        timeline[timeline["administration"] == "varga"],
        timeline[timeline["administration"] == "brandt"],
        names={"norland-executive": "Norland executive"},
        before_period="Varga administration",
        after_period="Brandt administration",
    )
    # rail link: favor under both administrations; every other topic changed (or had one side)
    (rail,) = held
    assert (rail["topic"], rail["stance"], rail["actor_name"]) == (
        "norland-rail-link",
        "favor",
        "Norland executive",
    )
    assert rail["before_position"] > 0.25 and rail["after_position"] > 0.25
    assert rail["quote_before"].date.year < 2023 <= rail["quote_after"].date.year


def test_statements_pulling_against_a_position_are_shown_beside_it():
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    # a Brandt-era statement for the carbon tax the new government scrapped, and a weak one
    row = timeline[
        (timeline["administration"] == "brandt") & (timeline["topic"] == "norland-carbon-tax")
    ].iloc[[0, 0]]
    row = row.assign(
        text=["the tax has its merits", "the tax is not all bad"],
        position=[0.6, 0.1],
        start_char=[900, 950],
        end_char=[922, 972],
    )
    after = pd.concat([timeline[timeline["administration"] == "brandt"], row], ignore_index=True)
    (shift,) = [
        s
        for s in detect_shifts(timeline[timeline["administration"] == "varga"], after)
        if s.topic == "norland-carbon-tax"
    ]
    assert shift.after_stance == "against"
    assert [e.quote for e in shift.evidence_after_other] == [
        "the tax has its merits",
        "the tax is not all bad",
    ]
    assert not {e.quote for e in shift.evidence_after} & {"the tax has its merits"}
    # the Varga-era position had no statement against it
    assert shift.evidence_before_other == ()


def test_every_topic_compared_appears_once_with_what_the_run_made_of_it(fixtures):
    from stance.registry import ActorRegistry
    from stance.views import compare_governments, topic_overview

    registry = ActorRegistry.load(fixtures / "synthetic" / "actors.yaml")
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    # the border fence read as neutral in the Brandt years too: no side in either period
    fence = (timeline["topic"] == "norland-border-fence") & (timeline["administration"] == "brandt")
    timeline.loc[fence, "position"] = 0.05
    detected = compare_governments(timeline, registry, min_confidence=0)
    table = topic_overview(timeline, registry, detected=detected, min_confidence=0.9)
    assert table["topic"].is_unique
    outcome = dict(zip(table["topic"], table["outcome"], strict=True))
    assert outcome == {
        "norland-carbon-tax": "flagged",
        "norland-nuclear-power": "below threshold",
        "norland-border-fence": "neutral in both",
        "norland-trade-pact": "flagged",
        "norland-fishing-quotas": "below threshold",
        "norland-rail-link": "held",
    }
    carbon = table.set_index("topic").loc["norland-carbon-tax"]
    assert (carbon["change"], carbon["n_before"], carbon["n_after"]) == ("reversal", 2, 2)
    assert carbon["before_period"] == "Varga administration"


def test_a_neutral_position_is_shown_by_its_neutral_statements_and_sided_ones_pull_away():
    docs = load_documents()
    claims, scores = load_scored()
    timeline = build_timeline(claims, scores, docs)
    nuclear = timeline[
        (timeline["administration"] == "brandt") & (timeline["topic"] == "norland-nuclear-power")
    ]
    # a weighty statement for nuclear power beside the "we will look at the evidence" one
    sided = nuclear.iloc[[0]].assign(
        text="reactors have their place", position=0.3, weight=1.0, start_char=900
    )
    after = pd.concat([timeline[timeline["administration"] == "brandt"], sided])
    (shift,) = [
        s
        for s in detect_shifts(timeline[timeline["administration"] == "varga"], after)
        if s.topic == "norland-nuclear-power"
    ]
    assert shift.after_stance == "neutral"
    assert [e.quote for e in shift.evidence_after] == list(nuclear["text"])
    assert [e.quote for e in shift.evidence_after_other] == ["reactors have their place"]
