"""Topic codebook: the shipped topics, the examples table and load errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stance.codebook import DEFAULT_CODEBOOK, EXAMPLE_COLUMNS, Codebook, Topic
from stance.errors import ConfigError

SEED_ARTICLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "articles"
) / "trump-putin-ukraine-2025-02-12.md"

REQUIRED = {
    "ukraine-nato-membership": "Ukraine should become a member of NATO",
    "kyiv-full-participant": "Ukraine must be a full participant in any peace talks about the war",
    "us-russia-direct-talks": (
        "The United States should negotiate directly with Russia to end the war in Ukraine"
    ),
}


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.load()


def test_shipped_codebook_has_the_seed_topics(codebook):
    assert codebook.name == "us-russia-ukraine"
    assert codebook.version == "2025-02"
    assert codebook.sha256 == hashlib.sha256(DEFAULT_CODEBOOK.read_bytes()).hexdigest()
    for topic_id, proposition in REQUIRED.items():
        assert codebook.get(topic_id).proposition == proposition
    assert len(codebook.topics) >= 6
    assert all(isinstance(t, Topic) for t in codebook.topics)


def test_every_topic_has_keywords_and_balanced_examples(codebook):
    for topic in codebook.topics:
        assert topic.keywords, topic.id
        assert 3 <= len(topic.favor_examples) <= 5, topic.id
        assert 3 <= len(topic.against_examples) <= 5, topic.id


def test_examples_are_not_copied_from_the_seed_article(codebook):
    seed = " ".join(SEED_ARTICLE.read_text(encoding="utf-8").split()).lower()
    for topic in codebook.topics:
        for example in (*topic.favor_examples, *topic.against_examples):
            assert example.lower().rstrip(".") not in seed, example


def test_examples_frame(codebook):
    frame = codebook.examples_frame()
    assert tuple(frame.columns) == EXAMPLE_COLUMNS
    expected_rows = sum(
        len(t.favor_examples) + len(t.against_examples) + len(t.neutral_examples)
        for t in codebook.topics
    )
    assert len(frame) == expected_rows
    nato = frame[frame.topic == "ukraine-nato-membership"]
    assert set(nato.target) == {REQUIRED["ukraine-nato-membership"]}
    assert set(frame.label) == {"favor", "against", "neutral"}
    first_favor = codebook.get("ukraine-nato-membership").favor_examples[0]
    assert nato[nato.text == first_favor].label.tolist() == ["favor"]


def test_get_unknown_topic(codebook):
    with pytest.raises(KeyError, match="no topic 'nope'"):
        codebook.get("nope")
    assert "ukraine-nato-membership" in codebook


GOOD = """\
name: test-book
version: "0.1"
topics:
  - id: topic-a
    label: Topic A
    proposition: A is good
    keywords: [a]
    favor_examples: [A helps.]
    against_examples: [A hurts.]
  - id: topic-b
    proposition: B is good
"""


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_codebook(tmp_path):
    book = Codebook.load(_write(tmp_path, GOOD))
    assert book.ids == ("topic-a", "topic-b")
    assert book.get("topic-b").label == "topic-b"  # label defaults to the id
    assert book.get("topic-b").favor_examples == ()
    assert book.identity() == {"name": "test-book", "version": "0.1", "sha256": book.sha256}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("id: topic-b", "id: topic-a", r"line 10: duplicate topic id 'topic-a' \(first at .*line 4\); give each topic a unique id"),
        ("    proposition: B is good\n", "", r"line 10: topic has no 'proposition'; add `proposition: ...`"),
        ("keywords: [a]", "keywords: [a", r"line \d+: malformed YAML in the codebook"),
        ("keywords: [a]", "keywords: {a: 1}", r"'keywords' of topic 'topic-a' must be a list of strings"),
        ("id: topic-b", "id: Topic B", r"topic id 'Topic B' is not a slug"),
        ("    label: Topic A\n", "    lable: Topic A\n", r"unknown key 'lable' in topic; allowed keys:"),
        ("topics:\n", "topic:\n", r"unknown key 'topic' in codebook"),
    ],
)  # fmt: skip
def test_errors_name_the_file_and_the_fix(tmp_path, old, new, expected):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=expected) as info:
        Codebook.load(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_missing_codebook(tmp_path):
    with pytest.raises(ConfigError, match="codebook not found: .*missing.yaml; check the path"):
        Codebook.load(tmp_path / "missing.yaml")


def test_with_examples_voting_an_example_change_rescores_its_topic_only(codebook):
    from dataclasses import replace

    from stance.views import topic_versions

    first = codebook.topics[0]
    changed = replace(first, favor_examples=(*first.favor_examples, "A new favor example."))
    edited = replace(codebook, topics=(changed, *codebook.topics[1:]))
    before, after = topic_versions(codebook, True, 0.6), topic_versions(edited, True, 0.6)
    assert [t.id for t in codebook.topics if before[t.id] != after[t.id]] == [first.id]
    # turning the vote on or off re-scores every topic, and so does another link threshold
    plain = topic_versions(codebook, False, 0.6)
    assert all(plain[t.id] != before[t.id] for t in codebook.topics)
    lower = topic_versions(codebook, True, 0.45)
    assert all(lower[t.id] != before[t.id] for t in codebook.topics)
    assert topic_versions(codebook, True, 0.6) == before  # the same settings, the same hashes
