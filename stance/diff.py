"""Change detection: compare pooled positions before and after and flag what changed.

Rules (``b`` = baseline pooled position, ``a`` = current one; positions in [-1, 1]; a pooled
position is favor above +0.25, against below -0.25, neutral in between):

* ``reversal``: favor became against, or against became favor.
* ``softening``: a side became neutral, or the same side moved toward 0 by at least 0.35.
* ``hardening``: neutral took a side, or the same side moved away from 0 by at least 0.35.
* ``new``: no baseline position, and the current one takes a side.
* ``dropped``: a baseline position that took a side, with no current statement on the topic
  although the actor spoke on other topics in the current period.

Confidence is ``erf(z / sqrt 2)`` for the difference of the two pooled positions (``z`` is the
difference over its standard error; for ``new``/``dropped`` the distance of the one position from
the neutral band), so it grows with agreement between claims, with the model's certainty and with
the number of claims. For ``dropped`` it is also scaled by how much the actor said on other topics.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from stance.records import Evidence, Shift
from stance.timeline import STANCE_THRESHOLD, Pooled, pool

if TYPE_CHECKING:
    import pandas as pd

#: A move of at least this much on the same side is a softening or hardening.
MAGNITUDE_STEP = 0.35
#: How many quotes to keep as evidence on each side.
MAX_EVIDENCE = 3


def _confidence(z: float) -> float:
    return math.erf(max(z, 0.0) / math.sqrt(2.0))


def classify_change(before: Pooled | None, after: Pooled | None) -> str | None:
    """The change type between two pooled positions, or ``None`` when nothing changed."""
    if before is None and after is None:
        return None
    if before is None:
        return "new" if after.stance != "neutral" else None
    if after is None:
        return "dropped" if before.stance != "neutral" else None
    b, a = before.stance, after.stance
    if {b, a} == {"favor", "against"}:
        return "reversal"
    if b != "neutral" and a == "neutral":
        return "softening"
    if b == "neutral" and a != "neutral":
        return "hardening"
    if b == a and b != "neutral":
        delta = abs(after.position) - abs(before.position)
        if delta <= -MAGNITUDE_STEP:
            return "softening"
        if delta >= MAGNITUDE_STEP:
            return "hardening"
    return None


def change_confidence(
    change: str, before: Pooled | None, after: Pooled | None, *, activity: int = 0
) -> float:
    """Confidence in a flagged change (see the module docstring)."""
    if change == "new":
        return _confidence((abs(after.position) - STANCE_THRESHOLD) / after.se)
    if change == "dropped":
        on_record = _confidence((abs(before.position) - STANCE_THRESHOLD) / before.se)
        return on_record * (1.0 - math.exp(-activity / 3.0))
    z = abs(after.position - before.position) / math.hypot(after.se, before.se)
    return _confidence(z)


#: Statements shown that pull against a position (``Shift.evidence_*_other``), at most.
MAX_OTHER_EVIDENCE = 2


def _evidence(rows: pd.DataFrame, stance: str) -> tuple[Evidence, ...]:
    """The strongest statements on a position's side (``stance``; for a neutral position, those
    inside the neutral band, nearest 0 first), at most :data:`MAX_EVIDENCE`."""
    if rows.empty:
        return ()
    sign = {"favor": 1.0, "against": -1.0}.get(stance, 0.0)
    strength = rows["position"] * sign if sign else 1.0 - rows["position"].abs()
    ranked = rows.assign(_rank=strength * rows["weight"]).sort_values(
        ["_rank", "date"], ascending=[False, True], kind="stable"
    )
    if sign:
        agreeing = ranked[ranked["position"] * sign > 0]
    else:  # a neutral position: the statements inside the neutral band
        agreeing = ranked[ranked["position"].abs() <= STANCE_THRESHOLD]
    ranked = agreeing if not agreeing.empty else ranked
    return _quotes(ranked.head(MAX_EVIDENCE))


def _other_evidence(
    rows: pd.DataFrame, stance: str, shown: tuple[Evidence, ...]
) -> tuple[Evidence, ...]:
    """The statements that pull hardest against a position: on the other side of zero from a
    favor or against position, or taking a side (beyond the neutral band) when the position is
    neutral; strongest (value times weight) first, at most :data:`MAX_OTHER_EVIDENCE`."""
    if rows.empty:
        return ()
    sign = {"favor": 1.0, "against": -1.0}.get(stance, 0.0)
    if sign:
        pull = -rows["position"] * sign
    else:
        pull = rows["position"].abs().where(rows["position"].abs() > STANCE_THRESHOLD, 0.0)
    seen = {(e.doc_id, e.start_char) for e in shown}
    ranked = rows.assign(_rank=pull * rows["weight"])
    ranked = ranked[(pull > 0) & (ranked["weight"] > 0)]
    keys = zip(ranked["doc_id"], ranked["start_char"], strict=True)
    ranked = ranked.loc[[key not in seen for key in keys]]
    ranked = ranked.sort_values(["_rank", "date"], ascending=[False, True], kind="stable")
    return _quotes(ranked.head(MAX_OTHER_EVIDENCE))


def _quotes(rows: pd.DataFrame) -> tuple[Evidence, ...]:
    out = []
    for row in rows.itertuples():
        source = row.source + (f" <{row.url}>" if row.url else "")
        out.append(
            Evidence(
                quote=row.text,
                speaker=row.speaker,
                date=row.date,
                source=source,
                doc_id=row.doc_id,
                start_char=int(row.start_char),
                end_char=int(row.end_char),
                kind=row.kind,
                linked_by=getattr(row, "linked_by", ""),
            )
        )
    return tuple(out)


def _by_actor_topic(frame: pd.DataFrame, key: str) -> dict[tuple[str, str], pd.DataFrame]:
    """Timeline rows grouped by actor (``key``) and topic."""
    return {k: g for k, g in frame.groupby([key, "topic"])} if not frame.empty else {}


def detect_shifts(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    key: str = "government",
    names: dict[str, str] | None = None,
    before_period: str = "",
    after_period: str = "",
    min_confidence: float = 0.5,
) -> list[Shift]:
    """Flag reversals, softenings, hardenings, new and dropped positions.

    Args:
        before: Baseline timeline rows (from :func:`stance.timeline.build_timeline`).
        after: Current timeline rows.
        key: Column that identifies the actor (``government`` or ``actor``).
        names: Display names for the actor ids.
        before_period: Name of the baseline period, for the report.
        after_period: Name of the current period.
        min_confidence: Changes below this confidence are not returned.

    Returns:
        Shifts sorted by confidence, highest first.
    """
    names = names or {}
    shifts = []
    groups_b, groups_a = _by_actor_topic(before, key), _by_actor_topic(after, key)
    activity = after.groupby(key).size().to_dict() if not after.empty else {}
    for actor, topic in sorted(set(groups_b) | set(groups_a)):
        if not actor:
            continue
        rows_b = groups_b.get((actor, topic))
        rows_a = groups_a.get((actor, topic))
        pb = pool(rows_b) if rows_b is not None else None
        pa = pool(rows_a) if rows_a is not None else None
        change = classify_change(pb, pa)
        if change is None:
            continue
        if change == "dropped" and not activity.get(actor):
            continue  # the actor said nothing at all in the current period: no evidence of a drop
        confidence = change_confidence(change, pb, pa, activity=activity.get(actor, 0))
        if confidence < min_confidence:
            continue
        ev_b = _evidence(rows_b, pb.stance) if pb else ()
        ev_a = _evidence(rows_a, pa.stance) if pa else ()
        other_b = _other_evidence(rows_b, pb.stance, ev_b) if pb else ()
        other_a = _other_evidence(rows_a, pa.stance, ev_a) if pa else ()
        held_since = None
        if pb is not None:
            sign = {"favor": 1.0, "against": -1.0}.get(pb.stance, 0.0)
            agreeing = rows_b[rows_b["position"] * sign > 0] if sign else rows_b
            held_since = (agreeing if not agreeing.empty else rows_b)["date"].min()
        after_date = min((e.date for e in ev_a), default=None)
        before_date = max((e.date for e in ev_b), default=None)
        held_days = (after_date - held_since).days if held_since and after_date else None
        shifts.append(
            Shift(
                actor=actor,
                actor_name=names.get(actor, actor),
                topic=topic,
                change=change,
                before_stance=pb.stance if pb else "",
                after_stance=pa.stance if pa else "",
                before_position=round(pb.position, 4) if pb else None,
                after_position=round(pa.position, 4) if pa else None,
                before_date=before_date,
                after_date=after_date,
                held_since=held_since,
                held_days=held_days,
                confidence=round(confidence, 4),
                evidence_before=ev_b,
                evidence_after=ev_a,
                before_period=before_period,
                after_period=after_period,
                n_before=pb.n if pb else 0,
                n_after=pa.n if pa else 0,
                evidence_before_other=other_b,
                evidence_after_other=other_a,
            )
        )
    return sorted(shifts, key=lambda s: (-s.confidence, s.actor, s.topic))


def detect_holds(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    key: str = "government",
    names: dict[str, str] | None = None,
    before_period: str = "",
    after_period: str = "",
) -> list[dict]:
    """Positions that held: the same side (favor or against) in both periods and no change
    flagged by :func:`classify_change` (e.g. "Russia's opposition is unchanged").

    Returns:
        One record per actor and topic: ``actor``, ``actor_name``, ``topic``, ``stance``,
        ``before_period``, ``after_period``, ``before_position``, ``after_position``,
        ``n_before``, ``n_after``, and the strongest quote of each period (``quote_before``,
        ``quote_after``, each an :class:`Evidence` or ``None``), sorted by actor and topic.
    """
    names = names or {}
    out = []
    groups_b, groups_a = _by_actor_topic(before, key), _by_actor_topic(after, key)
    for actor, topic in sorted(set(groups_b) & set(groups_a)):
        if not actor or not topic:
            continue
        rows_b, rows_a = groups_b[(actor, topic)], groups_a[(actor, topic)]
        pb, pa = pool(rows_b), pool(rows_a)
        if pb is None or pa is None or classify_change(pb, pa) is not None:
            continue
        if pb.stance != pa.stance or pb.stance == "neutral":
            continue
        out.append(
            {
                "actor": actor,
                "actor_name": names.get(actor, actor),
                "topic": topic,
                "stance": pb.stance,
                "before_period": before_period,
                "after_period": after_period,
                "before_position": round(pb.position, 4),
                "after_position": round(pa.position, 4),
                "n_before": pb.n,
                "n_after": pa.n,
                "quote_before": next(iter(_evidence(rows_b, pb.stance)), None),
                "quote_after": next(iter(_evidence(rows_a, pa.stance)), None),
            }
        )
    return out


def describe_duration(days: int | None) -> str:
    """Human wording for how long a position held: "about 3 years", "5 months", "12 days"."""
    if days is None:
        return ""
    if days >= 330:
        years = round(days / 365.25)
        return f"about {years} year{'s' if years != 1 else ''}"
    if days >= 45:
        months = round(days / 30.44)
        return f"about {months} months"
    return f"{days} day{'s' if days != 1 else ''}"
