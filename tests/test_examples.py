"""The codebook examples against the real packaged model: the check and the nearest example."""

from __future__ import annotations

import dataclasses

import pytest

from stance.codebook import Codebook, Topic
from stance.examples import (
    CHECK_COLUMNS,
    check_cached,
    check_examples,
    check_summary,
    matches_cached,
    nearest_examples,
)
from stance.model import StanceModel
from stance.store import Store

NATO = Topic(
    id="nato",
    label="Ukraine in NATO",
    proposition="Ukraine should become a member of NATO",
    favor_examples=(
        "Ukraine's place is in the alliance, and we will bring it in.",
        "Membership in NATO is the only guarantee that Russia will not invade again.",
    ),
    against_examples=(
        "Bringing Ukraine into NATO is simply not realistic.",
        # mislabelled on purpose: the check must catch it
        "Ukraine will join NATO, and we will welcome it with open arms.",
    ),
)
BARE = Topic(id="tariffs", label="Tariffs", proposition="We should raise tariffs on steel")


@pytest.fixture(scope="module")
def model():
    return StanceModel.load()


@pytest.fixture(scope="module")
def book():
    return Codebook(name="test", version="1", sha256="0" * 64, topics=(NATO, BARE))


def test_check_reads_each_example_and_catches_a_mislabelled_one(model, book):
    checked = check_examples(book, model)
    assert list(checked.columns) == CHECK_COLUMNS
    assert len(checked) == 4 and set(checked["topic"]) == {"nato"}
    by_text = checked.set_index("text")
    wrong = by_text.loc["Ukraine will join NATO, and we will welcome it with open arms."]
    assert (wrong["label"], wrong["read"], bool(wrong["agrees"])) == ("against", "favor", False)
    assert by_text.loc["Bringing Ukraine into NATO is simply not realistic.", "read"] == "against"
    (summary,) = check_summary(checked)
    assert summary["topic"] == "nato" and summary["examples"] == 4
    assert summary["read_as_labelled"] == int(checked["agrees"].sum())
    assert {"label": "against", "read": "favor", "text": wrong.name} in summary["misread"]


def test_a_paraphrase_reads_most_like_its_example(model):
    quotes = [
        "Letting Ukraine into NATO just isn't realistic.",
        "Only NATO membership can guarantee that Russia does not invade again.",
        "Steel tariffs go up next week.",
    ]
    near = nearest_examples(model, quotes=quotes, topics=[NATO, NATO, BARE])
    assert near[0].example == "Bringing Ukraine into NATO is simply not realistic."
    assert near[0].label == "against" and near[0].topic == "nato"
    assert near[1].label == "favor" and "only guarantee" in near[1].example
    assert near[0].similarity > 0.8 and -1.0 <= near[1].similarity <= 1.0
    assert near[2] is None  # a topic without examples has nothing to compare with
    with pytest.raises(ValueError, match="one per quote"):
        nearest_examples(model, quotes=quotes, topics=[NATO])


def test_readings_are_kept_in_the_store_and_redone_when_an_example_changes(model, book):
    loads = []

    def load():
        loads.append(1)
        return model

    quote = "Letting Ukraine into NATO just isn't realistic."
    with Store.open(":memory:") as db:
        first = check_cached(book, store=db, model_id="m", load_model=load)
        found = matches_cached(
            [("nato", quote), ("tariffs", quote)], book, store=db, model_id="m", load_model=load
        )
        assert len(loads) == 2 and set(found) == {("nato", quote)}
        assert first.drop(columns=[c for c in first if c.startswith("p_")]).equals(
            check_examples(book, model).drop(columns=[c for c in first if c.startswith("p_")])
        )

        def refuse():
            raise AssertionError("the model was loaded although every reading was stored")

        again = check_cached(book, store=db, model_id="m", load_model=refuse)
        assert again.equals(first)
        kept = matches_cached([("nato", quote)], book, store=db, model_id="m", load_model=refuse)
        assert kept == {("nato", quote): found[("nato", quote)]}

        edited = dataclasses.replace(NATO, against_examples=("Never in NATO.",))
        other = Codebook(name="test", version="2", sha256="1" * 64, topics=(edited,))
        check_cached(other, store=db, model_id="m", load_model=load)
        matches_cached([("nato", quote)], other, store=db, model_id="m", load_model=load)
        assert len(loads) == 4
        # another model has its own readings
        check_cached(book, store=db, model_id="other", load_model=load)
        assert len(loads) == 5


def test_a_quote_is_marked_only_for_a_close_example_on_the_other_side():
    from stance.examples import CLOSE, ExampleMatch, marks_other_side

    near_against = ExampleMatch("nato", "Not realistic.", "against", CLOSE)
    assert marks_other_side(near_against, "favor")
    assert not marks_other_side(near_against, "against")  # same side
    assert not marks_other_side(near_against, "neutral")  # a neutral position has no other side
    far = dataclasses.replace(near_against, similarity=CLOSE - 0.01)
    assert not marks_other_side(far, "favor")
    assert not marks_other_side(dataclasses.replace(near_against, label="neutral"), "favor")
    assert not marks_other_side(None, "favor")
