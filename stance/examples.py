"""The codebook's analyst examples against the model: a check and a second opinion.

Two questions an analyst asks before signing a report:

* **Does the model read my topic the way I mean it?** :func:`check_examples` scores every
  example statement of the codebook against its topic's proposition with the plain model (the
  examples do not vote on themselves) and says which ones it reads otherwise than labelled.
  A topic whose own examples are misread needs its shifts read twice, or a clearer proposition.
* **What does this quote read like?** :func:`nearest_examples` finds, for a quote and a topic,
  the topic's example nearest to it in the embedding the model reads the side from
  (:func:`stance.model.head.side_block`), with the cosine similarity. A then-or-now quote
  whose nearest example is close (:data:`CLOSE`) and on the other side from the position it
  is evidence of is the one to check (:func:`marks_other_side`; ``python
  bench/nearest_example.py`` measures how often the model is right when the two agree and
  when they disagree).

Both take the model as an argument and return plain records or DataFrames; the pipeline
caches their results in the store (:meth:`stance.store.Store.cached`), keyed by
:func:`example_key` and :func:`match_key`, so a run that scores nothing new loads no model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from stance.codebook import Codebook, Topic
    from stance.store import Store

#: Columns of the example check (``examples.csv`` in a report), defined once.
CHECK_COLUMNS = ["topic", "label", "read", "agrees", "p_favor", "p_against", "p_neutral", "text"]
LABELS = ("favor", "against", "neutral")
#: A nearest example at least this similar is "close": only then does a disagreement between
#: its label and the model's reading mark the quote. On the dev rows of IBM ArgQ and
#: Perspectrum (``python bench/nearest_example.py``) the model was right 0.51-0.75 of the time
#: where a close example disagreed (0.81-0.95 where it agreed); below 0.7 disagreement said
#: little (Perspectrum: right 0.81 where it disagreed, 0.85 where it agreed).
CLOSE = 0.7


@dataclass(frozen=True, slots=True)
class ExampleMatch:
    """The analyst example a quote reads most like.

    Attributes:
        topic: Codebook topic id.
        example: The example statement.
        label: Its label in the codebook (``favor``, ``against`` or ``neutral``).
        similarity: Cosine similarity of the (proposition, quote) and (proposition, example)
            pairs in the embedding the model reads the side from (-1..1; about 0.9 and more
            for a near paraphrase).
    """

    topic: str
    example: str
    label: str
    similarity: float


def marks_other_side(match: ExampleMatch | None, stance: str) -> bool:
    """Whether a quote evidencing ``stance`` reads most like a close example (at least
    :data:`CLOSE`) labelled the other side (favor vs against): the quote to read twice."""
    sides = ("favor", "against")
    return (
        match is not None
        and match.similarity >= CLOSE
        and stance in sides
        and match.label in sides
        and match.label != stance
    )


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def example_key(proposition: str, text: str) -> str:
    """Cache key of one example's reading: the pair the model scores."""
    return _sha(proposition, text)


def match_key(topic: Topic, quote: str) -> str:
    """Cache key of a quote's nearest example: the quote, the proposition and every example."""
    examples = [f"{label}:{text}" for label, text in topic.examples()]
    return _sha(topic.proposition, quote, *examples)


def examples_checked(
    examples: pd.DataFrame, proba: np.ndarray, classes: Sequence[str]
) -> pd.DataFrame:
    """The check table from the model's probabilities for ``Codebook.examples_frame()`` rows.

    Args:
        examples: Columns ``topic``, ``label``, ``text`` (one row per example).
        proba: The model's probabilities, one row per example, columns in ``classes`` order.
        classes: The model's class order.

    Returns:
        :data:`CHECK_COLUMNS`: ``read`` is the model's label, ``agrees`` whether it is the
        analyst's.
    """
    import numpy as np
    import pandas as pd

    classes = list(classes)
    if len(examples) == 0:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    proba = np.asarray(proba, dtype=float)
    read = np.asarray(classes)[proba.argmax(axis=1)]
    frame = pd.DataFrame(
        {
            "topic": examples["topic"].to_numpy(),
            "label": examples["label"].to_numpy(),
            "read": read,
            "agrees": read == examples["label"].to_numpy(),
            **{f"p_{c}": proba[:, classes.index(c)].round(4) for c in LABELS},
            "text": examples["text"].to_numpy(),
        }
    )
    return frame[CHECK_COLUMNS]


def check_examples(codebook: Codebook, model: Any) -> pd.DataFrame:
    """Score every example of the codebook against its topic's proposition.

    Args:
        codebook: The codebook with the analyst's examples.
        model: A stance model (:class:`stance.model.StanceModel`); use the plain model, not
            one adapted to these examples (or the examples vote on themselves), and without
            its off-topic guard, as ``stance run`` scores (``model.unguarded()``).

    Returns:
        One row per example, :data:`CHECK_COLUMNS`.
    """
    examples = codebook.examples_frame()
    if examples.empty:
        return examples_checked(examples, [], model.classes_)
    proba = model.predict_proba(examples["text"].tolist(), examples["target"].tolist())
    return examples_checked(examples, proba, model.classes_)


def check_codebook(
    codebook: str | Path | None = None, *, model_dir: str | Path | None = None
) -> tuple[Codebook, pd.DataFrame]:
    """Load a codebook and the stance model, and :func:`check_examples` (``stance check-codebook``)
    with the model as ``stance run`` scores: no example vote, no off-topic guard.

    Args:
        codebook: Codebook YAML (default: the packaged one).
        model_dir: Model artifact folder (default: the packaged one).

    Raises:
        stance.errors.ConfigError: the codebook cannot be read, or has no examples.
    """
    from stance.codebook import DEFAULT_CODEBOOK, Codebook
    from stance.config import resolve_path
    from stance.errors import ConfigError
    from stance.model import StanceModel

    # "stance:codebook.yaml" names the packaged file, as in a run config
    book = Codebook.load(
        resolve_path(codebook, Path.cwd()) if codebook is not None else DEFAULT_CODEBOOK
    )
    if book.examples_frame().empty:
        raise ConfigError(
            f"{book.path}: no topic has examples to check; add favor_examples and "
            "against_examples to the topics (docs/codebook.md)"
        )
    return book, check_examples(book, StanceModel.load(model_dir).unguarded())


def check_summary(checked: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Per topic (in codebook order): ``topic``, ``examples``, ``read_as_labelled`` and
    ``misread``, the examples read otherwise (records with ``label``, ``read``, ``text``)."""
    if checked is None or checked.empty:
        return []
    out = []
    for topic, part in checked.groupby("topic", sort=False):
        agrees = part["agrees"].astype(bool)
        out.append(
            {
                "topic": str(topic),
                "examples": len(part),
                "read_as_labelled": int(agrees.sum()),
                "misread": part[~agrees][["label", "read", "text"]].to_dict(orient="records"),
            }
        )
    return out


def nearest_examples(
    model: Any, *, quotes: Sequence[str], topics: Sequence[Topic]
) -> list[ExampleMatch | None]:
    """For each quote, the example of its topic it reads most like (``None``: no examples).

    Quote and examples are each paired with the topic's proposition and embedded by the model;
    the nearest example is the one with the highest cosine similarity in the embedding the
    model reads favor : against from.

    Args:
        model: A stance model (:class:`stance.model.StanceModel`).
        quotes: The statements.
        topics: One codebook topic per quote.
    """
    import numpy as np

    from stance.model.head import side_block

    if len(quotes) != len(topics):
        raise ValueError(f"{len(quotes)} quotes but {len(topics)} topics; pass one per quote")
    out: list[ExampleMatch | None] = [None] * len(quotes)
    rows = [i for i, t in enumerate(topics) if t.examples()]
    if not rows:
        return out
    by_topic: dict[str, list[int]] = {}
    for i in rows:
        by_topic.setdefault(topics[i].id, []).append(i)
    texts, targets, spans = [], [], {}
    for topic_id, members in by_topic.items():
        topic = topics[members[0]]
        examples = topic.examples()
        start = len(texts)
        texts += [text for _, text in examples] + [quotes[i] for i in members]
        targets += [topic.proposition] * (len(examples) + len(members))
        spans[topic_id] = (start, len(examples))
    emb = side_block(model.head, model.embed(texts, targets))
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    for topic_id, members in by_topic.items():
        start, n = spans[topic_id]
        examples = topics[members[0]].examples()
        sims = emb[start + n : start + n + len(members)] @ emb[start : start + n].T
        for row, i in enumerate(members):
            best = int(sims[row].argmax())
            label, text = examples[best]
            out[i] = ExampleMatch(topic_id, text, label, round(float(sims[row, best]), 3))
    return out


#: Kinds of readings the pipeline keeps in the store (:meth:`stance.store.Store.cached`).
READ_KIND = "example_read"
MATCH_KIND = "example_match"


def check_cached(
    codebook: Codebook, *, store: Store, model_id: str, load_model: Callable[[], Any]
) -> pd.DataFrame:
    """:func:`check_examples` with each example's reading kept in ``store`` under ``model_id``.

    ``load_model`` (returning the plain model) is called only when an example has no stored
    reading, so a run whose codebook examples did not change loads no model for the check.
    """
    import numpy as np

    examples = codebook.examples_frame()
    keys = [example_key(p, t) for p, t in zip(examples["target"], examples["text"], strict=True)]
    known = store.cached(model_id=model_id, kind=READ_KIND, keys=keys)
    todo = [i for i, key in enumerate(keys) if key not in known]
    if todo:
        model = load_model()
        part = examples.iloc[todo]
        proba = model.predict_proba(part["text"].tolist(), part["target"].tolist())
        fresh = {
            keys[i]: {c: float(proba[row, list(model.classes_).index(c)]) for c in LABELS}
            for row, i in enumerate(todo)
        }
        store.put_cached(model_id=model_id, kind=READ_KIND, readings=fresh)
        known.update(fresh)
    proba = np.array([[known[key][c] for c in LABELS] for key in keys]).reshape(-1, len(LABELS))
    return examples_checked(examples, proba, LABELS)


def matches_cached(
    items: Sequence[tuple[str, str]],
    codebook: Codebook,
    *,
    store: Store,
    model_id: str,
    load_model: Callable[[], Any],
) -> dict[tuple[str, str], ExampleMatch]:
    """:func:`nearest_examples` for (topic id, quote) pairs, kept in ``store`` under ``model_id``.

    Pairs whose topic has no examples (or is not in the codebook) get no entry; ``load_model``
    is called only when a pair has no stored match.
    """
    topics = {t.id: t for t in codebook.topics if t.examples()}
    wanted = {
        (topic, quote): match_key(topics[topic], quote) for topic, quote in items if topic in topics
    }
    known = store.cached(model_id=model_id, kind=MATCH_KIND, keys=wanted.values())
    todo = [pair for pair, key in wanted.items() if key not in known]
    if todo:
        found = nearest_examples(
            load_model(), quotes=[q for _, q in todo], topics=[topics[t] for t, _ in todo]
        )
        fresh = {
            wanted[pair]: {"example": m.example, "label": m.label, "similarity": m.similarity}
            for pair, m in zip(todo, found, strict=True)
            if m is not None
        }
        store.put_cached(model_id=model_id, kind=MATCH_KIND, readings=fresh)
        known.update(fresh)
    return {
        pair: ExampleMatch(topic=pair[0], **known[key])
        for pair, key in wanted.items()
        if key in known
    }
