"""Interviews in Q/A form and op-eds by a registered author (session 23).

An answer's sentences are the interviewee's own words; an op-ed by a person the registry
knows is the author's. The registry and the texts are the tests' own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stance.records import Document
from stance.registry import ActorRegistry
from tests.extraction import registry_from_yaml, resolved_document_claims

_REGISTRY = """\
name: test-formats
version: "1"
description: A made-up country.
governments:
  - id: morland-government
    name: Morland government
    aliases: [the Morland government, the government, Morland]
    markers: [Morland]
    administrations:
      - {id: holm, name: Holm government, start: 2020-01-01}
offices:
  - id: morland-prime-minister
    name: Prime Minister of Morland
    government: morland-government
    titles: [Prime Minister, prime minister]
    holders:
      - {person: ivo-holm, start: 2020-01-01}
  - id: morland-energy-minister
    name: Energy Minister of Morland
    government: morland-government
    titles: [Energy Minister, energy minister]
    holders:
      - {person: tove-lind, start: 2020-01-01}
people:
  - {id: ivo-holm, name: Ivo Holm, aliases: [Holm]}
  - {id: tove-lind, name: Tove Lind, aliases: [Lind]}
"""

DATE = dt.date(2024, 4, 2)

_QA = """\
{first}

Q: Coal plants still make a third of the country's power. When will they close?

A: By 2030. We have the money for the grid, and the last coal plant will shut in March of that year.

Q: Your critics call that too slow.

A: I understand the impatience. Nobody wants to pay for blackouts, though.
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> ActorRegistry:
    return registry_from_yaml(tmp_path_factory.mktemp("registry"), _REGISTRY)


claims_of = resolved_document_claims


def interview(first: str, title: str | None) -> Document:
    return Document(id="i", date=DATE, text=_QA.format(first=first), title=title)


def test_answers_go_to_the_interviewee_named_in_the_title(registry):
    doc = interview(
        "Tove Lind spoke to us at her office on Friday.",
        "Interview: Energy Minister Tove Lind on coal, the grid and prices",
    )
    claims = claims_of(registry, doc)
    answers = [c for c in claims if c.cue == "interview answer"]
    texts = [c.text for c in answers]
    assert "I understand the impatience." in texts
    assert any("the last coal plant will shut in March" in t for t in texts)
    assert {c.actor for c in answers} == {"tove-lind"}
    assert {c.kind for c in answers} == {"direct"}
    assert {c.government for c in answers} == {"morland-government"}
    # a sentence of fewer than four words joins the next one
    assert any(t.startswith("By 2030. We have the money") for t in texts)


def test_offsets_point_at_the_answer_text(registry):
    doc = interview("", "Interview: Energy Minister Tove Lind on coal")
    claims = claims_of(registry, doc)
    claim = next(c for c in claims if c.text == "Nobody wants to pay for blackouts, though.")
    assert doc.text[claim.start_char : claim.end_char] == claim.text
    assert claim.start_char == doc.text.index("Nobody wants")
    assert claim.speaker_start_char is None  # the mention is in the headline
    assert claim.speaker_text == "Energy Minister Tove Lind"
    # the answer is read with its question (elliptic answers)
    context = doc.text[claim.sentence_start : claim.sentence_end]
    assert context.startswith("Your critics call that too slow.")
    assert context.endswith(claim.text)


def test_interviewee_from_the_first_paragraph(registry):
    doc = interview(
        "Ivo Holm has been prime minister since 2020. He spoke to the Courier on Monday.",
        "Transcript: coal, the grid and prices",
    )
    claims = claims_of(registry, doc)
    answers = [c for c in claims if c.cue == "interview answer"]
    assert answers
    assert {c.actor for c in answers} == {"ivo-holm"}
    first = answers[0]
    assert doc.text[first.speaker_start_char : first.speaker_end_char] == "Ivo Holm"


def test_bare_title_is_the_office(registry):
    doc = interview("This is a transcript of the prime minister's radio interview.", None)
    claims = claims_of(registry, doc)
    answers = [c for c in claims if c.cue == "interview answer"]
    assert answers
    assert {c.speaker for c in answers} == {"Prime Minister of Morland"}
    assert {c.government for c in answers} == {"morland-government"}


def test_no_interviewee_no_claims(registry):
    doc = interview("The presenter is Karin Vold.", "Transcript: coal, the grid and prices")
    claims = claims_of(registry, doc)
    assert not [c for c in claims if c.cue == "interview answer"]
    assert not [c for c in claims if c.actor in ("tove-lind", "ivo-holm")]


def test_questions_are_not_claims(registry):
    doc = interview("", "Interview: Energy Minister Tove Lind on coal")
    claims = claims_of(registry, doc)
    questions = [(s, e) for s, e in _paragraph_spans(doc.text) if doc.text[s:e].startswith("Q:")]
    assert questions
    assert not [c for c in claims if any(s <= c.start_char < e for s, e in questions)]


def test_bold_markers(registry):
    text = _QA.format(first="").replace("Q:", "**Q:**").replace("A:", "**A:**")
    doc = Document(id="b", date=DATE, text=text, title="Interview: Energy Minister Tove Lind")
    claims = claims_of(registry, doc)
    assert "I understand the impatience." in [c.text for c in claims]


def test_a_quotation_in_an_answer_is_not_doubled(registry):
    text = (
        _QA.format(first="")
        + '\nQ: And the unions?\n\nA: I told them: "We will not leave anyone behind."\n'
    )
    doc = Document(id="q", date=DATE, text=text, title="Interview: Energy Minister Tove Lind")
    claims = claims_of(registry, doc)
    hits = [c for c in claims if "leave anyone behind" in c.text]
    assert len(hits) == 1
    assert hits[0].actor == "tove-lind"


_OPED = """\
Every winter my office hears from families who cannot pay their heating bills.

That is why I will not raise the tax on gas this year. A higher tax would hurt the poorest first.

The opposition leader, Per Dahl, said on Monday that the tax "must double by next spring".

Tove Lind is Morland's energy minister.
"""


def test_oped_by_a_registered_author(registry):
    doc = Document(
        id="o", date=DATE, text=_OPED, title="Opinion: Keep the gas tax", author="Tove Lind"
    )
    claims = claims_of(registry, doc)
    mine = [c for c in claims if c.actor == "tove-lind"]
    texts = [c.text for c in mine]
    assert "That is why I will not raise the tax on gas this year." in texts
    assert "A higher tax would hurt the poorest first." in texts
    assert {c.kind for c in mine} == {"direct"}
    assert {c.government for c in mine} == {"morland-government"}
    for c in mine:
        assert doc.text[c.start_char : c.end_char] == c.text
        assert c.speaker_start_char is None  # the byline is not in the text
    # another speaker's quotation and the tagline are not the author's
    assert not any("must double" in t or "Per Dahl" in t for t in texts)
    assert not any("energy minister" in t for t in texts)


def test_oped_by_a_reporter_adds_nothing(registry):
    with_reporter = Document(id="r", date=DATE, text=_OPED, author="Karin Vold")
    without = Document(id="r", date=DATE, text=_OPED)
    assert claims_of(registry, with_reporter) == claims_of(registry, without)
    assert not [c for c in claims_of(registry, with_reporter) if c.cue == "byline"]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    from stance.extract.quotes import paragraphs

    return paragraphs(text)
