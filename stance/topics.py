"""Topic linking: which codebook topics a claim speaks to, with a score in [0, 1].

A claim is often elliptic ("I don't think it's practical to have it"), so it is linked through
its *context*: the sentence that holds it, plus the sentence before when that sentence is short.
The score blends the cosine similarity of the context's sentence embedding (the plain packaged
MiniLM, which is good at topical similarity even though it cannot tell favor from against) to the
topic's proposition and example statements, with hits of the topic's keywords.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from stance.codebook import Codebook
    from stance.records import Claim

#: Sentences shorter than this many words get the previous sentence as extra context.
SHORT_SENTENCE_WORDS = 12
#: Score added per distinct keyword found in the context (at most two count).
KEYWORD_BONUS = 0.15
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+")


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def claim_context(claim: Claim, text: str) -> str:
    """The text a claim is scored on: its sentence, or its own span if wider, plus the
    previous sentence when the sentence is short.

    Args:
        claim: A claim with character offsets into ``text``.
        text: The full text of the claim's document.
    """
    start = min(
        claim.start_char,
        claim.sentence_start if claim.sentence_start is not None else claim.start_char,
    )
    end = max(
        claim.end_char, claim.sentence_end if claim.sentence_end is not None else claim.end_char
    )
    context = text[start:end].strip()
    if len(context.split()) < SHORT_SENTENCE_WORDS and start > 0:
        before = text[max(0, start - 400) : start]
        pieces = _SENTENCE_END.split(before.strip())
        previous = pieces[-1].strip() if pieces else ""
        if previous:
            context = f"{previous} {context}"
    return " ".join(context.split())


def article_context(title: str | None, text: str) -> str:
    """What an article is about: its headline and its first sentence (the lede).

    Args:
        title: The headline, if known.
        text: The article's text.
    """
    body = " ".join(text.split())
    end = _SENTENCE_END.search(body)
    first = body[: end.end()].strip() if end else body
    return " ".join(part for part in ((title or "").strip(), first) if part)


def _keyword_patterns(keywords: Sequence[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"\b{re.escape(k)}\b", re.IGNORECASE) for k in keywords if k.strip()]


def link_topics(
    contexts: Sequence[str],
    codebook: Codebook,
    *,
    embedder: Embedder,
) -> np.ndarray:
    """Score every context against every topic.

    Args:
        contexts: Claim contexts (see :func:`claim_context`).
        codebook: The topic codebook.
        embedder: Sentence embedder (normalised outputs).

    Returns:
        Array of shape ``(len(contexts), len(codebook.topics))`` with scores in [0, 1].
    """
    import numpy as np

    topics = codebook.topics
    if not contexts or not topics:
        return np.zeros((len(contexts), len(topics)))
    anchors: list[str] = []
    owner: list[int] = []
    for j, topic in enumerate(topics):
        for t in (topic.proposition, *topic.favor_examples, *topic.against_examples):
            anchors.append(t)
            owner.append(j)
    # claims often share a context (a quote and the reported clause around it): embed each
    # distinct text once
    unique = list(dict.fromkeys(contexts))
    row = {text: i for i, text in enumerate(unique)}
    vectors = embedder.embed(unique + anchors)
    ctx, anc = vectors[: len(unique)], vectors[len(unique) :]
    sims = (ctx @ anc.T)[[row[c] for c in contexts]]
    owner_arr = np.asarray(owner)
    scores = np.zeros((len(contexts), len(topics)))
    for j, topic in enumerate(topics):
        cols = np.sort(sims[:, owner_arr == j], axis=1)
        # mean of the two best anchors: robust to one lucky example
        best = cols[:, -2:].mean(axis=1) if cols.shape[1] > 1 else cols[:, -1]
        patterns = _keyword_patterns(topic.keywords)
        hits = np.array([min(2, sum(bool(p.search(c)) for p in patterns)) for c in contexts])
        scores[:, j] = np.clip(best + KEYWORD_BONUS * hits, 0.0, 1.0)
    return scores
