"""Stance scoring stage: link claims to topics and score the linked (claim, topic) pairs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from stance.records import StanceScore

if TYPE_CHECKING:
    import numpy as np

    from stance.codebook import Codebook
    from stance.records import Claim
    from stance.topics import Embedder


#: Topics whose link score is this close to the claim's best topic are linked too.
LINK_MARGIN = 0.15
#: A follow-up claim inherits topics from a claim at most this many characters before it.
CARRY_CHARS = 400
#: Discount on a topic link found only through the claim's context.
CONTEXT_PENALTY = 0.1
#: Statements with fewer words than this are judged together with their context.
SELF_CONTAINED_WORDS = 6
#: Score factor for inherited topic links.
CARRY_DECAY = 0.95
#: Score factor for a topic a claim takes from its article's headline and first sentence.
ARTICLE_DECAY = 0.9
#: Changes whenever the way claims are linked to topics or read changes, so that a store
#: re-scores (part of :func:`stance.views.topic_versions`).
LINKER_VERSION = "2026.11.29.2"
#: A statement that says in so many words that the speaker takes no side: a refusal to say
#: whether ("declined to say whether", "would not be drawn on", "not going to pre-empt"), an
#: open decision ("had not decided whether", "no decision has been taken") or declared
#: neutrality ("neither for nor against", "no fixed view", "no plans either way"). The stance
#: model reads many of these as *against* (the negation); they are read as neutral instead
#: (:func:`takes_no_position`). Session 23: on the 48 statements of fixtures/contrast (all
#: sets but the unread news_test7) that it matches, all are labelled neutral.
NO_POSITION = re.compile(
    r"""\b(?:
       (?:declined|declines|refused|refuses|would\s+not|wouldn't|will\s+not|won't
          |(?:is|are|am|was|were)\s+not\s+going)\s+(?:to\s+)?
          (?:(?:say|tell|commit|state)\s+(?:whether|if)\b|comment\b|speculate\b|be\s+drawn\b
          |pre-?empt\b)
      |(?:has|have|had)\s+(?:not|n't)\s+(?:yet\s+)?(?:decided|made\s+up\s+(?:its|his|her|their
          |our|my)\s+minds?|taken\s+a\s+(?:decision|position))
      |(?:not|n't|yet\s+to)\s+(?:yet\s+)?decided?\b
      |no\s+(?:final\s+)?decision\s+(?:has|had|have|would|will)\s+(?:yet\s+)?be(?:en)?\s+
          (?:taken|made)
      |no\s+decision\s+(?:yet|has\s+yet)
      |neither\s+for\s+nor\s+against
      |(?:take|takes|took|taking|taken)\s+no\s+(?:position|stance|view|side)
      |no\s+(?:fixed\s+)?(?:view|position)\s+(?:yet|either\s+way|on\s+(?:it|this|that|whether))
      |no\s+fixed\s+view
      |no\s+plans\s+either\s+way
      |undecided
    )""",
    re.IGNORECASE | re.VERBOSE,
)


class PairClassifier(Protocol):
    """The stance model's inference contract (see :class:`stance.model.StanceModel`)."""

    classes_: Sequence[str]

    def predict_proba(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray: ...


def score_claims(
    claims: Sequence[Claim],
    contexts: Sequence[str],
    *,
    codebook: Codebook,
    model: PairClassifier,
    embedder: Embedder,
    threshold: float,
    pinned: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    topics: Sequence[str] | None = None,
    articles: Mapping[str, str] | None = None,
) -> list[StanceScore]:
    """Link each claim to the codebook's topics and score stance where it is linked.

    Every (claim, topic) pair gets a row, so a store can remember that it was looked at: pairs
    below ``threshold`` get an empty ``label`` and zero probabilities.

    Args:
        claims: Claims to score.
        contexts: The text each claim is judged on (:func:`stance.topics.claim_context`).
        codebook: Topic codebook; the stance target is each topic's proposition.
        model: Stance classifier over (text, target) pairs.
        embedder: Sentence embedder for topic linking.
        threshold: Minimum link score.
        pinned: Claim id -> topic id for claims whose topic is known (baseline statements):
            they are linked to that topic only, with score 1.
        overrides: Claim id -> analyst label, which replaces the model's label.
        topics: Only these topic ids (default: all).
        articles: Document id -> what the article is about, its headline and first sentence
            (:func:`stance.topics.article_context`). A claim that no topic reaches by itself,
            its context or the claim before it takes its article's topic when the article is
            about one topic only (:func:`_article_topics`). Without it, no claim does.

    Returns:
        One :class:`StanceScore` per claim and topic.
    """
    import numpy as np

    from stance.topics import link_topics

    pinned = pinned or {}
    overrides = overrides or {}
    contexts = list(contexts)
    chosen = [t for t in codebook.topics if topics is None or t.id in topics]
    free = [i for i, c in enumerate(claims) if c.id not in pinned]
    links: dict[tuple[int, str], float] = {}
    how: dict[tuple[int, str], str] = {}  # what linked it (stance.records.LINKED_BY)
    carried: set[int] = set()
    if free and chosen:
        subset = _Subset(codebook, chosen)
        # the statement itself, or its context at a small discount: a claim about reactors in a
        # sentence that also mentions the carbon tax is about reactors
        both = link_topics(
            [claims[i].text for i in free] + [contexts[i] for i in free], subset, embedder=embedder
        )
        own, ctx = both[: len(free)], both[len(free) :]
        matrix = np.maximum(own, ctx - CONTEXT_PENALTY)
        for row, i in enumerate(free):
            best = float(matrix[row].max())
            for j, topic in enumerate(chosen):
                score = float(matrix[row, j])
                # a claim speaks to its best topic and to those nearly as close, not to all
                links[(i, topic.id)] = (
                    score if _near_best(score, best) else min(score, threshold - 1e-3)
                )
                direct = own[row, j] >= ctx[row, j] - CONTEXT_PENALTY
                how[(i, topic.id)] = "statement" if direct else "context"
        carried = _carry_over(claims, contexts, links, how, free, chosen, threshold)
        if articles:
            _article_topics(
                claims, articles, links, how, free, subset, threshold, embedder=embedder
            )
    for i, claim in enumerate(claims):
        if claim.id in pinned:
            for topic in chosen:
                links[(i, topic.id)] = 1.0 if topic.id == pinned[claim.id] else 0.0
                how[(i, topic.id)] = "baseline"
    linked = [(i, t) for (i, t), s in links.items() if s >= threshold]
    # a statement that says it takes no side is read neutral by rule, without the model
    no_side = {i for i in {i for i, _ in linked} if takes_no_position(claims[i].text)}
    probs = {
        key: {"favor": 0.0, "against": 0.0, "neutral": 1.0} for key in linked if key[0] in no_side
    }
    todo = [key for key in linked if key[0] not in no_side]
    if todo:
        by_id = {t.id: t for t in chosen}
        p = model.predict_proba(
            [stance_text(claims[i], contexts[i], carried=i in carried) for i, _ in todo],
            [by_id[t].proposition for _, t in todo],
        )
        cls = list(model.classes_)
        for k, key in enumerate(todo):
            probs[key] = {c: float(p[k, cls.index(c)]) for c in ("favor", "against", "neutral")}
    out = []
    for (i, topic), link in sorted(links.items()):
        claim = claims[i]
        pr = probs.get((i, topic))
        if pr is None:
            out.append(StanceScore(claim.id, topic, round(link, 4), "", 0.0, 0.0, 0.0))
            continue
        override = overrides.get(claim.id)
        label = override or max(pr, key=pr.get)
        out.append(
            StanceScore(
                claim_id=claim.id,
                topic=topic,
                topic_score=round(link, 4),
                label=label,
                p_favor=round(pr["favor"], 4),
                p_against=round(pr["against"], 4),
                p_neutral=round(pr["neutral"], 4),
                override=override,
                linked_by=how[(i, topic)],
            )
        )
    return out


def _carry_over(
    claims: Sequence[Claim],
    contexts: list[str],
    links: dict[tuple[int, str], float],
    how: dict[tuple[int, str], str],
    free: Sequence[int],
    chosen: Sequence[object],
    threshold: float,
) -> set[int]:
    """Let an elliptic follow-up inherit its predecessor's topics; returns the indices that did.

    "I think probably that's true." links to no topic by itself; said by the same speaker right
    after a claim about NATO membership, it is about NATO membership too. A claim linked to no
    topic inherits the topics of the previous claim (same document and speaker, at most
    :data:`CARRY_CHARS` characters before it) at a slightly lower score, and its context is
    prefixed with the previous claim's so the stance model sees what "that" refers to.
    """
    order = sorted(free, key=lambda i: (claims[i].doc_id, claims[i].start_char))
    carried = set()
    for prev, cur in zip(order, order[1:], strict=False):
        a, b = claims[prev], claims[cur]
        if a.doc_id != b.doc_id or (a.actor or a.speaker) != (b.actor or b.speaker):
            continue
        if b.start_char - a.end_char > CARRY_CHARS:
            continue
        if max(links[(cur, t.id)] for t in chosen) >= threshold:
            continue
        inherited = {t.id: links[(prev, t.id)] * CARRY_DECAY for t in chosen}
        if max(inherited.values()) < threshold:
            continue
        for topic_id, score in inherited.items():
            if score > links[(cur, topic_id)]:
                links[(cur, topic_id)] = score
                how[(cur, topic_id)] = "previous claim"
        if contexts[prev] not in contexts[cur]:
            contexts[cur] = f"{contexts[prev]} {contexts[cur]}"
        carried.add(cur)
    return carried


def _article_topics(
    claims: Sequence[Claim],
    articles: Mapping[str, str],
    links: dict[tuple[int, str], float],
    how: dict[tuple[int, str], str],
    free: Sequence[int],
    book: _Subset,
    threshold: float,
    *,
    embedder: Embedder,
) -> None:
    """Link a claim that no topic reaches to the one topic its article is about.

    A wire story is about what its headline and first sentence say: in an article headed
    "Cabinet approves annual asylum cap", "A cap gives us control," Brekke said is about the
    asylum cap although it names neither asylum nor the topic's keywords. A claim linked to no
    topic takes its article's topic, at :data:`ARTICLE_DECAY` times the article's score, when

    * the article (headline and first sentence) reaches one topic at ``threshold / ARTICLE_DECAY``
      or more, and no other topic within :data:`LINK_MARGIN` of it (an article about two
      topics says nothing about which one a quote is on);
    * the claim's own scores do not point elsewhere: its score for that topic is within
      :data:`LINK_MARGIN` of its best one ("We are reviewing the charge" in a budget story
      about defence stays off defence).
    """
    chosen = book.topics
    todo = [i for i in free if max(links[(i, t.id)] for t in chosen) < threshold]
    doc_ids = sorted({claims[i].doc_id for i in todo if articles.get(claims[i].doc_id)})
    if not doc_ids:
        return
    from stance.topics import link_topics

    scores = link_topics([articles[d] for d in doc_ids], book, embedder=embedder)
    article_topic: dict[str, tuple[str, float]] = {}
    for d, row in zip(doc_ids, scores, strict=True):
        order = sorted(range(len(chosen)), key=lambda j: -row[j])
        best = float(row[order[0]])
        runner_up = float(row[order[1]]) if len(order) > 1 else 0.0
        if best * ARTICLE_DECAY >= threshold and not _near_best(runner_up, best):
            article_topic[d] = (chosen[order[0]].id, best * ARTICLE_DECAY)
    for i in todo:
        found = article_topic.get(claims[i].doc_id)
        if found is None:
            continue
        topic_id, score = found
        own = {t.id: links[(i, t.id)] for t in chosen}
        if _near_best(own[topic_id], max(own.values())):
            links[(i, topic_id)] = score
            how[(i, topic_id)] = "article"


def _near_best(score: float, best: float) -> bool:
    """Whether a topic's link score is within :data:`LINK_MARGIN` of the best one."""
    return score >= best - LINK_MARGIN


def takes_no_position(text: str) -> bool:
    """Whether a statement says that its speaker takes no side (:data:`NO_POSITION`): such a
    statement is read neutral, p(neutral) = 1, whatever the model makes of its negations."""
    return bool(NO_POSITION.search(text))


def stance_text(claim: Claim, context: str, *, carried: bool = False) -> str:
    """The text the stance model judges: the statement itself when it stands on its own.

    The model was tuned on self-contained statements; the narrative around a quote ("Trump
    said later about NATO membership for Ukraine") pulls it toward "favor" by topic overlap alone.
    So a statement of at least :data:`SELF_CONTAINED_WORDS` words is judged alone; a short or
    elliptic one ("And I'm OK with that."), or one that inherited its topic, with its context.
    """
    if carried or len(claim.text.split()) < SELF_CONTAINED_WORDS:
        return context
    return claim.text


class _Subset:
    """A view of a codebook restricted to some topics (for :func:`link_topics`)."""

    def __init__(self, codebook: Codebook, topics: Sequence[object]):
        self.topics = tuple(topics)
        self.name = getattr(codebook, "name", "")
