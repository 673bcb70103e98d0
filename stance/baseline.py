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
one :class:`Claim` of kind ``baseline`` that spans the whole text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from stance._yaml import text_dates_loader
from stance.errors import ConfigError
from stance.records import STANCE_CLASSES, Claim, Document


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


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ConfigError(f"{where}: date {value!r} is not YYYY-MM-DD; fix the date") from None


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline YAML file.

    Raises:
        ConfigError: The file is missing or malformed; the message names the file and the fix.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read baseline ({exc.strerror}); check the path"
        ) from None
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=text_dates_loader())  # noqa: S506 - safe
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{path}: malformed YAML ({first}); fix the file") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("statements"), list):
        raise ConfigError(f"{path}: a baseline needs a 'statements:' list; see docs/baseline.md")
    name = str(raw.get("name") or path.stem)
    statements = []
    seen: set[str] = set()
    for i, item in enumerate(raw["statements"], start=1):
        where = f"{path}: statement {i}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping with id, actor, date, text")
        missing = [k for k in ("id", "actor", "text") if not str(item.get(k) or "").strip()]
        if "date" not in item and "period" not in item:
            missing.append("date")
        if missing:
            raise ConfigError(f"{where}: missing {', '.join(missing)}; add them")
        sid = str(item["id"])
        if sid in seen:
            raise ConfigError(f"{where}: duplicate id {sid!r}; give each statement its own id")
        seen.add(sid)
        label = item.get("label")
        if label is not None and label not in STANCE_CLASSES:
            raise ConfigError(
                f"{where}: label {label!r} must be one of {', '.join(STANCE_CLASSES)}"
            )
        period = item.get("period") or {}
        start = _date(period["start"], where) if period.get("start") else None
        end = _date(period["end"], where) if period.get("end") else None
        date = _date(item["date"], where) if "date" in item else (start or end)
        if date is None:
            raise ConfigError(f"{where}: period needs a start or an end date")
        text = str(item["text"]).strip()
        doc = Document(
            id=f"baseline/{name}/{sid}",
            date=date,
            text=text,
            title=item.get("source"),
            url=item.get("url"),
            outlet="baseline",
            source=f"{path}#{sid}",
        )
        speaker = str(item.get("speaker") or item["actor"])
        claim = Claim(
            doc_id=doc.id,
            text=text,
            start_char=0,
            end_char=len(text),
            date=date,
            speaker_text=speaker,
            speaker=speaker,
            actor=str(item["actor"]),
            period_start=start,
            period_end=end,
            kind="baseline",
            cue="baseline",
            sentence_start=0,
            sentence_end=len(text),
        )
        statements.append(BaselineStatement(doc, claim, item.get("topic"), label))
    return Baseline(
        name=name,
        version=str(raw.get("version", "")),
        sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        statements=tuple(statements),
    )
