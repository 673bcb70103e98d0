"""Topic linking: which codebook topic a statement counts toward (real embedder and model)."""

from __future__ import annotations

import pytest

import stance
from stance.scoring import ARTICLE_DECAY
from stance.topics import article_context

GOVERNMENT = "vestmark-government"
#: The headline and first sentence of an article about the asylum cap alone.
CAP_ARTICLE = (
    "Vestmark sets a yearly limit on asylum seekers",
    "KARSBY, March 1 - The Vestmark government on Wednesday set a limit of 5,000 asylum "
    "seekers a year, starting in June.",
)
QUOTE = '"This is what the voters asked us for," Prime Minister Jonas Brekke said.'


def _run(docs, fixtures, **settings):
    """A run over the articles in ``docs`` with the Vestmark case's codebook and registry."""
    case = fixtures / "vestmark"
    return stance.run(
        documents=[docs], codebook=case / "codebook.yaml", actors=case / "actors.yaml", **settings
    )


def _article(folder, name, title, lede, *rest):
    body = "\n\n".join([lede, *rest])
    (folder / f"{name}.md").write_text(
        f"---\ndate: 2023-03-01\ntitle: {title}\n---\n{body}\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory, fixtures):
    """A run over two articles holding the same elliptic quote: one about the asylum cap
    only, one whose headline and first sentence are about two topics."""
    docs = tmp_path_factory.mktemp("articles")
    _article(
        docs,
        "cap",
        *CAP_ARTICLE,
        QUOTE,
        "The limit applies to first applications only. Appeals lodged before June are not "
        "affected.",
        "The refugee council said the cap on asylum seekers broke the country's obligations.",
    )
    _article(
        docs,
        "mixed",
        "Vestmark cabinet agrees asylum limit and offshore wind tender",
        "KARSBY, March 1 - The Vestmark cabinet on Wednesday agreed a yearly limit on asylum "
        "seekers and a tender for two offshore wind farms.",
        QUOTE,
        "Both measures still need a vote in parliament.",
    )
    store = tmp_path_factory.mktemp("store") / "stance.sqlite"
    return _run(docs, fixtures, store=store, link_through_articles=True)


@pytest.fixture(scope="module")
def linked(run):
    claims = run.claims
    return claims[claims["text"].str.contains("what the voters asked us for")]


def test_an_elliptic_quote_counts_toward_the_one_topic_its_article_is_about(linked):
    """With ``link_through_articles`` on (off by default)."""
    row = linked[linked["doc_id"] == "cap"]
    assert list(row["topic"]) == ["asylum-cap"]
    assert row["actor"].iloc[0] == "jonas-brekke"
    # a link through the article weighs less than the article's own link, and says so
    assert row["topic_score"].iloc[0] <= ARTICLE_DECAY
    assert row["linked_by"].iloc[0] == "article"


def test_an_article_about_two_topics_does_not_decide_which_one_a_quote_is_on(linked):
    row = linked[linked["doc_id"] == "mixed"]
    assert len(row) == 1
    assert row["topic"].iloc[0] == ""


def test_article_context_is_the_headline_and_the_first_sentence():
    text = "KARSBY, March 1 - The cabinet set a limit.  It starts in June.\n\nMore text."
    assert (
        article_context("Limit set", text) == "Limit set KARSBY, March 1 - The cabinet set a limit."
    )
    assert article_context(None, text) == "KARSBY, March 1 - The cabinet set a limit."
    assert article_context("Only a title", "") == "Only a title"


def test_a_statement_that_names_its_topic_is_linked_by_its_own_words(run):
    claims = run.claims
    lede = claims[(claims["doc_id"] == "cap") & (claims["topic"] == "asylum-cap")]
    named = lede[lede["text"].str.contains("cap on asylum seekers")]
    assert not named.empty
    assert set(named["linked_by"]) <= {"statement", "context"}
    # the timeline that positions are pooled from carries the reason too
    timeline = run.timeline
    assert set(timeline["linked_by"]) <= {"statement", "context", "previous claim", "article"}
    assert "article" in set(timeline["linked_by"])


def test_article_links_are_off_by_default(tmp_path, fixtures):
    docs = tmp_path / "articles"
    docs.mkdir()
    _article(
        docs,
        "cap",
        *CAP_ARTICLE,
        QUOTE,
    )
    result = _run(docs, fixtures)
    claims = result.claims
    quote = claims[claims["text"].str.contains("what the voters asked us for")]
    assert list(quote["topic"]) == [""]
    assert result.summary["link_through_articles"] is False


@pytest.mark.parametrize(
    ("text", "no_side"),
    [
        ("had not decided whether the congestion charge should go ahead", True),
        ("We are reviewing the charge, and no decision has been taken", True),
        ("declined to say whether he supported the charge", True),
        ("I am not going to pre-empt the review", True),
        ("We are neither for nor against it", True),
        ("We will not introduce the charge", False),  # a side, in a negation
        ("would not say when the charge would start", False),  # presumes it will
        ("The charge will not be delayed", False),
    ],
)
def test_statements_that_say_they_take_no_side(text, no_side):
    from stance.scoring import takes_no_position

    assert takes_no_position(text) is no_side


def test_a_government_that_has_not_decided_is_read_neutral(tmp_path, fixtures):
    docs = tmp_path / "articles"
    docs.mkdir()
    _article(
        docs,
        "charge",
        "Vestmark undecided on Karsby congestion charge",
        "KARSBY, March 1 - The Vestmark government said on Wednesday that it had not decided "
        "whether the Karsby congestion charge should start next year.",
    )
    result = _run(docs, fixtures, out_dir=tmp_path / "report")
    claims = result.claims
    row = claims[(claims["topic"] == "congestion-charge") & (claims["actor"] == GOVERNMENT)]
    assert len(row) == 1
    assert row["stance"].iloc[0] == "neutral"
    assert (row["p_neutral"].iloc[0], row["p_favor"].iloc[0]) == (1.0, 0.0)
    assert bool(row["no_position"].iloc[0])
    timeline = result.timeline
    assert timeline.loc[timeline["actor"] == GOVERNMENT, "no_position"].all()
    # the report's claims table says why it reads 0.00/0.00/1.00
    for name in ("report.md", "report.html"):
        text = (tmp_path / "report" / name).read_text(encoding="utf-8")
        assert "(takes no side, read by rule) | 0.00/0.00/1.00" in text.replace("</td><td>", " | ")
