"""Policy actions (session 23): a government deciding, reported without a speech verb.

"The cabinet approved a bill ..." is a claim of ``kind="action"`` whose actor is the acting
government, office or office holder and whose text is the verb phrase; other subjects (a
union, parliament, a company, an unregistered person) give no action. The registry is a
made-up one written here; the sentences are the tests' own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stance.registry import ActorRegistry
from tests.extraction import find_claim, registry_from_yaml, resolved_claims

_REGISTRY = """\
name: test-actions
version: "1"
description: A made-up country with two governments.
governments:
  - id: osterland-government
    name: Osterland government
    aliases: [the Osterland government, the government, Osterland, the cabinet]
    markers: [Osterland, Osterlandic]
    administrations:
      - {id: berg, name: Berg government, start: 2016-01-01, end: 2022-01-01,
         aliases: [the Berg government, the previous government]}
      - {id: lunde, name: Lunde government, start: 2022-01-01,
         aliases: [the Lunde government]}
organizations:
  - id: dock-union
    name: Dockers' Union
    aliases: [the dockers' union, the union]
offices:
  - id: osterland-prime-minister
    name: Prime Minister of Osterland
    government: osterland-government
    titles: [Prime Minister, prime minister]
    holders:
      - {person: eva-berg, start: 2016-01-01, end: 2022-01-01}
      - {person: nils-lunde, start: 2022-01-01}
  - id: osterland-health-minister
    name: Health Minister of Osterland
    government: osterland-government
    aliases: [the Ministry of Health, the Health Ministry]
    titles: [Health Minister, health minister]
    holders:
      - {person: ada-moe, start: 2022-01-01}
people:
  - {id: eva-berg, name: Eva Berg, aliases: [Berg]}
  - {id: nils-lunde, name: Nils Lunde, aliases: [Lunde]}
  - {id: ada-moe, name: Ada Moe, aliases: [Moe]}
  - {id: olaf-rask, name: Olaf Rask, aliases: [Rask]}
"""

DATE = dt.date(2024, 5, 14)


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> ActorRegistry:
    return registry_from_yaml(tmp_path_factory.mktemp("registry"), _REGISTRY)


def actions(claims):
    return [c for c in claims if c.kind == "action"]


@pytest.mark.parametrize(
    ("text", "verb_phrase", "actor", "administration"),
    [
        ("The cabinet on Monday approved a plan to build two new hospitals in the north.",
         "approved a plan to build two new hospitals in the north", "osterland-government",
         "lunde"),
        ("The Osterland government scrapped the tax on sugary drinks.",
         "scrapped the tax on sugary drinks", "osterland-government", "lunde"),
        ("Osterland's cabinet decided to delay the sale of the state ferry company.",
         "decided to delay the sale of the state ferry company", "osterland-government",
         "lunde"),
        ("The Ministry of Health has banned the sale of energy drinks to children.",
         "has banned the sale of energy drinks to children", "osterland-health-minister",
         "lunde"),
        ("Health Minister Ada Moe turned down a request to reopen the clinic.",
         "turned down a request to reopen the clinic", "ada-moe", "lunde"),
        ("The previous government had rejected a ban on night flights.",
         "had rejected a ban on night flights", "berg", "berg"),
        ("The government did not renew the licence of the coal plant.",
         "did not renew the licence of the coal plant", "osterland-government", "lunde"),
    ],
    ids=["cabinet", "named-government", "decided-to", "ministry", "minister-phrasal",
         "previous-government", "negated"],
)  # fmt: skip
def test_a_government_decision_is_an_action_of_the_acting_government(
    registry, text, verb_phrase, actor, administration
):
    claim = find_claim(resolved_claims(registry, text, DATE), verb_phrase)
    assert claim.kind == "action"
    assert claim.text == verb_phrase
    assert (claim.actor, claim.government, claim.administration) == (
        actor,
        "osterland-government",
        administration,
    )


def test_a_pronoun_actor_resolves_to_the_office_holder(registry):
    text = (
        "Prime Minister Nils Lunde visited the port on Friday. "
        "He later suspended the new harbour fees."
    )
    claim = find_claim(resolved_claims(registry, text, DATE), "suspended")
    assert (claim.kind, claim.speaker_text, claim.actor) == ("action", "He", "nils-lunde")
    assert claim.text == "suspended the new harbour fees"


def test_an_action_keeps_its_own_year_and_the_claim_is_dated_by_it(registry):
    claim = find_claim(
        resolved_claims(registry, "The Berg government abolished the toll in 2019.", DATE),
        "abolished",
    )
    assert claim.kind == "action"
    assert claim.date == dt.date(2019, 1, 1)
    assert claim.administration == "berg"


@pytest.mark.parametrize(
    "text",
    [
        "Hospital associations rejected the plan on Monday.",
        "The dockers' union approved a strike at the container port.",
        "Parliament passed the bill on Thursday.",
        "Olaf Rask, a shipping magnate, cancelled the order for two ferries.",
        "The Danish cabinet approved a similar tax last year.",
        "The cabinet raised concerns about the merger.",
        "If the cabinet approves the plan, the hospitals will open in 2027.",
        "Prime Minister Nils Lunde ended his re-election campaign on Friday.",
        "Prime Minister Nils Lunde raised money for his party at a dinner in the capital.",
    ],
    ids=["organisations", "registered-union", "parliament", "unregistered-person",
         "another-country", "not-a-decision", "condition", "campaign", "fundraising"],
)  # fmt: skip
def test_no_action_for_actors_outside_government_or_for_non_decisions(registry, text):
    assert actions(resolved_claims(registry, text, DATE)) == []


def test_a_speech_verb_sentence_is_still_a_reported_claim(registry):
    claims = resolved_claims(
        registry, "The government said it would approve the plan next month.", DATE
    )
    claim = find_claim(claims, "approve the plan")
    assert claim.kind == "reported"
    assert claim.actor == "osterland-government"
    assert actions(claims) == []  # the decision is inside what was said: no second claim


def test_an_action_reported_by_someone_else_is_theirs_not_a_second_claim(registry):
    claims = resolved_claims(
        registry,
        "Hospital associations criticised the cabinet for approving the closure of two "
        "clinics. The union said the cabinet had cancelled the wage talks.",
        DATE,
    )
    assert actions(claims) == []


def test_a_decision_verb_that_was_a_cue_becomes_one_action_with_its_verb(registry):
    claims = resolved_claims(
        registry, "The cabinet rejected a proposal to privatise the state ferries.", DATE
    )
    assert [(c.kind, c.text) for c in claims] == [
        ("action", "rejected a proposal to privatise the state ferries")
    ]


def test_coordinated_actions_are_two_claims_without_overlap(registry):
    claims = resolved_claims(
        registry,
        "The cabinet approved a loan for the state airline and ruled out selling it.",
        DATE,
    )
    found = actions(claims)
    assert [c.text for c in found] == [
        "approved a loan for the state airline",
        "ruled out selling it",
    ]
    assert all(c.actor == "osterland-government" for c in found)


def test_no_actions_without_a_gazetteer():
    from stance.extract import extract_claims
    from stance.records import Document

    doc = Document(id="d", date=DATE, text="The cabinet approved a plan to build hospitals.")
    assert [c for c in extract_claims([doc], n_process=1) if c.kind == "action"] == []
