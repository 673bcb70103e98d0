"""Who said it: namesakes, datelines, appositions and questions put to a speaker (QA22).

Each test runs the extractor with the packaged registry's gazetteer and resolves the claims
as a run does, so it checks what a report shows: the speaker and the government whose
timeline the statement goes into.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stance.registry import ActorRegistry
from tests.extraction import find_claim, resolved_claims


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    return ActorRegistry.load()


# --------------------------------------------------------------------------- namesakes


@pytest.mark.parametrize(
    ("text", "date", "fragment", "speaker", "actor"),
    [
        ("Senator Ron Johnson said the aid package was wasteful.", dt.date(2022, 5, 10),
         "wasteful", "Ron Johnson", "ron-johnson"),
        ("House Speaker Mike Johnson said sending weapons to Ukraine was right.",
         dt.date(2024, 4, 20), "sending weapons", "Mike Johnson", "mike-johnson"),
        ("Lara Trump said on Fox News that Ukraine should accept the deal.",
         dt.date(2025, 4, 20), "accept the deal", "Lara Trump", "lara-trump"),
        ("Senator Dan Sullivan said the administration was moving too slowly.",
         dt.date(2023, 4, 20), "too slowly", "Dan Sullivan", "dan-sullivan"),
    ],
    ids=["ron-johnson", "mike-johnson", "lara-trump", "dan-sullivan"],
)  # fmt: skip
def test_a_namesake_does_not_speak_for_the_registered_persons_government(
    registry, text, date, fragment, speaker, actor
):
    claim = find_claim(resolved_claims(registry, text, date), fragment)
    assert (claim.speaker, claim.actor, claim.government) == (speaker, actor, None)


def test_a_bare_surname_is_the_person_of_that_name_named_earlier_in_the_article(registry):
    text = (
        "In 2023, National Security Adviser Jake Sullivan said aid would continue.\n\n"
        "Senator Dan Sullivan said the pause should be short. "
        "“Putin will read it as weakness,” Sullivan said."
    )
    claims = resolved_claims(registry, text, dt.date(2025, 3, 5))
    assert find_claim(claims, "aid would continue").actor == "jake-sullivan"
    for fragment in ("the pause should be short", "read it as weakness"):
        claim = find_claim(claims, fragment)
        assert (claim.speaker, claim.actor, claim.government) == (
            "Dan Sullivan",
            "dan-sullivan",
            None,
        )


def test_a_bare_registered_surname_still_resolves_through_the_registry(registry):
    claim = find_claim(
        resolved_claims(registry, "Sullivan said the aid would continue.", dt.date(2023, 4, 20)),
        "aid",
    )
    assert (claim.actor, claim.government) == ("jake-sullivan", "us-executive")


# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "fragment", "speaker_text", "actor", "government"),
    [
        ("LONDON, June 5 (Reuters) - Russian President Vladimir Putin said on Thursday that "
         "Russia would not accept a ceasefire.", "would not accept",
         "Russian President Vladimir Putin", "vladimir-putin", "russian-government"),
        ("KYIV (AP) — Russian Foreign Minister Sergei Lavrov said NATO troops in Ukraine were "
         "unacceptable.", "NATO troops", "Russian Foreign Minister Sergei Lavrov",
         "sergei-lavrov", "russian-government"),
        ("BERLIN, March 3 - Ukrainian President Volodymyr Zelenskyy said Kyiv needed more air "
         "defence.", "air defence", "Ukrainian President Volodymyr Zelenskyy",
         "volodymyr-zelenskyy", "ukrainian-government"),
        ("PARIS — Rubio said the United States would not send troops.", "send troops", "Rubio",
         "marco-rubio", "us-executive"),
        ("KYIV, Ukraine (AP) — Rubio said the United States would not send troops.",
         "send troops", "Rubio", "marco-rubio", "us-executive"),
        ("BRUSSELS (Reuters) - NATO Secretary General Mark Rutte said allies would keep arming "
         "Ukraine.", "keep arming", "NATO Secretary General Mark Rutte", "mark-rutte", "nato"),
        # a live blog's time stamp is no part of the speaker either
        ("08:40 - Rubio, at the airport, says the United States would not send troops.",
         "send troops", "Rubio", "marco-rubio", "us-executive"),
        ("14.05 GMT: Russian Foreign Minister Sergei Lavrov said NATO troops in Ukraine were "
         "unacceptable.", "NATO troops", "Russian Foreign Minister Sergei Lavrov",
         "sergei-lavrov", "russian-government"),
    ],
    ids=["london-reuters", "kyiv-ap", "berlin-date", "paris", "kyiv-ukraine-ap", "brussels-reuters",
         "live-blog", "live-blog-gmt"],
)  # fmt: skip
def test_the_place_of_a_dateline_is_not_the_speaker(
    registry, text, fragment, speaker_text, actor, government
):
    claims = resolved_claims(registry, f"Putin rejects truce\n\n{text}", dt.date(2025, 6, 5))
    claim = find_claim(claims, fragment)
    assert (claim.speaker_text, claim.actor, claim.government) == (speaker_text, actor, government)


# --------------------------------------------------------------------------- appositions


@pytest.mark.parametrize(
    ("text", "fragment", "speaker", "actor", "government"),
    [
        ("Biden said aid would continue, and his national security adviser, Jake Sullivan, "
         "told a conference that cutting aid would be a gift to Putin.", "cutting aid",
         "Jake Sullivan", "jake-sullivan", "us-executive"),
        ("Rutte's predecessor, Jens Stoltenberg, said Ukraine's future was in NATO.",
         "future was in NATO", "Jens Stoltenberg", "jens-stoltenberg", "nato"),
        ("The Russian Foreign Ministry said the deployment was unacceptable. Its spokeswoman, "
         "Maria Zakharova, said the talks amounted to a circus.", "circus", "Maria Zakharova",
         "maria-zakharova", None),
        ("The Kremlin's spokesman, Dmitry Peskov, said the talks were useful.", "useful",
         "Dmitry Peskov", "dmitry-peskov", "russian-government"),
    ],
    ids=["his-adviser", "possessive", "its-spokeswoman", "kremlin-spokesman"],
)  # fmt: skip
def test_a_name_in_apposition_after_a_description_is_the_speaker(
    registry, text, fragment, speaker, actor, government
):
    claim = find_claim(resolved_claims(registry, text, dt.date(2023, 3, 5)), fragment)
    assert (claim.speaker, claim.actor, claim.government) == (speaker, actor, government)
    assert claim.speaker_text.endswith(speaker)


def test_a_description_after_an_apposition_resolves_to_the_named_person(registry):
    text = (
        "The German chancellor, Friedrich Merz, said Germany would not hesitate. "
        "Later, the chancellor said Europe would have to shoulder more of the burden."
    )
    claim = find_claim(resolved_claims(registry, text, dt.date(2025, 6, 25)), "shoulder more")
    assert (claim.actor, claim.government) == ("friedrich-merz", "german-government")


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("text", "question", "answer"),
    [
        ("Trump was asked whether the United States would send troops to Ukraine. "
         "He said Europe should do it.", "would send troops", "Europe should do it"),
        ("Trump was asked if Washington would lift sanctions. He said that was not on the table.",
         "lift sanctions", "not on the table"),
        ("When asked about new sanctions on Russia, Trump said he was not ready to impose them.",
         "new sanctions", "not ready to impose them"),
        ("Trump, asked whether he would meet Putin, said a meeting could happen soon.",
         "would meet Putin", "a meeting could happen soon"),
    ],
    ids=["was-asked-whether", "was-asked-if", "when-asked-about", "comma-asked"],
)  # fmt: skip
def test_a_question_put_to_a_speaker_is_not_their_statement(registry, text, question, answer):
    claims = resolved_claims(registry, text, dt.date(2025, 3, 5))
    assert not [c for c in claims if question in c.text], [c.text for c in claims]
    claim = find_claim(claims, answer)
    assert (claim.actor, claim.government) == ("donald-trump", "us-executive")


# --------------------------------------------------------------------------- pronouns


@pytest.mark.parametrize(
    ("text", "fragment", "actor"),
    [
        # the person named inside Peskov's reported clause is not the next "He"
        ("Peskov said the moratorium had taken effect and that Putin had ordered the military "
         "to stop. He declined to say whether talks would take place.", "whether talks",
         "dmitry-peskov"),
        ("White House press secretary Karoline Leavitt said the president had been clear. "
         "Asked whether air support was firm, she said: “I won't get ahead of the president "
         "on that.”", "get ahead of the president", "karoline-leavitt"),
        # a speaker is not the person their own statement is about
        ("U.S. President Donald Trump met Ukrainian President Volodymyr Zelenskyy on Friday. "
         "The president later told reporters he did not think Zelenskyy was ready for peace. "
         "“I want to get peace,” he said.", "Zelenskyy was ready", "donald-trump"),
        ("U.S. President Donald Trump met Ukrainian President Volodymyr Zelenskyy on Friday. "
         "The president later told reporters he did not think Zelenskyy was ready for peace. "
         "“I want to get peace,” he said.", "I want to get peace", "donald-trump"),
    ],
    ids=["he-declined", "she-said", "the-president", "he-said-quote"],
)  # fmt: skip
def test_a_pronoun_is_the_previous_speaker_not_a_person_named_in_what_they_said(
    registry, text, fragment, actor
):
    claim = find_claim(resolved_claims(registry, text, dt.date(2025, 3, 5)), fragment)
    assert claim.actor == actor


# --------------------------------------------------------------------------- dates


def test_a_year_inside_one_part_of_a_split_quote_does_not_date_the_other(registry):
    text = (
        "“In 1994 we gave up our nuclear weapons for a memorandum,” Zelenskyy said. "
        "“We will not make that mistake again.”"
    )
    claims = resolved_claims(registry, text, dt.date(2025, 8, 19))
    for fragment in ("In 1994 we gave up", "not make that mistake"):
        claim = find_claim(claims, fragment)
        assert claim.date == dt.date(2025, 8, 19) and claim.period_start is None
        assert claim.government == "ukrainian-government"


def test_a_verb_the_parser_took_for_a_participle_keeps_its_subject(registry):
    # "Trump called Putin's statement ..." parses as "Trump [who was] called ...": Trump is
    # still the one who spoke, and the next "He" is Trump, not the previous speaker
    text = (
        "Belarusian leader Alexander Lukashenko said Minsk fully backed Moscow's position.\n\n"
        "Trump called Putin's statement “very promising but not complete.” He told reporters "
        "that he would “love to meet” Putin."
    )
    claims = resolved_claims(registry, text, dt.date(2025, 3, 14))
    assert find_claim(claims, "very promising").actor == "donald-trump"
    assert find_claim(claims, "love to meet").actor == "donald-trump"


def test_a_titled_name_after_a_possessive_country_is_kept_whole(registry):
    text = "Ukraine's Foreign Minister Andrii Sybiha said Putin's response was “manipulative.”"
    claim = find_claim(resolved_claims(registry, text, dt.date(2025, 3, 14)), "response was")
    assert claim.speaker_text == "Ukraine's Foreign Minister Andrii Sybiha"
    assert (claim.actor, claim.government) == ("andrii-sybiha", "ukrainian-government")


def test_an_open_question_put_to_a_speaker_keeps_its_attribution(registry):
    # "asked how ..." states nothing a side could be read from; PolNeAR annotates it as the
    # addressee's attribution, so it is kept (a yes/no question is not: see above)
    claims = resolved_claims(
        registry, "Trump was asked how the war would end.", dt.date(2025, 3, 5)
    )
    claim = find_claim(claims, "how the war would end")
    assert claim.actor == "donald-trump"
