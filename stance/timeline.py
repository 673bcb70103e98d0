"""Timelines: each actor's (and each government's) position on each topic over time.

A claim's stance scores become a signed *position* ``p_favor - p_against`` in [-1, 1] with a
weight: how surely it is about the topic (``topic_score``), halved when the statement is hedged.
Positions are pooled per actor, topic and period with a weighted mean and a standard error that
uses each claim's own uncertainty (the variance of the position under the model's probabilities)
plus a prior, so one claim never looks like a settled position.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from stance.records import Claim, Document, StanceScore

#: Columns of the claim-level timeline frame, defined once.
TIMELINE_COLUMNS = [
    "claim_id",
    "doc_id",
    "date",
    "topic",
    "actor",
    "actor_name",
    "speaker",
    "government",
    "government_name",
    "administration",
    "administration_name",
    "label",
    "p_favor",
    "p_against",
    "p_neutral",
    "position",
    "weight",
    "hedged",
    "kind",
    "linked_by",
    "no_position",
    "text",
    "source",
    "url",
    "start_char",
    "end_char",
    "override",
    "date_text",
    "period_start",
    "period_end",
]

#: Weight of a hedged, conditional or hypothetical statement relative to a plain one.
HEDGE_WEIGHT = 0.5
#: A pooled position beyond +/- this is favor / against; inside it, neutral.
STANCE_THRESHOLD = 0.25
#: Prior pseudo-variance added to every pooled position (keeps one claim from looking certain).
PRIOR_VARIANCE = 0.05


def stance_of(position: float, threshold: float = STANCE_THRESHOLD) -> str:
    """Label a signed position: favor above ``threshold``, against below ``-threshold``."""
    if position > threshold:
        return "favor"
    if position < -threshold:
        return "against"
    return "neutral"


def claim_variance(p_favor: float, p_against: float) -> float:
    """Variance of the position (+1 favor, -1 against, 0 neutral) under the model's probabilities."""
    mean = p_favor - p_against
    return max(p_favor + p_against - mean * mean, 0.0)


@dataclass(frozen=True)
class Names:
    """Display names for ids, supplied by the actor registry."""

    actors: Mapping[str, str]
    governments: Mapping[str, str]
    administrations: Mapping[str, str]


def build_timeline(
    claims: Iterable[Claim],
    scores: Iterable[StanceScore],
    documents: Mapping[str, Document],
    *,
    names: Names | None = None,
) -> pd.DataFrame:
    """Join claims, their linked stance scores and their documents into one row per claim×topic.

    Args:
        claims: Claims with ``actor``/``government``/``administration`` resolved.
        scores: Stance scores; rows with an empty label (not linked to the topic) are ignored.
        documents: Documents by id, for the source shown with each quote.
        names: Display names for actor, government and administration ids.

    Returns:
        A frame with :data:`TIMELINE_COLUMNS`, sorted by date.
    """
    import pandas as pd

    from stance.scoring import takes_no_position

    names = names or Names({}, {}, {})
    by_id = {c.id: c for c in claims}
    rows = []
    for s in scores:
        claim = by_id.get(s.claim_id)
        if claim is None or not s.label:
            continue
        doc = documents.get(claim.doc_id)
        source = ""
        if doc is not None:
            source = doc.title or doc.outlet or doc.id
            if doc.outlet and doc.outlet not in ("baseline", source):
                source = f"{doc.outlet}: {source}"
        if s.override:
            p_f, p_a, p_n = (float(s.override == k) for k in ("favor", "against", "neutral"))
        else:
            p_f, p_a, p_n = s.p_favor, s.p_against, s.p_neutral
        weight = s.topic_score * (HEDGE_WEIGHT if claim.hedged else 1.0)
        rows.append(
            {
                "claim_id": claim.id,
                "doc_id": claim.doc_id,
                "date": claim.date,
                "topic": s.topic,
                "actor": claim.actor,
                "actor_name": names.actors.get(claim.actor, claim.speaker or claim.actor),
                "speaker": claim.speaker or claim.speaker_text,
                "government": claim.government or "",
                "government_name": names.governments.get(claim.government or "", ""),
                "administration": claim.administration or "",
                "administration_name": names.administrations.get(claim.administration or "", ""),
                "label": s.label,
                "p_favor": p_f,
                "p_against": p_a,
                "p_neutral": p_n,
                "position": round(p_f - p_a, 6),
                "weight": weight,
                "hedged": claim.hedged,
                "kind": claim.kind,
                "linked_by": s.linked_by,
                "no_position": not s.override and takes_no_position(claim.text),
                "text": claim.text,
                "source": source,
                "url": (doc.url if doc is not None else None) or "",
                "start_char": claim.start_char,
                "end_char": claim.end_char,
                "override": s.override or "",
                "date_text": claim.date_text or "",
                "period_start": claim.period_start,
                "period_end": claim.period_end,
            }
        )
    frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    if not frame.empty:
        frame = _drop_nested(frame)
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        frame = frame.sort_values(["date", "doc_id", "start_char"], kind="stable")
    return frame.reset_index(drop=True)


#: Characters a quoted fragment may run past the clause around it ("... was "inevitable."":
#: the clause ends before the closing punctuation, the fragment after it).
_OVERHANG = frozenset(".,;:!?\"'“”‘’» ")


def _drop_nested(frame: pd.DataFrame) -> pd.DataFrame:
    """Count a statement once: drop a claim nested in a longer one on the same topic.

    A quoted fragment inside a reported clause ("vowing that membership ... was “inevitable”")
    is one statement, not two; nor are "He added that Hegseth had said “it's unlikely”" (the
    president) and "it's unlikely" (Hegseth) two statements of the same government. Nesting
    is checked per document, topic and government (the actor where no government is known),
    and a fragment that runs past the clause by punctuation or a closing quote mark only
    still counts as inside it. The longer claim is kept, except that a direct quote by
    another speaker is kept over the clause that reports it (the speaker's own words).
    """
    unit = frame["government"].where(frame["government"] != "", frame["actor"])
    drop: set = set()
    for _, group in frame.groupby([frame["doc_id"], unit, frame["topic"]], sort=False):
        spans = sorted(group.itertuples(), key=lambda r: (r.start_char, -r.end_char))
        outer = None  # the claim whose span reaches furthest so far
        for row in spans:
            if outer is None or not _inside(row, outer):
                if outer is None or row.end_char > outer.end_char:
                    outer = row
                continue
            inner_wins = row.actor != outer.actor and row.kind == "direct"
            drop.add(outer.Index if inner_wins else row.Index)
            if inner_wins:
                outer = row
    return frame.drop(index=sorted(drop))


def _inside(row, outer) -> bool:
    """Whether ``row``'s span lies in ``outer``'s, give or take trailing punctuation."""
    if row.start_char < outer.start_char:
        return False
    overhang = row.end_char - outer.end_char
    if overhang <= 0:
        return True
    return overhang <= 3 and set(str(row.text)[-overhang:]) <= _OVERHANG


@dataclass(frozen=True)
class Pooled:
    """A pooled position of one actor on one topic over a set of claims."""

    position: float
    se: float
    n: int
    stance: str
    first: object
    last: object


def pool(rows: pd.DataFrame) -> Pooled | None:
    """Weighted mean position of ``rows`` (timeline rows) with its standard error."""
    import numpy as np

    rows = rows[rows["weight"] > 0]
    if rows.empty:
        return None
    w = rows["weight"].to_numpy(dtype=float)
    pos = rows["position"].to_numpy(dtype=float)
    var = np.array(
        [claim_variance(f, a) for f, a in zip(rows["p_favor"], rows["p_against"], strict=True)]
    )
    total = w.sum()
    mean = float((w * pos).sum() / total)
    se = math.sqrt(float((w * w * (var + PRIOR_VARIANCE)).sum())) / total
    # the spread between claims counts too when there are several
    if len(rows) > 1:
        spread = float((w * (pos - mean) ** 2).sum() / total) / len(rows)
        se = math.sqrt(se * se + spread)
    return Pooled(mean, se, len(rows), stance_of(mean), rows["date"].min(), rows["date"].max())


def positions(
    timeline: pd.DataFrame, *, level: str = "government", freq: str = "QE"
) -> pd.DataFrame:
    """Pooled positions per actor (or government), topic and calendar period.

    Args:
        timeline: Frame from :func:`build_timeline`.
        level: ``government`` (roll claims up to the government they were made for) or ``actor``.
        freq: pandas period alias for the time bins (``QE`` quarters, ``ME`` months, ``YE`` years).

    Returns:
        Columns ``level, actor, topic, period_end, position, se, lower, upper, n, stance``.
    """
    import pandas as pd

    columns = [
        "level",
        "actor",
        "topic",
        "period_end",
        "position",
        "se",
        "lower",
        "upper",
        "n",
        "stance",
    ]
    key = "government" if level == "government" else "actor"
    data = timeline[timeline[key].astype(bool)] if not timeline.empty else timeline
    if data.empty:
        return pd.DataFrame(columns=columns)
    data = data.assign(
        _bin=pd.to_datetime(data["date"]).dt.to_period(freq.rstrip("E")).dt.end_time.dt.date
    )
    rows = []
    for (actor, topic, end), group in data.groupby([key, "topic", "_bin"], sort=True):
        p = pool(group)
        if p is None:
            continue
        rows.append(
            {
                "level": level,
                "actor": actor,
                "topic": topic,
                "period_end": end,
                "position": p.position,
                "se": p.se,
                "lower": max(-1.0, p.position - 1.96 * p.se),
                "upper": min(1.0, p.position + 1.96 * p.se),
                "n": p.n,
                "stance": p.stance,
            }
        )
    return pd.DataFrame(rows, columns=columns)
