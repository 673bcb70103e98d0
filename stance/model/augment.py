"""Training-data augmentation: contrast rows that teach polarity and relevance.

Frozen and lightly tuned sentence encoders barely separate "Ukraine should join NATO" from
"Ukraine should not join NATO". Rule-based rewrites of the favor/against training rows add
contrast pairs with flipped labels, and re-targeted rows teach "neutral":

* :func:`negation_augment`, **target negation**: a target with one modal
  (``We should ban X``) becomes ``We should not ban X``; the same text now argues the opposite
  way. **Text negation**: a short text with one modal and no other negation gets ``not`` after
  the modal (``X should be banned`` -> ``X should not be banned``).
* :func:`antonym_augment`: one polarity verb after "should" in a target (``ban`` ->
  ``legalize``, ``join`` -> ``leave``) or the single polarity word of a short text without
  negation (``increases`` -> ``decreases``, ``benefits`` -> ``harms``), label flipped.
* :func:`off_topic_augment`: a text paired with another row's target of the same dataset
  (a different topic), labelled neutral: a statement about something else takes no stance.
* :func:`report_augment`, **news-style reports**: a training target with one *should*/*must*
  (``We should ban whaling``) is restated as what an office-holder says or does, the way news
  reports it: a plan or pledge (``The government pledged to ban whaling.``: favor), a refusal
  (``The government ruled out any move to ban whaling.``: against) or a non-answer
  (``The government declined to say whether it would ban whaling.``: neutral). The training
  sets are debate arguments; this is the register of the statements ``stance`` scores.
* :func:`deflect_augment`, **news-style non-answers that name the topic**: the speaker hands the
  question to another body, defers it or keeps options open (``Asked about whaling, the
  minister said that was a matter for the courts.``: neutral), beside commitments in the same
  words of process (``The minister said the review was over and it will not ban whaling.``).

All are off by default; each was measured on the dev splits (docs/stance-model.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_MODAL = re.compile(r"\b(should|must|will|can)\b(?!\s+not\b)", re.IGNORECASE)
_NORMATIVE = re.compile(r"\b(should|must)\b(?!\s+not\b)", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|cannot|nor)\b|n't\b", re.IGNORECASE)
_FLIP = {"favor": "against", "against": "favor"}


def negate_once(sentence: str, *, normative_only: bool = False) -> str | None:
    """Insert ``not`` after the only modal of ``sentence``; None when that is ambiguous.

    ``normative_only`` considers *should*/*must* only and skips questions (for free texts,
    where *will*/*can* are often in subordinate clauses).
    """
    if _NEGATION.search(sentence) or (normative_only and "?" in sentence):
        return None
    matches = list((_NORMATIVE if normative_only else _MODAL).finditer(sentence))
    if len(matches) != 1:
        return None
    end = matches[0].end()
    return f"{sentence[:end]} not{sentence[end:]}"


def _tagged(
    parts: list[pd.DataFrame], frame: pd.DataFrame, *, label: dict[str, str] | str, suffix: str
) -> pd.DataFrame:
    """Concatenate rewritten rows, relabel them (a mapping, or one label) and tag their dataset."""
    import pandas as pd

    aug = pd.concat(parts, ignore_index=True)
    aug["label"] = aug["label"].map(label) if isinstance(label, dict) else label
    aug["dataset"] = aug["dataset"] + suffix
    return aug[list(frame.columns)]


def negation_augment(
    frame: pd.DataFrame,
    *,
    seed: int,
    max_targets: int = 4000,
    max_texts: int = 4000,
    max_text_chars: int = 220,
) -> pd.DataFrame:
    """Contrast rows derived from favor/against training rows, labels flipped.

    Returns a frame with the same columns as ``frame`` (``dataset`` suffixed ``+neg``).
    """

    binary = frame[frame["label"].isin(_FLIP)]
    out = []
    targets = binary.assign(new=binary["target"].map(negate_once)).dropna(subset=["new"])
    targets = targets.sample(n=min(max_targets, len(targets)), random_state=seed)
    out.append(targets.assign(target=targets["new"]))
    short = binary[binary["text"].str.len() <= max_text_chars]
    texts = short.assign(
        new=short["text"].map(lambda t: negate_once(t, normative_only=True))
    ).dropna(subset=["new"])
    texts = texts.sample(n=min(max_texts, len(texts)), random_state=seed + 1)
    out.append(texts.assign(text=texts["new"]))
    return _tagged(out, frame, label=_FLIP, suffix="+neg")


_ANTONYM_PAIRS = [
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("increased", "decreased"),
    ("increasing", "decreasing"),
    ("raise", "lower"),
    ("raises", "lowers"),
    ("raised", "lowered"),
    ("raising", "lowering"),
    ("reduce", "increase"),
    ("reduces", "increases"),
    ("reduced", "increased"),
    ("reducing", "increasing"),
    ("support", "oppose"),
    ("supports", "opposes"),
    ("supported", "opposed"),
    ("supporting", "opposing"),
    ("strengthen", "weaken"),
    ("strengthens", "weakens"),
    ("tighten", "loosen"),
    ("tightened", "loosened"),
    ("allow", "prohibit"),
    ("allows", "prohibits"),
    ("allowed", "prohibited"),
    ("allowing", "prohibiting"),
    ("permit", "forbid"),
    ("benefits", "harms"),
    ("benefit", "harm"),
    ("helps", "hurts"),
    ("help", "hurt"),
    ("improve", "worsen"),
    ("improves", "worsens"),
    ("improved", "worsened"),
    ("improving", "worsening"),
    ("encourage", "discourage"),
    ("encourages", "discourages"),
    ("encouraged", "discouraged"),
    ("protect", "endanger"),
    ("protects", "endangers"),
    ("safe", "dangerous"),
    ("safer", "more dangerous"),
    ("beneficial", "harmful"),
    ("positive", "negative"),
    ("effective", "ineffective"),
    ("necessary", "unnecessary"),
    ("fair", "unfair"),
    ("good", "bad"),
    ("better", "worse"),
    ("ban", "legalize"),
    ("legalize", "ban"),
    ("legalise", "ban"),
    ("abolish", "keep"),
    ("keep", "abolish"),
    ("end", "continue"),
    ("expand", "limit"),
    ("limit", "expand"),
    ("join", "leave"),
    ("adopt", "reject"),
    ("introduce", "scrap"),
    ("mandatory", "voluntary"),
]
_SWAP: dict[str, str] = {}
for a, b in _ANTONYM_PAIRS:
    _SWAP.setdefault(a, b)
    _SWAP.setdefault(b, a)
_TARGET_VERBS = set(
    (
        "ban legalize legalise abolish keep end expand limit join adopt introduce increase raise"
        " reduce decrease lower support oppose allow prohibit strengthen weaken protect encourage"
        " discourage"
    ).split()
)
_TEXT_SKIP = set(
    (
        "ban legalize legalise abolish keep end continue join leave adopt reject introduce scrap"
        " limit expand help hurt good bad tax"
    ).split()
)
_WORD = re.compile(r"[A-Za-z]+")


def _case(source: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if source[0].isupper() else replacement


def swap_target(target: str) -> str | None:
    """``We should ban X`` -> ``We should legalize X``; None without one swappable verb."""
    m = re.search(r"\b(should|must)\s+(not\s+)?([a-z]+)\b", target)
    if m and not m.group(2) and m.group(3) in _TARGET_VERBS and m.group(3) in _SWAP:
        return target[: m.start(3)] + _SWAP[m.group(3)] + target[m.end(3) :]
    return None


def swap_text(text: str) -> str | None:
    """Swap the single polarity word of a short text without negation; None otherwise."""
    words = [
        m
        for m in _WORD.finditer(text)
        if m.group(0).lower() in _SWAP and m.group(0).lower() not in _TEXT_SKIP
    ]
    if len(words) != 1 or len(text.split()) > 30 or re.search(r"\b(not|no|never|n't)\b", text):
        return None
    m = words[0]
    return text[: m.start()] + _case(m.group(0), _SWAP[m.group(0).lower()]) + text[m.end() :]


def antonym_augment(frame: pd.DataFrame, *, seed: int, share: int = 8) -> pd.DataFrame:
    """Antonym-swapped copies of favor/against rows, labels flipped.

    At most ``len(frame) // share`` target swaps and as many text swaps. Returns a frame with
    the columns of ``frame`` (``dataset`` suffixed ``+ant``).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    polar = frame[frame["label"].isin(_FLIP)]
    cap = len(frame) // share
    parts = []
    for column, swap in (("target", swap_target), ("text", swap_text)):
        found = polar[column].map(swap).dropna()
        pick = found.iloc[rng.permutation(len(found))[:cap]]
        rows = frame.loc[pick.index].copy()
        rows[column] = pick.to_numpy()
        parts.append(rows)
    return _tagged(parts, frame, label=_FLIP, suffix="+ant")


def off_topic_augment(frame: pd.DataFrame, *, seed: int, share: float = 0.08) -> pd.DataFrame:
    """Rows whose text is paired with another target of its dataset, labelled neutral.

    ``share`` of the rows of each dataset are drawn; each gets the target of a random other
    row of the same dataset whose target differs. Returns a frame with the columns of ``frame``
    (``dataset`` suffixed ``+off``).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    parts = []
    for _, rows in frame.groupby("dataset", sort=True):
        targets = rows["target"].to_numpy()
        if len(set(targets)) < 2:
            continue
        n = int(round(share * len(rows)))
        pick = rng.choice(len(rows), size=n, replace=False)
        new = targets[rng.integers(0, len(rows), size=n)]
        same = new == targets[pick]
        while same.any():
            new[same] = targets[rng.integers(0, len(rows), size=int(same.sum()))]
            same = new == targets[pick]
        part = rows.iloc[pick].copy()
        part["target"] = new
        parts.append(part)
    return _tagged(parts, frame, label="neutral", suffix="+off")


_ACTORS = (
    "The government",
    "The minister",
    "The administration",
    "The president",
    "The party",
    "Parliament",
    "The council",
    "The senator",
    "The governor",
    "The opposition leader",
)
#: Templates for "We should VP" targets: the actor becomes the subject.
_ACTOR_REPORTS = {
    "favor": (
        "{a} will {vp}.",
        "{a} announced plans to {vp}.",
        "{a} pledged to {vp}.",
        "{a} said the time had come to {vp}.",
        "{a} voted to {vp}.",
    ),
    "against": (
        "{a} will not {vp}.",
        "{a} ruled out any move to {vp}.",
        "{a} rejected calls to {vp}.",
        "{a} vowed never to {vp}.",
        "{a} voted against a proposal to {vp}.",
    ),
    "neutral": (
        "{a} declined to say whether it would {vp}.",
        "{a} remains divided over whether to {vp}.",
        "{a} said it would study whether to {vp} before deciding.",
        "{a} gave no indication of whether it plans to {vp}.",
    ),
}
#: Templates for "X should VP" targets: X stays the subject, the actor reports.
_SUBJECT_REPORTS = {
    "favor": (
        "{x} will {vp}, {a_} said.",
        "{a} insisted that {x} must {vp}.",
        "{a} announced that {x} will {vp} from next year.",
        "{a} argued that {x} should {vp}.",
    ),
    "against": (
        "{x} will not {vp}, {a_} said.",
        "{a} rejected the idea that {x} should {vp}.",
        "{a} insisted that {x} must never {vp}.",
        "{a} announced that {x} will not {vp}.",
    ),
    "neutral": (
        "{a} would not say whether {x} should {vp}.",
        "{a} said a decision on whether {x} should {vp} had been postponed.",
        "{a} gave no view on whether {x} should {vp}.",
        "Asked whether {x} should {vp}, {a_} declined to answer.",
    ),
}


def report_target(target: str) -> tuple[str, str] | None:
    """Split a proposition with one *should*/*must* into (subject, verb phrase).

    ``"We should ban whaling"`` -> ``("We", "ban whaling")``. None for questions, negated
    targets, several modals or a subject over eight words.
    """
    modals = list(_NORMATIVE.finditer(target))
    if "?" in target or _NEGATION.search(target) or len(modals) != 1:
        return None
    subject = target[: modals[0].start()].strip()
    verb = target[modals[0].end() :].strip()
    verb = (verb[:-1] if verb.endswith((".", "!")) else verb).strip()
    if not subject or not verb or len(subject.split()) > 8:
        return None
    return subject, verb


#: First words of a subject that are lower-cased inside a sentence ("whether the US should").
_COMMON_OPENERS = frozenset(
    "a all an any every few many more most no other our some such the their these this those"
    " your".split()
)


def _inside(phrase: str) -> str:
    """``phrase`` as written inside a sentence: a common first word loses its capital."""
    first = phrase.split(" ", 1)[0]
    return phrase[0].lower() + phrase[1:] if first.lower() in _COMMON_OPENERS else phrase


def report_statement(subject: str, verb: str, template: str, actor: str) -> str:
    """Fill one report template (see :func:`report_augment`)."""
    x = subject if template.startswith("{x}") else _inside(subject)
    return template.format(a=actor, a_=actor[0].lower() + actor[1:], x=x, vp=verb)


def report_augment(frame: pd.DataFrame, *, seed: int, per_label: int = 3) -> pd.DataFrame:
    """News-style statements about the training targets, one label each (favor/against/neutral).

    Every distinct target of a favor/against row that :func:`report_target` can split gets
    ``per_label`` statements per label, from randomly drawn templates and actors. Returns a frame
    with the columns of ``frame`` (``dataset`` suffixed ``+rep``).
    """

    def statements(subject, verb, rng):
        templates = _ACTOR_REPORTS if subject.lower() == "we" else _SUBJECT_REPORTS
        for label, options in templates.items():
            for i in rng.choice(len(options), size=min(per_label, len(options)), replace=False):
                actor = _ACTORS[rng.integers(len(_ACTORS))]
                yield report_statement(subject, verb, options[i], actor), label

    return _restated(frame, seed=seed, suffix="+rep", statements=statements)


def _restated(frame: pd.DataFrame, *, seed: int, suffix: str, statements) -> pd.DataFrame:
    """Rows restating each splittable favor/against target (:func:`report_target`).

    ``statements(subject, verb, rng)`` yields ``(text, label)`` pairs for one target; the rows
    keep the columns of ``frame``, ``dataset`` suffixed with ``suffix``.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    polar = frame[frame["label"].isin(_FLIP)].drop_duplicates("target")
    rows = []
    for row in polar.itertuples(index=False):
        parts = report_target(row.target)
        if parts is None:
            continue
        for text, label in statements(*parts, rng):
            rows.append({**row._asdict(), "text": text, "label": label})
    if not rows:
        return frame.iloc[:0].copy()
    out = pd.DataFrame(rows)
    out["dataset"] = out["dataset"] + suffix
    return out[list(frame.columns)]


#: Bodies a speaker hands a question to ("a matter for the courts").
_BODIES = (
    "the courts",
    "the regulator",
    "parliament",
    "local councils",
    "an independent commission",
    "the next government",
    "the cabinet",
    "voters",
)
#: Deflections: the speaker talks about the topic and takes no side. ``{t}`` is the topic as a
#: noun phrase (:func:`topic_phrase`), ``{w}`` the question as a whether-clause.
_DEFLECT_NEUTRAL = (
    "Asked about {t}, {a_} said that was a matter for {body}.",
    "{a} said {t} would be looked at as part of a wider review.",
    "{a} said it had not yet reached a view on {t}.",
    "Pressed on {t}, {a_} said there would be no comment until the report is published.",
    "{a} said its position on {t} would depend on the evidence.",
    "{a} refused to be drawn on {t}, saying other issues came first.",
    "On {t}, {a_} said all options remained on the table.",
    "{a} said a decision on {t} would be taken in due course.",
    "{a} said it was listening to all sides of the debate on {t}.",
    "{a} said nothing had been decided on {t}.",
    "{a} said it was too early to say {w}.",
    "{a} would not be drawn on {w}, saying a consultation was under way.",
    "Asked {w}, {a_} said that was for {body} to decide.",
    "{a} said {w} would depend on the outcome of the consultation.",
)
#: Commitments in the same words of process, so that the words alone do not mean "no side".
_DEFLECT_SIDES = {
    "favor": (
        "{a} said the review was over and {s} will {vp}.",
        "After months of consultation, {a_} confirmed that {s} will {vp}.",
        "{a} said that, whatever the critics say, {s} must {vp}.",
        "Asked about {t}, {a_} said the decision had been made: {s} will {vp}.",
        "{a} gave the go-ahead for plans {plan}.",
        "{a} pushed through plans {plan}, despite calls for a review.",
        "{a} signalled that {s} would {vp}.",
    ),
    "against": (
        "{a} said the review was over and {s} will not {vp}.",
        "After months of consultation, {a_} confirmed that {s} will not {vp}.",
        "{a} said that, whatever the critics say, {s} must never {vp}.",
        "Asked about {t}, {a_} said the decision had been made: {s} will not {vp}.",
        "{a} scrapped plans {plan}.",
        "{a} shelved plans {plan}, citing the review.",
        "{a} signalled that {s} would not {vp}.",
        "{a} abandoned its pledge {plan} after the consultation.",
    ),
}
_PARTICLES = frozenset("up out off in on away down back to of rid for with".split())
_NOT_A_TOPIC = frozenset("there it you this that they he she".split())


def _plan(subject: str, verb: str) -> str:
    """The target as the object of a plan: ``"to ban whaling"``, ``"for Ukraine to join NATO"``."""
    return f"to {verb}" if subject.lower() == "we" else f"for {_inside(subject)} to {verb}"


def topic_phrase(subject: str, verb: str) -> str | None:
    """What a proposition is about, as a noun phrase a report can name, or None.

    ``("We", "ban whaling")`` -> ``"whaling"`` (the object of the verb);
    ``("Speed limits", "be reduced")`` -> ``"speed limits"`` (the subject of a passive).
    """
    words = verb.split()
    if subject.lower() == "we":
        if len(words) < 2 or words[0].lower() == "be" or words[1].lower() in _PARTICLES:
            return None
        return " ".join(words[1:])
    if words[0].lower() == "be" and subject.split()[0].lower() not in _NOT_A_TOPIC:
        return _inside(subject)
    return None


def deflect_augment(frame: pd.DataFrame, *, seed: int, per_label: int = 3) -> pd.DataFrame:
    """News-style non-answers about the training targets, and commitments in the same words.

    A non-answer names the topic and takes no side: it hands the question to another body
    ("a matter for the courts"), defers it ("in due course", "a wider review"), keeps options
    open or makes it conditional (neutral). The favor and against rows use the same words of
    process but commit ("the review was over and the government will not ban whaling"), or
    act in a report's words ("scrapped plans to", "gave the go-ahead for", "signalled that"),
    so a model cannot learn "procedural words mean no side". Targets as in :func:`report_augment`;
    ``per_label`` rows per label and target. Returns rows with the columns of ``frame``
    (``dataset`` suffixed ``+defl``).
    """

    def statements(subject, verb, rng):
        we = subject.lower() == "we"
        topic = topic_phrase(subject, verb)
        x = _inside(subject)
        for label, options in (("neutral", _DEFLECT_NEUTRAL), *_DEFLECT_SIDES.items()):
            usable = [t for t in options if topic is not None or "{t}" not in t]
            for i in rng.choice(len(usable), size=min(per_label, len(usable)), replace=False):
                actor = _ACTORS[rng.integers(len(_ACTORS))]
                text = usable[i].format(
                    a=actor,
                    a_=actor[0].lower() + actor[1:],
                    t=topic,
                    body=_BODIES[rng.integers(len(_BODIES))],
                    w=f"whether to {verb}" if we else f"whether {x} should {verb}",
                    s="it" if we else x,
                    plan=_plan(subject, verb),
                    vp=verb,
                )
                yield text[0].upper() + text[1:], label

    return _restated(frame, seed=seed, suffix="+defl", statements=statements)


#: Policy actions in a report's words. Each restates the target's plan ("plans to ban
#: whaling") and moves it forward (favor) or undoes or blocks it (against). Verbs of both
#: kinds sound alike ("reversed its decision", "revived plans"), so neither reads as a side.
_ACTIONS = {
    "favor": (
        "{a} gave the go-ahead for plans {plan}.",
        "{a} pushed through a bill {plan}.",
        "{a} approved a proposal {plan}.",
        "{a} voted through plans {plan}.",
        "{a} signed off on plans {plan}.",
        "{a} revived plans {plan}.",
        "{a} kept its plans {plan} despite the protests.",
        "{a} reaffirmed its commitment {plan}.",
    ),
    "against": (
        "{a} scrapped plans {plan}.",
        "{a} voted down a proposal {plan}.",
        "{a} withdrew its bill {plan}.",
        "{a} dropped its pledge {plan}.",
        "{a} let plans {plan} lapse.",
        "{a} reversed its decision {plan}.",
        "{a} blocked a move {plan}.",
        "{a} shelved plans {plan} indefinitely.",
        "{a} backed away from its promise {plan}.",
    ),
}


def action_augment(frame: pd.DataFrame, *, seed: int, per_label: int = 3) -> pd.DataFrame:
    """Policy actions on the training targets in a report's words (favor/against only).

    The plan is the target's own ("scrapped plans to ban whaling" is against "We should ban
    whaling"; "revived plans to ban whaling" is for it): the rows ask for the direction of the
    action relative to the target, which debate-style rows rarely do. Targets as in
    :func:`report_augment`; ``per_label`` rows per label and target; ``dataset`` suffixed ``+act``.
    """

    def statements(subject, verb, rng):
        for label, options in _ACTIONS.items():
            for i in rng.choice(len(options), size=min(per_label, len(options)), replace=False):
                actor = _ACTORS[rng.integers(len(_ACTORS))]
                yield options[i].format(a=actor, plan=_plan(subject, verb)), label

    return _restated(frame, seed=seed, suffix="+act", statements=statements)
