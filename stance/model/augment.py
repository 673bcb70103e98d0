"""Negation augmentation: teach the encoder that "should" and "should not" point opposite ways.

Frozen and lightly tuned sentence encoders barely separate "Ukraine should join NATO" from
"Ukraine should not join NATO". Two cheap, rule-based rewrites of the binary (favor/against)
training rows add contrast pairs with flipped labels:

* **target negation**: a target with one modal (``We should ban X``) becomes
  ``We should not ban X``; the same text now argues the opposite way.
* **text negation**: a short text with one modal and no other negation gets ``not`` after the
  modal (``X should be banned`` -> ``X should not be banned``).

Only modal negation is used (no antonym lists), so antonym handling measured on the contrast
set stays an honest test of generalisation.
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
    import pandas as pd

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
    aug = pd.concat(out, ignore_index=True).drop(columns="new")
    aug["label"] = aug["label"].map(_FLIP)
    aug["dataset"] = aug["dataset"] + "+neg"
    return aug[list(frame.columns)]
