"""`stance classify` scores a CSV end to end and explains bad input in one line."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import InputError
from stance.model.classify import classify_csv


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
        "id", "text", "target", "label", "p_favor", "p_against", "p_neutral", "rejected"
    ]  # fmt: skip
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
