"""`stance classify` scores a CSV end to end and explains bad input in one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import InputError
from stance.model.classify import classify_csv

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples" / "cannabis.csv"


def test_cli_scores_a_csv(tmp_path):
    source = tmp_path / "pairs.csv"
    pd.DataFrame(
        {
            "id": [1, 2],
            "text": ["Britain must rejoin the single market.", "Rejoining the EU is a fantasy."],
            "target": ["The UK should rejoin the EU"] * 2,
        }
    ).to_csv(source, index=False)
    out = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["classify", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    assert list(scored.columns) == [
        "id", "text", "target", "label", "p_favor", "p_against", "p_neutral", "off_topic",
        "truncated", "rejected",
    ]  # fmt: skip
    assert scored["truncated"].tolist() == [False, False]
    assert scored["off_topic"].tolist() == [False, False]
    assert list(scored["label"]) == ["favor", "against"]
    total = scored[["p_favor", "p_against", "p_neutral"]].sum(axis=1)
    assert ((total - 1).abs() < 1e-6).all()


def test_rows_with_empty_text_or_target_are_listed_as_rejected_not_scored(tmp_path):
    source = tmp_path / "pairs.csv"
    source.write_text(
        "text,target\n"
        '"Britain must rejoin the single market.",The UK should rejoin the EU\n'
        '"   ",The UK should rejoin the EU\n'
        "Rejoining the EU is a fantasy.,\n"
    )
    out = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["classify", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 scored, 2 rejected" in result.output
    assert "pairs.csv: row 2 not scored: empty text" in result.output
    assert "pairs.csv: row 3 not scored: empty target" in result.output
    scored = pd.read_csv(out, keep_default_na=False)
    assert len(scored) == 3  # nothing dropped
    assert list(scored["label"]) == ["favor", "", ""]
    assert scored.loc[0, "rejected"] == ""
    assert scored.loc[1, "rejected"].startswith("empty text: fill in the text column")
    assert scored.loc[2, "rejected"].startswith("empty target")
    assert list(scored["p_favor"].iloc[1:]) == ["", ""]
    assert list(scored["off_topic"]) == ["False", "", ""]
    assert float(scored.loc[0, "p_favor"]) > 0.5


def test_missing_column_names_file_and_fix(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("sentence,topic\nhello,world\n")
    with pytest.raises(InputError, match="bad.csv.*missing column.*text, target"):
        classify_csv(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_file_is_an_input_error(tmp_path):
    source = tmp_path / "binary.csv"
    source.write_bytes(b"\xff\xfe\x00\x81\x00text")
    with pytest.raises(InputError, match="binary.csv"):
        classify_csv(source, tmp_path / "out.csv")
    with pytest.raises(InputError, match="not found"):
        classify_csv(tmp_path / "absent.csv", tmp_path / "out.csv")


def test_header_only_csv_gives_an_empty_scored_file(tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("text,target\n")
    scored = classify_csv(source, tmp_path / "out.csv")
    assert len(scored) == 0
    assert "p_neutral" in pd.read_csv(tmp_path / "out.csv").columns


def test_examples_vote_on_pairs_with_their_target(tmp_path):
    target = pd.read_csv(EXAMPLES)["target"].iloc[0]
    source = tmp_path / "pairs.csv"
    pd.DataFrame(
        {
            "text": ["Legal cannabis would take the trade out of criminal hands."] * 2,
            "target": [target, "Cannabis should be legalized"],
        }
    ).to_csv(source, index=False)
    # fixtures/examples/cannabis.csv, one label written loosely ("Favor ")
    shots = tmp_path / "examples.csv"
    shots.write_text(EXAMPLES.read_text().replace(",favor\n", ",Favor \n", 1))
    assert ",Favor \n" in shots.read_text()
    plain = classify_csv(source, tmp_path / "plain.csv")
    out = tmp_path / "voted.csv"
    args = ["classify", "--input", str(source), "--output", str(out), "--examples", str(shots)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (
        "examples.csv: examples vote on 1 target(s), 1 of the input's scored rows" in result.output
    )
    voted = pd.read_csv(out)
    assert plain.loc[0, "label"] == "against" and voted.loc[0, "label"] == "favor"
    # another wording of the target is another target: no vote
    assert voted.loc[1, "p_favor"] == pytest.approx(plain.loc[1, "p_favor"])


def test_bad_examples_are_refused_in_one_line_naming_the_row(tmp_path):
    source = tmp_path / "pairs.csv"
    source.write_text("text,target\nhello,world\n")
    shots = tmp_path / "examples.csv"
    shots.write_text("text,target,label\nIt is good.,Tax should rise,support\n")
    with pytest.raises(
        InputError, match=r"examples.csv: example row 1: label 'support'; use favor"
    ):
        classify_csv(source, tmp_path / "out.csv", examples=shots)
    shots.write_text("text,target\nIt is good.,Tax should rise\n")
    with pytest.raises(InputError, match="examples.csv: missing column.*label"):
        classify_csv(source, tmp_path / "out.csv", examples=shots)
    shots.write_text("text,target,label\n ,Tax should rise,favor\n")
    with pytest.raises(InputError, match="example row 1: empty text"):
        classify_csv(source, tmp_path / "out.csv", examples=shots)
    assert not (tmp_path / "out.csv").exists()


def test_off_topic_text_reads_neutral_unless_the_guard_is_off(tmp_path):
    source = tmp_path / "pairs.csv"
    pd.DataFrame(
        {
            "text": ["The weather was nice.", "Hegseth had said “it’s unlikely or impractical"],
            "target": ["We should legalize cannabis", "Ukraine should become a member of NATO"],
        }
    ).to_csv(source, index=False)
    guarded, plain = tmp_path / "guarded.csv", tmp_path / "plain.csv"
    runner = CliRunner()
    first = runner.invoke(app, ["classify", "-i", str(source), "-o", str(guarded)])
    assert first.exit_code == 0, first.output
    assert "2 read as off topic" in first.output
    result = runner.invoke(
        app, ["classify", "-i", str(source), "-o", str(plain), "--no-off-topic-guard"]
    )
    assert result.exit_code == 0, result.output
    read = pd.read_csv(guarded)
    assert read["label"].tolist() == ["neutral", "neutral"]
    assert read["off_topic"].tolist() == [True, True]  # the guard says where it acted
    # without the guard: the weather takes a side, and so does the elliptic NATO statement
    unguarded = pd.read_csv(plain)
    assert unguarded["label"].tolist() == ["favor", "against"]
    assert unguarded["off_topic"].tolist() == [False, False]
    assert "0 read as off topic" in result.output


def test_a_context_column_keeps_elliptic_statements_from_the_guard(tmp_path):
    source, scored = tmp_path / "pairs.csv", tmp_path / "scored.csv"
    nato = "Ukraine should become a member of NATO"
    pd.DataFrame(
        {
            "text": ["Hegseth had said “it’s unlikely or impractical"] * 2
            + ["The weather was nice."],
            "target": [nato, nato, "We should legalize cannabis"],
            "context": [
                "“I don’t think it’s practical to have it, personally,” Trump said later "
                "about NATO membership for Ukraine.",
                "",
                "",
            ],
        }
    ).to_csv(source, index=False)
    result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(scored)])
    assert result.exit_code == 0, result.output
    assert "2 read as off topic" in result.output
    read = pd.read_csv(scored, keep_default_na=False)
    # with its context the statement keeps the side it reads as alone; without, neutral
    assert read["label"].tolist() == ["against", "neutral", "neutral"]
    assert read["off_topic"].tolist() == [False, True, True]
    assert read["context"].iloc[0].startswith("“I don’t think")  # input columns are kept


def test_a_trailing_comma_keeps_every_column_and_an_extra_field_is_refused(tmp_path):
    nato = "Ukraine should become a member of NATO"
    source, out = tmp_path / "pairs.csv", tmp_path / "out.csv"
    # spreadsheets often end rows with a comma: the text must stay the text
    source.write_text(f"text,target\nUkraine will never join NATO.,{nato},\n")
    scored = classify_csv(source, out)
    assert scored["text"].tolist() == ["Ukraine will never join NATO."]
    assert scored["target"].tolist() == [nato] and scored["label"].tolist() == ["against"]
    # an unquoted comma inside a text would split it: refused, naming the line and the fix
    source.write_text(f"text,target\nA fine idea.,{nato}\nNo, never.,{nato},extra\n")
    with pytest.raises(InputError, match=r"pairs.csv: line 3 has 4 fields but the header has 2"):
        classify_csv(source, out)
    source.write_text(f"text,target\nNo, never.,{nato}\n")  # one unquoted comma: refused too
    with pytest.raises(InputError, match="put a text that contains commas in double quotes"):
        classify_csv(source, out)


def test_columns_classify_would_overwrite_and_a_folder_as_output_are_refused(tmp_path):
    source = tmp_path / "gold.csv"
    source.write_text("text,target,label\nWe must legalise it.,Cannabis should be legal,favor\n")
    with pytest.raises(InputError, match=r"gold.csv: has column\(s\) label.*gold_label"):
        classify_csv(source, tmp_path / "out.csv")
    source.write_text("text,target\nWe must legalise it.,Cannabis should be legal\n")
    result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(tmp_path)])
    assert result.exit_code != 0 and isinstance(result.exception, InputError)
    assert "a folder, not a file; pass --output with a file name" in str(result.exception)
    nested = tmp_path / "new" / "folder" / "scored.csv"  # a missing folder is made
    assert len(classify_csv(source, nested)) == 1 and nested.is_file()


def test_examples_of_one_side_only_are_named_as_not_voting(tmp_path):
    source, shots = tmp_path / "pairs.csv", tmp_path / "examples.csv"
    source.write_text("text,target\nIt works.,Tax should rise\n")
    shots.write_text("text,target,label\nTaxes fund schools.,Tax should rise,favor\n")
    result = CliRunner().invoke(
        app,
        ["classify", "-i", str(source), "-o", str(tmp_path / "o.csv"), "--examples", str(shots)],
    )
    assert result.exit_code == 0, result.output
    assert "examples vote on 0 target(s), 0 of the input's scored rows" in result.output
    assert "target 'Tax should rise' has examples of one side only" in result.output


def test_a_text_longer_than_the_model_reads_is_flagged_as_truncated(tmp_path):
    # the model reads 256 tokens of target and text: a position stated at the end of a long
    # text is never seen, and the row must say so
    nato = "Ukraine should become a member of NATO"
    filler = "The committee met on Tuesday to review the budget for the coming year. " * 40
    source, out = tmp_path / "pairs.csv", tmp_path / "out.csv"
    pd.DataFrame(
        {"text": [filler + "Ukraine will never join NATO.", "Ukraine will never join NATO."],
         "target": [nato, nato]}
    ).to_csv(source, index=False)  # fmt: skip
    result = CliRunner().invoke(app, ["classify", "-i", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "1 too long to read whole (only their start was scored; column truncated)" in result.output
    )
    assert pd.read_csv(out)["truncated"].tolist() == [True, False]
