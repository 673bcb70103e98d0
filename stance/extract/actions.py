"""Policy actions: a government, an office or an office holder deciding, without a speech verb.

"The cabinet on Wednesday approved a bill limiting ...", "the government withdrew the order",
"the previous government had rejected a national ban", "the cabinet decided to withdraw the
planning application": news reports decisions as deeds, and they are the strongest signal of
a government's position. Such a clause becomes a claim of ``kind="action"``: the actor is the
verb's subject (resolved as a speaker is), the text is the verb phrase (the verb, its
auxiliaries and negation, its object or infinitive), so that the stance model judges the
deed toward the topic.

Only actors the registry places in government are kept, through the gazetteer the extractor
gets (:func:`acting`): a government, administration or office alias ("the cabinet", "the
previous government", "the Ministry of Transport"), an institution noun whose modifiers name
that same government ("the Vestmark cabinet", "Lindora's cabinet"), or a person the registry
lists as an office holder ("Finance Minister Ines Callow", a "she" resolved to her). Without a
gazetteer no action is extracted. Whether the person held the office on the claim's date is
left to :meth:`stance.registry.ActorRegistry.resolve_claim` (a person out of office gets no
government, so the claim joins no government's timeline).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from stance.extract.cues import Cue, _in_question, _subject
from stance.extract.lexicon import (
    ACTION_FORMS,
    ACTION_INSTITUTIONS,
    ACTION_NON_OBJECTS,
    ACTION_OFFICE_WORDS,
    ACTION_PHRASAL,
    ACTION_TO_FORMS,
    ACTION_WORDS,
    CUE_FORMS,
    RELATIVE_PRONOUNS,
    WITHHOLDING_CUES,
)
from stance.extract.nlp import ids, positions
from stance.extract.speakers import MentionIndex, Speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ACTION_IDS = ids(ACTION_WORDS)
_CONDITIONS = frozenset({"if", "unless", "whether", "until"})
_OBJECT_DEPS = frozenset({"dobj", "dative", "oprd"})
_VOTE_PREPS = frozenset({"for", "against", "in"})
_TERM_DEPS = frozenset({"prep", "npadvmod", "dative", "oprd", "agent"})


def find_actions(
    pdoc: Doc,
    base: int,
    index: MentionIndex,
    gaz: Mapping[str, str],
    cue_tokens: set[int],
) -> list[Cue]:
    """The policy actions of a parsed paragraph whose actor is in government.

    ``cue_tokens``: indices of the paragraph's cue words (a cue that is also a decision verb,
    "rejected the plan", is made an action where its claim is made, not here). Returns
    cues of kind ``action`` whose ``content`` is the action's verb phrase.
    """
    if not gaz:
        return []
    found: list[Cue] = []
    for i in positions(pdoc, "LOWER", ACTION_IDS):
        tok = pdoc[i]
        if i in cue_tokens or not tok.tag_.startswith("VB"):
            continue
        cue = action_cue(tok, base, index, gaz)
        if cue is not None:
            found.append(cue)
    verbs = {c.token.i for c in found} | cue_tokens
    # "approved an increase in the minimum wage, lifting the rate to 9.90 marks": the
    # participle spells out the decision it hangs from, which is already a claim
    return [
        c
        for c in found
        if not (c.token.dep_ == "advcl" and c.token.tag_ == "VBG" and c.token.head.i in verbs)
    ]


def action_cue(tok: Token, base: int, index: MentionIndex, gaz: Mapping[str, str]) -> Cue | None:
    """The action of the verb ``tok`` (a decision verb with its object), if its subject acts
    for a government; None otherwise."""
    span = action_span(tok)
    if span is None or _in_question(tok) or _conditional(tok) or not _own_clause(tok):
        return None
    speaker = _subject(tok, base, index)
    actor = acting(speaker, gaz)
    if actor is None:
        return None
    lo, hi = span
    doc = tok.doc
    content = (base + doc[lo].idx, base + doc[hi - 1].idx + len(doc[hi - 1]))
    clause = (base + tok.left_edge.idx, base + tok.right_edge.idx + len(tok.right_edge))
    text = _action_text(tok)
    cue = Cue(tok, text, actor, content, "action", base + tok.idx, clause, False, base)
    cue.clausal = False
    return cue


def action_span(tok: Token) -> tuple[int, int] | None:
    """Token range [lo, hi) of a decision verb's phrase: from its auxiliaries ("had
    rejected", "did not approve") to the end of its object, infinitive and terms. None when
    ``tok`` is not a decision verb with an object (or, for a verb of deciding, an
    infinitive), or is passive."""
    if not tok.tag_.startswith("VB") or any(
        c.dep_ in ("auxpass", "nsubjpass") for c in tok.children
    ):
        return None
    low = tok.lower_
    rights = [c for c in tok.children if c.i > tok.i]
    particle = None
    if low in ACTION_PHRASAL:
        want = ACTION_PHRASAL[low][1]
        particle = next(
            (c for c in rights if c.lower_ == want and c.dep_ in ("prt", "prep", "advmod")), None
        )
    objects = [c for c in rights if c.dep_ in _OBJECT_DEPS and _object(c)]
    infinitives = [c for c in rights if c.dep_ == "xcomp" and _infinitive(c)]
    kept: list[Token] = []
    if particle is not None:
        kept = [particle, *objects, *[c for c in rights if c.dep_ in ("xcomp", "pcomp")]]
        if particle.dep_ == "prep":
            kept += [g for g in particle.children if g.dep_ in ("pobj", "pcomp")]
        if len(kept) == 1:
            kept += [c for c in rights if c.dep_ == "prep" and c.lower_ in ("of", "on")]
        if len(kept) == 1:
            return None
    elif low in ACTION_TO_FORMS:
        kept = infinitives
        if not kept and ACTION_TO_FORMS[low] == "vote":
            kept = [c for c in rights if c.dep_ == "prep" and c.lower_ in _VOTE_PREPS]
        if not kept:
            return None
    elif low in ACTION_FORMS:
        if not objects:
            return None
        kept = objects
    else:
        return None
    # its terms and its time ("to 11.20 marks", "for another five years", "in 2021": a time
    # phrase of the verb dates the action), up to a clause of its own (", lifting ...")
    kept += [c for c in rights if c.dep_ in _TERM_DEPS and c.i > kept[0].i]
    hi = max(c.right_edge.i for c in kept) + 1
    lo = tok.i
    for c in sorted(tok.children, key=lambda c: c.i):
        if c.i < tok.i and c.dep_ in ("aux", "neg") and not _between_subject(c, tok):
            lo = c.i
            break
    return lo, hi


def _between_subject(aux: Token, verb: Token) -> bool:
    """Whether a subject lies between an auxiliary and its verb ("did the cabinet approve")."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and aux.i < c.i < verb.i for c in verb.children)


def _object(obj: Token) -> bool:
    low = obj.lower_
    return low not in ACTION_NON_OBJECTS and low not in RELATIVE_PRONOUNS and obj.tag_ != "PRP"


def _infinitive(comp: Token) -> bool:
    """An infinitive that is a deed ("decided to withdraw"), not "declined to comment"."""
    if not comp.tag_.startswith("VB") or CUE_FORMS.get(comp.lower_) in WITHHOLDING_CUES:
        return False
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in comp.children)


def _own_clause(tok: Token) -> bool:
    """Whether the verb has a subject of its own, or shares one as a coordinated verb, an
    infinitive or a participle ("approved X and ruled out Y", "moved to ban", "after
    approving the bill, the cabinet said"); not a finite verb the parser left without one
    ("..., the ministry said, after a petition calling for one passed 100,000 signatures")."""
    cur = tok
    for _ in range(4):
        if any(c.dep_ == "nsubj" for c in cur.children):
            return True
        if cur.dep_ in ("conj", "xcomp") or (cur.dep_ in ("advcl", "pcomp") and cur.tag_ == "VBG"):
            cur = cur.head
            continue
        return False
    return False


def _conditional(tok: Token) -> bool:
    """Whether the verb lies in a condition ("if the cabinet approves the bill")."""
    cur = tok
    for _ in range(4):
        if cur.dep_ in ("advcl", "ccomp", "csubj") and any(
            c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in cur.children
        ):
            return True
        if cur.dep_ not in ("xcomp", "conj", "advcl", "ccomp") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _action_text(tok: Token) -> str:
    prt = [c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1]
    return tok.doc[tok.i : tok.i + 2].text if prt else tok.text


# --------------------------------------------------------------------------- the actor


def acting(speaker: Speaker | None, gaz: Mapping[str, str]) -> Speaker | None:
    """The speaker as a government actor, or None when the registry does not place them in
    government (see the module docstring). The returned speaker's ``name`` is the
    registry's name ("Lindora's cabinet" -> "Lindora government")."""
    if speaker is None or not gaz:
        return None
    expanded = " " not in speaker.text.strip() and " " in speaker.name
    forms = (speaker.name,) if expanded else (speaker.text, speaker.name)
    for form in forms:
        name = _registered(form, gaz)
        if name:
            return Speaker(speaker.text, speaker.start, speaker.end, name)
    return None


_WORD = re.compile(r"[\w.-]+(?:['’]s?)?")


def _registered(form: str, gaz: Mapping[str, str]) -> str | None:
    key = " ".join(form.split()).lower()
    if not key:
        return None
    for k in (key, key.removeprefix("the ")):
        if k in gaz:
            return gaz[k] if _official(gaz[k], gaz) else None
    words = [re.sub(r"['’]s?$", "", w) for w in _WORD.findall(form)]
    if not words or words[-1].lower() not in ACTION_INSTITUTIONS:
        return None
    head = words[-1].lower()
    name = gaz.get(f"the {head}") or gaz.get(head)
    if name is None or not _official(name, gaz):
        return None
    for word in words[:-1]:
        low = word.lower()
        if low in ("the", "a", "an"):
            continue
        if low in gaz:
            if gaz[low] != name:
                return None  # "the Danish government" in a registry that means another one
        elif word[:1].isupper():
            return None
    return name


def _official(name: str, gaz: Mapping[str, str]) -> bool:
    """Whether a registry name is a government, an administration, an office, or a person
    the registry lists under an office's title ("prime minister marta halden")."""
    if not ACTION_OFFICE_WORDS.isdisjoint(name.lower().split()):
        return True
    return name in _holders(gaz)


_HOLDERS: list[tuple[Mapping[str, str], frozenset[str]]] = []


def _holders(gaz: Mapping[str, str]) -> frozenset[str]:
    """Names the gazetteer also lists after a title ("prime minister marta halden" -> "Marta
    Halden"): the registry adds such forms for office holders only (computed once per
    gazetteer)."""
    if _HOLDERS and _HOLDERS[0][0] is gaz:
        return _HOLDERS[0][1]
    holders = frozenset(
        v
        for k, v in gaz.items()
        if k.endswith(" " + v.lower()) and k[: -len(v)].strip() not in ("", "the", "a", "an")
    )
    _HOLDERS[:] = [(gaz, holders)]
    return holders
