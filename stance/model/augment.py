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
