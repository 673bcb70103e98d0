"""Evaluation helpers (accuracy block, contrast set) and training-data augmentation."""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd
import pytest

from stance.model.augment import (
    action_augment,
    antonym_augment,
    deflect_augment,
    negate_once,
    negation_augment,
    off_topic_augment,
    report_augment,
    report_statement,
    report_target,
    topic_phrase,
)
from stance.model.evaluate import (
    BEGIN,
    CONTRAST_FILE,
    END,
    NEWS_FILE,
    off_topic_pairs,
    write_block,
)
from stance.model.metrics import expected_calibration_error, score_split

#: Written in session 9 and scored by no model there: the news-style check of the next choice.
NEWS_DEV_FILE = CONTRAST_FILE.with_name("news_dev.csv")
#: Written in session 10 by a separate author who saw neither the templates nor the other sets.
NEWS_TEST_FILE = CONTRAST_FILE.with_name("news_test.csv")


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


ALL_NEWS_FILES = sorted(CONTRAST_FILE.parent.glob("news_*.csv"))


@pytest.mark.parametrize("path", ALL_NEWS_FILES, ids=lambda p: p.name)
def test_news_statements_give_each_topic_a_commitment_a_reversal_and_a_non_answer(path):
    rows = pd.read_csv(path)
    assert rows["group_id"].nunique() >= 20
    kinds = {"commitment": "favor", "reversal": "against", "non-answer": "neutral"}
    for _, group in rows.groupby("group_id"):
        assert group["target"].nunique() == 1
        assert dict(zip(group["variation"], group["label"], strict=True)) == kinds


def test_news_sets_share_no_statement_or_target_with_each_other_or_the_contrast_set():
    news, dev = pd.read_csv(NEWS_FILE), pd.read_csv(NEWS_DEV_FILE)
    held_out = pd.read_csv(NEWS_TEST_FILE)
    contrast = pd.read_csv(CONTRAST_FILE)
    hedge = pd.read_csv(CONTRAST_FILE.with_name("hedge_dev.csv"))
    assert not set(dev["target"]) & set(news["target"])
    for other in (news, contrast, hedge):
        assert not set(dev["text"]) & set(other["text"])
    assert not set(news["text"]) & set(contrast["text"])
    for other in (news, dev, contrast, hedge):
        assert not set(held_out["target"]) & set(other["target"])
        assert not set(held_out["text"]) & set(other["text"])


def test_later_judge_sets_bring_new_targets():
    # each set from news_test2 on was written to avoid every target used before it
    seen = set(pd.read_csv(CONTRAST_FILE)["target"])
    for path in [NEWS_FILE, NEWS_DEV_FILE, NEWS_TEST_FILE]:
        seen |= set(pd.read_csv(path)["target"])
    later = [p for p in ALL_NEWS_FILES if p.stem.startswith("news_test") and p.stem[-1].isdigit()]
    assert [p.stem for p in later][-1] == "news_test7"
    for path in sorted(later, key=lambda p: int(p.stem.removeprefix("news_test"))):
        targets = set(pd.read_csv(path)["target"])
        assert not targets & seen, path.name
        seen |= targets


def test_off_topic_pairs_give_every_statement_another_groups_target():
    pairs = off_topic_pairs([NEWS_DEV_FILE, NEWS_TEST_FILE], seed=13)
    rows = pd.concat([pd.read_csv(NEWS_DEV_FILE), pd.read_csv(NEWS_TEST_FILE)], ignore_index=True)
    assert list(pairs["text"]) == list(rows["text"])  # every statement once, in order
    assert (pairs["target"] != rows["target"]).all()
    own_set = {name: set(pd.read_csv(CONTRAST_FILE.with_name(f"{name}.csv"))["target"])
               for name in ("news_dev", "news_test")}  # fmt: skip
    assert all(t in own_set[name] for name, t in zip(pairs["set"], pairs["target"], strict=True))
    pd.testing.assert_frame_equal(pairs, off_topic_pairs([NEWS_DEV_FILE, NEWS_TEST_FILE], seed=13))


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


def _pairs(rows):
    return pd.DataFrame(rows, columns=["target", "text", "label", "dataset", "split", "seen"])


def _restatable(*rows):
    """Pairs for the restating augmentations: "We should ban whaling" (favor and against),
    ``rows``, and a VAST noun-phrase topic that cannot be restated."""
    return _pairs(
        [
            ["We should ban whaling", "Whales are sentient.", "favor", "ibm_argq", "train", 1],
            ["We should ban whaling", "It is tradition.", "against", "ibm_argq", "train", 1],
            *rows,
            ["gun control", "Guns kill.", "favor", "vast", "train", 1],
        ]
    )


def test_antonym_augmentation_swaps_one_polarity_word_and_flips_labels():
    frame = _pairs(
        [
            [
                "We should ban zoos",
                "Zoos harm animals and teach little.",
                "favor",
                "ibm_argq",
                "train",
                1,
            ],
            ["We should ban zoos", "Zoos do not harm animals.", "against", "ibm_argq", "train", 1],
            ["gun control", "More guns make us safer.", "against", "vast", "train", 1],
        ]
    )
    aug = antonym_augment(frame, seed=0, share=1)
    assert set(zip(aug["target"], aug["label"], strict=True)) >= {
        ("We should legalize zoos", "against"),
        ("We should legalize zoos", "favor"),
    }
    assert ("Zoos benefit animals and teach little.", "against") in set(
        zip(aug["text"], aug["label"], strict=True)
    )
    assert "Zoos do not benefit animals." not in set(aug["text"])  # negated texts are left alone
    assert set(aug["dataset"]) <= {"ibm_argq+ant", "vast+ant"}


def test_off_topic_rows_pair_texts_with_another_target_of_their_dataset():
    rows = [[f"motion {i % 5}", f"text {i}", "favor", "ibm_argq", "train", 1] for i in range(50)]
    rows += [[f"topic {i % 4}", f"comment {i}", "against", "vast", "train", 1] for i in range(50)]
    frame = _pairs(rows)
    aug = off_topic_augment(frame, seed=0, share=0.2)
    assert len(aug) == 20 and set(aug["label"]) == {"neutral"}
    original = dict(zip(frame["text"], frame["target"], strict=True))
    assert all(original[t] != target for t, target in zip(aug["text"], aug["target"], strict=True))
    for text, target in zip(aug["text"], aug["target"], strict=True):
        assert target.startswith("motion") == text.startswith("text")  # same dataset's targets


def test_rdrop_loss_adds_the_disagreement_of_the_two_passes():
    import torch

    from stance.model.train import _rdrop_loss

    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    targets = torch.tensor([0, 1])
    same = _rdrop_loss(torch.cat([logits, logits]), targets, 1.0)
    assert torch.isclose(same, torch.nn.functional.cross_entropy(logits, targets))
    other = torch.cat([logits, logits.flip(1)])
    assert _rdrop_loss(other, targets, 1.0) > _rdrop_loss(other, targets, 0.0)


def test_report_rows_restate_each_target_as_pledge_refusal_and_non_answer():
    assert report_target("We should ban whaling") == ("We", "ban whaling")
    assert report_target("Homeschooling should be banned.") == ("Homeschooling", "be banned")
    assert report_target("We should not ban whaling") is None  # negated: polarity unclear
    assert report_target("Should zoos be banned?") is None
    assert report_target("zoos") is None
    frame = _restatable(
        ["Zoos should be closed", "Cages are cruel.", "favor", "perspectrum", "train", 1]
    )
    aug = report_augment(frame, seed=0, per_label=3)
    # two splittable targets, three labels, three rows each; the VAST topic is left alone
    assert len(aug) == 18
    assert aug.groupby(["target", "label"]).size().eq(3).all()
    assert set(aug["dataset"]) == {"ibm_argq+rep", "perspectrum+rep"}
    whaling = aug[aug["target"] == "We should ban whaling"]
    assert whaling["text"].str.contains("ban whaling").all()
    assert not whaling["text"].str.startswith("We ").any()  # the actor replaces "we"
    refusals = whaling[whaling["label"] == "against"]["text"]
    assert refusals.str.contains(r"\bnot\b|never|rejected|ruled out|against").all()
    zoos = aug[aug["target"] == "Zoos should be closed"]
    assert zoos["text"].str.contains("Zoos (?:will|must|should)", regex=True).all()
    again = report_augment(frame, seed=0, per_label=3)
    pd.testing.assert_frame_equal(aug, again)  # seeded
    # a common first word of the subject loses its capital inside a sentence, a name keeps it
    inside = "{a} said {x} should {vp}."
    assert report_statement("The US", "act", inside, "Parliament") == (
        "Parliament said the US should act."
    )
    assert report_statement("Ukraine", "join NATO", inside, "The council") == (
        "The council said Ukraine should join NATO."
    )
    assert report_statement("More guns", "be banned", "{x} will {vp}, {a_} said.", "The party") == (
        "More guns will be banned, the party said."
    )


def test_deflection_rows_name_the_topic_and_commit_in_the_same_words():
    assert topic_phrase("We", "ban whaling") == "whaling"
    assert topic_phrase("Speed limits", "be reduced") == "Speed limits"  # may be a name
    assert topic_phrase("The minimum wage", "be raised") == "the minimum wage"
    assert topic_phrase("We", "get rid of tolls") is None  # a particle: no clean object
    assert topic_phrase("Ukraine", "join NATO") is None  # an active subject is not the topic
    assert topic_phrase("There", "be a ban on fur") is None
    frame = _restatable(
        ["Ukraine should join NATO", "Security.", "favor", "perspectrum", "train", 1]
    )
    aug = deflect_augment(frame, seed=0, per_label=3)
    assert len(aug) == 18 and aug.groupby(["target", "label"]).size().eq(3).all()
    assert set(aug["dataset"]) == {"ibm_argq+defl", "perspectrum+defl"}
    whaling = aug[aug["target"] == "We should ban whaling"]
    assert whaling["text"].str.contains("whaling").all()
    committed = whaling[whaling["label"] != "neutral"]
    # a side is taken in so many words: the verb phrase, negated or dropped for "against"
    assert committed["text"].str.contains("ban whaling").all()
    against = committed[committed["label"] == "against"]["text"]
    assert against.str.contains(r"\bnot\b|\bnever\b|scrapped|shelved|abandoned").all()
    assert not committed[committed["label"] == "favor"]["text"].str.contains(r"\bnot\b").any()
    # with no topic phrase a non-answer asks the whole question
    nato = aug[(aug["target"] == "Ukraine should join NATO") & (aug["label"] == "neutral")]
    assert nato["text"].str.contains("whether Ukraine should join NATO").all()
    assert aug["text"].str.match(r"[A-Z]").all()
    pd.testing.assert_frame_equal(aug, deflect_augment(frame, seed=0, per_label=3))


def test_action_rows_restate_the_target_plan_moved_forward_or_undone():
    frame = _restatable(
        ["Ukraine should join NATO", "Security.", "against", "perspectrum", "train", 1]
    )
    aug = action_augment(frame, seed=3, per_label=4)
    # polar rows only, per_label each, for the targets a report can restate
    assert aug.groupby(["target", "label"]).size().to_dict() == {
        ("Ukraine should join NATO", "against"): 4,
        ("Ukraine should join NATO", "favor"): 4,
        ("We should ban whaling", "against"): 4,
        ("We should ban whaling", "favor"): 4,
    }
    assert set(aug["dataset"]) == {"ibm_argq+act", "perspectrum+act"}
    whaling = aug[aug["target"] == "We should ban whaling"]["text"]
    assert whaling.str.contains("to ban whaling").all()
    assert (
        aug[aug["target"] == "Ukraine should join NATO"]["text"]
        .str.contains("for Ukraine to join NATO")
        .all()
    )
    # the side is in the action, not in a negation
    assert not aug["text"].str.contains(r"\bnot\b|\bnever\b").any()
    assert aug["text"].str.match(r"[A-Z].*\.$").all()
    pd.testing.assert_frame_equal(aug, action_augment(frame, seed=3, per_label=4))


def test_the_session_19_gpu_config_trains_on_read_sets_only():
    from stance.model.evaluate import READ_NEWS_SETS
    from stance.model.gpu_job import CONFIGS, _news_rows

    names = CONFIGS["g256_rdrop_antonym_news5"]["news"]
    assert set(names) <= set(READ_NEWS_SETS) and "news_test7" not in READ_NEWS_SETS
    rows = _news_rows(names, repeat=1)
    assert len(rows) == 420
    assert rows["label"].value_counts().to_dict() == {"favor": 140, "against": 140, "neutral": 140}
    judge = pd.read_csv(CONTRAST_FILE.with_name("news_test7.csv"))
    assert not set(judge["text"]) & set(rows["text"])


def test_length_batches_cover_every_row_once_with_similar_lengths():
    from stance.model.train import length_batches

    rng = np.random.default_rng(0)
    lengths = rng.integers(8, 256, size=1000)
    batches = length_batches(lengths, 16, seed=3, pool=10)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(1000))
    assert max(len(b) for b in batches) == 16
    padded = sum(lengths[b].max() * len(b) for b in batches)
    shuffled = rng.permutation(1000)
    random_padded = sum(lengths[shuffled[i : i + 16]].max() * 16 for i in range(0, 1000, 16))
    assert padded < 0.7 * random_padded
    assert batches != length_batches(lengths, 16, seed=4, pool=10)  # reshuffled every epoch
    assert batches == length_batches(lengths, 16, seed=3, pool=10)


def test_balanced_epoch_shares_follow_dataset_size_to_the_power():
    from stance.model.train import balanced_indices

    groups = np.array(["argq"] * 900 + ["procon"] * 100)
    drawn = balanced_indices(groups, 0.5, seed=1)
    assert len(drawn) == len(groups)  # an epoch keeps its number of pairs
    counts = collections.Counter(groups[drawn])
    assert counts == {"argq": 750, "procon": 250}  # 30:10 = sqrt(900):sqrt(100)
    argq = drawn[groups[drawn] == "argq"]
    assert len(set(argq)) == 750  # subsampled without replacement
    procon = collections.Counter(drawn[groups[drawn] == "procon"])
    assert sorted(set(procon.values())) == [2, 3]  # every row twice, 50 of them a third time
    assert sum(v == 3 for v in procon.values()) == 50
    assert sorted(balanced_indices(groups, 1.0, seed=1)) == list(range(1000))
    uniform = collections.Counter(groups[balanced_indices(groups, 0.0, seed=1)])
    assert uniform == {"argq": 500, "procon": 500}
    assert not np.array_equal(drawn, balanced_indices(groups, 0.5, seed=2))  # redrawn per epoch
    with pytest.raises(ValueError, match="balance must be between 0 and 1"):
        balanced_indices(groups, 1.5, seed=1)
