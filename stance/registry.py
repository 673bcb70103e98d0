"""The actor registry: who speaks for which government, and when.

An analyst edits a YAML file (format in ``docs/registry.md``) listing governments (with their
administrations and dates), organisations, offices (with dated holders) and people (with
aliases). :meth:`ActorRegistry.resolve` turns a speaker mention and a date into a
:class:`Resolution`: the actor, the government it spoke for on that date and that
government's administration. A person speaks for a government only while holding one of its
offices, so "Trump" on 2019-06-01 resolves to the US executive (first Trump administration)
and on 2023-06-01 to no government at all.

Dates are inclusive at the start and exclusive at the end: on a handover day the new holder
(and the new administration) is in office.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance._yaml import check_keys, date_value, load_yaml, string_list, where
from stance.errors import ConfigError
from stance.records import Claim

DEFAULT_REGISTRY = Path(__file__).parent / "data" / "actors.yaml"
KINDS = ("person", "office", "government", "administration", "organization")

#: Words that describe a speaker's role rather than name them ("Kremlin spokesman Dmitry
#: Peskov" -> "Dmitry Peskov"). A registry file can add more under ``title_words``.
_TITLE_TEXT = """
a an the of for and to former then acting interim outgoing incoming late current new
mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady gen gen. general col col. lt lt. adm adm.
admiral sen sen. senator rep rep. representative gov gov. governor congressman congresswoman
president vice prime minister ministers secretary secretaries chancellor premier king queen
prince princess emperor chairman chairwoman chair chief head leader leaders director
deputy assistant under senior top junior principal special permanent first
spokesman spokeswoman spokesperson spokespeople press official officials aide aides
adviser advisers advisor advisors envoy envoys ambassador ambassadors diplomat diplomats
negotiator negotiators commander commissioner commissioners mayor
foreign defence defense state interior finance treasury security national homeland
justice attorney energy economy trade intelligence military army navy air force staff
council cabinet ministry department office house parliament parliamentary speaker
majority minority whip party opposition member members lawmaker lawmakers
"""
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
#: Title words that make an unregistered speaker the voice of the government whose marker
#: stands in the title ("Kremlin spokesman", "Ukrainian Foreign Minister", "Chinese officials"):
#: executive roles and bodies. A marker before any other words names where an organisation
#: is, not whom it speaks for ("Lindora Business Council", "Vestmark Wind Association").
_GOVERNMENT_ROLES = frozenset(
    """president vice prime minister ministers secretary secretaries chancellor premier
    spokesman spokeswoman spokesperson spokespeople official officials aide aides adviser
    advisers advisor advisors envoy envoys ambassador ambassadors diplomat diplomats
    negotiator negotiators commander cabinet ministry department government embassy
    military army navy intelligence""".split()
)
#: Title words of the legislature and the parties, which do not speak for the government
#: even beside a government role ("Vestmark opposition leader", "ruling party lawmaker").
_NOT_GOVERNMENT = frozenset(
    """opposition party lawmaker lawmakers member members parliament parliamentary mp mps
    senator senators congressman congresswoman representative rep rep. whip""".split()
)
_PRONOUN_TEXT = "i me my we us our you he him his she her they them their it its one someone"
PRONOUNS = frozenset(_PRONOUN_TEXT.split())
# A title prefix never contains these: "an aide to Trump" is not Trump.
_RELATIONAL_TEXT = (
    "to with by about against from on under than like who whom which that said says told "
    "near close critic critics ally allies rival rivals opponent opponents friend"
)
_RELATIONAL = frozenset(_RELATIONAL_TEXT.split())
# Capitalised words before a surname that are not a given name ("Republican Senator X").
_NOT_GIVEN = frozenset(
    "republican republicans democrat democrats democratic gop conservative labour tory liberal "
    "independent centrist socialist green".split()
)
_INITIAL = re.compile(r"[A-Z]\.?")
_INITIALS = re.compile(r"(?:[A-Z]\.?){2,3}")  # "JD", "J.D.": initials that are a given name
_POSSESSIVE_WORD = re.compile(r"['’]s?$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TOP_KEYS = (
    "name",
    "version",
    "description",
    "title_words",
    "governments",
    "organizations",
    "offices",
    "people",
)


@dataclass(frozen=True, slots=True)
class Administration:
    """A government's administration (a leader's term), in office from ``start`` to ``end``."""

    id: str
    name: str
    government: str
    start: dt.date
    end: dt.date | None = None
    aliases: tuple[str, ...] = ()

    def contains(self, date: dt.date) -> bool:
        """Whether the administration was in office on ``date`` (end exclusive)."""
        return self.start <= date and (self.end is None or date < self.end)


@dataclass(frozen=True, slots=True)
class Government:
    """A government or an organisation that actors speak for.

    Attributes:
        id: Registry id.
        name: Display name.
        kind: ``government`` or ``organization``.
        aliases: Mentions that stand for it ("the Kremlin", "Moscow").
        markers: Words that, inside an unknown speaker's title, say the speaker works for it
            ("Kremlin spokesman", "a White House official").
        administrations: Its administrations in date order (none for organisations).
    """

    id: str
    name: str
    kind: str = "government"
    aliases: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    administrations: tuple[Administration, ...] = ()


@dataclass(frozen=True, slots=True)
class Holding:
    """One person's tenure of an office (end exclusive; ``None`` while in office)."""

    person: str
    start: dt.date
    end: dt.date | None = None

    def contains(self, date: dt.date) -> bool:
        """Whether the person held the office on ``date``."""
        return self.start <= date and (self.end is None or date < self.end)


@dataclass(frozen=True, slots=True)
class Office:
    """An office of a government or organisation, with its holders.

    Attributes:
        id: Registry id.
        name: Display name ("US President").
        government: The government or organisation it belongs to.
        aliases: Mentions of the office on its own ("the US Secretary of State").
        titles: Titles written before a holder's name ("Defence Secretary").
        holders: Tenures in date order.
    """

    id: str
    name: str
    government: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    holders: tuple[Holding, ...] = ()

    def holder_at(self, date: dt.date) -> str | None:
        """The person holding the office on ``date``."""
        return next((h.person for h in self.holders if h.contains(date)), None)


@dataclass(frozen=True, slots=True)
class Person:
    """A person, with the names they are mentioned by."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """Who a mention stands for on a given date.

    Attributes:
        actor: Registry id of the person, office, government, administration or organisation.
        name: Its display name.
        kind: ``person``, ``office``, ``government``, ``administration`` or ``organization``.
        government: The government (or organisation) the actor spoke for on the date.
        administration: That government's administration on the date (for ``administration``
            mentions: the administration named, whatever the date).
        office: For a person, the office held on the date.
        person: For an office, its holder on the date.
    """

    actor: str
    name: str
    kind: str
    government: str | None = None
    administration: str | None = None
    office: str | None = None
    person: str | None = None


def mention_key(text: str) -> str:
    """The lookup key of a mention: lower case, no dots, straight quotes, no leading "the"."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.strip().strip("\"'“”,;:").replace(".", "").lower()
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


#: Quantifiers that name no one in particular ("many in Ukraine", "some officials").
VAGUE_SUBJECTS = frozenset(
    "many some most few several others all both each anyone everyone someone somebody nobody "
    "none either neither".split()
)


def is_pronoun(mention: str) -> bool:
    """Whether a speaker mention is a bare pronoun ("he", "they"; "US" is not "us")."""
    text = mention.strip()
    return text.lower() in PRONOUNS and not (len(text) > 1 and text.isupper())


def slugify(text: str) -> str:
    """An ASCII slug for an actor id ("Dmitry Peskov" -> "dmitry-peskov")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return [w.strip("\"'“”,;:()") for w in text.split() if w.strip("\"'“”,;:()")]


@dataclass(frozen=True)
class ActorRegistry:
    """A loaded actor registry. Build it with :meth:`load`; it never changes afterwards.

    Attributes:
        name: The registry's name.
        version: The analyst's version string.
        sha256: SHA-256 of the file's bytes (written into reports).
        governments: Governments and organisations by id.
        offices: Offices by id.
        people: People by id.
        path: The file it was loaded from.
    """

    name: str
    version: str
    sha256: str
    governments: dict[str, Government]
    offices: dict[str, Office]
    people: dict[str, Person]
    path: Path | None = None
    title_words: frozenset[str] = TITLE_WORDS
    _index: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict, repr=False)
    _admins: dict[str, Administration] = dataclasses.field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------------------------------
    # Loading

    @classmethod
    def load(cls, path: str | Path = DEFAULT_REGISTRY) -> ActorRegistry:
        """Load and validate a registry YAML file.

        Args:
            path: The YAML file (default: the packaged ``stance/data/actors.yaml``).

        Returns:
            The registry.

        Raises:
            ConfigError: Malformed YAML, unknown or missing keys, duplicate ids, an office
                naming an unknown person or government, an end date before its start,
                overlapping holders or administrations, or one alias used for two actors. The
                message names the file, the line and the fix.
        """
        return _Loader(Path(path)).load()

    # ----------------------------------------------------------------------------------------
    # Lookups

    @property
    def ids(self) -> frozenset[str]:
        """Every registry id (people, offices, governments, administrations)."""
        return (
            frozenset(self.people) | set(self.offices) | set(self.governments) | set(self._admins)
        )

    def identity(self) -> dict[str, str]:
        """``{"name", "version", "sha256"}`` for reports."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256}

    def government_name(self, government_id: str) -> str:
        """Display name of a government or organisation (the id itself if unknown)."""
        gov = self.governments.get(government_id)
        return gov.name if gov else government_id

    def administrations(self, government_id: str) -> list[Administration]:
        """A government's administrations in date order (empty if unknown)."""
        gov = self.governments.get(government_id)
        return list(gov.administrations) if gov else []

    def administration(self, administration_id: str) -> Administration | None:
        """An administration by id."""
        return self._admins.get(administration_id)

    def administration_at(self, government_id: str, date: dt.date) -> Administration | None:
        """The government's administration in office on ``date``."""
        return next((a for a in self.administrations(government_id) if a.contains(date)), None)

    def current_administration(self, government_id: str, date: dt.date) -> str | None:
        """Id of the government's administration in office on ``date``."""
        adm = self.administration_at(government_id, date)
        return adm.id if adm else None

    def display_name(self, actor_id: str) -> str:
        """Display name of any registry id; an unregistered slug is turned back into words."""
        for table in (self.people, self.offices, self.governments, self._admins):
            if actor_id in table:
                return table[actor_id].name
        return " ".join(w.capitalize() for w in actor_id.split("-")) if actor_id else ""

    def offices_of(self, person_id: str, date: dt.date) -> list[Office]:
        """Offices ``person_id`` held on ``date``, in registry order."""
        return [
            o
            for o in self.offices.values()
            if any(h.person == person_id and h.contains(date) for h in o.holders)
        ]

    # ----------------------------------------------------------------------------------------
    # Resolution

    def resolve(self, mention: str, date: dt.date) -> Resolution | None:
        """Resolve a speaker mention on a date.

        Matches registry ids exactly ("us-executive", "biden"), names and aliases ("Hegseth",
        "the Biden administration", "the Kremlin"; case, dots and a leading "the" do not
        matter) and names after a title ("Defence Secretary Pete Hegseth", "President Trump"). Bare
        descriptions ("the president", "he") are left to the claim extractor.

        Args:
            mention: The speaker as written or as normalised by the extractor.
            date: The date the statement is attributed to.

        Returns:
            The resolution, or ``None`` when the mention is not in the registry.
        """
        ref = (
            self._id_ref(mention.strip())
            or self._index.get(mention_key(mention))
            or self._titled(mention)
        )
        if ref is None:
            return None
        kind, actor = ref
        if kind == "person":
            offices = self.offices_of(actor, date)
            office = next(
                (o for o in offices if self.governments[o.government].kind == "government"),
                offices[0] if offices else None,
            )
            gov = office.government if office else None
            return Resolution(
                actor=actor,
                name=self.people[actor].name,
                kind=kind,
                government=gov,
                administration=self.current_administration(gov, date) if gov else None,
                office=office.id if office else None,
            )
        if kind == "office":
            office = self.offices[actor]
            return Resolution(
                actor=actor,
                name=office.name,
                kind=kind,
                government=office.government,
                administration=self.current_administration(office.government, date),
                person=office.holder_at(date),
            )
        if kind == "administration":
            adm = self._admins[actor]
            return Resolution(actor, adm.name, kind, adm.government, adm.id)
        gov = self.governments[actor]
        return Resolution(
            actor=actor,
            name=gov.name,
            kind=gov.kind,
            government=actor,
            administration=self.current_administration(actor, date),
        )

    def _id_ref(self, ident: str) -> tuple[str, str] | None:
        """An exact registry id (baseline files name actors by id)."""
        if ident in self.people:
            return ("person", ident)
        if ident in self.offices:
            return ("office", ident)
        if ident in self._admins:
            return ("administration", ident)
        if ident in self.governments:
            return (self.governments[ident].kind, ident)
        return None

    def _titled(self, mention: str) -> tuple[str, str] | None:
        """A person named after a title: the longest trailing run of words that is a name.

        The words before the name may be titles ("Defence Secretary"), markers ("Kremlin",
        "Russia's") or middle initials, but not another given name: "Senator Ron Johnson"
        is not Boris Johnson and "Lara Trump" is not Donald Trump. A given name matches
        only when it is the person's own (first word of their name or of an alias).
        """
        words = _words(mention)
        for i in range(1, len(words)):
            prefix = [w.lower() for w in words[:i]]
            if any(w in _RELATIONAL for w in prefix):
                return None
            ref = self._index.get(mention_key(" ".join(words[i:])))
            if ref is not None and ref[0] == "person":
                given = self._given_name(words[:i])
                if given and given not in self._given_names(ref[1]):
                    return None
                return ref
        return None

    def _given_name(self, prefix: list[str]) -> str:
        """The given name just before a surname ("Ron" of "Senator Ron Johnson"), as a
        lookup key; "" when the words before it are titles, markers or nothing."""
        for word in reversed(prefix):
            key = mention_key(word)
            if _INITIAL.fullmatch(word):
                continue  # "Donald J. Trump": a middle initial
            if (
                not word[:1].isupper()
                or key in self.title_words
                or word.lower() in self.title_words
                or all(part in self.title_words for part in key.split("-"))
                or key in _NOT_GIVEN
                or _POSSESSIVE_WORD.search(word)
                or (word.isupper() and len(word) > 1 and not _INITIALS.fullmatch(word))
                or self._is_marker(word)
                or self._index.get(key, ("person",))[0] != "person"
            ):
                return ""
            return key
        return ""

    def _given_names(self, person_id: str) -> frozenset[str]:
        """Lookup keys of a person's given names: the first word of their name and of
        each alias of two words or more ("joe", "joseph" for Joe Biden)."""
        person = self.people[person_id]
        out = set()
        for form in (person.name, *person.aliases):
            words = _words(form)
            if len(words) >= 2:
                out.add(mention_key(words[0]))
        return frozenset(out)

    def _split_name(self, mention: str) -> tuple[list[str], list[str]]:
        """Split a mention into its title words and its trailing name (possibly empty)."""
        words = _words(mention)
        cut = len(words)
        while cut > 0:
            bare = words[cut - 1].rstrip(",.")
            if (
                not bare
                or not bare[0].isupper()
                or bare.lower() in self.title_words
                or self._is_marker(bare)
            ):
                break
            cut -= 1
        if 2 <= cut < len(words) and words[cut - 1].lower() == "of":
            # "The Chamber of Commerce": the name is "Chamber of Commerce", not "Commerce"
            k = cut - 1
            while (
                k > 0
                and words[k - 1][:1].isupper()
                and words[k - 1].lower() not in self.title_words
                and not self._is_marker(words[k - 1])
            ):
                k -= 1
            if k < cut - 1:
                cut = k
        return words[:cut], [w.rstrip(",.") for w in words[cut:]]

    def normalize_name(self, mention: str) -> str:
        """The name of an unregistered speaker, title words removed.

        "Kremlin spokesman Dmitry Peskov" -> "Dmitry Peskov"; a description without a name
        keeps its words minus a leading article ("a White House official" -> "White House
        official").
        """
        title, name = self._split_name(mention)
        if name:
            return " ".join(name)
        while title and title[0].lower() in ("a", "an", "the", "one"):
            title = title[1:]
        return " ".join(title).rstrip(",.")

    def _is_marker(self, word: str) -> bool:
        key = mention_key(word)
        return any(mention_key(m) == key for g in self.governments.values() for m in g.markers)

    def infer_government(self, mention: str) -> str | None:
        """The government an unregistered speaker's title points to, if any.

        "Kremlin spokesman X" -> the government whose markers include "Kremlin"; "Ukrainian
        Foreign Minister X" -> the one with "Ukrainian". Only the title part (before the name)
        is searched; the earliest marker wins. The title must hold an executive role or body
        (:data:`_GOVERNMENT_ROLES`: "Lindora Business Council" speaks for a business lobby,
        not for Lindora) and no word of the legislature or the parties (:data:`_NOT_GOVERNMENT`).
        """
        title, _name = self._split_name(mention)
        lowered = {w.lower().rstrip(",.") for w in title}
        if not lowered & _GOVERNMENT_ROLES or lowered & _NOT_GOVERNMENT:
            return None
        text = " ".join(title)
        best: tuple[int, int, str] | None = None
        for gov in self.governments.values():
            for marker in gov.markers:
                flags = 0 if marker.isupper() or "." in marker else re.IGNORECASE
                pattern = rf"(?<![\w.]){re.escape(marker)}(?![\w])"
                match = re.search(pattern, text, flags)
                if match:
                    cand = (match.start(), -len(marker), gov.id)
                    best = cand if best is None or cand < best else best
        return best[2] if best else None

    def resolve_claim(self, claim: Claim) -> Claim:
        """Fill a claim's actor, government and administration from its speaker.

        The speaker is ``claim.speaker`` (or ``claim.speaker_text``) resolved at
        ``claim.date``. An administration named for a period that does not contain the claim's
        date ("the Biden administration insisted ..." in a 2025 article) dates the claim to
        that period when the extractor has not: ``period_start``/``period_end`` become the
        administration's term (the end clipped to the claim's date), ``date`` its midpoint and
        ``date_text`` its name. An unregistered speaker keeps a normalised name, a slug actor
        id and the government its title points to, if any. Pronouns and empty speakers are
        left as they are.

        Args:
            claim: A claim from the extractor.

        Returns:
            A copy of the claim with the actor fields filled.
        """
        mention = claim.speaker or claim.speaker_text
        if not mention or is_pronoun(mention) or mention.split()[0].lower() in VAGUE_SUBJECTS:
            return claim
        res = self.resolve(mention, claim.date)
        if res is None:
            name = self.normalize_name(mention)
            gov = self.infer_government(mention)
            return dataclasses.replace(
                claim,
                speaker=claim.speaker or name,
                actor=slugify(name),
                government=gov,
                administration=self.current_administration(gov, claim.date) if gov else None,
            )
        changes: dict[str, Any] = {
            "speaker": claim.speaker or res.name,
            "actor": res.actor,
            "government": res.government,
            "administration": res.administration,
        }
        adm = self._admins.get(res.actor) if res.kind == "administration" else None
        past = (
            adm is not None
            and claim.period_start is None
            and adm.start <= claim.date
            and not adm.contains(claim.date)
        )
        if past:
            end = min(adm.end, claim.date) if adm.end else claim.date
            changes.update(
                period_start=adm.start,
                period_end=end,
                date=adm.start + (end - adm.start) / 2,
                date_text=adm.name,
            )
        return dataclasses.replace(claim, **changes)

    def unregistered(self, claims: Iterable[Claim]) -> dict[str, int]:
        """Speakers not in the registry, with how many claims each made (most first).

        Args:
            claims: Claims, resolved or not.

        Returns:
            ``{normalised name: number of claims}``, sorted by count, then name.
        """
        counts: Counter[str] = Counter()
        for claim in claims:
            mention = claim.speaker or claim.speaker_text
            if not mention or is_pronoun(mention):
                continue
            if self.resolve(mention, claim.date) is None:
                counts[self.normalize_name(mention)] += 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def gazetteer(self) -> dict[str, str]:
        """Surface forms the claim extractor can match, lower-cased, to display names.

        Holds people's names and aliases, titled forms of office holders' names ("defence
        secretary pete hegseth"), office aliases, and government, organisation and
        administration names and aliases. Every value resolves with :meth:`resolve`.
        """
        out: dict[str, str] = {}

        def add(form: str, name: str) -> None:
            form = " ".join(unicodedata.normalize("NFKC", form).split()).lower()
            out.setdefault(form, name)
            if form.startswith("the "):
                out.setdefault(form[4:], name)

        for person in self.people.values():
            for form in (person.name, *person.aliases):
                add(form, person.name)
        for office in self.offices.values():
            for form in (office.name, *office.aliases):
                add(form, office.name)
            for holder in {h.person for h in office.holders}:
                person = self.people[holder]
                for title in office.titles:
                    for form in (person.name, *person.aliases):
                        add(f"{title} {form}", person.name)
        for gov in self.governments.values():
            for form in (gov.name, *gov.aliases):
                add(form, gov.name)
            for adm in gov.administrations:
                for form in (adm.name, *adm.aliases):
                    add(form, adm.name)
        return dict(sorted(out.items()))


class _Loader:
    """Validates the parsed YAML and builds an :class:`ActorRegistry`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[str, str] = {}  # id -> where first defined
        self.aliases: dict[str, tuple[str, str, str]] = {}  # key -> (kind, id, where)

    def fail(self, item: Any, message: str) -> ConfigError:
        return ConfigError(f"{where(self.path, item)}: {message}")

    def check(self, item: Any, what: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        item = check_keys(item, allowed=allowed, required=("id", "name"), path=self.path, what=what)
        ident = str(item["id"]).strip()
        if not _SLUG_RE.match(ident):
            raise self.fail(
                item,
                f"{what} id {ident!r} is not a slug; use lower-case letters, digits, '-' and '_'",
            )
        if ident in self.seen:
            raise self.fail(
                item,
                f"duplicate id {ident!r} (first defined at {self.seen[ident]}); "
                "give each entry a unique id",
            )
        self.seen[ident] = where(self.path, item)
        item["id"] = ident
        item["name"] = str(item["name"]).strip()
        return item

    def strings(self, item: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
        return string_list(item, key, path=self.path, what=what)

    def period(
        self, item: dict[str, Any], what: str, *, need_start: bool = True
    ) -> tuple[dt.date | None, dt.date | None]:
        start = date_value(item, "start", path=self.path, what=what)
        end = date_value(item, "end", path=self.path, what=what)
        if start is None and need_start:
            raise self.fail(item, f"{what} has no start date; add `start: YYYY-MM-DD`")
        if start is not None and end is not None and end <= start:
            raise self.fail(
                item, f"{what} ends ({end}) before it starts ({start}); fix the start/end dates"
            )
        return start, end

    def alias(self, form: str, kind: str, ident: str, item: Any) -> None:
        key = mention_key(form)
        if not key:
            return
        if is_pronoun(form):
            raise self.fail(item, f"alias {form!r} of {ident!r} is a pronoun; remove it")
        other = self.aliases.get(key)
        if other is not None and other[1] != ident:
            raise self.fail(
                item,
                f"{form!r} names both {other[1]!r} ({other[2]}) and {ident!r}; "
                "keep it under one of them",
            )
        self.aliases.setdefault(key, (kind, ident, where(self.path, item)))

    def overlaps(self, spans: list[tuple[dt.date, dt.date | None, str]], item: Any, what: str):
        spans = sorted(spans, key=lambda s: s[0])
        for (s1, e1, a), (s2, _e2, b) in zip(spans, spans[1:], strict=False):
            if e1 is None or s2 < e1:
                until = f"until {e1}" if e1 else "with no end"
                raise self.fail(
                    item,
                    f"{what}: {a!r} (from {s1}, {until}) overlaps {b!r} (from {s2}); "
                    "fix the start/end dates (the end date is exclusive)",
                )

    def load(self) -> ActorRegistry:
        data, raw = load_yaml(self.path, what="actor registry")
        doc = check_keys(
            data, allowed=_TOP_KEYS, required=("name",), path=self.path, what="actor registry"
        )
        for key in ("governments", "organizations", "offices", "people"):
            if doc.get(key) is not None and not isinstance(doc[key], list):
                raise self.fail(doc, f"`{key}` must be a list; write `{key}:` then `- id: ...`")

        people: dict[str, Person] = {}
        for item in doc.get("people") or []:
            item = self.check(item, "person", ("id", "name", "aliases"))
            ident = item["id"].strip()
            people[ident] = Person(
                ident, item["name"].strip(), self.strings(item, "aliases", ident)
            )
            for form in (people[ident].name, *people[ident].aliases):
                self.alias(form, "person", ident, item)

        governments: dict[str, Government] = {}
        admins: dict[str, Administration] = {}
        for kind, key in (("government", "governments"), ("organization", "organizations")):
            allowed = ("id", "name", "aliases", "markers")
            if kind == "government":
                allowed += ("administrations",)
            for item in doc.get(key) or []:
                item = self.check(item, kind, allowed)
                ident = item["id"].strip()
                adms = []
                raw_adms = item.get("administrations") or []
                if not isinstance(raw_adms, list):
                    raise self.fail(item, "`administrations` must be a list of `- id: ...`")
                for a in raw_adms:
                    a = self.check(a, "administration", ("id", "name", "start", "end", "aliases"))
                    start, end = self.period(a, f"administration {a['id']!r}")
                    adm = Administration(
                        a["id"].strip(),
                        a["name"].strip(),
                        ident,
                        start,
                        end,
                        self.strings(a, "aliases", a["id"]),
                    )
                    for form in (adm.name, *adm.aliases):
                        self.alias(form, "administration", adm.id, a)
                    adms.append(adm)
                    admins[adm.id] = adm
                self.overlaps(
                    [(a.start, a.end, a.id) for a in adms], item, f"administrations of {ident!r}"
                )
                gov = Government(
                    ident,
                    item["name"].strip(),
                    kind,
                    self.strings(item, "aliases", ident),
                    self.strings(item, "markers", ident),
                    tuple(sorted(adms, key=lambda a: a.start)),
                )
                for form in (gov.name, *gov.aliases):
                    self.alias(form, kind, ident, item)
                governments[ident] = gov

        offices: dict[str, Office] = {}
        allowed = ("id", "name", "government", "organization", "aliases", "titles", "holders")
        for item in doc.get("offices") or []:
            item = self.check(item, "office", allowed)
            ident = item["id"].strip()
            gov_id = str(item.get("government") or item.get("organization") or "").strip()
            if not gov_id:
                raise self.fail(item, f"office {ident!r} has no government; add `government: ID`")
            if gov_id not in governments:
                raise self.fail(
                    item,
                    f"office {ident!r} belongs to unknown government {gov_id!r}; add it under "
                    "`governments:` or `organizations:`, or fix the id",
                )
            holdings = []
            raw_holders = item.get("holders") or []
            if not isinstance(raw_holders, list):
                raise self.fail(item, "`holders` must be a list of `- {person: ID, start: ...}`")
            for h in raw_holders:
                h = check_keys(
                    h,
                    allowed=("person", "start", "end"),
                    required=("person",),
                    path=self.path,
                    what=f"holder of {ident!r}",
                )
                person = str(h["person"]).strip()
                if person not in people:
                    raise self.fail(
                        h,
                        f"office {ident!r} names unknown person {person!r}; add them under "
                        "`people:` or fix the id",
                    )
                start, end = self.period(h, f"{person!r} as holder of {ident!r}")
                holdings.append(Holding(person, start, end))
            self.overlaps(
                [(h.start, h.end, h.person) for h in holdings], item, f"holders of {ident!r}"
            )
            office = Office(
                ident,
                item["name"].strip(),
                gov_id,
                self.strings(item, "aliases", ident),
                self.strings(item, "titles", ident),
                tuple(sorted(holdings, key=lambda h: h.start)),
            )
            for form in (office.name, *office.aliases):
                self.alias(form, "office", ident, item)
            offices[ident] = office

        extra = string_list(doc, "title_words", path=self.path, what="actor registry")
        return ActorRegistry(
            name=str(doc["name"]).strip(),
            version=str(doc.get("version") or "").strip(),
            sha256=hashlib.sha256(raw).hexdigest(),
            governments=governments,
            offices=offices,
            people=people,
            path=self.path,
            title_words=TITLE_WORDS | {w.lower() for w in extra},
            _index={k: (kind, ident) for k, (kind, ident, _w) in self.aliases.items()},
            _admins=admins,
        )
