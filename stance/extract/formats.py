"""Article shapes whose statements carry no speech verb: interviews and op-eds.

- **Interviews in Q/A form.** A document with at least two paragraphs opening "Q:" and two
  opening "A:" ("Q." / "A.", "**Q:**" too) is a transcript: each answer's sentences are the
  interviewee's own words (``kind="direct"``); the questions are nobody's claims. The
  interviewee is the first person or office the gazetteer knows in the headline ("Interview:
  Defence Minister Lene Haskar on ..."), else in the first paragraph ("Lene Haskar has been
  defence minister since ..."); a bare title ("the prime minister") stands for the office
  the gazetteer names with it ("Prime Minister of Tarsen"), which the registry resolves to
  its holder at the claim's date. Without an interviewee nothing is added.
- **Op-eds.** When the byline (:attr:`stance.records.Document.author`) is a person the
  gazetteer knows, the piece is their own writing: every sentence of the body outside
  quotations and outside other speakers' claims is a claim of the author's. A reporter's
  byline (not registered) changes nothing.

Claims found by the cues inside those words with a first-person speaker ("I know", "we
said") are the same speaker's, so they are dropped where a sentence claim covers them and
given to the interviewee or author elsewhere.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence

from stance.extract.lexicon import ACTION_OFFICE_WORDS, HEDGES, ROLE_HEADS
from stance.extract.quotes import Quote
from stance.records import Claim, Document

# "Q:", "A.", "**Q:**", "**A**:", "__Q:__" opening a paragraph
_MARKER = re.compile(r"(?:\*\*|__)?([QA])(?:\*\*|__)?\s*[:.](?:\*\*|__)?[ \t]+(?=\S)")
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})
# words that make a capitalised registry name an organisation, not a person
_ORG_WORDS = frozenset(
    """union party association federation council committee commission court parliament
    assembly company group agency authority institute foundation organisation organization
    alliance league front movement board corporation bank fund bureau service police army
    navy church university""".split()
)
_TOKEN = re.compile(r"[^\s,;:!?()\"“”]+")
_MIN_WORDS = 4  # a shorter sentence ("No.") joins the next one of its paragraph

Splitter = Callable[[str], list[tuple[int, int]]]


@dataclasses.dataclass(frozen=True, slots=True)
class Speaker:
    """Who an interview or op-ed speaks for: the mention, its offsets in the document text
    (``None`` when it is in the headline or the byline) and the gazetteer's name."""

    text: str
    start: int | None
    end: int | None
    name: str


def format_claims(
    doc: Document,
    claims: list[Claim],
    paras: Sequence[tuple[int, int]],
    quotes: Sequence[Quote],
    gaz: Mapping[str, str],
    split: Splitter,
) -> list[Claim]:
    """``claims`` of ``doc`` with its interview answers or op-ed sentences added (see the
    module docstring); unchanged for any other document or without a gazetteer."""
    if not gaz:
        return claims
    qa = _qa_paragraphs(doc.text, paras)
    if qa is not None:
        return _interview(doc, claims, paras, qa, gaz, split)
    author = _author(doc.author, gaz)
    if author is not None:
        return _oped(doc, claims, paras, quotes, author, split)
    return claims


# --------------------------------------------------------------------------- interviews


def _qa_paragraphs(
    text: str, paras: Sequence[tuple[int, int]]
) -> list[tuple[str, int, int]] | None:
    """The Q and A paragraphs as (``"Q"`` or ``"A"``, start of the words after the marker,
    end), or None when the document is not a Q/A transcript."""
    out = []
    for start, end in paras:
        match = _MARKER.match(text, start, end)
        if match is not None:
            out.append((match.group(1), match.end(), end))
    kinds = [k for k, _, _ in out]
    if kinds.count("Q") < 2 or kinds.count("A") < 2:
        return None
    return out


def _interview(
    doc: Document,
    claims: list[Claim],
    paras: Sequence[tuple[int, int]],
    qa: list[tuple[str, int, int]],
    gaz: Mapping[str, str],
    split: Splitter,
) -> list[Claim]:
    text = doc.text
    speaker = None
    if doc.title:
        speaker = _first_known(doc.title, gaz, None)
    if speaker is None:
        first = paras[0] if paras else None
        if first is not None and not _MARKER.match(text, first[0], first[1]):
            speaker = _first_known(text[first[0] : first[1]], gaz, first[0])
    if speaker is None:
        return claims
    answers = [(s, e) for k, s, e in qa if k == "A"]
    questions = [(s, e) for k, s, e in qa if k == "Q"]
    kept = []
    for claim in claims:
        mention = claim.speaker_text.strip().lower()
        if _inside(claim.start_char, answers) and (
            mention in _FIRST_PERSON or not claim.speaker or claim.speaker == speaker.name
        ):
            continue  # the answer's own sentence claim holds it
        if _inside(claim.start_char, questions):
            continue  # "What do you say to them?" is nobody's statement
        kept.append(claim)
    question = None
    for kind, start, end in qa:
        if kind == "Q":
            question = start
            continue
        for claim in _sentence_claims(doc, start, end, speaker, "interview answer", split):
            # an elliptic answer ("Because a modern army needs professionals") is read with
            # the question it answers
            if question is not None:
                claim = dataclasses.replace(claim, sentence_start=question)
            kept.append(claim)
    return kept


# --------------------------------------------------------------------------- op-eds


def _author(author: str | None, gaz: Mapping[str, str]) -> Speaker | None:
    """The byline as a registered person (one author only), or None."""
    if not author:
        return None
    name = re.sub(r"^\s*by\s+", "", author.strip(), flags=re.IGNORECASE).strip()
    if not name or re.search(r",|;|&|\band\b|\n", name):
        return None
    key = " ".join(name.split()).lower()
    value = gaz.get(key)
    if value is None or not _person(value) or not name[:1].isupper():
        return None
    return Speaker(name, None, None, value)


def _oped(
    doc: Document,
    claims: list[Claim],
    paras: Sequence[tuple[int, int]],
    quotes: Sequence[Quote],
    author: Speaker,
    split: Splitter,
) -> list[Claim]:
    text = doc.text
    mine = [c for c in claims if c.speaker_text.strip().lower() in _FIRST_PERSON]
    others = [c for c in claims if c.speaker_text.strip().lower() not in _FIRST_PERSON]
    taken = [(c.start_char, c.end_char) for c in others]
    taken += [(q.start - q.mark, q.end + q.mark) for q in quotes if not q.single]
    surname = author.text.split()[-1]
    added: list[Claim] = []
    for start, end in paras:
        body = text[start:end]
        if body.startswith((author.text, surname, "*", "_")):
            continue  # "Ruben Aske is Tarsen's housing minister.": the byline note
        for claim in _sentence_claims(doc, start, end, author, "byline", split):
            lo, hi = claim.sentence_start, claim.sentence_end
            if not any(s < hi and lo < e for s, e in taken):
                added.append(claim)
    covered = [(c.start_char, c.end_char) for c in added]
    for claim in mine:
        if not any(s <= claim.start_char < e for s, e in covered):
            others.append(dataclasses.replace(claim, speaker=author.name))
    return others + added


# --------------------------------------------------------------------------- shared


def _sentence_claims(
    doc: Document, start: int, end: int, speaker: Speaker, cue: str, split: Splitter
) -> list[Claim]:
    """One claim per sentence of ``doc.text[start:end]`` (a sentence of fewer than four
    words joins the next one), by ``speaker``."""
    text = doc.text
    spans = [(start + a, start + b) for a, b in split(text[start:end])]
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for k, (lo, hi) in enumerate(spans):
        lo = pending if pending is not None else lo
        pending = None
        if len(text[lo:hi].split()) < _MIN_WORDS and k < len(spans) - 1:
            pending = lo
            continue
        merged.append((lo, hi))
    out = []
    for lo, hi in merged:
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        words = text[lo:hi]
        if not re.search(r"[A-Za-z]", words):
            continue
        out.append(
            Claim(
                doc_id=doc.id,
                text=words,
                start_char=lo,
                end_char=hi,
                date=doc.date,
                speaker_text=speaker.text,
                speaker_start_char=speaker.start,
                speaker_end_char=speaker.end,
                speaker=speaker.name,
                kind="direct",
                cue=cue,
                hedged=bool(HEDGES.search(words)),
                sentence_start=lo,
                sentence_end=hi,
            )
        )
    return out


def _first_known(haystack: str, gaz: Mapping[str, str], offset: int | None) -> Speaker | None:
    """The first person or office in ``haystack`` that the gazetteer knows (the longest form
    at the earliest word), or a bare title of an office it names ("the prime minister" for
    "Prime Minister of Tarsen"). ``offset``: where ``haystack`` lies in the document text
    (None for the headline)."""
    titles: dict[str, set[str]] = {}
    for value in set(gaz.values()):
        head, sep, _ = value.partition(" of ")
        if sep and _office(value):
            titles.setdefault(head.lower(), set()).add(value)
    tokens = list(_TOKEN.finditer(haystack))
    for i in range(len(tokens)):
        for n in range(min(8, len(tokens) - i), 0, -1):
            lo = tokens[i].start()
            last = tokens[i + n - 1]
            hi = last.end()
            word = haystack[last.start() : hi]
            word = re.sub(r"(?:['’]s?|\.)$", "", word)
            hi = last.start() + len(word)
            if hi <= lo:
                continue
            surface = haystack[lo:hi]
            key = " ".join(surface.split()).lower()
            value = gaz.get(key)
            if value is not None:
                if _person(value) and surface[:1].isupper():
                    return _speaker(surface, lo, hi, value, offset)
                if _office(value) and not ROLE_HEADS.isdisjoint(key.split()):
                    return _speaker(surface, lo, hi, value, offset)
            offices = titles.get(key.removeprefix("the "), set())
            if len(offices) == 1:
                return _speaker(surface, lo, hi, next(iter(offices)), offset)
    return None


def _speaker(surface: str, lo: int, hi: int, name: str, offset: int | None) -> Speaker:
    if offset is None:
        return Speaker(surface, None, None, name)
    return Speaker(surface, offset + lo, offset + hi, name)


def _person(value: str) -> bool:
    """Whether a gazetteer name looks like a person's ("Lene Haskar"; not "Tarsen
    government", "Prime Minister of Tarsen", "Dockers' Union")."""
    words = value.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not any(w.lower() in ACTION_OFFICE_WORDS or w.lower() in _ORG_WORDS for w in words)
    )


def _office(value: str) -> bool:
    """Whether a gazetteer name is an office ("Prime Minister of Tarsen")."""
    words = [w.lower() for w in value.split()]
    return not ROLE_HEADS.isdisjoint(words) and not {"government", "administration"} & set(words)


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= pos < hi for lo, hi in spans)
