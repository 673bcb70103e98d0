"""Word lists the extractor relies on: speech cues, hedges, titles and pronouns.

Analyst-facing knowledge (who is who) lives in the actor registry; these lists are
grammar-level knowledge of English news prose, so they live with the code that uses them.
"""

from __future__ import annotations

import re

# Speech verbs, as base forms. Irregular inflections are listed below.
_SPEECH_VERBS = """
say tell add insist warn argue claim state note explain announce declare assert stress
emphasize emphasise suggest respond reply answer write tweet post vow pledge promise
acknowledge admit concede deny confirm predict contend maintain urge reiterate repeat
ask recall complain allege report testify agree counter observe remark comment caution
propose demand threaten signal indicate affirm reaffirm underscore highlight hint boast
quip joke retort conclude mention recount question charge accuse criticize criticise
praise characterize characterise dismiss reject estimate forecast lament concur disagree
speak talk discuss tout brag reveal insinuate imply blame recommend advise assure
reassure swear shout interject yell scream plead beg chant
""".split()
# Attitude, belief and perception verbs: PolNeAR counts them as attribution cues, but they
# take a quotation only when no speech verb is near it.
_ATTITUDE_VERBS = """
believe think feel know hope fear expect worry describe call point continue show find
reckon guess muse wonder
endorse support oppose attack slam blast condemn denounce back compare prefer favor favour
hear learn read want plan intend decide refuse encourage applaud welcome defend mock
ridicule challenge push thank congratulate apologize apologise recognize recognise consider
view regard remember understand realize realise notice anticipate seek wish like love hate
dislike tease disparage insult trash lambaste chide scold rebuke label brand dub
extol decry vouch remind cite advocate champion promote hail bemoan deplore fret grumble
determine rule judge vote pitch appear seem see refer identify decline echo portray offer
inform reference credit name focus express articulate herald trumpet cheer savage
balk ignore resist debate project embrace disavow laud rip fault
assail pan skewer rail vilify demonize demonise lambast acclaim commend
""".split()
_CUE_VERBS = _SPEECH_VERBS + _ATTITUDE_VERBS
SPEECH_VERBS = frozenset(_SPEECH_VERBS)

_IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "written", "writes", "writing"],
    "think": ["thought", "thinks", "thinking"],
    "feel": ["felt", "feels", "feeling"],
    "know": ["knew", "known", "knows", "knowing"],
    "speak": ["spoke", "spoken", "speaks", "speaking"],
    "swear": ["swore", "sworn", "swears", "swearing"],
    "find": ["found", "finds", "finding"],
    "show": ["showed", "shown", "shows", "showing"],
    "forecast": ["forecast", "forecasts", "forecasting"],
    "hear": ["heard", "hears", "hearing"],
    "read": ["reads", "reading"],
    "understand": ["understood", "understands", "understanding"],
    "seek": ["sought", "seeks", "seeking"],
    "see": ["saw", "seen", "sees", "seeing"],
    "make": ["made", "makes", "making"],
    "give": ["gave", "given", "gives", "giving"],
    "lend": ["lent", "lends", "lending"],
}


def _inflect(verb: str) -> list[str]:
    if verb in _IRREGULAR:
        return [verb, *_IRREGULAR[verb]]
    if verb.endswith("e"):
        stem = verb[:-1]
        return [verb, verb + "s", verb + "d", stem + "ing"]
    if verb.endswith("y") and verb[-2] not in "aeiou":
        stem = verb[:-1]
        return [verb, stem + "ies", stem + "ied", verb + "ing"]
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return [verb, verb + "es", verb + "ed", verb + "ing"]
    forms = [verb, verb + "s", verb + "ed", verb + "ing"]
    if _CVC.search(verb):  # "admitted", "preferred", "slammed", "labelled"
        forms += [verb + verb[-1] + "ed", verb + verb[-1] + "ing"]
    return forms


# a final consonant-vowel-consonant that English often doubles before -ed/-ing (forms that
# never occur, like "visitted", are harmless in a lookup table)
_CVC = re.compile(r"(?:^|[^aeiou])[aeiou][^aeiouwxy]$")


CUE_FORMS: dict[str, str] = {form: verb for verb in _CUE_VERBS for form in _inflect(verb)}
"""Inflected cue verb form -> base form."""

# Phrasal speech verbs: inflected verb form -> particle ("went on", "fired back").
PHRASAL_CUES: dict[str, str] = {
    **dict.fromkeys(["go", "goes", "went", "gone", "going"], "on"),
    **dict.fromkeys(["weigh", "weighs", "weighed", "weighing"], "in"),
    **dict.fromkeys(["chime", "chimes", "chimed", "chiming"], "in"),
    **dict.fromkeys(["fire", "fires", "fired", "firing"], "back"),
    **dict.fromkeys(["shoot", "shoots", "shot", "shooting"], "back"),
    **dict.fromkeys(["hit", "hits", "hitting"], "back"),
    **dict.fromkeys(["lash", "lashes", "lashed", "lashing"], "out"),
    **dict.fromkeys(["spell", "spells", "spelled", "spelt", "spelling"], "out"),
    **dict.fromkeys(["lay", "lays", "laid", "laying"], "out"),
}

# Verbs that are cues only in particular frames; they need a clausal complement to count.
WEAK_CUES = frozenset(
    "know feel show find continue call describe point speak talk discuss wonder think "
    "believe hope fear expect worry".split()
)
# Cues that mark the statement itself as tentative.
HEDGING_CUES = frozenset("suggest hint imply insinuate guess speculate wonder muse".split())
# Speech verbs whose negation or refusal withholds the content rather than asserting it:
# "would not say whether", "declined to comment on", "did not confirm".
WITHHOLDING_CUES = frozenset(
    "say comment confirm disclose reveal specify speculate elaborate answer discuss tell "
    "indicate respond".split()
)
# Forms of the verbs of refusal that take such a speech verb as their complement ("declined
# to say"); the pipeline has no lemmatiser.
REFUSAL_FORMS = frozenset(
    form
    for stem, forms in {
        "declin": "e es ed ing",
        "refus": "e es ed ing",
        "avoid": " s ed ing",
        "sidestep": " s ped ping",
        "dodg": "e es ed ing",
        "evad": "e es ed ing",
    }.items()
    for form in (stem + ending for ending in forms.split(" "))
)

# Nouns that introduce reported content: "X's comments that ...", "his claim that ...".
CUE_NOUNS = frozenset(
    """comment comments claim claims statement statements remark remarks assertion
    assertions argument arguments warning warnings promise promises pledge pledges vow vows
    insistence belief view views position assurance assurances suggestion
    suggestions announcement allegation allegations accusation accusations prediction
    predictions contention message""".split()
)
# Nouns of attitude that take their topic as a prepositional object after a possessive:
# "Pence's call for a special prosecutor", "Kerry's announcement of the increase".
CUE_NOUNS_OF = frozenset(
    """call calls criticism criticisms complaint complaints decision refusal support
    opposition endorsement praise attack attacks denial rejection defense defence
    announcement demand demands proposal proposals plan plans push embrace concern concerns
    doubt doubts question questions critique skepticism scepticism objection objections
    reservations fears worries hopes frustration outrage admiration respect sympathy
    contempt disdain enthusiasm commitment backing congratulations condolences""".split()
)

# Verbs that make an attitude noun their subject's statement ("voiced support for").
LIGHT_FORMS = frozenset(
    form
    for verb in """make voice express offer issue give deliver raise share reiterate renew
    repeat level lodge launch lend signal air register""".split()
    for form in _inflect(verb)
)
MAKE_FORMS = frozenset(_inflect("make"))  # "made it clear that ..."

# Objects of "tell" & co. that belong to the cue ("told reporters").
AUDIENCE_WORDS = frozenset(
    """reporters journalists the press supporters lawmakers senators members crowd
    audience interviewer voters students delegates""".split()
)

HEDGES = re.compile(
    r"\b(?:probably|perhaps|maybe|possibly|potentially|presumably|apparently|likely|"
    r"might|could|may|would\b[^.;]{0,80}?\bif|if|unless|whether|"
    r"I\s+(?:do\s*n[o’']t\s+|don[’']t\s+)?(?:think|believe|guess|suppose|suspect|feel|"
    r"hope|expect)|seems?|appears?|suggests?|hopefully|it\s+is\s+possible)\b",
    re.IGNORECASE,
)

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "it", "them"})
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})

# Titles and role words stripped from person names and used to resolve descriptions
# ("the president", "the Kremlin spokesman").
TITLES = frozenset(
    """president vice prime minister secretary spokesman spokeswoman spokesperson senator sen
    sen. representative rep rep. governor gov gov. mayor chancellor king queen prince leader
    general gen gen. admiral ambassador envoy chairman chairwoman chair director chief
    commissioner candidate nominee speaker leader justice judge attorney official
    officials adviser advisor aide deputy under assistant foreign defence defense
    interior finance economy trade state treasury press mr mr. mrs mrs. ms ms. dr dr.
    first lady former then-president then -elect elect acting us u.s. uk u.k. top
    senior national security counsel lt. col. colonel captain sgt. pope emir crown
    premier""".split()
)
# Words a description's head can be (the president, the Kremlin spokesman).
ROLE_HEADS = frozenset(
    """president spokesman spokeswoman spokesperson minister secretary senator governor
    mayor chancellor leader ambassador envoy chairman chairwoman director chief
    commissioner candidate nominee speaker official adviser advisor aide general
    premier king queen prince pope""".split()
)
SPOKES = frozenset({"spokesman", "spokeswoman", "spokesperson", "office", "campaign"})

# Cheap pre-filter: a paragraph is parsed only if it has a quote mark, a cue word, a line
# ending with a colon or a line opening with "Name:".
QUOTE_CHARS = "\"“”‘’'«»„"
# "in Professor Knittel's view, <main clause>"
VIEW_NOUNS = frozenset("view opinion estimation judgment judgement words".split())
#: Words that may be cues ("clear" as in "made clear", "according" as in "according to"):
#: the pre-filter parses what holds one, the extractor looks at each.
CUE_WORDS = frozenset({*CUE_FORMS, *CUE_NOUNS, *CUE_NOUNS_OF, *VIEW_NOUNS, "according", "clear"})
_PHRASAL = re.compile(
    r"\b(?:"
    + "|".join(f"{verb}\\s+{particle}" for verb, particle in PHRASAL_CUES.items())
    + r")\b",
    re.I,
)
_WORDS = re.compile(r"[a-z]+")
_MARKS = re.compile(
    r"[\"“”«»„]|(?<!\w)['‘`]\w|:\s*$|^\s*[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}:", re.M
)


def prefilter(paragraph: str) -> bool:
    """Whether a paragraph may hold a statement and is worth parsing."""
    if _MARKS.search(paragraph):
        return True
    if not CUE_WORDS.isdisjoint(_WORDS.findall(paragraph.lower())):
        return True
    return bool(_PHRASAL.search(paragraph))


# --------------------------------------------------------------------------- policy actions

# Decision verbs: a government, an office or an office holder acting ("the cabinet approved a
# bill limiting ...", "the government withdrew the order"), reported without a speech verb.
# Each needs a direct object (or, for the verbs of deciding, an infinitive). Verbs that are
# mostly not decisions ("raised concerns", "cut a ribbon", "sent a letter") are left out or
# filtered by their object (ACTION_NON_OBJECTS).
_ACTION_VERBS = """
approve reject adopt pass sign ratify veto withdraw extend scrap abolish cancel suspend lift impose
introduce ban block postpone delay freeze drop abandon unveil launch repeal overturn revoke
rescind halt terminate authorize authorise enact implement shelve reverse renew reinstate
restore resume grant award accept allow permit prohibit outlaw legalise legalize restrict
limit cap tighten ease relax expand raise cut increase reduce lower double triple hike
privatise privatize nationalise nationalize sell subsidise subsidize fund allocate earmark
deploy sanction expel close end order decree tender waive exempt
""".split()
# Verbs of deciding that count with an infinitive ("decided to withdraw the application").
# Not "agree": "agreed to begin negotiations" is a statement of the speech verb, kept as such.
_ACTION_TO_VERBS = "decide vote refuse decline move opt choose resolve".split()
# Phrasal decision verbs: base form -> particle ("turned down a request", "ruled out selling").
_ACTION_PHRASAL = {
    "turn": "down",
    "rule": "out",
    "roll": "back",
    "scale": "back",
    "call": "off",
    "phase": "out",
    "shut": "down",
    "strike": "down",
    "throw": "out",
    "set": "up",
    "put": "forward",
    "step": "up",
    "water": "down",
    "pull": "out",
    "sign": "off",
}
_ACTION_IRREGULAR = {
    "withdraw": ["withdrew", "withdrawn", "withdraws", "withdrawing"],
    "sell": ["sold", "sells", "selling"],
    "cut": ["cuts", "cutting"],
    "set": ["sets", "setting"],
    "put": ["puts", "putting"],
    "shut": ["shuts", "shutting"],
    "strike": ["struck", "strikes", "striking"],
    "throw": ["threw", "thrown", "throws", "throwing"],
    "choose": ["chose", "chosen", "chooses", "choosing"],
    "freeze": ["froze", "frozen", "freezes", "freezing"],
    "lay": ["laid", "lays", "laying"],
}


def _action_forms(verbs: list[str]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for verb in verbs:
        for form in _ACTION_IRREGULAR.get(verb, []) or _inflect(verb):
            forms.setdefault(form, verb)
        forms.setdefault(verb, verb)
    return forms


#: Inflected decision verb form -> base form (transitive: need an object).
ACTION_FORMS: dict[str, str] = _action_forms(_ACTION_VERBS)
#: Inflected verb of deciding -> base form (need an infinitive: "decided to ...").
ACTION_TO_FORMS: dict[str, str] = _action_forms(_ACTION_TO_VERBS)
#: Inflected phrasal verb form -> (base form, particle).
ACTION_PHRASAL: dict[str, tuple[str, str]] = {
    form: (verb, particle)
    for verb, particle in _ACTION_PHRASAL.items()
    for form in _action_forms([verb])
}
#: Objects that make a decision verb something else ("raised concerns", "ended the meeting",
#: and a campaign's "ended his bid", "accepted the nomination", "raised money").
ACTION_NON_OBJECTS = frozenset(
    """concern concerns question questions issue issues doubt doubts alarm objection
    objections point points matter prospect possibility eyebrows hope hopes fear fears
    awareness voice voices ribbon meeting meetings talks visit trip tour conference
    session speech interview call calls letter statement remarks comment comments
    campaign campaigns bid candidacy nomination endorsement money donations tone
    it them this that these those which what one""".split()
)
# Head nouns of the acting institution ("the Vestmark cabinet", "Lindora's government").
ACTION_INSTITUTIONS = frozenset(
    "government cabinet administration ministry executive coalition".split()
)
# Words that make a registry name an institution or an office rather than a private person
# or an organisation ("Vestmark government", "Prime Minister of Vestmark", "Obama
# administration"; not "NATO", "Lara Trump").
ACTION_OFFICE_WORDS = frozenset(
    """government executive administration presidency term cabinet ministry minister
    ministers secretary president chancellor chancellery premier spokesman spokeswoman
    spokesperson envoy adviser advisor office department kremlin treasury""".split()
)
#: Words whose presence lets the pre-filter parse a stretch for actions.
ACTION_WORDS = frozenset({*ACTION_FORMS, *ACTION_TO_FORMS, *ACTION_PHRASAL})


def action_prefilter(paragraph: str) -> bool:
    """Whether a stretch holds a decision verb and is worth parsing for policy actions."""
    return not ACTION_WORDS.isdisjoint(_WORDS.findall(paragraph.lower()))
