"""Baseline files: what a valid file gives, and one clear line for each kind of bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from stance.baseline import load_baseline
from stance.errors import ConfigError

VALID = """\
name: test-baseline
version: "1"
statements:
  - id: a
    actor: us-executive
    speaker: Secretary of State
    date: 2023-07-11
    text: "Ukraine's future is in NATO."
    topic: ukraine-nato-membership
    label: favor
    source: A communique
  - id: b
    actor: us-executive
    period: {start: 2022-02-24, end: 2025-01-20}
    text: We will not negotiate over the heads of Ukrainians.
"""


def _write(tmp_path, text: str, name: str = "baseline.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_baseline_gives_dated_whole_text_claims(tmp_path):
    base = load_baseline(_write(tmp_path, VALID))
    assert base.name == "test-baseline" and base.version == "1" and len(base.sha256) == 64
    first, second = base.statements
    assert (first.topic, first.label) == ("ukraine-nato-membership", "favor")
    assert first.claim.text == "Ukraine's future is in NATO."
    assert (first.claim.start_char, first.claim.end_char) == (0, len(first.claim.text))
    assert first.claim.date == dt.date(2023, 7, 11) and first.claim.speaker == "Secretary of State"
    # a period without a date is dated by its start; the speaker defaults to the actor
    assert second.claim.date == dt.date(2022, 2, 24) and second.claim.speaker == "us-executive"
    assert (second.claim.period_start, second.claim.period_end) == (
        dt.date(2022, 2, 24),
        dt.date(2025, 1, 20),
    )
    assert second.topic is None and second.label is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("statements: [\n  - id: a\n", r"malformed YAML .*fix the file"),
        ("name: x\n", r"needs a 'statements:' list; see docs/baseline.md"),
        ("statements:\n  - just a string\n", r"statement 1: expected a mapping"),
        (
            "statements:\n  - id: a\n    actor: x\n    date: 2023-01-01\n",
            r"statement 1: missing text",
        ),
        (
            "statements:\n  - id: a\n    actor: x\n    date: 2023-01-01\n    text: '   '\n",
            r"statement 1: missing text; add them",
        ),
        ("statements:\n  - id: a\n    actor: x\n    text: hi\n", r"statement 1: missing date"),
        (
            "statements:\n  - id: a\n    actor: x\n    date: 2023-13-45\n    text: hi\n",
            r"statement 1: date '2023-13-45' is not YYYY-MM-DD",
        ),
        (
            "statements:\n  - id: a\n    actor: x\n    date: 2023-01-01\n    text: hi\n"
            "    label: pro\n",
            r"statement 1: label 'pro' must be one of",
        ),
        (
            "statements:\n  - id: a\n    actor: x\n    date: 2023-01-01\n    text: hi\n"
            "  - id: a\n    actor: x\n    date: 2023-01-02\n    text: ho\n",
            r"statement 2: duplicate id 'a'",
        ),
        (
            "statements:\n  - id: a\n    actor: x\n    period: {end: null}\n    text: hi\n",
            r"statement 1: period needs a start or an end date",
        ),
    ],
)
def test_bad_baseline_is_one_line_naming_file_and_fix(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as err:
        load_baseline(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_unreadable_baseline_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read baseline.*check the path"):
        load_baseline(tmp_path / "absent.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("statements:\n  - text: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="latin1.yaml: malformed YAML"):
        load_baseline(path)
