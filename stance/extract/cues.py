"""Speech cues in a parsed paragraph: the cue word, its speaker and its content.

A cue is a speech or attitude verb ("said", "insisted", "vowing"), ``according to``, a cue
noun with a ``that`` clause ("X's comments that ..."), or a ``Name:`` line. For each, the
speaker is found from the parse (subject, or the subject of the verb a gerund hangs from, or
a relative clause's antecedent) and the content is the clausal complement, or failing that
the rest of the verb phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stance.extract.lexicon import (
    AUDIENCE_WORDS,
    CUE_FORMS,
    CUE_NOUNS,
    CUE_NOUNS_OF,
    LIGHT_FORMS,
    MAKE_FORMS,
    PHRASAL_CUES,
    REFUSAL_FORMS,
    RELATIVE_PRONOUNS,
    ROLE_HEADS,
    SPEECH_VERBS,
    TITLES,
    VIEW_NOUNS,
    WEAK_CUES,
    WITHHOLDING_CUES,
)
from stance.extract.speakers import (
    SUBJECT_DEPS,
    MentionIndex,
    Speaker,
    np_span,
    person_entity,
    resolve_subject,
    strip_titles,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_CLIMB_DEPS = frozenset(
    {"advcl", "xcomp", "pcomp", "conj", "prep", "pobj", "acl", "ccomp", "acomp"}
)
_PLEDGE = frozenset({"vow", "pledge", "promise", "threaten", "urge", "demand"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP"})
# cues whose topic comes with their own preposition: "referring to Barack Obama"
_CUE_PREPS = {"refer": "to", "point": "to", "respond": "to", "reply": "to", "allude": "to"}
# verbs that report a statement or belief only with a clause ("found that ...")
_CLAUSE_ONLY = frozenset("continue find".split())
# verbs whose content may be an indirect question the parser attaches as an adverbial clause
_QUESTION = frozenset("ask wonder question".split())
_ANSWERS = frozenset({"so", "yes", "no"})
_NOUN_PREPS = frozenset({"of", "for", "about", "on", "against", "over", "to"})
_TOPIC_PREPS = frozenset({"about", "of", "for", "against", "over", "regarding", "on", "with", "as"})
_SETTING_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC"})
_TELL = frozenset(
    {"tell", "ask", "inform", "remind", "warn", "urge", "assure", "reassure", "advise"}
)
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "morning afternoon evening night week month year weekend".split()
)
_OBJECT_DEPS = frozenset({"dobj", "prep", "xcomp", "oprd", "dative", "attr", "acomp"})


@dataclass(slots=True)
class Cue:
    """A cue found in a parsed paragraph, with its speaker and content (document offsets)."""

    token: Token
    text: str
    speaker: Speaker | None
    content: tuple[int, int] | None  # document offsets of the reported content
    kind: str
    pos: int  # document offset of the cue word
    clause: tuple[int, int] = (0, 0)  # document offsets of the cue's clause (its subtree)
    speech: bool = True  # a speech verb (not an attitude verb such as "believe")
    base: int = 0  # offset of the cue's parsed paragraph
    clausal: bool = True  # the content is a clause ("said that ..."), not an object
    parent: Cue | None = None


def find_cues(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    """The cues of the word ``tok`` (usually none or one)."""
    cues = _find_cues(tok, base, index)
    for cue in cues:
        if cue.speaker is not None and _in_question(cue.token):
            # "Asked whether the government would consider lifting the ban, the minister
            # said": the government considered nothing, a reporter asked; the cue keeps its
            # content, so a quotation inside the question goes to no one
            cue.speaker = None
    return [c for c in cues if c.speaker is not None or c.content is not None]


def _find_cues(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    low = tok.lower_
    if low == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        return _according(tok, base, index)
    if low == "clear":
        return _made_clear(tok, base, index)
    if low in VIEW_NOUNS and tok.dep_ == "pobj" and tok.head.lower_ == "in":
        return _in_view(tok, base, index)
    if (low in CUE_NOUNS or low in CUE_NOUNS_OF) and tok.tag_.startswith("NN"):
        return _noun_cue(tok, base, index)
    if not tok.tag_.startswith("VB"):
        return []
    if low in PHRASAL_CUES and any(
        c.dep_ == "prt" and c.lower_ == PHRASAL_CUES[low] for c in tok.children
    ):
        base_form = "say"  # "went on", "fired back": speech verbs with a particle
    elif low in CUE_FORMS:
        base_form = CUE_FORMS[low]
    else:
        return []
    clause = (base + tok.left_edge.idx, base + tok.right_edge.idx + len(tok.right_edge))
    passive = _passive(tok, base, index)
    if passive is not None:
        speaker, content = passive
        text = _cue_text(tok)
        cue = Cue(tok, text, speaker, content, "reported", base + tok.idx, clause, False, base)
        cue.clausal = False
        return [cue]
    content, clausal = _content(tok, base, base_form)
    if content is None and base_form in WEAK_CUES and not _has_quote(tok):
        return []  # "called" only counts with a quoted fragment: called it “unrealistic”
    if not clausal and base_form in _CLAUSE_ONLY and not _has_quote(tok):
        return []  # "hiring continues to buck the trend", "they find themselves atop"
    speaker = _subject(tok, base, index)
    if speaker is not None and content is not None:
        speaker = _not_the_topic(tok, base, index, speaker, content)
    if base_form in _TELL and _addressed(tok) and not _open_question(tok, base, content):
        # "Trump was asked whether ...", "Trump, asked if ..., said": the subject was asked,
        # the question is not theirs; the cue keeps its content so that a quotation inside
        # the question goes to no one
        speaker = None
    if speaker is None and content is None:
        return []
    speech = base_form in SPEECH_VERBS
    text = _cue_text(tok)
    cue = Cue(tok, text, speaker, content, "reported", base + tok.idx, clause, speech, base)
    cue.clausal = clausal
    if speaker is not None and content is not None and clausal:
        index.add_content(content)
    return [cue]


def _not_the_topic(
    tok: Token, base: int, index: MentionIndex, speaker: Speaker, content: tuple[int, int]
) -> Speaker:
    """A pronoun or description resolved to someone its own content names ("The president
    said he did not think Zelenskyy was ready") is resolved again without them."""
    if not speaker.name or speaker.name.split()[-1] in speaker.text:
        return speaker  # the speaker is named, not resolved
    if content[0] < speaker.end:
        return speaker  # "X did this, she added": the parse took the clause before for content
    words = set(re.findall(r"[\w'’-]+", tok.doc.text[content[0] - base : content[1] - base]))
    if speaker.name.split()[-1] not in words:
        return speaker
    again = _subject(tok, base, index, exclude=frozenset({speaker.name}))
    if again is None or again.start != speaker.start:
        return speaker
    index.settle(again.start, again.name)
    return again


def verbless_root(noun: Token) -> bool:
    """A proper name the parser made the root of a sentence whose verb it read as a
    participle modifying the name ("Trump called Putin's statement ...")."""
    return (
        noun.dep_ == "ROOT"
        and noun.tag_ in ("NNP", "NNPS")
        and any(
            c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") and c.i == noun.i + 1
            for c in noun.children
        )
    )


_WH_WORDS = frozenset({"how", "what", "why", "when", "where", "who", "whom", "which"})


def _open_question(tok: Token, base: int, content: tuple[int, int] | None) -> bool:
    """Whether an addressed verb's content is an open question ("was asked how the Cold War
    would end"): it states nothing a stance could be read from, so the attribution is kept
    (PolNeAR annotates it); a yes/no question ("whether ...", "if ...") or "was told that ..."
    holds a proposition that must not become the addressee's."""
    if content is None:
        return False
    first = re.match(r"\W*(\w+)", tok.doc.text[content[0] - base : content[1] - base])
    return first is not None and first.group(1).lower() in _WH_WORDS


_QUESTION_MARKS = frozenset({"whether", "if"})
_CONDITIONS = frozenset({"if", "unless", "until"})
_QUESTION_PREPS = frozenset({"about", "on", "over"})
# relations a cue may hang from on its way up to the question it is part of
_QUESTION_PATH = frozenset({"ccomp", "xcomp", "conj", "pobj", "prep", "pcomp", "acomp", "dobj"})


def _in_question(tok: Token) -> bool:
    """Whether a cue lies inside a question put by someone ("asked whether the government
    would consider ...", "Asked about the ministry's support for the ban, ..."), or inside
    a "whether" clause of a speech verb ("declined to say whether she supported the
    charge"; not "it was unclear whether the judges would rule that ..."): what a question
    supposes is nobody's statement. Open questions ("asked how ...") count only through
    "about"; "if" only after a verb of asking."""
    child = tok
    for _ in range(5):
        head = child.head
        if head.i == child.i:
            return False
        marks = {t.lower_ for t in child.children if t.dep_ == "mark"}
        if child.dep_ == "advcl" and marks & _CONDITIONS and head.dep_ == "ccomp":
            return True  # "Rubio said deliveries would wait until Kyiv showed it was serious"
        if (
            "whether" in marks
            and child.dep_ in ("ccomp", "advcl")
            and CUE_FORMS.get(head.lower_) in WITHHOLDING_CUES
        ):
            return True  # "declined to say whether she supported the charge"
        if CUE_FORMS.get(head.lower_) in _QUESTION and head.tag_.startswith("VB"):
            if child.dep_ == "prep":
                return child.lower_ in _QUESTION_PREPS and child.i > head.i
            return child.dep_ in ("ccomp", "advcl") and bool(marks & _QUESTION_MARKS)
        if child.dep_ not in _QUESTION_PATH:
            return False  # "candidates seeking the White House": a clause of its own
        child = head
    return False


def _addressed(tok: Token) -> bool:
    """Whether a verb of telling or asking is passive, so that its subject is the one
    addressed: "was asked whether", "was told that", "Trump, asked if ..., said"."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
        return True
    if tok.dep_ not in ("advcl", "acl") or tok.tag_ not in ("VBN", "VBD"):
        return False
    # a participle without a subject, or set off by a comma after one ("Trump, asked")
    after_comma = tok.i > 0 and tok.doc[tok.i - 1].text == ","
    return after_comma or not any(c.dep_ in SUBJECT_DEPS for c in tok.children)


def _made_clear(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    """ "Trump made clear that he would not back down", "made it clear she opposes it"."""
    make, doc = tok.head, tok.doc
    if make.lower_ not in MAKE_FORMS or not make.tag_.startswith("VB") or tok.i < make.i:
        return []
    comps = [c for c in make.children if c.dep_ == "ccomp" and c.i > tok.i]
    comps = comps or [c for c in tok.children if c.dep_ in ("ccomp", "advcl") and c.i > tok.i]
    speaker = _subject(make, base, index)
    if not comps or speaker is None:
        return []
    content = _trim(doc, comps[0].left_edge.i, comps[0].right_edge.i + 1, base)
    clause = (base + make.left_edge.idx, base + make.right_edge.idx + len(make.right_edge))
    text = doc[make.i : tok.i + 1].text
    return [Cue(make, text, speaker, content, "reported", base + make.idx, clause, True, base)]


def _passive(
    tok: Token, base: int, index: MentionIndex
) -> tuple[Speaker, tuple[int, int] | None] | None:
    """A passive cue with its agent: "the plan was criticized by Senator McCain" gives
    McCain as the speaker and "the plan" as what was said about."""
    agents = [c for c in tok.children if c.dep_ == "agent"]
    objects = [g for a in agents for g in a.children if g.dep_ == "pobj"]
    patients = [c for c in tok.children if c.dep_ == "nsubjpass"]
    if not objects or not patients:
        return None
    speaker = resolve_subject(objects[0], base=base, index=index)
    patient = patients[0]
    content = _trim(patient.doc, patient.left_edge.i, patient.i + 1, base, min_tokens=1)
    return speaker, content


def _has_quote(tok: Token) -> bool:
    return any(t.text in "“”\"‘’'" for t in tok.subtree if t.i > tok.i)


# headline kickers that are not a source ("The Latest: Sanders declares ...")
_HEADLINE_LABELS = frozenset(
    label.strip()
    for label in """the latest, latest, update, updated, breaking, exclusive, watch, video,
    live, photos, analysis, news analysis, opinion, editorial, commentary, review, explainer,
    fact check, factbox, timeline, q&a, live updates""".split(",")
)
_NAME_COLON = re.compile(r"^\s*(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*:")


def colon_cue(
    pdoc: Doc, base: int, index: MentionIndex, ptext: str, *, headline: bool = False
) -> list[Cue]:
    """A paragraph opening with a known name and a colon: "Stone: “I think ...”"; in a
    headline, any short name: "NY Post: Megyn Kelly Is No Different Than Kim Kardashian".

    ``ptext`` is the paragraph's text (``pdoc.text``, passed in to avoid rebuilding it).
    """
    if not ptext[:1].isupper():
        return []
    match = _NAME_COLON.match(ptext)
    if not match:
        return []
    words = strip_titles(match.group("name").split())
    if not words:
        return []
    last = words[-1].lower()
    if headline:
        label = match.group("name")
        if label.lower() in _HEADLINE_LABELS or (label.isupper() and len(label) > 4):
            return []  # "The Latest: ...", "FIX IS IN: ..."
    elif last not in index.surnames and not any(
        last == m.name.split()[-1].lower() for m in index.mentions if m.person and m.name
    ):
        return []
    colon = pdoc.char_span(match.end() - 1, match.end(), alignment_mode="expand")
    if colon is None:
        return []
    tok = colon[0]
    name_start = match.start("name")
    speaker = Speaker(
        match.group("name"),
        base + name_start,
        base + match.end("name"),
        index.full_name(" ".join(words), base + name_start),
    )
    content = None
    if ptext[match.end() :].strip():
        content = _trim(pdoc, tok.i + 1, len(pdoc), base)
    return [Cue(tok, ":", speaker, content, "direct", base + tok.idx, base=base)]


def _cue_text(tok: Token) -> str:
    parts = [tok]
    for child in tok.children:
        if child.dep_ == "prt" or (child.dep_ == "dobj" and child.lower_ in AUDIENCE_WORDS):
            parts.append(child)
    parts.sort(key=lambda t: t.i)
    if parts[-1].i - parts[0].i + 1 == len(parts):
        return tok.doc[parts[0].i : parts[-1].i + 1].text
    return tok.text


def _subject(
    tok: Token, base: int, index: MentionIndex, exclude: frozenset[str] = frozenset()
) -> Speaker | None:
    if verbless_root(tok.head) and tok.dep_ == "acl":
        # "Trump called Putin's statement “...”" parsed as "Trump [who was] called ...":
        # the sentence has no other verb, so the name is the subject
        return resolve_subject(tok.head, base=base, index=index, exclude=exclude)
    if (
        tok.tag_ == "VBN"
        and tok.dep_ in ("advcl", "acl")
        and not any(c.dep_ in SUBJECT_DEPS for c in tok.children)
    ):
        return None  # "Asked about ..., Trump said": the asker is not named
    cur = _misattached(tok) or tok
    for _ in range(4):
        subj = [c for c in cur.children if c.dep_ in SUBJECT_DEPS and c.tag_ != "EX"]
        if subj and cur.i != tok.i and cur.dep_ == "conj" and false_have(cur):
            subj = []  # "the times Putin had broken agreements, and asked": not Putin
        if subj:
            s = subj[0]
            if s.dep_ == "nsubjpass" and s.lower_ == "it":
                return None
            antecedent = cur.head if cur.dep_ == "relcl" and s.lower_ in RELATIVE_PRONOUNS else None
            if s.lower_ in RELATIVE_PRONOUNS and antecedent is None:
                return None
            if s.lower_ in ("it", "they"):
                reporter = _reporter(cur, s, base, index)
                if reporter is not None:
                    return reporter
            return resolve_subject(
                s, base=base, index=index, antecedent=antecedent, exclude=exclude
            )
        if cur.dep_ == "acl" and cur.head.tag_.startswith("NN"):
            return resolve_subject(cur.head, base=base, index=index, exclude=exclude)
        if cur.dep_ not in _CLIMB_DEPS or cur.head.i == cur.i:
            break
        cur = cur.head
    return _name_before(tok, base, index)


_BE = frozenset({"is", "are", "was", "were"})
_HAVE = frozenset({"had", "has", "have"})


def false_have(verb: Token) -> bool:
    """Whether the parser took the auxiliary of a perfect for a main verb: "the times Putin
    had broken agreements", with "broken" as an adjective of "agreements" (a relative
    clause read as a clause of its own)."""
    if verb.lower_ not in _HAVE or verb.i + 1 >= len(verb.doc):
        return False
    after = verb.doc[verb.i + 1]
    return after.tag_ == "VBN" and after.dep_ == "amod" and after.head.head.i == verb.i


def _misattached(tok: Token) -> Token | None:
    """The reporting verb whose subject a cue verb shares when the parser hung the cue on
    the reported clause instead: "Halden said the sale was “a fire sale” and promised to buy
    the shares back" (a copula's subject promises nothing), "Sandvik insisted that the plant
    would close, rejecting calls to extend it" (a participle after a comma at the end of a
    reported clause is the reporter's)."""
    if any(c.dep_ in SUBJECT_DEPS for c in tok.children):
        return None
    clause = tok.head
    report = clause.head
    if clause.dep_ != "ccomp" or report.i == clause.i or report.lower_ not in CUE_FORMS:
        return None
    if not any(c.dep_ in SUBJECT_DEPS for c in report.children):
        return None
    if tok.dep_ == "conj" and tok.tag_ == report.tag_ and clause.lower_ in _BE:
        return report if CUE_FORMS.get(tok.lower_) in SPEECH_VERBS else None
    if tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.i and tok.doc[tok.i - 1].text == ",":
        return report
    return None


def _reporter(verb: Token, pronoun: Token, base: int, index: MentionIndex) -> Speaker | None:
    """The speaker a group pronoun subject of a reported clause stands for: the subject of
    the verb that reports it ("The opposition said it supported higher spending" is the
    opposition, not a government named earlier; "Democrats said they would vote no"), or
    of the verb its own verb is coordinated with ("The opposition backed the bill, but it
    said ...", "the proposal would raise taxes but it would add complexity"). A clause is
    reported only by a cue verb ("the system would allow it to determine" is not).

    Only a subject that agrees with the pronoun: "it" a singular noun that is not a person
    ("Trump said it was a disaster" is about something else), "they" a plural one.
    """
    outer = verb
    for _ in range(3):
        if outer.dep_ not in ("ccomp", "conj") or outer.head.i == outer.i:
            return None
        step, outer = outer.dep_, outer.head
        subjects = [c for c in outer.children if c.dep_ == "nsubj"]
        if subjects:
            break
    else:
        return None
    if step == "ccomp" and outer.lower_ not in CUE_FORMS and outer.lower_ not in PHRASAL_CUES:
        return None  # "the system would allow it to determine": not a report
    noun = subjects[0]
    if noun.lower_ in RELATIVE_PRONOUNS and outer.dep_ == "relcl":
        noun = outer.head  # "the ministry, which said it would ..."
    low = pronoun.lower_
    if noun.lower_ == low:
        if step == "conj":
            return None  # "... and they can't go down, so they should vote": a new clause
        # "It said it would ...", "They said they ..."
    elif low == "it":
        if noun.tag_ not in ("NN", "NNP") or noun.lower_ in ROLE_HEADS | TITLES:
            return None
        if noun.lower_ in index.surnames:
            return None
        start, end = np_span(noun)
        entity = person_entity(noun.doc[start:end])
        if entity is not None and entity.start <= noun.i < entity.end:
            return None
    elif noun.tag_ not in ("NNS", "NNPS"):
        return None
    speaker = _subject(outer, base, index)
    if speaker is None or not speaker.name:
        return None
    start = base + pronoun.idx
    return Speaker(pronoun.text, start, start + len(pronoun), speaker.name)


_APPOSITIVE = re.compile(r"\s*(?:,[^,.;:“”\"]{1,80},)?\s*")


def _name_before(tok: Token, base: int, index: MentionIndex) -> Speaker | None:
    """A finite speech verb the parser left without a subject, right after a name and
    perhaps an appositive: "Col. Steven Warren, a military spokesman in Baghdad, said"."""
    if tok.tag_ not in _FINITE:
        return None
    pos = base + tok.idx
    lo = base + tok.sent.start_char
    for mention in reversed(index.before(pos)):
        if mention.start < lo:
            return None
        if not mention.person or not mention.name:
            continue
        between = tok.doc.text[mention.end - base : tok.idx]
        if _APPOSITIVE.fullmatch(between):
            text = tok.doc.text[mention.start - base : mention.end - base]
            return Speaker(text, mention.start, mention.end, mention.name)
        return None
    return None


def _content(tok: Token, base: int, base_form: str) -> tuple[tuple[int, int] | None, bool]:
    """The cue's content span, and whether it is a clause (not just an object)."""
    doc = tok.doc
    comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
    comps = comps or [c for c in tok.children if c.dep_ == "ccomp"]
    if not comps and base_form in _PLEDGE:
        comps = [c for c in tok.children if c.dep_ == "xcomp"]
    if not comps:  # "calling for the United States to step up ...", "asked if he had ..."
        marks = ("for", "if", "whether") if base_form in _QUESTION else ("for",)
        comps = [
            c
            for c in tok.rights
            if c.dep_ == "advcl" and c.left_edge.lower_ in marks and c.left_edge.dep_ == "mark"
        ]
    if comps:
        comp = comps[0]
        lo, hi = comp.left_edge.i, comp.right_edge.i + 1
        if lo <= tok.i < hi:  # the cue sits inside its complement's span: keep one side
            lo, hi = (tok.i + 1, hi) if comp.i > tok.i else (lo, tok.i)
        if comp.i < tok.i:
            # "X ticked through the code: “Civility was assumed,” he said": what he said
            # starts after the colon
            colons = [t.i for t in doc[lo:hi] if t.text == ":"]
            if colons and colons[-1] + 1 < hi:
                lo = colons[-1] + 1
        return _trim(doc, lo, hi, base), True
    if tok.dep_ == "parataxis" and tok.head.i != tok.i:
        head = tok.head
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        if head.i < tok.i:
            return _trim(doc, lo, tok.left_edge.i, base), True
        return _trim(doc, tok.right_edge.i + 1, hi, base), True
    if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
        # "As the Post reported, the inspector general issued subpoenas": the main clause
        head = tok.head
        if not any(c.dep_ in ("dobj", "ccomp", "prep") for c in tok.rights):
            if tok.left_edge.i <= head.left_edge.i:
                return _trim(doc, tok.right_edge.i + 1, head.right_edge.i + 1, base), True
            return _trim(doc, head.left_edge.i, tok.left_edge.i, base), True
    sent = tok.sent
    rest = [t for t in doc[tok.i + 1 : sent.end]]
    if tok.dep_ == "relcl" and any(t.tag_ in _FINITE for t in rest):
        if any(t.text == ":" for t in rest) and any(
            c.dep_ == "dobj" and c.lower_ in RELATIVE_PRONOUNS for c in tok.children
        ):
            # "the principle that Kyiv has repeated since 2022: “...”": what was repeated
            # is the principle; the quotation after the colon is the main verb's
            return None, False
        return _trim(doc, tok.i + 1, sent.end, base), True
    # the rest of the verb phrase: "criticized Clinton for ...", "warned about ..."
    kept = [
        c
        for c in tok.rights
        if c.dep_ in _OBJECT_DEPS
        and not (
            c.dep_ == "dobj"
            and (base_form in _TELL or (c.lower_ in AUDIENCE_WORDS and base_form in SPEECH_VERBS))
        )
        and not (c.dep_ == "prep" and not _topical(c, base_form))
    ]
    if kept:
        span = _trim(doc, kept[0].left_edge.i, kept[-1].right_edge.i + 1, base, min_tokens=1)
        return span, False
    if base_form == "say" and tok.i + 1 < len(doc):
        nxt = doc[tok.i + 1]
        if nxt.lower_ in _ANSWERS and nxt.head.i == tok.i:  # "half said so", "said no"
            return (base + nxt.idx, base + nxt.idx + len(nxt)), False
    return None, False


def _topical(prep: Token, base_form: str = "") -> bool:
    """A prepositional object that is what was said about, not when or where ("on Monday")."""
    if prep.lower_ not in _TOPIC_PREPS and _CUE_PREPS.get(base_form) != prep.lower_:
        return False
    if prep.doc.has_annotation("ENT_IOB"):
        return not any(t.ent_type_ in _SETTING_ENTS for t in prep.subtree)
    if prep.lower_ == "on" and any(c.tag_ in ("NNP", "NNPS") for c in prep.children):
        return False  # "on Twitter", "on Fox News": the medium
    # "on Monday", "in 2016", "on March 3": the object itself is a date or a time, though
    # a number deeper down is content ("pointed to the candidacies of two hopefuls")
    near = [t for o in prep.children if o.dep_ == "pobj" for t in (o, *o.children)]
    return not any(t.tag_ == "CD" or t.lower_ in _TIME_WORDS for t in near or prep.subtree)


def org_like(tok: Token) -> bool:
    if tok.doc.has_annotation("ENT_IOB"):
        return tok.ent_type_ in _ORG_LABELS
    return tok.tag_ in ("NNP", "NNPS")


def _trim(doc: Doc, lo: int, hi: int, base: int, *, min_tokens: int = 2) -> tuple[int, int] | None:
    while lo < hi and (doc[lo].dep_ in ("mark", "punct", "cc") and doc[lo].lower_ not in '“"‘'):
        if doc[lo].dep_ == "mark" and doc[lo].lower_ not in ("that", "whether", "if"):
            break
        lo += 1
    while hi > lo and doc[hi - 1].dep_ in ("punct", "cc") and doc[hi - 1].text not in '”"’':
        hi -= 1
    if hi - lo < min_tokens:
        return None
    return base + doc[lo].idx, base + doc[hi - 1].idx + len(doc[hi - 1])


def _according(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    doc = tok.doc
    to = doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return []
    speaker = resolve_subject(objs[0], base=base, index=index)
    content = _around(doc, tok.i, max(to.right_edge.i, objs[0].right_edge.i) + 1, base)
    return [
        Cue(
            tok,
            doc[tok.i : to.i + 1].text,
            speaker,
            content,
            "according_to",
            base + tok.idx,
            base=base,
        )
    ]


def _around(doc: Doc, lo: int, hi: int, base: int) -> tuple[int, int] | None:
    """The longer side of the sentence around the phrase ``doc[lo:hi]`` ("according to X",
    "in X's view"): the statement the phrase attributes."""
    sent = doc[lo].sent
    side = max(((sent.start, lo), (hi, sent.end)), key=lambda r: r[1] - r[0])
    return _trim(doc, *side, base)


def _in_view(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    """ "In Professor Knittel's view, the tax would work": the rest of the sentence is the
    owner's statement, as with "according to"."""
    owner = [c for c in tok.children if _is_owner(c)]
    if not owner:
        return []
    speaker = resolve_subject(owner[0], base=base, index=index)
    doc, prep = tok.doc, tok.head
    content = _around(doc, prep.left_edge.i, prep.right_edge.i + 1, base)
    if content is None:
        return []
    text = doc[prep.i : tok.i + 1].text
    cue = Cue(tok, text, speaker, content, "according_to", base + prep.idx, base=base)
    cue.speech = False
    return [cue]


def _noun_cue(tok: Token, base: int, index: MentionIndex) -> list[Cue]:
    clauses = [
        c
        for c in tok.children
        if c.dep_ in ("acl", "ccomp", "relcl") and c.left_edge.lower_ == "that" and c.i > tok.i
    ]
    owner = [c for c in tok.children if _is_owner(c)]
    verb = None if owner else _light_verb(tok)
    if not owner and verb is None:
        return []
    if owner:
        speaker = resolve_subject(owner[0], base=base, index=index)
    else:
        speaker = _subject(verb, base, index)
        if speaker is None:
            return []  # "made comments about ...": whose comments is the point
    if not clauses:
        if tok.lower_ not in CUE_NOUNS_OF:
            return []
        topics = [
            g
            for c in tok.rights
            if c.dep_ == "prep" and c.lower_ in _NOUN_PREPS
            for g in c.children
            if g.dep_ == "pobj"
        ]
        if not topics:
            return []
        obj = topics[0]
        content = _trim(tok.doc, obj.left_edge.i, obj.right_edge.i + 1, base, min_tokens=1)
        cue = Cue(tok, tok.text, speaker, content, "reported", base + tok.idx, base=base)
        cue.clausal, cue.speech = False, False
        return [cue]
    if any(c.dep_ == "nsubj" and c.lower_ == "that" for c in clauses[0].children):
        return []  # "the statement that was released": a relative clause, not content
    content = _trim(tok.doc, clauses[0].left_edge.i, clauses[0].right_edge.i + 1, base)
    return [Cue(tok, tok.text, speaker, content, "reported", base + tok.idx, base=base)]


def _light_verb(noun: Token) -> Token | None:
    """The verb that makes an attitude noun a statement of its subject: "Sanders voiced
    support for the deal", "leaders united in support of Cruz"."""
    head = noun.head
    if noun.dep_ == "dobj" and head.tag_.startswith("VB") and head.lower_ in LIGHT_FORMS:
        return head
    if noun.dep_ == "pobj" and head.lower_ == "in" and head.head.tag_.startswith("VB"):
        return head.head
    return None


def withheld(tok: Token) -> Token | None:
    """The first word of a refusal to speak around the cue verb ``tok``, else None.

    "would not say whether ...": the auxiliary; "declined to comment on ...": the refusal verb
    (for the cue "comment", and for the cue "declined" itself, whose content is "to comment
    on ...": its claim starts at "declined").
    The content of such a cue is withheld, not asserted: "the government would ban whaling" is
    not what someone said who "declined to say whether the government would ban whaling".
    """
    if tok.lower_ in REFUSAL_FORMS and any(
        c.dep_ == "xcomp" and CUE_FORMS.get(c.lower_) in WITHHOLDING_CUES for c in tok.children
    ):
        return tok  # "declined to say", as the cue "declined" with the content "to say"
    if CUE_FORMS.get(tok.lower_) not in WITHHOLDING_CUES:
        return None
    if tok.dep_ == "xcomp" and tok.head.lower_ in REFUSAL_FORMS:
        return tok.head
    return negated(tok)


def negated(tok: Token) -> Token | None:
    """The first auxiliary or negation before a negated verb ("does" of "does not believe")."""
    left = [c for c in tok.children if c.dep_ in ("neg", "aux") and c.i < tok.i]
    if any(c.dep_ == "neg" for c in left):
        return min(left, key=lambda c: c.i)
    return None


def _is_owner(tok: Token) -> bool:
    return tok.dep_ == "poss" or (tok.dep_ == "nmod" and any(c.tag_ == "POS" for c in tok.children))


def link_parents(cues: list[Cue]) -> None:
    for cue in cues:
        outer = [
            c for c in cues if c is not cue and c.content and c.content[0] <= cue.pos < c.content[1]
        ]
        if outer:
            cue.parent = min(outer, key=lambda c: c.content[1] - c.content[0])
