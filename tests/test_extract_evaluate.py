"""PolNeAR scoring: gold reading, the matching rule, and a small real run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.extract.evaluate import (
    Attribution,
    article_intervals,
    evaluate_polnear,
    format_table,
    load_polnear,
    metrics_from_counts,
    predicted_attributions,
    read_ann,
    score,
)
from stance.records import Claim

# PolNeAR is read where CI has it: ../shared/datasets relative to the repository root.
POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "polnear"
TEXT = "Smith said the plan failed. “It is over,” Jones said. “We lost.”\nThe end."


def _claim(start: int, end: int, speaker: tuple[int, int] | None, cue: str = "said") -> Claim:
    return Claim(
        doc_id="d",
        text=TEXT[start:end],
        start_char=start,
        end_char=end,
        date=dt.date(2016, 1, 1),
        speaker_text=TEXT[speaker[0] : speaker[1]] if speaker else "",
        speaker_start_char=speaker[0] if speaker else None,
        speaker_end_char=speaker[1] if speaker else None,
        cue=cue,
    )


def test_read_ann_keeps_discontiguous_content(tmp_path):
    ann = tmp_path / "a_x.ann"
    ann.write_text(
        "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 26;30 35\tx\n"
        "T4\tAttribution 6 10\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    assert read_ann(ann) == [Attribution(((11, 26), (30, 35)), ((0, 5),))]


def test_perfect_prediction_scores_one():
    gold = [
        Attribution(((11, 26),), ((0, 5),)),
        Attribution(((29, 39),), ((42, 47),)),
        Attribution(((55, 63),), ((42, 47),)),  # "We lost.": source in the sentence before
    ]
    counts = score(TEXT, gold, gold)
    metrics = metrics_from_counts(counts)
    assert metrics["content_f1"] == metrics["attribution_f1"] == 1.0
    assert counts["cross_gold"] == 1
    assert metrics["cross_sentence_recall"] == 1.0


def test_content_match_needs_half_the_shorter_span_and_source_overlap():
    gold = [Attribution(((11, 26),), ((0, 5),))]
    half = [Attribution(((15, 26),), ((0, 5),))]  # "plan failed": 2 of 3 gold tokens
    assert score(TEXT, gold, half)["attribution_correct"] == 1
    wrong_source = [Attribution(((11, 26),), ((42, 47),))]
    counts = score(TEXT, gold, wrong_source)
    assert (counts["content_matched"], counts["attribution_correct"]) == (1, 0)
    elsewhere = [Attribution(((55, 63),), ((0, 5),))]
    assert score(TEXT, gold, elsewhere)["content_matched"] == 0


def test_matching_is_one_to_one():
    gold = [Attribution(((11, 26),), ((0, 5),))]
    twice = [Attribution(((11, 26),), ((0, 5),)), Attribution(((11, 19),), ((0, 5),))]
    counts = score(TEXT, gold, twice)
    assert (counts["content_matched"], counts["predicted"]) == (1, 2)


def test_predictions_merge_split_quotes_and_drop_nested_claims():
    claims = [
        _claim(11, 26, (0, 5)),
        _claim(15, 26, (0, 5)),  # nested in the first: dropped
        _claim(29, 39, (42, 47)),
        _claim(55, 63, (42, 47)),  # same mention and cue, same paragraph: merged
    ]
    attributions = predicted_attributions(TEXT, claims)
    assert sorted(a.content for a in attributions) == [((11, 26),), ((29, 39), (55, 63))]


def test_evaluate_polnear_on_three_dev_articles():
    metrics = evaluate_polnear(POLNEAR, split="dev", limit=3)
    for key in (
        "content_precision",
        "content_recall",
        "content_f1",
        "attribution_precision",
        "attribution_recall",
        "attribution_f1",
        "cross_sentence_recall",
        "gold",
        "predicted",
        "articles",
        "words_per_second",
    ):
        assert key in metrics
    assert metrics["articles"] == 3 and metrics["gold"] > 0
    assert 0.3 < metrics["content_f1"] <= 1.0
    assert metrics["attribution_f1"] <= metrics["content_f1"]
    assert "| content |" in format_table(metrics)
    low, high = metrics["content_f1_interval"]
    assert low <= metrics["content_f1"] <= high


def _article(gold, predicted, matched, correct):
    return {
        "gold": gold,
        "predicted": predicted,
        "content_matched": matched,
        "attribution_correct": correct,
        "cross_gold": 0,
        "cross_correct": 0,
    }


def test_article_intervals_bracket_the_pooled_figures_and_are_seeded():
    articles = [_article(20 + i % 7, 18 + i % 5, 12 + i % 6, 9 + i % 4) for i in range(60)]
    totals = {k: sum(a[k] for a in articles) for k in articles[0]}
    pooled = metrics_from_counts(totals)
    intervals = article_intervals(articles)
    for name in ("content_f1", "attribution_f1"):
        low, high = intervals[name]
        assert low < pooled[name] < high < 1.0
    assert article_intervals(articles) == intervals
    assert article_intervals(articles, seed=1) != intervals


def test_articles_that_all_read_alike_give_a_point_interval():
    intervals = article_intervals([_article(10, 10, 8, 6)] * 20)
    assert intervals["content_f1"] == pytest.approx((0.8, 0.8))
    assert intervals["attribution_f1"] == pytest.approx((0.6, 0.6))
    with pytest.raises(ValueError, match="no articles"):
        article_intervals([])


def test_gold_of_one_dev_article_scores_one_against_itself():
    doc, gold = load_polnear(POLNEAR, split="dev", limit=1)[0]
    assert gold
    assert metrics_from_counts(score(doc.text, gold, gold))["attribution_f1"] == 1.0


def test_missing_split_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="data/<split>"):
        load_polnear(tmp_path, split="dev")
