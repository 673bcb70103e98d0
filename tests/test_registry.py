"""Actor registry: date-bounded resolution, roll-up to governments, unknown speakers."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from stance.errors import ConfigError
from stance.records import Claim
from stance.registry import DEFAULT_REGISTRY, ActorRegistry

D = dt.date
SEED_DAY = D(2025, 2, 12)


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    return ActorRegistry.load()


def _claim(speaker_text: str, date: dt.date = SEED_DAY, **kw) -> Claim:
    return Claim(doc_id="doc", text="x", start_char=0, end_char=1, date=date,
                 speaker_text=speaker_text, **kw)  # fmt: skip


def test_identity(registry):
    assert registry.name == "us-russia-ukraine-actors"
    assert registry.version == "2025-02"
    assert registry.sha256 == hashlib.sha256(DEFAULT_REGISTRY.read_bytes()).hexdigest()
    assert registry.identity()["sha256"] == registry.sha256


@pytest.mark.parametrize(
    ("mention", "date", "actor", "government", "administration"),
    [
        ("Hegseth", SEED_DAY, "pete-hegseth", "us-executive", "trump-2"),
        ("Defence Secretary Pete Hegseth", SEED_DAY, "pete-hegseth", "us-executive", "trump-2"),
        ("Trump", D(2019, 6, 1), "donald-trump", "us-executive", "trump-1"),
        ("Trump", D(2023, 6, 1), "donald-trump", None, None),  # held no office
        ("President Trump", SEED_DAY, "donald-trump", "us-executive", "trump-2"),
        ("US President Donald Trump", SEED_DAY, "donald-trump", "us-executive", "trump-2"),
        ("Biden", D(2022, 3, 1), "joe-biden", "us-executive", "biden"),
        ("Biden", SEED_DAY, "joe-biden", None, None),
        ("Lloyd Austin", D(2025, 1, 19), "lloyd-austin", "us-executive", "biden"),
        ("Lloyd Austin", D(2025, 1, 20), "lloyd-austin", None, None),  # end is exclusive
        ("Kremlin spokesman Dmitry Peskov", SEED_DAY, "dmitry-peskov", "russian-government",
         "putin-5"),
        ("Ukrainian President Volodymyr Zelenskyy", SEED_DAY, "volodymyr-zelenskyy",
         "ukrainian-government", "zelenskyy"),
        ("Zelensky", SEED_DAY, "volodymyr-zelenskyy", "ukrainian-government", "zelenskyy"),
        ("Rutte", SEED_DAY, "mark-rutte", "nato", None),
    ],
)  # fmt: skip
def test_people_resolve_through_office_holdings(registry, mention, date, actor, government,
                                                administration):  # fmt: skip
    res = registry.resolve(mention, date)
    assert res is not None
    assert res.kind == "person"
    assert (res.actor, res.government, res.administration) == (actor, government, administration)


@pytest.mark.parametrize(
    ("mention", "date", "kind", "actor", "administration"),
    [
        ("the Biden administration", SEED_DAY, "administration", "biden", "biden"),
        ("Biden's administration", D(2022, 1, 1), "administration", "biden", "biden"),
        ("the White House", SEED_DAY, "government", "us-executive", "trump-2"),
        ("Washington", D(2022, 3, 1), "government", "us-executive", "biden"),
        ("the U.S.", D(2018, 1, 1), "government", "us-executive", "trump-1"),
        ("The Kremlin", SEED_DAY, "government", "russian-government", "putin-5"),
        ("Kyiv", SEED_DAY, "government", "ukrainian-government", "zelenskyy"),
        ("us-executive", D(2023, 7, 11), "government", "us-executive", "biden"),  # registry id
    ],
)
def test_institutions_and_administrations(registry, mention, date, kind, actor, administration):
    res = registry.resolve(mention, date)
    assert res is not None
    assert (res.kind, res.actor, res.administration) == (kind, actor, administration)
    expected_government = "us-executive" if actor in ("biden", "us-executive") else actor
    assert res.government == expected_government


def test_office_resolves_with_holder_at_date(registry):
    res = registry.resolve("US President", D(2022, 1, 1))
    assert (res.kind, res.actor, res.person, res.government) == (
        "office",
        "us-president",
        "joe-biden",
        "us-executive",
    )
    assert registry.resolve("US President", SEED_DAY).person == "donald-trump"


def test_bare_descriptions_and_non_speakers_do_not_resolve(registry):
    assert registry.resolve("the president", SEED_DAY) is None
    assert registry.resolve("an aide to Trump", SEED_DAY) is None
    assert registry.resolve("critics of Putin", SEED_DAY) is None
    assert registry.resolve("Someone Unknown", SEED_DAY) is None


def test_administration_queries(registry):
    adms = registry.administrations("us-executive")
    assert [a.id for a in adms] == ["obama", "trump-1", "biden", "trump-2"]
    assert adms[2].start == D(2021, 1, 20) and adms[2].end == D(2025, 1, 20)
    assert registry.administration_at("us-executive", D(2021, 1, 20)).id == "biden"
    assert registry.current_administration("us-executive", D(2025, 1, 20)) == "trump-2"
    assert registry.current_administration("us-executive", D(2000, 1, 1)) is None
    assert registry.government_name("russian-government") == "Russian government"
    assert registry.display_name("pete-hegseth") == "Pete Hegseth"
    assert registry.display_name("biden") == "Biden administration"
    assert registry.display_name("ivan-ivanov") == "Ivan Ivanov"


def test_gazetteer_forms_resolve(registry):
    gaz = registry.gazetteer()
    assert gaz["defence secretary pete hegseth"] == "Pete Hegseth"
    assert gaz["president trump"] == "Donald Trump"
    assert gaz["kremlin spokesman dmitry peskov"] == "Dmitry Peskov"
    assert gaz["the white house"] == "US executive"
    assert gaz["the biden administration"] == "Biden administration"
    assert all(k == k.lower() for k in gaz)
    unresolved = [v for v in set(gaz.values()) if registry.resolve(v, SEED_DAY) is None]
    assert unresolved == []


def test_resolve_claim_fills_actor_fields(registry):
    claim = registry.resolve_claim(_claim("Defence Secretary Pete Hegseth"))
    assert (claim.speaker, claim.actor, claim.government, claim.administration) == (
        "Pete Hegseth",
        "pete-hegseth",
        "us-executive",
        "trump-2",
    )
    assert claim.date == SEED_DAY and claim.period_start is None


def test_resolve_claim_prefers_the_extractors_speaker(registry):
    claim = registry.resolve_claim(_claim("he", speaker="Donald Trump"))
    assert (claim.speaker, claim.actor, claim.administration) == (
        "Donald Trump",
        "donald-trump",
        "trump-2",
    )
    pronoun_only = _claim("he")
    assert registry.resolve_claim(pronoun_only) == pronoun_only


def test_past_administration_dates_the_claim_to_its_period(registry):
    claim = registry.resolve_claim(_claim("the Biden administration"))
    assert (claim.actor, claim.government, claim.administration) == (
        "biden",
        "us-executive",
        "biden",
    )
    assert claim.period_start == D(2021, 1, 20)
    assert claim.period_end == D(2025, 1, 20)
    assert claim.date == D(2023, 1, 20)  # the middle of the term
    assert claim.date_text == "Biden administration"


def test_past_administration_keeps_the_extractors_period(registry):
    claim = registry.resolve_claim(
        _claim("the Biden administration", date=D(2022, 2, 24),
               period_start=D(2022, 2, 24), period_end=D(2022, 3, 31),
               date_text="After Russia invaded Ukraine in February 2022")
    )  # fmt: skip
    assert (claim.date, claim.period_start, claim.date_text) == (
        D(2022, 2, 24),
        D(2022, 2, 24),
        "After Russia invaded Ukraine in February 2022",
    )
    assert claim.administration == "biden"


def test_current_administration_mention_is_not_redated(registry):
    claim = registry.resolve_claim(_claim("the Trump administration"))
    assert claim.date == SEED_DAY and claim.period_start is None
    assert claim.administration == "trump-2"


@pytest.mark.parametrize(
    ("mention", "name", "actor", "government"),
    [
        ("Kremlin spokesman Ivan Petrov", "Ivan Petrov", "ivan-petrov", "russian-government"),
        ("Ukrainian Foreign Minister Oleh Marchenko", "Oleh Marchenko", "oleh-marchenko",
         "ukrainian-government"),
        ("a White House official", "White House official", "white-house-official",
         "us-executive"),
        ("a senior U.S. official", "senior U.S. official", "senior-u-s-official", "us-executive"),
        ("Mr. Jonathan Smith", "Jonathan Smith", "jonathan-smith", None),
        ("Russia\u2019s foreign ministry spokeswoman Olga Sidorova", "Olga Sidorova",
         "olga-sidorova", "russian-government"),
        # an institution's name with "of" is kept whole, not cut to its last word
        ("The Chamber of Commerce", "Chamber of Commerce", "chamber-of-commerce", None),
        ("the Association of Flight Attendants", "Association of Flight Attendants",
         "association-of-flight-attendants", None),
        # a country's name before an organisation says where it is, not whom it speaks for
        ("the Ukrainian Business Council", "Ukrainian Business Council",
         "ukrainian-business-council", None),
        ("Russian opposition leader Ilya Sorin", "Ilya Sorin", "ilya-sorin", None),
        ("Ukrainian negotiator Ivan Bondar", "Ivan Bondar", "ivan-bondar",
         "ukrainian-government"),
    ],
)  # fmt: skip
def test_unknown_speakers_keep_a_normalised_name(registry, mention, name, actor, government):
    claim = registry.resolve_claim(_claim(mention))
    assert (claim.speaker, claim.actor, claim.government) == (name, actor, government)
    expected_adm = registry.current_administration(government, SEED_DAY) if government else None
    assert claim.administration == expected_adm


def test_unregistered_lists_unknown_speakers_with_counts(registry):
    claims = [
        _claim("Kremlin spokesman Ivan Petrov"),
        _claim("Ivan Petrov"),
        _claim("a White House official"),
        _claim("Hegseth"),
        _claim("they"),
        _claim(""),
    ]
    assert registry.unregistered(claims) == {"Ivan Petrov": 2, "White House official": 1}
    resolved = [registry.resolve_claim(c) for c in claims]
    assert registry.unregistered(resolved) == {"Ivan Petrov": 2, "White House official": 1}


# --------------------------------------------------------------------------------------------
# Load errors

GOOD = """\
name: test
version: "1"
governments:
  - id: gov-a
    name: Government A
    aliases: [Capital A]
    administrations:
      - {id: adm-1, name: First administration, start: 2020-01-01, end: 2022-01-01}
people:
  - {id: ann, name: Ann Example, aliases: [Example]}
  - {id: bob, name: Bob Example}
offices:
  - id: leader
    name: Leader
    government: gov-a
    holders:
      - {person: ann, start: 2020-01-01, end: 2022-01-01}
      - {person: bob, start: 2022-01-01}
"""


def _write(tmp_path, text):
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_registry_loads(tmp_path):
    reg = ActorRegistry.load(_write(tmp_path, GOOD))
    assert reg.resolve("Example", D(2021, 5, 1)).government == "gov-a"
    assert reg.resolve("Bob Example", D(2023, 1, 1)).administration is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("start: 2022-01-01}\n", "start: 2021-06-01}\n", r"line 13: holders of 'leader': 'ann' .* overlaps 'bob'.*fix the start/end dates"),
        ("person: bob,", "person: carol,", r"line 18: office 'leader' names unknown person 'carol'; add them under `people:`"),
        ("start: 2020-01-01, end: 2022-01-01}\n      - {person: bob", "start: 2020-01-01, end: 2019-01-01}\n      - {person: bob", r"ends \(2019-01-01\) before it starts \(2020-01-01\)"),
        ("  - {id: bob, name: Bob Example}", "  - {id: ann, name: Bob Example}", r"line 11: duplicate id 'ann' \(first defined at .*line 10\)"),
        ("government: gov-a", "government: gov-b", r"unknown government 'gov-b'"),
        ("aliases: [Capital A]", "aliases: [Example]", r"'Example' names both 'ann' .* and 'gov-a'"),
        ("name: Leader\n", "name: Leader\n    holder: []\n", r"unknown key 'holder' in office; allowed keys:"),
        ("  - id: leader\n    name: Leader\n", "  - id: leader\n", r"office has no 'name'; add `name: ...`"),
        ("aliases: [Capital A]", "aliases: [Capital A", r"line \d+: malformed YAML"),
        ("start: 2020-01-01, end: 2022-01-01}\n      - {person: bob", "start: 2020-01-01, end: 2022-02-30}\n      - {person: bob", r"line 17: end of 'ann' as holder of 'leader' is '2022-02-30', not a date; write it as YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_schema_errors_name_file_line_and_fix(tmp_path, old, new, expected):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=expected) as info:
        ActorRegistry.load(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "\n" not in message


def test_missing_registry_file(tmp_path):
    with pytest.raises(ConfigError, match="actor registry not found: .*nope.yaml; check the path"):
        ActorRegistry.load(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("mention", "date", "name", "actor", "government"),
    [
        ("Senator Ron Johnson", D(2022, 5, 10), "Ron Johnson", "ron-johnson", None),
        ("Ron Johnson", D(2022, 5, 10), "Ron Johnson", "ron-johnson", None),
        ("Senator Dan Sullivan", D(2023, 4, 20), "Dan Sullivan", "dan-sullivan", None),
        ("Lara Trump", D(2025, 4, 20), "Lara Trump", "lara-trump", None),
        ("Eric Trump", D(2025, 4, 20), "Eric Trump", "eric-trump", None),
        ("Hunter Biden", D(2023, 6, 1), "Hunter Biden", "hunter-biden", None),
        ("Mike Johnson", D(2024, 4, 20), "Mike Johnson", "mike-johnson", None),
    ],
)  # fmt: skip
def test_a_different_given_name_is_a_different_person(registry, mention, date, name, actor,
                                                      government):  # fmt: skip
    # a namesake (or a relative) of a registered person must not take their office: a
    # Republican senator's criticism is not the Biden administration's position
    assert registry.resolve(mention, date) is None
    claim = registry.resolve_claim(_claim(mention, date))
    assert (claim.speaker, claim.actor, claim.government) == (name, actor, government)


@pytest.mark.parametrize(
    ("mention", "date", "actor"),
    [
        ("National Security Adviser Jake Sullivan", D(2023, 4, 20), "jake-sullivan"),
        ("Sullivan", D(2023, 4, 20), "jake-sullivan"),
        ("Mr. Sullivan", D(2023, 4, 20), "jake-sullivan"),
        ("Dr. Sullivan", D(2023, 4, 20), "jake-sullivan"),
        ("Former British Prime Minister Boris Johnson", D(2023, 4, 20), "boris-johnson"),
        ("President Donald J. Trump", SEED_DAY, "donald-trump"),
        ("Joseph R. Biden", D(2022, 3, 1), "joe-biden"),
        ("Russia's Putin", SEED_DAY, "vladimir-putin"),
        ("Republican Senator Vance", D(2023, 6, 1), "jd-vance"),
        ("Ursula von der Leyen", SEED_DAY, "ursula-von-der-leyen"),
    ],
)  # fmt: skip
def test_titles_and_the_same_given_name_still_match(registry, mention, date, actor):
    res = registry.resolve(mention, date)
    assert res is not None and res.actor == actor
