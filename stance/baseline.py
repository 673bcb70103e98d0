"""Baseline timelines: dated statements from the public record that current claims are compared to.

A baseline file is YAML::

    name: us-biden-baseline
    version: "2025-02"
    statements:
      - id: vilnius-communique-2023
        actor: us-executive          # registry id (or a name the registry resolves)
        speaker: NATO heads of state and government, including President Joe Biden
        date: 2023-07-11             # or period: {start: 2022-02-24, end: 2025-01-20}
        text: "Ukraine's future is in NATO."
        topic: ukraine-nato-membership   # optional: skip topic linking
        label: favor                     # optional analyst override of the model's label
        source: Vilnius Summit Communique, para. 11
        url: https://www.nato.int/...

Each statement becomes a :class:`Document` (so its source is kept like an article's) holding
one :class:`Claim` of kind ``baseline`` that spans the whole text. :func:`load_baseline` checks
each statement's actor against the actor registry and its topic against the codebook when they
are passed in; every error is one line naming the file, the line, the statement and the fix.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._yaml import LINE_KEY, load_yaml, where
from stance.errors import ConfigError
from stance.ingest import implausible_date, utc_today
from stance.records import STANCE_CLASSES, Claim, Document

if TYPE_CHECKING:
    from stance.codebook import Codebook
    from stance.registry import ActorRegistry

#: Every baseline statement is stored as a document whose id starts with this.
DOCUMENT_PREFIX = "baseline/"

_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")


@dataclass(frozen=True)
class BaselineStatement:
    """One baseline statement with its pinned topic and optional label override."""

    document: Document
    claim: Claim
    topic: str | None
    label: str | None


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline file."""

    name: str
    version: str
    sha256: str
    path: Path
    statements: tuple[BaselineStatement, ...]


def _date(value: object, key: str, at: str) -> dt.date:
    """``value`` (as written in the file) as a date; ``at`` says where, for the message."""
    text = str(value).strip()
    match = _DATE_RE.fullmatch(text)
    if match is None or int(match.group(1)) < 1:
        raise ConfigError(f"{at}: {key} {text!r} is not a date; write it as YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise ConfigError(f"{at}: {key} {text!r} has no month {month}; fix the month (01-12)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        days = calendar.monthrange(year, month)[1]
        raise ConfigError(
            f"{at}: {key} {text!r} is no such day: {calendar.month_name[month]} {year} has "
            f"{days} days; fix the day"
        ) from None


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _check_actor(actor: str, date: dt.date, registry: ActorRegistry, at: str) -> None:
    """Raise unless the registry places ``actor`` in a government on ``date``."""
    res = registry.resolve(actor, date)
    source = registry.path or "the actor registry"
    if res is None:
        known = sorted(registry.ids)
        raise ConfigError(
            f"{at}: actor {actor!r} is not in the actor registry {source}; "
            f"{_suggest(actor, known)}use a registry id such as "
            f"{', '.join(sorted(registry.governments))} (offices and people are listed there "
            "too), or add the actor to the registry"
        )
    if res.government is None:
        raise ConfigError(
            f"{at}: actor {actor!r} holds no office in the actor registry {source} on {date}, "
            "so the statement belongs to no government and reaches no comparison; name the "
            "government or office (its registry id) instead, or fix the date"
        )
    if res.administration is None and registry.administrations(res.government):
        raise ConfigError(
            f"{at}: actor {actor!r} belongs to {res.government!r}, which has no administration "
            f"in the actor registry {source} on {date}, so the statement reaches no "
            "comparison; fix the date or add that administration to the registry"
        )


def _check_topic(topic: str, codebook: Codebook, at: str) -> None:
    if topic in codebook:
        return
    source = codebook.path or "the codebook"
    raise ConfigError(
        f"{at}: topic {topic!r} is not in the codebook {source}; "
        f"{_suggest(topic, list(codebook.ids))}use one of its topic ids "
        f"({', '.join(codebook.ids)}) or remove `topic:` to let topic linking decide"
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def load_baseline(
    path: str | Path,
    *,
    registry: ActorRegistry | None = None,
    codebook: Codebook | None = None,
) -> Baseline:
    """Read and check a baseline YAML file.

    Args:
        path: The file.
        registry: When given, every statement's ``actor`` must resolve in it, on the
            statement's date, to an actor of some government or organisation.
        codebook: When given, every pinned ``topic`` must be one of its topic ids.

    Returns:
        The baseline.

    Raises:
        ConfigError: The file is missing, unreadable or malformed, or a statement lacks a key,
            repeats an id, has an impossible date, a period that ends before it starts, an
            unknown label, or (when checked) an unknown actor or topic. The message is one line
            naming the file, the line and the statement, what is wrong and the fix.
    """
    path = Path(path)
    raw, data = load_yaml(path, what="baseline file")
    if not isinstance(raw, dict) or not isinstance(raw.get("statements"), list):
        raise ConfigError(
            f"{where(path, raw)}: a baseline file needs a `statements:` list; "
            "add `statements:` then `- id: ...` items (see docs/baseline.md)"
        )
    name = _text(raw.get("name")) or path.stem
    statements = []
    seen: dict[str, str] = {}  # id -> where first defined
    for i, item in enumerate(raw["statements"], start=1):
        if not isinstance(item, dict):
            raise ConfigError(
                f"{path}: statement {i} is not a mapping; write it as `- id: ...` followed by "
                "`actor:`, `date:` and `text:` lines (see docs/baseline.md)"
            )
        sid = _text(item.get("id"))
        at = f"{where(path, item)}: statement {i}" + (f" ({sid!r})" if sid else "")
        for key in ("id", "actor", "text"):
            if not _text(item.get(key)):
                raise ConfigError(f"{at} has no {key}; add `{key}: ...` to it")
        period = item.get("period")
        if item.get("date") is None and period is None:
            raise ConfigError(
                f"{at} has no date; add `date: YYYY-MM-DD` "
                "(or `period: {start: YYYY-MM-DD, end: YYYY-MM-DD}`)"
            )
        if sid in seen:
            raise ConfigError(
                f"{at}: duplicate id {sid!r} (first at {seen[sid]}); give each statement its own id"
            )
        seen[sid] = f"line {item[LINE_KEY]}" if item.get(LINE_KEY) else f"statement {i}"
        label = item.get("label")
        if label is not None and label not in STANCE_CLASSES:
            raise ConfigError(
                f"{at}: label {label!r} is not a stance; use one of "
                f"{', '.join(STANCE_CLASSES)}, or remove `label:` to let the model score it"
            )
        topic = item.get("topic")
        if topic is not None and not isinstance(topic, str):
            raise ConfigError(f"{at}: topic must be one topic id; write `topic: <id>`")
        topic = (topic or "").strip() or None
        if period is not None and not isinstance(period, dict):
            raise ConfigError(
                f"{at}: period must be a mapping; write "
                "`period: {start: YYYY-MM-DD, end: YYYY-MM-DD}`"
            )
        period = period or {}
        start = _date(period["start"], "period start", at) if period.get("start") else None
        end = _date(period["end"], "period end", at) if period.get("end") else None
        if start is not None and end is not None and end < start:
            raise ConfigError(
                f"{at}: period ends ({end}) before it starts ({start}); fix the start/end dates"
            )
        given = item.get("date")
        date = _date(given, "date", at) if given is not None else (start or end)
        if date is None:
            raise ConfigError(
                f"{at}: period has neither a start nor an end; write "
                "`period: {start: YYYY-MM-DD, end: YYYY-MM-DD}` or give a `date:`"
            )
        implausible = implausible_date(date, today=utc_today())
        if implausible:  # a baseline records what was said; a future date is a typing error
            raise ConfigError(f"{at}: {implausible}")
        actor = _text(item["actor"])
        if registry is not None:
            _check_actor(actor, date, registry, at)
        if codebook is not None and topic is not None:
            _check_topic(topic, codebook, at)
        text = _text(item["text"])
        doc = Document(
            id=f"{DOCUMENT_PREFIX}{name}/{sid}",
            date=date,
            text=text,
            title=item.get("source"),
            url=item.get("url"),
            outlet="baseline",
            source=f"{path}#{sid}",
        )
        speaker = _text(item.get("speaker")) or actor
        claim = Claim(
            doc_id=doc.id,
            text=text,
            start_char=0,
            end_char=len(text),
            date=date,
            speaker_text=speaker,
            speaker=speaker,
            actor=actor,
            period_start=start,
            period_end=end,
            kind="baseline",
            cue="baseline",
            sentence_start=0,
            sentence_end=len(text),
        )
        statements.append(BaselineStatement(doc, claim, topic, label))
    return Baseline(
        name=name,
        version=_text(raw.get("version")),
        sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        statements=tuple(statements),
    )
