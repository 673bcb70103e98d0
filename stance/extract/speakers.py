"""Who is speaking: speaker noun phrases, names, and pronoun/description resolution.

A :class:`MentionIndex` holds the person and institution mentions of one document in text
order. A pronoun ("he"), a relative pronoun ("which") or a description ("the Kremlin
spokesman") is resolved to the most recent compatible mention before it, preferring
grammatical subjects, as news prose usually keeps the speaker in subject position.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stance.extract.lexicon import (
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_HEADS,
    SPOKES,
    TITLES,
)
from stance.extract.nlp import ids, positions

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ROLE_ALT = "|".join(sorted(ROLE_HEADS | {"foreign", "defence", "defense", "press"}))
_CAPSEQ = re.compile(r"\b(?:(?:[A-Z][\w’'.-]+|" + _ROLE_ALT + r")\s+){0,4}[A-Z][\w’'-]+")
_WINDOW = 600  # characters to look back for a subject antecedent before widening
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_VAGUE = frozenset(
    "many some most few several others all both each anyone everyone someone somebody "
    "nobody one none either neither".split()
)


@dataclass(slots=True)
class Mention:
    """A mention of a person or institution, by document offsets."""

    start: int
    end: int
    name: str  # normalised name; empty for an unresolved pronoun
    person: bool
    subject: bool
    roles: frozenset[str] = frozenset()
    pronoun: str = ""  # lower-cased pronoun, or "desc" for a description ("the minister")
    resolved: bool = False  # the name was found by resolving a pronoun or description


@dataclass(slots=True)
class MentionIndex:
    """Mentions of one document in text order, with lazy pronoun resolution."""

    mentions: list[Mention] = field(default_factory=list)
    surnames: dict[str, str] = field(default_factory=dict)
    # full names the document itself writes, by surname, in text order: "Sullivan" is the
    # latest of them before the mention (Senator Dan Sullivan, not the registry's Jake)
    named: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)
    # reported content of the cues found so far: a person named inside what someone else
    # said ("Peskov said that Putin had ordered ...") is not the next "he"
    contents: list[tuple[int, int]] = field(default_factory=list)
    _sorted: bool = False

    def add(self, mention: Mention) -> None:
        """Add a mention (any order)."""
        self.mentions.append(mention)
        self._sorted = False

    def before(self, pos: int) -> list[Mention]:
        """Mentions that start before ``pos``, in text order."""
        return self._before(pos)

    def _before(self, pos: int) -> list[Mention]:
        if not self._sorted:
            self.mentions.sort(key=lambda m: m.start)
            self._sorted = True
        k = bisect.bisect_left([m.start for m in self.mentions], pos)
        return self.mentions[:k]

    def add_name(self, pos: int, full: str, *, subject: bool = False) -> None:
        """Record a full name the document writes at ``pos`` ("Dan Sullivan"), and whether
        it is a grammatical subject there (someone introduced as a speaker or actor)."""
        key = full.split()[-1].lower()
        self.named.setdefault(key, []).append((pos, full, subject))
        self.surnames.setdefault(key, full)

    def full_name(self, name: str, pos: int | None = None) -> str:
        """Expand a surname to the full name used in the document.

        With ``pos``: the latest full name with that surname written before it as a subject
        ("Senator Dan Sullivan said ... “...,” Sullivan said": Dan, even where the registry
        knows a Jake Sullivan; "Trump accused Rafael Cruz ... Cruz said": not the father,
        who was only an object). Else the first full name in the document, else the
        registry's (the gazetteer's) full name for it.
        """
        name = _POSSESSIVE.sub("", name.strip())
        if " " in name:
            return name
        key = name.lower()
        written = self.named.get(key)
        if written:
            if pos is not None:
                k = bisect.bisect_left(written, (pos,))
                for _, full, subject in reversed(written[:k]):
                    if subject:
                        return full
            return written[0][1]
        return self.surnames.get(key, name)

    def add_content(self, span: tuple[int, int]) -> None:
        """Record the reported content of a cue with a speaker (document offsets)."""
        self.contents.append(span)

    def reported(self, mention: Mention, pos: int) -> bool:
        """Whether ``mention`` lies inside reported content that ``pos`` is not part of."""
        return any(s <= mention.start < e and not s <= pos < e for s, e in self.contents[-50:])

    def settle(self, start: int, name: str) -> None:
        """Give the pronoun or description mention starting at ``start`` its resolved name."""
        for mention in reversed(self._before(start + 1)):
            if mention.start == start and (mention.pronoun or mention.resolved):
                mention.name, mention.pronoun, mention.resolved = name, "", True
            if mention.start < start:
                return

    def resolve(
        self,
        pos: int,
        *,
        person: bool,
        roles: frozenset[str] = frozenset(),
        exclude: frozenset[str] = frozenset(),
    ) -> str:
        """Name of the most recent compatible mention before ``pos`` ("" if none).

        For a pronoun, mentions inside another speaker's reported content come after the
        others of their kind (subjects nearby first).

        Args:
            pos: Offset of the pronoun or description.
            person: Look for a person (``he``/``she``) rather than an institution.
            roles: For descriptions, role words the antecedent must carry ("spokesman").
            exclude: Names that cannot be meant (people named in the speaker's own words).
        """
        candidates = [m for m in self._before(pos) if m.person == person]
        pools: list[tuple[list[Mention], bool]]  # (mentions, only those outside reports)
        if roles:  # a description names its antecedent's role, wherever it was mentioned
            pools = [([m for m in candidates if roles <= m.roles], False)]
        else:
            near = [m for m in candidates if m.start >= pos - _WINDOW]
            subjects = [m for m in candidates if m.subject]
            pools = []
            for pool in ([m for m in near if m.subject], near, subjects, candidates):
                pools += [(pool, True), (pool, False)]
        for pool, outside in pools:
            for mention in reversed(pool):
                if outside and self.reported(mention, pos):
                    continue
                name = self._name(mention)
                if name and name not in exclude:
                    return name
        return ""

    def _name(self, mention: Mention) -> str:
        if mention.pronoun == "desc":  # a description: its antecedent, else its own words
            mention.pronoun = ""
            found = self.resolve(mention.start, person=True, roles=mention.roles)
            mention.name, mention.resolved = found or mention.name, bool(found)
            return mention.name
        if mention.name or not mention.pronoun:
            return mention.name
        mention.name = self.resolve(mention.start, person=mention.person) or ""
        mention.resolved = bool(mention.name)
        if not mention.name:
            mention.pronoun = ""  # resolved to nothing: do not retry
        return mention.name


def np_span(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by ``head``, left modifiers only."""
    start = head.left_edge.i
    for k in range(head.i - 1, start - 1, -1):
        if head.doc[k].tag_ in ("''", "``") or head.doc[k].is_space:
            start = k + 1  # never reach back over a quotation mark into a quote
            break
    while start < head.i and (
        head.doc[start].dep_ in ("punct", "cc", "prep", "case")
        or head.doc[start].tag_ in ("WDT", "WP", "WP$", "IN")
    ):
        start += 1
    end = head.i + 1
    doc = head.doc
    while end < len(doc) and (
        doc[end].dep_ in ("flat", "compound")
        # "Ukraine's Foreign Minister Andrii Sybiha", parsed with "Sybiha" in apposition
        # to "Minister": the name belongs to the phrase
        or (doc[end].dep_ == "appos" and doc[end].head.i == head.i and doc[end].tag_ == "NNP")
    ):
        end += 1
    if end < len(doc) and head.dep_ in SUBJECT_DEPS:
        # "The opposition Social Democrats repeated", parsed as two subjects: one phrase
        after = doc[end]
        if (
            after.dep_ == head.dep_
            and after.head.i == head.head.i
            and after.tag_ in ("NNP", "NNPS")
            and all(doc[k].head.i == after.i for k in range(head.i + 1, end))
        ):
            end = after.i + 1
    if (
        head.tag_ in ("NNP", "NNPS")
        and head.lower_ not in TITLES
        and doc[start].lower_ == "the"
        and start < head.i
    ):
        # "The Chamber of Commerce", "the Bank of England": an institution's name with "of"
        # (not a person's: "Mr. Morgan of the Sierra Club")
        of = [c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of" and c.i == end]
        name = [t for t in of[0].subtree if t.i > of[0].i] if of else []
        if name and all(t.tag_ in ("NNP", "NNPS", "DT") for t in name):
            end = name[-1].i + 1
    return start, end


_NOT_NAME_WORDS = frozenset(
    """house office department party committee news times post journal university college
    school association administration congress senate campaign institute foundation inc inc.
    corp corp. agency council court union ministry army force forces bank group center
    centre street avenue county city state states republic kingdom nations church club fund
    network media press review magazine company co. llc airport hall square park island
    islands valley river sea ocean coast guard police democrats republicans caucus
    convention commission board bureau service project initiative act bill day week tower
    hotel market exchange tribune herald gazette channel radio tv east west north south
    arabia york jersey america europe africa asia korea carolina dakota virginia hampshire
    mexico kong angeles francisco vegas diego antonio orleans lanka zealand street building
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas""".split()
)
_PROPER_IDS = ids(("NNP", "NNPS"))
_PLACE_PREFIXES = frozenset(
    "new north south east west san los las saint st. united hong el".split()
)


def people(doc: Doc) -> list[Span]:
    """Person names in a parsed paragraph: NER's PERSON entities, or without NER, runs of
    proper nouns that look like names ("Volodymyr Zelenskyy", titles stripped later)."""
    if "people" in doc.user_data:
        return doc.user_data["people"]
    if doc.has_annotation("ENT_IOB"):
        found = [e for e in doc.ents if e.label_ == "PERSON"]
    else:
        found = []
        run: list[Token] = []
        for i in [*positions(doc, "TAG", _PROPER_IDS), -1]:
            tok = doc[i] if i >= 0 else None
            if tok is not None and tok.text[:1].isupper():
                if run and run[-1].i != i - 1:
                    _add_run(run, found)
                    run = []
                run.append(tok)
                continue
            _add_run(run, found)
            run = []
    doc.user_data["people"] = found
    return found


def _add_run(run: list[Token], found: list[Span]) -> None:
    span = _name_run(run)
    if span is not None:
        found.append(span)


def _name_run(run: list[Token]) -> Span | None:
    words = [t.text for t in run]
    while words and (words[0].lower() in TITLES or words[0].isupper() and len(words[0]) > 1):
        words.pop(0)
        run = run[1:]
    if len(run) < 2 or len(run) > 4:
        return None
    lows = [w.lower().rstrip("’'s") for w in words]
    if lows[0] in _PLACE_PREFIXES or any(w in _NOT_NAME_WORDS for w in lows):
        return None
    if any(w.isupper() and len(w) > 2 for w in words):
        return None
    return run[0].doc[run[0].i : run[-1].i + 1]


def person_entity(doc_span: Span) -> Span | None:
    """The last person name inside a span, if any."""
    found = [e for e in people(doc_span.doc) if doc_span.start <= e.start and e.end <= doc_span.end]
    return found[-1] if found else None


def strip_titles(words: list[str]) -> list[str]:
    """Drop everything up to the last title word ("Kremlin spokesman Dmitry Peskov" -> Dmitry Peskov)."""
    cut = 0
    for k, word in enumerate(words[:-1]):
        low = word.lower()
        if low in TITLES or low in ("the", "a", "an") or word[:1].islower():
            cut = k + 1
    return words[cut:]


def roles_of(words: list[str]) -> frozenset[str]:
    """Role and title words of a mention ("Kremlin spokesman Dmitry Peskov")."""
    return frozenset(w.lower() for w in words if w.lower() in ROLE_HEADS or w.lower() in TITLES) | (
        frozenset(w.lower() for w in words if w[:1].isupper() and w.lower() not in TITLES)
    )


def capitalised_names(text: str, offset: int, index: MentionIndex) -> list[Mention]:
    """Cheap person mentions in text that was not parsed: known names and titled names."""
    out = []
    for match in _CAPSEQ.finditer(text):
        words = match.group().split()
        name_words = strip_titles(words)
        last = _POSSESSIVE.sub("", name_words[-1]).lower()
        titled = len(name_words) < len(words)
        if name_words[-1][:1].islower():
            continue
        if last in index.surnames or (titled and len(name_words) >= 2):
            start = offset + match.start() + match.group().rfind(name_words[0])
            name = index.full_name(" ".join(name_words), start)
            out.append(Mention(start, offset + match.end(), name, True, True, roles_of(words)))
    return out


def canonical(name: str, gazetteer: Mapping[str, str], *alternatives: str) -> str:
    """Map a name (or one of its alternatives) through the gazetteer."""
    for candidate in (*alternatives, name):
        key = candidate.strip().lower()
        for k in (key, key.removeprefix("the ")):
            if k in gazetteer:
                return gazetteer[k]
    return name


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: the in-text mention and the normalised name."""

    text: str
    start: int
    end: int
    name: str


def resolve_subject(
    subj: Token,
    *,
    base: int,
    index: MentionIndex,
    antecedent: Token | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Speaker:
    """Resolve the subject of a cue to a speaker.

    Args:
        subj: The subject token (head of the speaker noun phrase).
        base: Offset of the parsed paragraph in the document.
        index: The document's mentions.
        antecedent: For a relative pronoun subject, the noun the clause modifies.
        exclude: Names a pronoun or description cannot stand for.
    """
    doc = subj.doc
    if subj.lower_ in RELATIVE_PRONOUNS and antecedent is not None:
        # "the Biden administration, which insisted": the mention is "which", the speaker
        # its antecedent
        found = resolve_subject(antecedent, base=base, index=index, exclude=exclude)
        start = base + subj.idx
        return Speaker(subj.text, start, start + len(subj), found.name)
    start, end = np_span(subj)
    span = doc[start:end]
    text = span.text
    s_char, e_char = base + span.start_char, base + span.end_char
    low = subj.lower_
    if low in PERSON_PRONOUNS and end - start == 1:
        return Speaker(text, s_char, e_char, index.resolve(s_char, person=True, exclude=exclude))
    if low in GROUP_PRONOUNS and end - start == 1:
        return Speaker(text, s_char, e_char, index.resolve(s_char, person=False))
    named = appositive_name(subj, index)
    if named is not None:
        # "his national security adviser, Jake Sullivan, told": the named person speaks
        lo, hi = named
        words = strip_titles([t.text for t in doc[lo:hi] if t.tag_ != "POS"])
        e_char = base + doc[hi - 1].idx + len(doc[hi - 1])
        name = index.full_name(" ".join(words), base + doc[lo].idx)
        return Speaker(doc.text[span.start_char : e_char - base], s_char, e_char, name)
    owner = [
        c
        for c in subj.children
        if c.dep_ == "poss" or (c.dep_ == "nmod" and any(g.tag_ == "POS" for g in c.children))
    ]
    if low in SPOKES and not owner and low.startswith("spokes"):
        # "a spokesperson for the Elysee": the owner follows, and belongs to the mention
        after = [c for c in subj.rights if c.dep_ == "prep" and c.lower_ == "for"]
        names = [g for g in after[:1] for g in g.children if g.dep_ == "pobj"]
        if names and names[0].tag_ in ("NNP", "NNPS"):
            owner = names
            e_char = base + names[0].right_edge.idx + len(names[0].right_edge)
            text = doc.text[span.start_char : e_char - base]
    if low in SPOKES and owner:
        inner = resolve_subject(owner[0], base=base, index=index)
        return Speaker(text, s_char, e_char, inner.name)
    entity = person_entity(span)
    if entity is not None and any(
        t.lower_ == "of" and t.head.i == subj.i and t.i < entity.start for t in span
    ):
        entity = None  # "the Association of Flight Attendants" names no person
    if entity is not None and (
        entity.start <= subj.i < entity.end or (entity.end == end and subj.tag_ == "NNP")
    ):
        return Speaker(text, s_char, e_char, index.full_name(entity.text, s_char))
    words = [t.text for t in span if t.tag_ != "POS"]
    proper = [
        t
        for t in span
        if t.tag_ in ("NNP", "NNPS") or (t.text[:1].isupper() and t.lower_ in index.surnames)
    ]
    if proper and proper[-1].i == subj.i:
        stripped = strip_titles(words)
        if stripped[-1].lower() in index.surnames or len(stripped) < len(words):
            return Speaker(text, s_char, e_char, index.full_name(" ".join(stripped), s_char))
    if low in ROLE_HEADS and subj.tag_ in ("NN", "NNS"):
        name = resolve_description(words, low, s_char, index, exclude)
        return Speaker(text, s_char, e_char, name or text)
    if low in PERSON_PRONOUNS | GROUP_PRONOUNS or low in _VAGUE:
        return Speaker(text, s_char, e_char, "")  # "many", "some": no one to register
    return Speaker(text, s_char, e_char, text)


def appositive_name(noun: Token, index: MentionIndex) -> tuple[int, int] | None:
    """Token range of a person's name set off by commas after a description ("his national
    security adviser, Jake Sullivan,"; "Rutte's predecessor, Jens Stoltenberg,"), if any.

    Only a common noun takes one (not "Trump, the president,"), and only a single name
    ("two senators, John McCain and Lindsey Graham," names no one speaker).
    """
    if noun.tag_ not in ("NN", "NNS"):
        return None
    doc = noun.doc
    for child in noun.rights:
        if child.dep_ != "appos" or child.tag_ != "NNP" or doc[child.i - 1].text == "(":
            continue
        if any(c.dep_ == "conj" for c in child.children):
            return None
        lo = child.left_edge.i
        hi = child.i + 1
        while hi < len(doc) and doc[hi].dep_ in ("flat", "compound") and doc[hi].head.i == child.i:
            hi += 1
        between = doc[noun.i + 1 : lo]
        if not any(t.text == "," for t in between) or any(t.tag_ in ("''", "``") for t in between):
            return None
        entity = person_entity(doc[lo:hi])
        if entity is not None or child.lower_ in index.surnames:
            return (entity.start, hi) if entity is not None else (child.i, hi)
        return None
    return None


def resolve_description(
    words: list[str],
    head: str,
    pos: int,
    index: MentionIndex,
    exclude: frozenset[str] = frozenset(),
) -> str:
    """Resolve "the Kremlin spokesman" to the latest person mention carrying those roles."""
    roles = frozenset(w.lower() for w in words if w[:1].isupper() and w.lower() != "the")
    name = index.resolve(pos, person=True, roles=roles | {head}, exclude=exclude)
    if not name and roles:
        name = index.resolve(pos, person=True, roles=frozenset({head}), exclude=exclude)
    return name
