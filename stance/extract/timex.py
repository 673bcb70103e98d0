"""Resolve the time expressions that date a reported past statement.

``in February 2022`` -> 2022-02-01..2022-02-28, ``last year``, ``in 2023``, ``since 2022``,
``two years ago``, ``in the 1990s``. Weekday names and ``today`` date the report itself, not
a past period, and are ignored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 2,
}  # fmt: skip
_PREP = r"(?P<prep>in|during|since|from|by|until|on|throughout|as\s+early\s+as|back\s+in)?\s*"
_PATTERNS = [
    ("month_day_year", _PREP + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)\b"),
    ("month_year", _PREP + r"(?:(?:early|late|mid-?)\s*)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b"),
    ("decade", _PREP + r"the\s+(?P<year>(?:19|20)\d0)s\b"),
    ("year", r"(?P<prep>in|during|since|from|by|until|throughout|as\s+early\s+as|back\s+in)\s+(?:early\s+|late\s+|mid-?)?(?P<year>(?:19|20)\d\d)\b"),
    ("last", r"(?P<prep>)(?:last|the\s+previous|the\s+past)\s+(?P<unit>year|month|week|summer|winter|spring|fall|autumn)\b"),
    ("ago", r"(?P<prep>)(?P<n>\d+|a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten|several)\s+(?P<unit>years?|months?|weeks?|decades?)\s+ago\b"),
]  # fmt: skip
_REGEX = re.compile(
    "|".join(f"(?P<{n}>{p.replace('?P<', f'?P<{n}_')})" for n, p in _PATTERNS), re.I
)


_TRIGGER = re.compile(r"\d\d\d\d|\b(?:last|previous|past|ago)\b", re.I)


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved time expression: the words and the period they name."""

    text: str
    start: dt.date
    end: dt.date
    char_start: int
    char_end: int


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _resolve(kind: str, g: dict[str, str | None], ref: dt.date) -> tuple[dt.date, dt.date] | None:
    get = lambda key: g.get(f"{kind}_{key}")  # noqa: E731
    if kind in ("month_day_year", "month_year"):
        year, month = int(get("year")), _MONTHS[get("month").lower().rstrip(".")]
        if kind == "month_day_year":
            try:
                day = dt.date(year, month, int(get("day")))
            except ValueError:
                return None
            return day, day
        return dt.date(year, month, 1), _month_end(year, month)
    if kind == "decade":
        year = int(get("year"))
        return dt.date(year, 1, 1), dt.date(year + 9, 12, 31)
    if kind == "year":
        year = int(get("year"))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    unit = get("unit").lower().rstrip("s")
    if kind == "last":
        if unit == "year":
            return dt.date(ref.year - 1, 1, 1), dt.date(ref.year - 1, 12, 31)
        if unit == "month":
            start = _shift_months(ref, 1)
            return start, _month_end(start.year, start.month)
        if unit == "week":
            monday = ref - dt.timedelta(days=ref.weekday() + 7)
            return monday, monday + dt.timedelta(days=6)
        return dt.date(ref.year - 1, 1, 1), ref  # a season: roughly the past year
    n = get("n").lower()
    count = int(n) if n.isdigit() else _NUMBERS.get(re.sub(r"\s+", " ", n), 1)
    if unit == "year":
        return dt.date(ref.year - count, 1, 1), dt.date(ref.year - count, 12, 31)
    if unit == "decade":
        return dt.date(ref.year - 10 * count, 1, 1), dt.date(ref.year - 10 * count, 12, 31)
    if unit == "month":
        start = _shift_months(ref, count)
        return start, _month_end(start.year, start.month)
    day = ref - dt.timedelta(weeks=count)
    return day - dt.timedelta(days=day.weekday()), day + dt.timedelta(days=6 - day.weekday())


def find_period(
    text: str,
    *,
    ref: dt.date,
    offset: int = 0,
    accept: Callable[[int, int], bool] | None = None,
) -> Period | None:
    """Find the first expression in ``text`` naming a period before ``ref``.

    Args:
        text: Words around a statement's cue (the statement's own content excluded).
        ref: The document date.
        offset: Offset of ``text`` in the document, added to the returned offsets.
        accept: Called with an expression's document offsets (start, end); an expression
            it rejects is skipped (the cue's grammar: "the ban introduced in 2015" does not
            date the statement its sentence reports).

    Returns:
        The period, or ``None`` when no expression names a past period. ``since X`` runs
        from X to ``ref``.
    """
    if not _TRIGGER.search(text):
        return None
    for match in _REGEX.finditer(text):
        kind = match.lastgroup
        groups = match.groupdict()
        span = _resolve(kind, groups, ref)
        if span is None:
            continue
        start, end = span
        prep = (groups.get(f"{kind}_prep") or "").lower()
        if prep == "since":
            end = ref
        if start >= ref or (end >= ref and prep != "since"):
            continue
        if accept is not None and not accept(offset + match.start(), offset + match.end()):
            continue
        return Period(
            match.group().strip(), start, end, offset + match.start(), offset + match.end()
        )
    return None
