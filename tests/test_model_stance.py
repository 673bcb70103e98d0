"""The packaged stance model loads, scores pairs sensibly and refuses a foreign base encoder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stance.errors import ModelMismatchError
from stance.model import StanceModel
from stance.model.artifact import default_artifact_dir, encoder_files
from stance.model.evaluate import CONTRAST_FILE, NEWS_FILE, score_news

FAVOR = [
    ("Ukraine should join NATO", "We fully support Ukraine's bid to join the alliance."),
    # The implicit "Legal cannabis would take the trade out of criminal hands." scores against
    # (0.62) with the soup and barely favor (0.58) with the earlier model: docs/stance-model.md.
    ("We should legalize cannabis", "Cannabis should be made legal for adults."),
    ("Nuclear power should be expanded", "We need many more nuclear reactors to cut emissions."),
]
AGAINST = [
    ("Ukraine should join NATO", "Ukraine must never become a member of NATO."),
    ("We should legalize cannabis", "Cannabis should stay illegal; it damages young brains."),
    ("Nuclear power should be expanded", "Expanding nuclear power is a costly mistake."),
]


@pytest.fixture(scope="module")
def model() -> StanceModel:
    return StanceModel.load()


def test_clear_statements_get_the_right_label(model):
    pairs = FAVOR + AGAINST
    labels = model.predict([t for _, t in pairs], [g for g, _ in pairs])
    assert list(labels) == ["favor"] * 3 + ["against"] * 3


def test_probabilities_follow_classes_and_sum_to_one(model):
    assert model.classes_ == ["against", "favor", "neutral"]
    texts = [t for _, t in FAVOR + AGAINST]
    targets = [g for g, _ in FAVOR + AGAINST]
    proba = model.predict_proba(texts, targets)
    assert proba.shape == (6, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (proba[:3, 1] > proba[:3, 0]).all()  # favor column is column 1
    assert (proba[3:, 0] > proba[3:, 1]).all()


def test_contrast_set_polarity(model):
    """Statements that differ by a negation, antonym or hedge mostly get their own label."""
    pairs = pd.read_csv(CONTRAST_FILE)
    pred = model.predict(pairs["text"].tolist(), pairs["target"].tolist())
    right = pred == pairs["label"].to_numpy()
    assert right.mean() >= 0.80
    negation = pairs["variation"].eq("negation").to_numpy()
    assert right[negation].mean() >= 0.85


def test_news_style_statements_are_scored_by_kind(model):
    """Commitments in a news report's words mostly read as favor; the whole set beats chance.

    Reversals ("scrapped", "lifted the cap") and non-answers are the known weak spots
    (docs/stance-model.md); this floor guards the part that works.
    """
    result = score_news(model, NEWS_FILE)
    assert result["rows"] == sum(map(sum, result["confusion"])) == 60
    assert set(result["by_variation"]) == {"commitment", "reversal", "non-answer"}
    assert result["by_variation"]["commitment"] >= 0.75
    assert result["accuracy"] >= 0.5


def test_non_answers_in_a_report_mostly_take_no_side(model):
    """A minister who hands the question elsewhere or defers it is neutral, not for or against.

    ``news_test.csv`` was written by a separate author from the gate's templates; a non-answer
    read as a side becomes the "now" quote of a false reversal downstream.
    """
    result = score_news(model, CONTRAST_FILE.with_name("news_test.csv"))
    assert result["by_variation"]["non-answer"] >= 0.6
    assert result["by_variation"]["commitment"] >= 0.7
    texts = [
        "Asked about the fuel duty freeze, the chancellor said that was a matter for the budget.",
        "The minister said a decision on the runway would be taken in due course.",
    ]
    targets = ["The fuel duty freeze should be extended", "The new runway should be built"]
    assert list(model.predict(texts, targets)) == ["neutral", "neutral"]


def test_same_text_flips_with_a_negated_target(model):
    text = ["The government must ban all new coal mines."]
    favor = model.predict_proba(text, ["New coal mines should be banned"])[0]
    against = model.predict_proba(text, ["New coal mines should be allowed"])[0]
    assert favor[1] > favor[0] and against[0] > against[1]


def test_identity_names_model_and_base(model):
    ident = model.identity
    assert ident["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert len(ident["artifact_sha256"]) == 64 and len(ident["base_sha256"]) == 64
    assert ident["code_version"]


def test_artifact_is_small_and_has_no_pickle():
    files = list(default_artifact_dir().iterdir())
    assert sum(f.stat().st_size for f in files) <= 25 * 1024 * 1024
    meta = json.loads((default_artifact_dir() / "meta.json").read_text())
    assert {f.name for f in files} == {*encoder_files(meta), "head.json", "meta.json"}
    assert set(meta["dev_scores"]) >= {"vast", "ibm_argq", "perspectrum", "procon20"}
    assert all(len(h) == 64 for h in meta["training_data"]["files_sha256"].values())


def _copy_artifact(tmp_path, **meta_changes):
    folder = tmp_path / "artifact"
    shutil.copytree(default_artifact_dir(), folder)
    meta = json.loads((folder / "meta.json").read_text())
    for key, value in meta_changes.items():
        meta[key] = value
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_mismatching_base_hash_is_refused(tmp_path):
    folder = _copy_artifact(tmp_path, base_model={"name": "x", "sha256": "0" * 64})
    with pytest.raises(ModelMismatchError, match="retrain") as info:
        StanceModel.load(folder)
    assert "\n" not in str(info.value) and "meta.json" in str(info.value)


def test_other_format_version_is_refused(tmp_path):
    folder = _copy_artifact(tmp_path, format_version=999)
    with pytest.raises(ModelMismatchError, match="format"):
        StanceModel.load(folder)


def test_a_wrong_model_path_is_a_user_error_not_a_mismatch(tmp_path):
    from stance.errors import InputError

    with pytest.raises(InputError, match="no such model folder") as info:
        StanceModel.load(tmp_path / "nope")
    assert info.value.exit_code == 2  # a mismatch (3) is a real artifact that does not fit


@pytest.mark.parametrize(
    ("texts", "targets", "error", "message"),
    [
        ("Ukraine will never join NATO.", "Ukraine should join NATO", TypeError, "single string"),
        ([""], ["Ukraine should join NATO"], ValueError, "text 0 is ''"),
        (["It is right.", None], ["T", "T"], ValueError, "text 1 is None"),
        (["It is right."], [float("nan")], ValueError, "target 0 is nan"),
        (["It is right."], ["T", "U"], ValueError, "1 texts but 2 targets"),
    ],
)
def test_pairs_that_would_get_a_meaningless_reading_are_refused(
    model, texts, targets, error, message
):
    # a bare string would be read character by character; an empty or missing text would
    # still get a confident side
    with pytest.raises(error, match=message):
        model.predict_proba(texts, targets)
    assert model.predict_proba([], []).shape == (0, 3)


def test_adapt_uses_topic_examples_without_changing_the_original(model):
    target = "The city should build a new stadium"
    examples = pd.DataFrame(
        {
            "text": [
                "A stadium would be a fantastic boost for local businesses.",
                "The arena will bring jobs and visitors to the city.",
                "Public money for a stadium is a scandal.",
                "The stadium plan wastes funds that schools need.",
            ],
            "target": [target] * 4,
            "label": ["favor", "favor", "against", "against"],
        }
    )
    adapted = model.adapt(examples, method="head", strength=0.05)
    before = model.predict_proba(examples["text"], examples["target"])
    after = adapted.predict_proba(examples["text"], examples["target"])
    gold = np.array([1, 1, 0, 0])
    assert after[np.arange(4), gold].mean() > before[np.arange(4), gold].mean()
    np.testing.assert_array_equal(model.predict_proba(examples["text"], examples["target"]), before)
    assert adapted.identity["adapted"] and not model.identity["adapted"]


#: Analyst examples for one debate motion (fixtures/examples/cannabis.csv)
CANNABIS_EXAMPLES = pd.read_csv(
    Path(__file__).resolve().parents[1] / "fixtures" / "examples" / "cannabis.csv"
)
CANNABIS = CANNABIS_EXAMPLES["target"].iloc[0]


def test_example_vote_corrects_an_implicit_argument_on_its_own_topic_only(model):
    # an indirect argument the model reads as against until the analyst's examples vote
    text = "Legal cannabis would take the trade out of criminal hands."
    other = ("Britain must rejoin the single market.", "The UK should rejoin the EU")
    voted = model.adapt(CANNABIS_EXAMPLES)
    assert voted.meta["adapted"] == {"examples": 4, "method": "vote", "voting_targets": 1}
    texts, targets = [text, other[0]], [CANNABIS, other[1]]
    before, after = model.predict_proba(texts, targets), voted.predict_proba(texts, targets)
    against, favor, neutral = (model.classes_.index(c) for c in ("against", "favor", "neutral"))
    assert before[0, against] > before[0, favor] and after[0, favor] > after[0, against]
    np.testing.assert_allclose(after[:, neutral], before[:, neutral])  # the vote keeps p(neutral)
    np.testing.assert_allclose(after[1], before[1])  # a target without examples is untouched
    np.testing.assert_array_equal(model.predict_proba(texts, targets), before)
    assert list(voted.predict(texts, targets)) == ["favor", "favor"]


def test_example_vote_needs_examples_on_both_sides(model):
    one_sided = CANNABIS_EXAMPLES[CANNABIS_EXAMPLES["label"] == "favor"]
    voted = model.adapt(one_sided)
    assert voted.meta["adapted"]["voting_targets"] == 0
    texts = ["Legal cannabis would take the trade out of criminal hands."]
    np.testing.assert_array_equal(
        voted.predict_proba(texts, [CANNABIS]), model.predict_proba(texts, [CANNABIS])
    )
    with pytest.raises(ValueError, match="unknown method 'knn'; use one of vote, head"):
        model.adapt(CANNABIS_EXAMPLES, method="knn")


def test_negate_proposition():
    from stance.model.stance_model import negate_proposition

    assert negate_proposition("Ukraine should become a member of NATO") == (
        "Ukraine should not become a member of NATO"
    )
    assert negate_proposition("Ukraine cannot win") == "Ukraine can win"
    assert negate_proposition("Should euthanasia be legal?") is None
