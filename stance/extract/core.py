"""Claim extraction: who said what, where, and when.

``documents -> claims``. Each document is cut into paragraphs; only paragraphs with a quote
mark or a speech cue are parsed (the cheap pre-filter), in batches through ``nlp.pipe``.
Skipped paragraphs still feed the person-mention tracker, so "he" in a parsed paragraph can
be resolved to a name from an unparsed one.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stance.extract.actions import action_cue, find_actions
from stance.extract.cues import (
    Cue,
    colon_cue,
    false_have,
    find_cues,
    link_parents,
    negated,
    org_like,
    verbless_root,
    withheld,
)
from stance.extract.formats import format_claims
from stance.extract.lexicon import (
    CUE_FORMS,
    CUE_WORDS,
    HEDGES,
    HEDGING_CUES,
    PERSON_PRONOUNS,
    PHRASAL_CUES,
    ROLE_HEADS,
    TITLES,
    action_prefilter,
    prefilter,
)
from stance.extract.nlp import ids, positions
from stance.extract.quotes import Quote, find_quotes, paragraphs
from stance.extract.speakers import (
    SUBJECT_DEPS,
    Mention,
    MentionIndex,
    canonical,
    capitalised_names,
    np_span,
    people,
    resolve_subject,
    roles_of,
    strip_titles,
)
from stance.extract.timex import find_period
from stance.records import Claim, Document

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

_TRIM = " \t\n,;:—–-"
_CLOSING_QUOTE = re.compile(r"[”\"]")
_PAST_TAGS = frozenset({"VBD", "VBN"})
# words that can be cues (find_cues decides), and subject relations, as spaCy hashes
_CUE_IDS = ids([*CUE_WORDS, *PHRASAL_CUES])
_SUBJECT_IDS = ids(SUBJECT_DEPS)
_ROOT_IDS = ids(["ROOT"])


def extract_claims(
    documents: Iterable[Document],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
    gazetteer: Mapping[str, str] | None = None,
    n_process: int | None = None,
) -> Iterator[Claim]:
    """Extract quoted and reported statements with their speakers.

    Streams: documents are read lazily and a document's claims are yielded as soon as it is
    parsed, so memory stays bounded on any number of documents.

    Args:
        documents: Documents in any order (claims come out grouped by document, in order).
        nlp: A spaCy English pipeline with tagger and parser (default: :func:`load_nlp`).
        batch_size: Parsing batch size, in documents (``nlp.pipe`` gets ``8 * batch_size``
            paragraphs per batch).
        gazetteer: Lower-cased surface forms -> canonical speaker names.
        n_process: Worker processes. ``None`` (default) uses every core once the input holds
            more than a few articles' worth of words (:data:`stance.extract.workers.
            PARALLEL_MIN_WORDS`); each worker parses and extracts whole documents with
            single-threaded BLAS, and costs a copy of the parser in memory (~250 MB).
            1 keeps all work in this process.

    Yields:
        Claims, in document order, with offsets into ``document.text``.
    """
    from stance.extract import workers

    if nlp is None:
        from stance.extract.nlp import load_nlp

        nlp = load_nlp()
    gaz = {k.lower(): v for k, v in (gazetteer or {}).items()}
    yield from workers.run(documents, nlp, batch_size, gaz, n_process)


def extract_serial(
    documents: Iterable[Document], nlp: Language, batch_size: int, gaz: Mapping[str, str]
) -> Iterator[Claim]:
    """:func:`extract_claims` in this process: one ``nlp.pipe`` stream over the selected
    stretches of all documents (``gaz`` keys already lower-cased)."""
    waiting: deque[list[Any]] = deque()  # [document, plan, parsed paragraphs, left to parse]

    def paragraphs_to_parse() -> Iterator[tuple[str, int]]:
        for doc in documents:
            plan = _plan(doc, actions=bool(gaz))
            waiting.append([doc, plan, [], max(1, len(plan["selected"]))])
            for (s, _), parse_text in zip(plan["selected"], plan["texts"], strict=True):
                yield parse_text, s
            if not plan["selected"]:
                yield "", -1  # an empty marker keeps the queue of waiting documents short

    parsed = nlp.pipe(paragraphs_to_parse(), as_tuples=True, batch_size=batch_size * 8)
    for pdoc, start in parsed:
        if start >= 0:
            waiting[0][2].append((start, pdoc))
        waiting[0][3] -= 1
        if waiting[0][3] == 0:
            doc, plan, pdocs, _ = waiting.popleft()
            yield from _document_claims(doc, plan, pdocs, gaz)
    while waiting:
        doc, plan, pdocs, _ = waiting.popleft()
        yield from _document_claims(doc, plan, pdocs, gaz)


def _plan(doc: Document, *, actions: bool = False) -> dict[str, Any]:
    """Which stretches of a document to parse.

    Returns ``paragraphs`` (all), ``quotes``, ``selected`` (runs of consecutive sentences
    that hold a quote mark, a speech cue or a ``Name:`` line, each within one paragraph;
    with ``actions``, also runs of sentences holding a decision verb, parsed apart from the
    others so that the parse of the statements is the same with or without them),
    ``texts`` (each selected run as the parser reads it, see :func:`_blank_quotes`),
    ``skipped`` (everything else; scanned for names only) and ``datelines`` (the wire
    datelines opening selected paragraphs, which no claim's words include).
    """
    text = doc.text
    paras = paragraphs(text)
    quotes = find_quotes(text)
    selected: list[tuple[int, int]] = []
    texts: list[str] = []
    skipped: list[tuple[int, int]] = []
    datelines: list[tuple[int, int]] = []
    for start, end in paras:
        if not prefilter(text[start:end]) and not (actions and action_prefilter(text[start:end])):
            skipped.append((start, end))
            continue
        blanked = _blank_dateline(_blank_quotes(text, start, end, quotes))
        if blanked[:1] == " " and text[start : start + 1] != " ":
            datelines.append((start, start + len(blanked) - len(blanked.lstrip(" "))))
        for lo, hi, keep in _sentence_runs(_headline_case(blanked), actions=actions):
            if keep:
                selected.append((start + lo, start + hi))
                texts.append(_headline_case(blanked[lo:hi]))
            else:
                skipped.append((start + lo, start + hi))
    return {
        "paragraphs": paras,
        "selected": selected,
        "texts": texts,
        "skipped": skipped,
        "quotes": quotes,
        "datelines": datelines,
    }


# A sentence ends at . ! or ? (and any closing quote mark) before a space and a capital or
# an opening quote, unless the word before is a title or an initial ("Mr. Trump", "J. Doe").
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|St|Jr|Sr|Inc|Corp|"
    r"Co|Ltd|No|Vol|Ft|Mt|Gens|Reps|Sens|U\.S|U\.N|U\.K|Jan|Feb|Aug|Sept|Oct|Nov|Dec)|"
    r"\b[A-Z])\.$"
)


def _sentence_runs(paragraph: str, *, actions: bool = False) -> list[tuple[int, int, bool]]:
    """Split a paragraph into runs of sentences worth parsing (True) or not (False).

    Offsets are relative to ``paragraph``; runs cover it without gaps. With ``actions``,
    sentences holding only a decision verb are kept too, in runs of their own.
    """
    cuts = _sentence_cuts(paragraph)
    states: list[tuple[int, int, int]] = []  # 0: skip, 1: statements, 2: actions only
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        state = 1 if prefilter(paragraph[lo:hi]) else 0
        if not state and actions and action_prefilter(paragraph[lo:hi]):
            state = 2
        if states and states[-1][2] == state:
            states[-1] = (states[-1][0], hi, state)
        else:
            states.append((lo, hi, state))
    return [(lo, hi, state > 0) for lo, hi, state in states]


def _sentence_cuts(paragraph: str) -> list[int]:
    """Where the sentences of a paragraph start, and its length."""
    cuts = [0]
    for match in _SENTENCE_END.finditer(paragraph):
        if not _ABBREVIATION.search(paragraph, 0, match.start()):
            cuts.append(match.end())
    cuts.append(len(paragraph))
    return cuts


def _sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """The sentences of a paragraph, as offsets into it."""
    cuts = _sentence_cuts(paragraph)
    return list(zip(cuts, cuts[1:], strict=False))


_WORD = re.compile(r"\S+")
_CLAUSE = "It is so"  # what the parser reads in place of a long quoted sentence
_FINAL = re.compile(r"[\s,.;:?!…—–-]*$")


def _blank_quotes(text: str, start: int, end: int, quotes: list[Quote]) -> str:
    """The paragraph ``text[start:end]`` with long quoted sentences replaced by a short
    stand-in clause (the parser then reads each selected run through :func:`_headline_case`).

    The words inside a quotation are never cues or speakers (both are looked for outside
    quotation marks), so parsing them is wasted time: about a fifth of news words are
    quoted. A quotation of six or more words that opens with a capital is replaced by
    "It is so" and its closing punctuation ("“It is so,” Rubio continued."), which the
    parser reads as reliably as the original; the rest of the stretch is blanked with
    spaces, so every character offset of the paragraph is unchanged. Fragments ("called
    it “a disaster for the country”") are parsed as written.
    """
    chars: list[str] | None = None
    for q in quotes:
        if q.single or q.end <= start or q.start >= end or q.start < start:
            continue
        inner = text[q.start : min(q.end, end)]
        stripped = inner.lstrip()
        if not stripped[:1].isupper() or len(_WORD.findall(inner)) < 6:
            continue
        lo = q.start + len(inner) - len(stripped)
        hi = q.start + _FINAL.search(inner).start()
        if hi - lo <= len(_CLAUSE):
            continue
        if chars is None:
            chars = list(text[start:end])
        chars[lo - start : hi - start] = _CLAUSE + " " * (hi - lo - len(_CLAUSE))
    return text[start:end] if chars is None else "".join(chars)


# A wire dateline opening a paragraph: a place in capitals, perhaps a date or a country,
# perhaps the agency, then a dash ("LONDON, June 5 (Reuters) - ", "KYIV (AP) — ",
# "KYIV, Ukraine (AP) — ", "BERLIN, March 3 - ", "PARIS — ").
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,3}"
    r"(?:, [A-Z][\w.]*(?: [\w.]+){0,2}){0,2}"
    r"(?: ?\([^()\n]{1,40}\))?"
    r" ?(?:[-–—]{1,2}|--) "
)


#: A live blog's time stamp opening a paragraph: "08:40 - ", "14.05 GMT: ", "9:30 a.m. - ".
_TIMESTAMP = re.compile(
    r"\s*\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?(?:\s?(?:GMT|UTC|BST|CET|CEST|EST|EDT|ET))?"
    r"\s*(?:[-–—:|]{1,2}\s*)"
)


def _blank_dateline(paragraph: str) -> str:
    """The paragraph with a leading wire dateline or live-blog time stamp blanked with spaces
    (same length): the place of a dateline is not a speaker, and the parser must not take it
    for the subject ("MOSCOW, March 14 (Reuters) - President Vladimir Putin said ...",
    "08:40 - Kallvik, in a hard hat, says ...")."""
    match = _DATELINE.match(paragraph) or _TIMESTAMP.match(paragraph)
    if match is None or not paragraph[match.end() : match.end() + 1].strip():
        return paragraph
    return " " * match.end() + paragraph[match.end() :]


def _headline_case(stretch: str) -> str:
    """A title-case stretch with its cue verbs and function words lower-cased."""
    return _sentence_case(stretch) if _title_case(stretch) else stretch


_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# words a headline capitalises that read as a verb or a function word once lower-cased
_HEADLINE_LOWER = frozenset(
    {
        *CUE_FORMS,
        *"""a an the and or but nor of to in on at by for from with as about over against
        into after before is are was were be been has have had will would may might can
        could should must not""".split(),
    }
)


def _title_case(stretch: str) -> bool:
    """A headline in title case ("Conservative Icon Morton Blackwell Endorses Ted Cruz"),
    where the small parser takes every capitalised word, verbs included, for a name."""
    words = [w for w in _TITLE_WORD.findall(stretch) if len(w) >= 4]
    if len(words) < 3 or len(words) > 25 or "\n" in stretch.strip():
        return False
    return sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _sentence_case(stretch: str) -> str:
    """Lower-case the cue verbs and function words of a title-case stretch (same length,
    so offsets are unchanged): "... Blackwell endorses Ted Cruz"."""

    def lower(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if match.start() and low in _HEADLINE_LOWER and len(low) == len(word):
            return low
        return word

    return _TITLE_WORD.sub(lower, stretch)


def _document_claims(
    doc: Document, plan: dict[str, Any], pdocs: list[tuple[int, Doc]], gaz: Mapping[str, str]
) -> list[Claim]:
    text = doc.text
    quotes: list[Quote] = plan["quotes"]
    qspans = _merge([(q.start - q.mark, q.end + q.mark) for q in quotes])
    datelines: list[tuple[int, int]] = plan["datelines"]
    index = _mentions(text, plan, pdocs, qspans, gaz)
    claims: list[Claim] = []
    group_cue: dict[int, Cue] = {}  # pieces of one quotation share its speaker
    previous: Cue | None = None  # the speech cue that ended the previous parsed paragraph
    prev_end = -1
    for base, pdoc in pdocs:
        pend = base + _length(pdoc)
        cues = [
            c
            for i in positions(pdoc, "LOWER", _CUE_IDS)
            if not _in_spans(base + pdoc[i].idx, qspans)
            for c in find_cues(pdoc[i], base, index)
        ]
        headline = base == plan["paragraphs"][0][0]
        cues += colon_cue(pdoc, base, index, text[base:pend], headline=headline)
        for cue in cues:
            if cue.speaker is not None and _in_spans(cue.speaker.start, qspans):
                cue.speaker = None  # the parser took a quotation for the subject
        link_parents(cues)
        adjacent = previous is not None and not text[prev_end:base].strip()
        taken: set[int] = set()
        last_used: Cue | None = None
        for q in (q for q in quotes if base <= q.start < pend):
            parts = _attribute_quote(q, cues, text, qspans)
            if not parts and q.group in group_cue:
                parts = [(q.start, q.end, group_cue[q.group], "direct")]
            if not parts and adjacent and _starts_paragraph(text, q) and not q.single:
                parts = [(q.start, q.end, previous, "direct")]  # "X said:" / X spoke before
            for start, end, cue, kind in parts:
                taken.add(id(cue))
                claim = _make_claim(
                    doc, pdoc, base, start, end, cue, kind, gaz, qspans=qspans, skip=datelines
                )
                if claim is not None:
                    claims.append(claim)
                    if not q.single:
                        group_cue.setdefault(q.group, cue)
                        last_used = cue
        for cue in cues:
            if cue.content is None or cue.speaker is None:
                continue
            if _hearsay(cue) and id(cue) not in taken:
                continue  # "Rubio said he backed Kyiv's push for talks": no claim of Kyiv's
            if id(cue) in taken and (not cue.clausal or _only_quotes(text, cue.content, qspans)):
                continue  # the cue's words are the quotation, not "on Twitter"
            start, end = cue.content
            refusal = withheld(cue.token)
            if refusal is not None:
                outer = cue.parent.content if cue.parent is not None else None
                if (
                    refusal.i != cue.token.i
                    and outer is not None
                    and outer[0] <= start
                    and end <= outer[1]
                ):
                    continue  # "declined to say whether X": the "declined" claim holds it
                start = min(start, base + refusal.idx)  # "would not say whether X", not "X"
            elif (negation := negated(cue.token)) is not None and cue.clausal:
                start = min(start, base + negation.idx)  # "does not believe that X", not "X"
            kind = cue.kind
            if refusal is None and not cue.clausal and gaz:
                # "the cabinet rejected a proposal", "decided to withdraw the application":
                # a decision of a government actor, with its verb ("a proposal" alone reads
                # as support)
                action = action_cue(cue.token, base, index, gaz)
                if action is not None:
                    cue, kind = action, "action"
                    start, end = action.content
            claim = _make_claim(
                doc,
                pdoc,
                base,
                start,
                end,
                cue,
                kind,
                gaz,
                withheld=refusal is not None,
                qspans=qspans,
                skip=datelines,
            )
            if claim is not None:
                claims.append(claim)
        claims += _actions(doc, pdoc, base, index, cues, gaz, qspans, datelines)
        speech = [c for c in cues if c.speaker is not None and c.speech]
        previous = last_used or (speech[-1] if speech else None)
        if text[base:pend].rstrip().endswith(":"):
            # "Cruz continued:", "Clinton released the following statement:" — the next
            # paragraph's quotation is theirs
            previous = _introducer(pdoc, base, index, cues) or previous
        prev_end = pend
    # interview answers and a registered author's op-ed: the speaker's own words
    claims = format_claims(doc, claims, plan["paragraphs"], quotes, gaz, _sentence_spans)
    claims.sort(key=lambda c: (c.start_char, -c.end_char))
    unique: dict[tuple[int, int], Claim] = {}
    for claim in claims:
        unique.setdefault((claim.start_char, claim.end_char), claim)
    return list(unique.values())


def _actions(
    doc: Document,
    pdoc: Doc,
    base: int,
    index: MentionIndex,
    cues: list[Cue],
    gaz: Mapping[str, str],
    qspans: list[tuple[int, int]],
    datelines: list[tuple[int, int]],
) -> list[Claim]:
    """Claims of the policy actions of a parsed paragraph (:mod:`stance.extract.actions`):
    not inside a quotation (the speaker's words), a cue's content ("the ministry said the
    cabinet had approved the bill" is the ministry's claim; "criticised the cabinet for
    approving it" the critic's) or another action ("voted to ban")."""
    found = find_actions(pdoc, base, index, gaz, {c.token.i for c in cues})
    if not found:
        return []
    held = [c.content for c in cues if c.content is not None]
    out: list[Claim] = []
    for action in found:
        pos = action.pos
        if _in_spans(pos, qspans) or any(lo <= pos < hi for lo, hi in held):
            continue
        if any(a is not action and a.content[0] <= pos < a.content[1] for a in found):
            continue
        start, end = action.content
        claim = _make_claim(
            doc, pdoc, base, start, end, action, "action", gaz, qspans=qspans, skip=datelines
        )
        if claim is not None:
            out.append(claim)
    return out


def _hearsay(cue: Cue) -> bool:
    """Whether a cue inside another speaker's reported clause is only what that speaker
    says of a third party's attitude or deed ("Rubio said he supported the president's
    push for talks": the push is not the president's statement): not a speech verb with a
    clause of its own ("Rubio said Kyiv had insisted that ..." stays Kyiv's)."""
    parent = cue.parent
    if parent is None or parent.speaker is None or cue.speaker is None:
        return False
    if parent.token.dep_ == "advcl" and any(c.lower_ == "as" for c in parent.token.children):
        return False  # "As the Post reported, Trump criticized ...": the main clause stands
    if cue.speech and cue.clausal:
        return False
    return bool(cue.speaker.name) and cue.speaker.name != parent.speaker.name


def _introducer(pdoc: Doc, base: int, index: MentionIndex, cues: list[Cue]) -> Cue | None:
    """The speaker of a stretch ending with a colon: the subject of the colon's verb."""
    colon = next((t for t in reversed(pdoc) if not t.is_space), None)
    if colon is None or colon.text != ":":
        return None
    verb = colon.head
    if not verb.tag_.startswith("VB"):
        return None
    for cue in cues:
        if cue.token.i == verb.i and cue.speaker is not None:
            return cue
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects:
        return None
    speaker = resolve_subject(subjects[0], base=base, index=index)
    if not speaker.name:
        return None
    return Cue(verb, verb.text, speaker, None, "direct", base + verb.idx, base=base)


def _starts_paragraph(text: str, q: Quote) -> bool:
    start = text.rfind("\n", 0, q.start) + 1
    return not text[start : max(start, q.start - q.mark)].strip()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies inside one of ``spans`` (sorted by start, not overlapping)."""
    k = bisect.bisect_right(spans, (pos, math.inf)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _only_quotes(text: str, span: tuple[int, int], qspans: list[tuple[int, int]]) -> bool:
    chars = list(text[span[0] : span[1]])
    for s, e in qspans:
        for i in range(max(s, span[0]), min(e, span[1])):
            chars[i - span[0]] = " "
    return not re.search(r"\w", "".join(chars))


# --------------------------------------------------------------------------- mentions


def _mentions(
    text: str,
    plan: dict[str, Any],
    pdocs: list[tuple[int, Doc]],
    qspans: list[tuple[int, int]],
    gaz: Mapping[str, str] | None = None,
) -> MentionIndex:
    index = MentionIndex()
    inside = functools.partial(_in_spans, spans=qspans)
    names = []
    for base, pdoc in pdocs:
        for ent in people(pdoc):
            words = strip_titles([t.text for t in ent if t.tag_ != "POS"])
            if len(words) >= 2 and words[0].lower() not in _NOT_GIVEN:
                index.add_name(base + ent.start_char, " ".join(words), subject=_subject_name(ent))
            names.append((base, ent))
    # surnames the registry knows ("brandt" -> "Otto Brandt") count as people even when the
    # article never writes the full name; a full name the article writes comes first
    for form, name in (gaz or {}).items():
        if " " not in form and " " in name and name.lower().split()[-1] == form:
            index.surnames.setdefault(form, name)
    for base, ent in names:
        pos = base + ent.start_char
        words = [t.text for t in ent if t.tag_ != "POS"]
        name = index.full_name(" ".join(strip_titles(words)), pos)
        if inside(pos) or (" " not in name and ent.root.lower_ not in index.surnames):
            continue  # a lone capitalised word NER took for a person ("Kyiv")
        head = _name_head(ent)
        start, _ = np_span(head)
        subject = _subject_name(ent)
        if head.dep_ == "appos" and head.head.tag_ in ("NN", "NNS"):
            # "The German chancellor, Friedrich Merz, said": Merz carries the description's
            # roles, so a later "the chancellor" is Merz
            start = min(start, np_span(head.head)[0])
        context = [t.text for t in ent.doc[start : ent.end]]
        index.add(Mention(pos, base + ent.end_char, name, True, subject, roles_of(context)))
    for base, pdoc in pdocs:
        for i in positions(pdoc, "DEP", _SUBJECT_IDS | _ROOT_IDS):
            tok = pdoc[i]
            if inside(base + tok.idx):
                continue
            if tok.dep_ == "ROOT" and not verbless_root(tok):
                continue  # only "Trump called Putin's statement ...", parsed without a verb
            low = tok.lower_
            if low in PERSON_PRONOUNS:
                index.add(
                    Mention(base + tok.idx, base + tok.idx + len(tok), "", True, True, pronoun=low)
                )
            elif low in ROLE_HEADS and not any(t.tag_.startswith("NNP") for t in tok.subtree):
                start, end = np_span(tok)
                span = pdoc[start:end]
                roles = roles_of([t.text for t in span]) - {"the"}
                index.add(
                    Mention(
                        base + span.start_char,
                        base + span.end_char,
                        span.text,
                        True,
                        True,
                        roles,
                        "desc",
                    )
                )
            elif tok.lower_ in index.surnames and tok.text[:1].isupper():
                name = index.full_name(tok.text, base + tok.idx)
                index.add(Mention(base + tok.idx, base + tok.idx + len(tok), name, True, True))
            elif org_like(tok) or (tok.tag_ == "NN" and tok.lower_ == "administration"):
                start, end = np_span(tok)
                span = pdoc[start:end]
                index.add(
                    Mention(base + span.start_char, base + span.end_char, span.text, False, True)
                )
    for s, e in plan["skipped"]:
        for mention in capitalised_names(text[s:e], s, index):
            index.add(mention)
    return index


# capitalised words that open a run of proper nouns without being a given name
_NOT_GIVEN = frozenset("and but or so then yet if as when while".split())


def _name_head(ent: Span) -> Token:
    head = ent.root
    while head.dep_ == "compound" and head.head.i != head.i:
        head = head.head
    return head


def _subject_name(ent: Span) -> bool:
    """Whether a person name is a grammatical subject, directly or as the name set off
    after a subject description ("his adviser, Jake Sullivan, said")."""
    head = _name_head(ent)
    if head.dep_ in SUBJECT_DEPS or verbless_root(head):
        return True
    return (
        head.dep_ == "appos" and head.head.tag_ in ("NN", "NNS") and head.head.dep_ in SUBJECT_DEPS
    )


def _attribute_quote(
    q: Quote, cues: list[Cue], text: str, qspans: list[tuple[int, int]]
) -> list[tuple[int, int, Cue | None, str]]:
    introducer = _colon_cue(q, cues, text)
    if introducer is not None:
        return [(q.start, q.end, introducer, "direct")]
    holders = [c for c in cues if c.content and c.content[0] <= q.start < c.content[1] + 1]
    if holders:
        cue = min(holders, key=lambda c: c.content[1] - c.content[0])
        lo, hi = cue.content
        if q.end > hi and cue.parent is not None and re.search(r"\w", text[hi : q.end]):
            # "He added that Hegseth had said “A. B.”": A is Hegseth's, B the outer speaker's
            return [(q.start, hi, cue, "direct"), (hi, q.end, cue.parent, "direct")]
        return [
            (q.start, q.end, cue, "direct" if _sentence_like(text[q.start : q.end]) else "partial")
        ]
    wrapping = [
        c
        for c in cues
        if c.content is None and c.speaker is not None and c.clause[0] < q.start < c.clause[1]
    ]
    if wrapping and not _sentence_like(text[q.start : q.end]):
        cue = min(wrapping, key=lambda c: c.clause[1] - c.clause[0])
        return [(q.start, q.end, cue, "partial")]
    free = [
        c
        for c in cues
        if c.speaker is not None
        and (
            c.content is None
            or not c.clausal
            or c.content[0] < q.end + 1
            and q.start - 1 < c.content[1]
            or _only_quotes(text, c.content, qspans)
        )
    ]
    if not free:
        return []

    def dist(c: Cue) -> int:
        gap = c.pos - q.end if c.pos >= q.end else q.start - c.pos
        return gap + (0 if c.speech else 10_000)

    cue = min(free, key=dist)
    return [(q.start, q.end, cue, "direct")]


def _colon_cue(q: Quote, cues: list[Cue], text: str) -> Cue | None:
    """The cue whose verb a colon right before a quotation hangs from: "Sybiha recalled
    the principle that Kyiv has repeated since 2022: “...”" is Sybiha's quotation, not
    Kyiv's."""
    before = text[: q.start - q.mark].rstrip()
    if not before.endswith(":") or q.single:
        return None
    colon = len(before) - 1
    for cue in cues:
        if cue.speaker is None or not cue.speech:
            continue
        k = colon - cue.base
        doc = cue.token.doc
        if 0 <= k < _length(doc):
            span = doc.char_span(k, k + 1)
            if span is not None and span[0].text == ":" and span[0].head.i == cue.token.i:
                return cue
    return None


def _sentence_like(quote: str) -> bool:
    """A full quoted sentence rather than a fragment ("inevitable", "a meaningful conversation")."""
    quote = quote.strip(" “”\"‘’'")
    return quote[:1].isupper() and len(quote.split()) >= 3


# --------------------------------------------------------------------------- claims


def _make_claim(
    doc: Document,
    pdoc: Doc,
    base: int,
    start: int,
    end: int,
    cue: Cue,
    kind: str,
    gaz: Mapping[str, str],
    *,
    withheld: bool = False,
    qspans: Iterable[tuple[int, int]] = (),
    skip: Sequence[tuple[int, int]] = (),
) -> Claim | None:
    """A claim of ``text[start:end]`` by ``cue``'s speaker (None without a speaker or words).

    ``withheld``: the speaker refused to say (:func:`stance.extract.cues.withheld`); the claim
    is marked hedged, since it takes no position of its own. ``qspans``: the document's
    quotations; a time expression inside any of them is the speaker's words, not the date
    of the statement ("“In 1994 we gave up ...,” he said. “We will not ...”"). ``skip``:
    wire datelines ("KARSBY, March 17 (Vestmark Wire) - "), which the parser read as
    spaces; a claim never starts inside one.
    """
    speaker = cue.speaker
    if speaker is None:
        return None
    text = doc.text
    for lo, hi in skip:
        if lo <= start < hi:
            start = hi
    while start < end and text[start] in _TRIM + ".":
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    opens = len(re.findall(r"[“\"]", text[start:end]))
    words = text[start:end]
    if words.count("“") > words.count("”") or (
        words.count('"') % 2 and words.count("“") == words.count("”")
    ):
        # a quotation the clause opens closes right after it ("... as “previous
        # allegations.”", also with straight quotes: 'as "a fire sale."')
        close = _CLOSING_QUOTE.search(text, end, end + 3)
        if close is not None:
            end = close.end()
    if end - start < 2 or not re.search(r"\w", text[start:end]) or opens < 0:
        return None
    bounds = _sentences(pdoc)
    sents = [(a, b) for a, b in bounds if base + a < end and base + b > start]
    s_start = min(base + sents[0][0], start) if sents else start
    s_end = max(base + sents[-1][1], end) if sents else end
    for lo, hi in skip:
        if lo <= s_start < hi:
            s_start = min(hi, start)  # the sentence, as scored for topics, has no dateline
    content = text[start:end]
    hedged = (
        withheld
        or bool(HEDGES.search(content))
        or CUE_FORMS.get(cue.token.lower_, "") in HEDGING_CUES
    )
    period = None
    if _past(cue.token):
        sent = next(
            ((a, b) for a, b in _sentences(cue.token.doc) if a <= cue.token.idx < b),
            (0, _length(cue.token.doc)),
        )
        lo, hi = cue.base + sent[0], cue.base + sent[1]
        masked = list(text[lo:hi])
        # an action's own time phrase ("had rejected the plan in 2021") dates it; a time
        # phrase inside a statement's content does not date the statement
        own = [] if kind == "action" else [(start, end)]
        for s, e in [*own, *qspans]:
            for i in range(max(lo, s), min(hi, e)):
                masked[i - lo] = " "
        period = find_period(
            "".join(masked),
            ref=doc.date,
            offset=lo,
            accept=functools.partial(_dates_cue, cue),
        )
    name = ""
    if speaker.name:
        # "Sullivan" expanded to the Dan Sullivan the article names: the gazetteer's
        # "sullivan" (Jake) must not undo that
        expanded = " " not in speaker.text.strip() and " " in speaker.name
        name = canonical(speaker.name, gaz, *(() if expanded else (speaker.text,)))
    return Claim(
        doc_id=doc.id,
        text=content,
        start_char=start,
        end_char=end,
        date=period.start if period else doc.date,
        speaker_text=speaker.text,
        speaker_start_char=speaker.start,
        speaker_end_char=speaker.end,
        speaker=name,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        date_text=period.text if period else None,
        kind=kind,
        cue=cue.text,
        hedged=hedged,
        sentence_start=s_start,
        sentence_end=s_end,
    )


# subordinators of a clause that places the cue in time ("After Russia invaded Ukraine in
# February 2022, the Biden administration vowed ...")
_TEMPORAL_MARKS = frozenset("after when while as since until before once".split())


def _dates_cue(cue: Cue, start: int, end: int) -> bool:
    """Whether the time expression at document offsets ``start:end`` modifies the cue: it
    hangs from the cue or from a word the cue hangs from ("In 2019, Doe said", "Doe had
    argued in 2021", "the ministry said the government rejected the plan in 2015" for the
    rejection), or from a clause placing the cue in time ("After Russia invaded in 2022,
    Biden vowed"), not from another verb ("rejected the request, saying the ban introduced
    in 2015 would remain": 2015 dates the ban)."""
    doc, base = cue.token.doc, cue.base
    span = doc.char_span(start - base, end - base, alignment_mode="expand")
    if span is None or not len(span):
        return True
    above = {cue.token.i, *(a.i for a in cue.token.ancestors)}
    speaker = (cue.speaker.start - base, cue.speaker.end - base) if cue.speaker else (0, 0)
    tok = span.root
    for _ in range(len(doc)):
        if false_have(tok):
            return False  # "the times Putin had broken agreements since 2014, and asked"
        if tok.i in above:
            return True
        if tok.tag_.startswith("VB") or tok.tag_ == "MD":
            return _placing(tok, above, speaker)
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _placing(verb: Token, above: set[int], speaker: tuple[int, int]) -> bool:
    """Whether a clause holding a time expression places the cue in time: a temporal clause
    of it ("After Russia invaded ...", "Back when it signed ...", "Campaigning in 2012, he
    barely mentioned ..."), or a clause describing the source when that is a thing, not a
    person ("A report released last year found", "according to a speech Clinton delivered
    in July 2015"; not "Don Fowler, who helmed the DNC from 1995 to 1997, said")."""
    head = verb.head
    if verb.dep_ == "advcl" and head.i in above:
        if any(c.lower_ in _TEMPORAL_MARKS for c in verb.children if c.dep_ in ("mark", "advmod")):
            return True
        return verb.tag_ in ("VBG", "VBN") and not any(
            c.dep_ in SUBJECT_DEPS for c in verb.children
        )
    if verb.dep_ in ("acl", "relcl") and head.tag_ in ("NN", "NNS"):
        if not speaker[0] <= head.idx < speaker[1]:
            return False  # ``speaker``: the speaker mention, as offsets in the paragraph
        if head.lower_ in ROLE_HEADS or head.lower_ in TITLES:
            return False
        return not any(c.lower_ in ("who", "whom") for c in verb.children)
    return False


def _length(pdoc: Doc) -> int:
    """Length of a parsed paragraph's text, without building the string."""
    if not len(pdoc):
        return 0
    last = pdoc[-1]
    return last.idx + len(last.text_with_ws)


def _sentences(pdoc: Doc) -> list[tuple[int, int]]:
    """Character spans of a parsed paragraph's sentences (computed once per paragraph)."""
    if "sentences" not in pdoc.user_data:
        starts = [i for i, v in enumerate(pdoc.to_array("SENT_START").tolist()) if v == 1 or i == 0]
        ends = [*starts[1:], len(pdoc)]
        pdoc.user_data["sentences"] = [
            (pdoc[a].idx, pdoc[b - 1].idx + len(pdoc[b - 1]))
            for a, b in zip(starts, ends, strict=True)
        ]
    return pdoc.user_data["sentences"]


def _past(tok: Token) -> bool:
    cur = tok
    for _ in range(3):
        if cur.tag_ in _PAST_TAGS or any(c.lower_ == "had" for c in cur.children):
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False
