"""Find quotations in raw text, by character offsets.

Handles curly and straight double quotes, a stray closing mark that opens a paragraph
(``”They’ve been saying ...``), quotations running over several paragraphs (the convention
of reopening each paragraph and closing only the last), and single-quoted fragments
(``called it ‘unrealistic’``) outside double quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[^\n]+")
_OPENERS = " \t([{—–-/\u00a0"


@dataclass(frozen=True, slots=True)
class Quote:
    """One quoted stretch inside one paragraph.

    Attributes:
        start: Offset of the first character inside the marks.
        end: Offset just past the last character inside the marks.
        group: Pieces of one quotation running over several paragraphs share a group.
        single: Marked with single quotes.
        mark: Length of the opening mark before ``start``.
    """

    start: int
    end: int
    group: int
    single: bool = False
    mark: int = 1  # length of the opening mark (2 for '' and ``; 0 when continued)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of ``text`` (news paragraphs)."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def _double_marks(text: str, start: int, end: int) -> list[tuple[int, str, int]]:
    """Double quote marks of one paragraph as (offset, "open"/"close", length)."""
    marks = []
    first = start
    while first < end and text[first].isspace():
        first += 1
    i = start
    while i < end:
        ch = text[i]
        prev = text[i - 1] if i > start else " "
        if ch in "“«„":
            marks.append((i, "open", 1))
        elif ch in "”»":
            nxt = text[i + 1] if i + 1 < end else " "
            if (i == first or prev in _OPENERS) and nxt.isalnum():
                marks.append((i, "open", 1))  # stray ” opening a paragraph
            else:
                marks.append((i, "close", 1))
        elif ch == '"':
            marks.append((i, "open" if i == first or prev in _OPENERS else "close", 1))
        elif ch in "'`" and text[i + 1 : i + 2] == ch and text[i + 2 : i + 3] != ch:
            # typewriter doubles: ''quote'' or ``quote''
            opening = ch == "`" or i == first or prev in _OPENERS
            marks.append((i, "open" if opening else "close", 2))
            i += 2
            continue
        i += 1
    return marks


def _single_quotes(text: str, start: int, end: int, group: int) -> list[Quote]:
    out = []
    opened = None
    for i in range(start, end):
        ch = text[i]
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if ch in "‘'" and (prev in _OPENERS or prev in '“"') and nxt.isalnum():
            opened = i
        elif (
            ch in "’'"
            and opened is not None
            and not nxt.isalnum()
            and not prev.isspace()
            and i - opened < 300
        ):
            out.append(Quote(opened + 1, i, group, single=True))
            opened = None
    return out


def find_quotes(text: str) -> list[Quote]:
    """Return the quoted stretches of ``text`` in document order.

    Args:
        text: Document text.

    Returns:
        Quote pieces (inner text, without the marks), one per paragraph a quotation covers.
    """
    paras = paragraphs(text)
    quotes: list[Quote] = []
    group = 0
    carry = False  # a quotation left open at the end of the previous paragraph
    for k, (pstart, pend) in enumerate(paras):
        marks = _double_marks(text, pstart, pend)
        opened: int | None = None  # offset of the first character inside the open quote
        mark = 1
        reopened = bool(carry and marks and marks[0][1] == "open")
        reopened = reopened and marks[0][0] <= _first(text, pstart)
        if carry and not reopened:
            opened, mark = pstart, 0  # continued without a reopening mark
        carry = False
        covered: list[tuple[int, int]] = []
        for pos, kind, length in marks:
            if kind == "open":
                if opened is not None and opened > pstart:
                    # two opening marks in a row: close the first one here
                    quotes.append(Quote(opened, pos, group, mark=mark))
                    covered.append((opened - mark, pos))
                    group += 1
                elif opened is None and not (reopened and pos == marks[0][0]):
                    group += 1
                opened, mark = pos + length, length
            elif opened is not None:
                quotes.append(Quote(opened, pos, group, mark=mark))
                covered.append((opened - mark, pos + length))
                opened = None
        if opened is not None:
            quotes.append(Quote(opened, pend, group, mark=mark))
            covered.append((opened - mark, pend))
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            carry = nxt is not None and text[_first(text, nxt[0])] in "“\"«„”'`"
        for q in _single_quotes(text, pstart, pend, group):
            if not any(a <= q.start < b for a, b in covered):
                group += 1
                quotes.append(Quote(q.start, q.end, group, single=True))
    return sorted(quotes, key=lambda q: q.start)


def _first(text: str, start: int) -> int:
    while start < len(text) - 1 and text[start].isspace():
        start += 1
    return start
