"""The off-topic guard: a text the plain base encoder finds unrelated to its target reads neutral.

The stance-tuned encoders read every pair as if the text were about the target, so a statement
about another policy often gets a side ("The weather was nice." toward "We should legalize
cannabis": favor 0.98). The plain base encoder (all-MiniLM-L6-v2, the topic linker's) tells
such pairs apart by itself: the cosine of the text alone and the target alone. An artifact whose
``meta.json`` has ``off_topic_guard`` (``{"below": ..., "p_neutral": ...}``) raises p(neutral)
to at least ``p_neutral`` for pairs whose cosine is below ``below``; favor : against keep their
ratio (:meth:`stance.model.StanceModel.predict_proba`). docs/stance-model.md, session 20.

A statement that names no policy ("it's unlikely or impractical") is unrelated to its target
when read alone. Given its context (the sentences around it, as the topic linker reads them),
the guard takes the higher of the text's and the context's cosine, so an elliptic statement in
a paragraph about the policy keeps its side (session 21). The tuned encoders still read the
text alone, as they were trained.

The base encoder runs in ONNX (:class:`stance.model.encoder.SentenceEmbedder`, exported once
to the same cache as the tuned encoders; no torch at scoring time).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: ``meta.json`` key of the guard's setting.
GUARD_KEY = "off_topic_guard"


def topic_similarity(
    texts: Sequence[str],
    targets: Sequence[str],
    *,
    contexts: Sequence[str | None] | None = None,
    batch_size: int = 64,
) -> np.ndarray:
    """Cosine of each text and its target in the plain base encoder (each embedded alone, as
    the topic linker embeds them: :class:`stance.model.encoder.SentenceEmbedder`).

    With ``contexts`` (one per text; empty or None where there is none), a row's figure is the
    higher of the text's and its context's cosine with the target.
    """
    import numpy as np

    texts, targets = [str(t) for t in texts], [str(t) for t in targets]
    if len(texts) != len(targets):
        raise ValueError(f"{len(texts)} texts but {len(targets)} targets; pass one per text")
    if not texts:
        return np.zeros(0)
    rows: list[int] = []
    if contexts is not None:
        contexts = ["" if c is None else str(c) for c in contexts]
        if len(contexts) != len(texts):
            raise ValueError(f"{len(contexts)} contexts but {len(texts)} texts; pass one per text")
        rows = [i for i, context in enumerate(contexts) if context.strip()]
    # the contexts ride along as extra (context, target) pairs: one embedding pass for all
    both = _similarity(
        tuple(texts) + tuple(contexts[i] for i in rows),
        tuple(targets) + tuple(targets[i] for i in rows),
        batch_size,
    )
    out = both[: len(texts)].copy()
    out[rows] = np.maximum(out[rows], both[len(texts) :])
    return out


@functools.lru_cache(maxsize=2)
def _similarity(texts: tuple[str, ...], targets: tuple[str, ...], batch_size: int) -> np.ndarray:
    """:func:`topic_similarity` of the last pairs asked for (scoring, then asking which pairs
    the guard acted on, embeds them once)."""
    from stance.model.encoder import SentenceEmbedder

    unique = list(dict.fromkeys([*texts, *targets]))
    emb = SentenceEmbedder(batch_size=batch_size, backend="onnx").embed(unique)
    row = {text: i for i, text in enumerate(unique)}
    a = emb[[row[t] for t in texts]]
    b = emb[[row[t] for t in targets]]
    return (a * b).sum(axis=1).astype(float)


def guard(
    proba: np.ndarray,
    similarity: np.ndarray,
    setting: dict[str, Any],
    classes: Sequence[str],
) -> np.ndarray:
    """``proba`` with p(neutral) raised to ``setting["p_neutral"]`` where ``similarity`` is
    below ``setting["below"]`` (favor : against keep their ratio); other rows unchanged."""
    import numpy as np

    from stance.model.head import split_proba

    out = np.array(proba, dtype=float, copy=True)
    rows = np.asarray(similarity) < float(setting["below"])
    if rows.any():
        neutral = list(classes).index("neutral")
        floor = np.maximum(out[rows, neutral], float(setting["p_neutral"]))
        out[rows] = split_proba(out[rows], floor, neutral)
    return out
