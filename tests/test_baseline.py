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


S = "statements:\n  - id: a\n"  # a statement starting on line 2
OK = S + "    actor: us-executive\n    text: hi\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("statements: [\n  - id: a\n", r"line 2: malformed YAML .*fix the YAML syntax there"),
        ("name: x\n", r"needs a `statements:` list; add `statements:`"),
        ("statements:\n  - just a string\n", r"statement 1 is not a mapping; write it as"),
        (
            S + "    actor: x\n    date: 2023-01-01\n",
            r"line 2: statement 1 \('a'\) has no text; add",
        ),
        (
            S + "    actor: x\n    date: 2023-01-01\n    text: '   '\n",
            r"line 2: statement 1 \('a'\) has no text; add `text: ...` to it$",
        ),
        (S + "    actor: x\n    text: hi\n", r"statement 1 \('a'\) has no date; add `date: YYYY"),
        (
            S + "    actor: x\n    date: 12 May 2023\n    text: hi\n",
            r"line 2: statement 1 \('a'\): date '12 May 2023' is not a date; write it as YYYY-MM-DD",
        ),
        (
            S + "    actor: x\n    date: 2023-13-45\n    text: hi\n",
            r"date '2023-13-45' has no month 13; fix the month",
        ),
        (
            S + "    actor: x\n    date: 2023-01-01\n    text: hi\n    label: pro\n",
            r"statement 1 \('a'\): label 'pro' is not a stance; use one of against, favor, neutral",
        ),
        (
            S + "    actor: x\n    date: 2023-01-01\n    text: hi\n"
            "  - id: a\n    actor: x\n    date: 2023-01-02\n    text: ho\n",
            r"line 6: statement 2 \('a'\): duplicate id 'a' \(first at line 2\); give each",
        ),
        (
            S + "    actor: x\n    period: {end: null}\n    text: hi\n",
            r"statement 1 \('a'\): period has neither a start nor an end; write `period:",
        ),
        (
            S + "    actor: x\n    period: 2022\n    text: hi\n",
            r"statement 1 \('a'\): period must be a mapping; write `period:",
        ),
        (
            S + "    actor: x\n    date: 2023-01-01\n    text: hi\n    topic: [a, b]\n",
            r"statement 1 \('a'\): topic must be one topic id",
        ),
    ],
)
def test_bad_baseline_is_one_line_naming_file_and_fix(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as err:
        load_baseline(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def _refused(path, **kwargs) -> str:
    with pytest.raises(ConfigError) as err:
        load_baseline(path, **kwargs)
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


@pytest.fixture(scope="module")
def registry():
    from stance.registry import ActorRegistry

    return ActorRegistry.load()


@pytest.fixture(scope="module")
def codebook():
    from stance.codebook import Codebook

    return Codebook.load()


def test_packaged_and_valid_baselines_pass_the_registry_and_codebook(tmp_path, registry, codebook):
    from stance.config import resolve_path

    packaged = resolve_path("stance:baselines/us-russia-ukraine-2021-2024.yaml", tmp_path)
    base = load_baseline(packaged, registry=registry, codebook=codebook)
    assert len(base.statements) == 9 and all(s.topic in codebook for s in base.statements)
    assert (
        len(load_baseline(_write(tmp_path, VALID), registry=registry, codebook=codebook).statements)
        == 2
    )
    # actors may be names the registry resolves, not only ids
    load_baseline(
        _write(tmp_path, S + "    actor: the Kremlin\n    date: 2024-06-14\n    text: hi\n"),
        registry=registry,
    )


def test_unknown_actor_names_the_statement_and_the_registry_ids(tmp_path, registry):
    path = _write(tmp_path, OK.replace("us-executive", "martians") + "    date: 2023-01-01\n")
    message = _refused(path, registry=registry)
    assert message.startswith(f"{path} line 2: statement 1 ('a'): actor 'martians' is not in")
    assert str(registry.path) in message and "use a registry id such as " in message
    assert all(gov in message for gov in registry.governments)
    assert "or add the actor to the registry" in message
    typo = _write(
        tmp_path, OK.replace("us-executive", "us-executiv") + "    date: 2023-01-01\n", "typo.yaml"
    )
    assert "did you mean 'us-executive'?" in _refused(typo, registry=registry)
    # without a registry the loader cannot tell (the pipeline passes one)
    assert load_baseline(path).statements[0].claim.actor == "martians"


def test_actor_outside_any_government_or_administration_on_its_date(tmp_path, registry):
    # a person with no office on the date belongs to no government
    path = _write(tmp_path, S + "    actor: donald-trump\n    date: 2015-01-01\n    text: hi\n")
    message = _refused(path, registry=registry)
    assert "holds no office in the actor registry" in message and "on 2015-01-01" in message
    assert message.endswith("or fix the date")
    # a government before its first registered administration reaches no comparison
    path = _write(tmp_path, OK + "    date: 1950-01-01\n")
    message = _refused(path, registry=registry)
    assert "'us-executive', which has no administration" in message
    assert message.endswith("fix the date or add that administration to the registry")
    # an organisation has no administrations: accepted
    load_baseline(
        _write(tmp_path, S + "    actor: nato\n    date: 2023-07-11\n    text: hi\n"),
        registry=registry,
    )


def test_unknown_topic_names_the_statement_and_the_codebook_topics(tmp_path, codebook):
    path = _write(tmp_path, OK + "    date: 2023-01-01\n    topic: nato-ukraine\n")
    message = _refused(path, codebook=codebook)
    assert message.startswith(f"{path} line 2: statement 1 ('a'): topic 'nato-ukraine' is not in")
    assert str(codebook.path) in message
    assert f"use one of its topic ids ({', '.join(codebook.ids)})" in message
    assert message.endswith("or remove `topic:` to let topic linking decide")
    blank = _write(tmp_path, OK + "    date: 2023-01-01\n    topic: ' '\n")
    assert load_baseline(blank, codebook=codebook).statements[0].topic is None


def test_reversed_period_ends_before_it_starts(tmp_path):
    path = _write(tmp_path, OK + "    period: {start: 2024-01-01, end: 2022-01-01}\n")
    message = _refused(path)
    assert message == (
        f"{path} line 2: statement 1 ('a'): period ends (2022-01-01) before it starts "
        "(2024-01-01); fix the start/end dates"
    )
    one_day = _write(tmp_path, OK + "    period: {start: 2024-01-01, end: 2024-01-01}\n")
    assert load_baseline(one_day).statements[0].claim.date == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-02-30", "date '2025-02-30' is no such day: February 2025 has 28 days; fix the day"),
        ("2024-02-30", "date '2024-02-30' is no such day: February 2024 has 29 days; fix the day"),
        ("2023-04-31", "date '2023-04-31' is no such day: April 2023 has 30 days; fix the day"),
    ],
)
def test_impossible_date_says_there_is_no_such_day(tmp_path, date, message):
    path = _write(tmp_path, OK + f"    date: {date}\n")
    assert _refused(path) == f"{path} line 2: statement 1 ('a'): {message}"
    period = _write(tmp_path, OK + f"    period: {{start: {date}}}\n")
    assert f"period start {message.removeprefix('date ')}" in _refused(period)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("statements:\n  - id: a\n    actor: x\n   date: 2023-01-01\n    text: hi\n", 4),
        ("statements:\n  - id: a\n    actor: x\n    date: 2023-01-01\n      text: hi\n", 5),
    ],
)
def test_malformed_yaml_gives_the_line(tmp_path, text, line):
    path = _write(tmp_path, text)
    message = _refused(path)
    assert message.startswith(f"{path} line {line}: malformed YAML in the baseline file (")
    assert message.endswith("; fix the YAML syntax there")


def test_unreadable_baseline_files(tmp_path):
    with pytest.raises(ConfigError, match="baseline file not found: .*absent.yaml; check the path"):
        load_baseline(tmp_path / "absent.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("statements:\n  - text: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="latin1.yaml is not valid UTF-8 .*; re-save it as UTF-8"):
        load_baseline(path)


def test_a_baseline_statement_dated_in_the_future_is_refused(tmp_path):
    path = tmp_path / "future.yaml"
    path.write_text(
        "statements:\n"
        "  - id: s1\n    actor: us-executive\n    date: 2099-07-11\n"
        "    text: Ukraine's future is in NATO.\n"
    )
    with pytest.raises(
        ConfigError,
        match=r"future.yaml line 2: statement 1 \('s1'\): date "
        r"2099-07-11 is in the future \(today is .*\); check the date",
    ):
        load_baseline(path)
