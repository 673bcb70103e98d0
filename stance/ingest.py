"""Read dated documents from JSON Lines, CSV, text/Markdown with front matter, and HTML.

``documents -> claims -> ...``: this is the first stage. :func:`iter_documents` streams
:class:`~stance.records.Document` records (JSON Lines line by line, CSV row by row, folders
walked lazily in sorted order) and turns every bad file, line or row into a
:class:`~stance.records.Rejected` record whose reason says what is wrong and how to fix it.
Bad input never stops the batch, and nothing is dropped silently.

Supported inputs (the README's "Documents" table; the config key `documents` points at them):

* ``.jsonl`` / ``.ndjson``: one JSON object per line with ``id``, ``date``, ``text`` and
  optional ``title``, ``url``, ``outlet``, ``author``.
* ``.csv``: a header row with the same columns (``id,date,text`` required).
* ``.txt`` / ``.md``: YAML front matter between ``---`` lines with the same keys; ``id``
  defaults to the file stem. The body below the front matter is the text.
* ``.html`` / ``.htm``: the main text (``<article>`` or ``<main>`` preferred) without scripts,
  styles and navigation; date, title, url, outlet and author from ``<meta>`` tags.
* Folders of these, recursively (hidden files and folders, whose names start with ``.``, are
  skipped; any other file type is rejected). Each file and folder is read once: a path listed
  twice, or reached again through a link, is listed as rejected instead of being read again,
  and a folder link back to a folder above it (a loop) is rejected once, not followed.

Text is read as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured). An ``.html`` file that
is not valid UTF-8 is decoded with the charset its ``<meta>`` (or XML declaration) declares.
UTF-16 without a byte-order mark is recognised and rejected with the fix.

A document is rejected, with the reason and the fix, when its date is impossible
(``2025-02-30``, ``2025-02-12T25:00``) or implausible (before :data:`EARLIEST_DATE`, or later
than tomorrow in UTC), when a field such as ``id`` or ``title`` holds a list or mapping instead
of one value, when the file is empty, and when its cleaned text is longer than
:data:`MAX_TEXT_CHARS` (split such a file into articles).

Page furniture ("ADVERTISEMENT", "Source link", "World News || Latest News" ...) is removed
line by line (:data:`FURNITURE_PATTERNS`). Whitespace inside a line is normalised, but
paragraphs are never reflowed: claim offsets index into :attr:`Document.text`.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import email.utils
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stance._yaml import text_dates_loader
from stance.errors import InputError
from stance.records import Document, Rejected

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES

FIELDS = ("id", "date", "text", "title", "url", "outlet", "author")
REQUIRED_COLUMNS = ("id", "date", "text")

#: The longest text (in characters, after cleaning) accepted as one article. Longer texts are
#: whole books or concatenated dumps; they are rejected rather than slowing a run for minutes.
MAX_TEXT_CHARS = 1_000_000

#: Dates before this one are typing errors (``0001-01-01``), not news.
EARLIEST_DATE = dt.date(1900, 1, 1)

#: How many leading bytes are inspected for UTF-16 without a byte-order mark.
_SNIFF_BYTES = 4096
#: How many leading bytes of an HTML file are searched for a declared charset.
_CHARSET_BYTES = 16384
_UTF16_NO_BOM = "looks like UTF-16 without a byte-order mark; re-save it as UTF-8"

#: Whole-line patterns (case-insensitive regular expressions) for page furniture. A line of
#: the text that matches one of them entirely, after trimming spaces, is removed.
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"advertisement",
    r"advertisement\s*[-–—:]?\s*(scroll|continue reading)( down)?( to continue)?( below)?",
    r"story continues below( this)? (advertisement|ad)",
    r"source\s*link",
    r"back to top( button)?",
    r"checkout latest world news below links\s*:?",
    # link lists such as "World News || Latest News || U.S. News" or "Home | World | Europe"
    r"[^|\n]{1,30}(\s*\|\|?\s*[^|\n]{1,30}){2,}",
    r"share( this)?( article| story| post)?( on (facebook|twitter|x|linkedin|whatsapp|email))?\s*:?",
    r"(share|tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin)"
    r"(\s*[|·•,/]?\s*(share|tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin))*",
    r"related( articles| stories| coverage| content)?\s*:?",
    r"read (more|next|also)\s*:?",
    r"click here to (subscribe|read more|continue)[^\n]{0,40}",
    r"subscribe( now)?( to our newsletter)?( for [^\n]{0,40})?[.!]?",
    r"sign up for (our|the) [^\n]{0,40}newsletter[^\n]{0,40}",
    r"(skip to (main )?content|skip advertisement)",
    r"(follow us on|like us on) [^\n]{0,40}",
    r"(this article|this story) (first appeared|was originally published) on [^\n]{0,60}",
    r"(getty images|ap photo|reuters)( / [^\n]{0,60})?",
    r"©[^\n]{0,80}",
    r"all rights reserved\.?",
)

_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS), flags=re.IGNORECASE)
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_RUNS_RE = re.compile(r"\n{3,}")

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY_MONTH_YEAR = re.compile(
    rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{{4}})$", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"^{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.IGNORECASE
)
_ISO_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\S.*))?$")
# the time after an ISO date: HH, HH:MM or HH:MM:SS (the colons optional after a "T")
_ISO_TIME_T = re.compile(r"^(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?(?![\d:])")
_ISO_TIME_SPACE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", flags=re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([a-z0-9_.:\-]+)", flags=re.IGNORECASE
)
_SLASH_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


@dataclass
class IngestResult:
    """Everything read from a batch of inputs.

    Attributes:
        documents: The documents read, in input order.
        rejected: The inputs that could not be read, each with the reason and the fix.
    """

    documents: list[Document] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class _Bad(Exception):
    """One input (file, line or row) is bad; the message is the reason and the fix."""


class _NoSuchDate(ValueError):
    """A date in a known form that names no real day or time; the message says why and the fix."""


@dataclass
class _Seen:
    """Files and folders already read in one batch: resolved path -> the path first read."""

    files: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Public API


def read_documents(paths: Iterable[str | Path]) -> IngestResult:
    """Read every document under ``paths`` into memory.

    Args:
        paths: Files or folders.

    Returns:
        The documents and the rejected inputs.

    Raises:
        InputError: A path does not exist.
    """
    result = IngestResult()
    for item in iter_documents(paths):
        if isinstance(item, Document):
            result.documents.append(item)
        else:
            result.rejected.append(item)
    return result


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Document | Rejected]:
    """Stream documents (and rejected inputs) from files and folders.

    Memory stays bounded: JSON Lines are read line by line, CSV row by row, and folders are
    walked lazily in sorted order. Only the ids and the resolved paths seen so far are kept,
    to reject duplicate ids and files or folders met twice.

    Args:
        paths: Files or folders, read in the order given.

    Yields:
        A :class:`Document` per good input document and a :class:`Rejected` per bad file,
        line or row (``source`` names the file and the ``line N`` / ``row N``), and per file
        or folder met a second time (listed twice, or reached again through a link).

    Raises:
        InputError: A path does not exist (checked for all paths before anything is read).
    """
    paths = [Path(p) for p in paths]
    for path in paths:
        if not os.path.lexists(path):
            raise InputError(
                f"no such file or folder: {path}; check the `documents` paths in your config"
            )
    first_seen: dict[str, str] = {}
    seen = _Seen()
    for path in paths:
        for item in _iter_path(path, seen):
            if isinstance(item, Document):
                if item.id in first_seen:
                    item = Rejected(
                        source=item.source or str(path),
                        reason=(
                            f"duplicate id {item.id!r} (first seen in {first_seen[item.id]}); "
                            "give each document a unique id"
                        ),
                    )
                else:
                    first_seen[item.id] = item.source or str(path)
            yield item


def parse_date(value: Any) -> dt.date:
    """Parse a publication date.

    Accepts ``datetime.date``/``datetime`` objects, ISO dates (``2025-02-12``), ISO
    datetimes (``2025-02-12T18:30:00Z``; the date as written is kept, not converted to UTC),
    RFC 2822 dates (``Wed, 12 Feb 2025 18:30:00 GMT``) and the common English forms
    ``12 February 2025`` and ``February 12, 2025`` (optionally with a weekday).

    Args:
        value: The value to parse.

    Returns:
        The date.

    Raises:
        ValueError: The value is not a date in one of these forms, or it is in one of them but
            names no real day or time (``2025-02-30``, ``2025-02-12T25:00``); the message of
            the latter says which part is impossible.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = " ".join(value.split())
    match = _ISO_DATE_PREFIX.match(text)
    if match:
        year, month, day, separator, rest = match.groups()
        if separator:
            _check_time(separator, rest)
        return _day(int(year), int(month), int(day))
    match = _SLASH_ISO.match(text)
    if match:
        return _day(*(int(g) for g in match.groups()))
    match = _DAY_MONTH_YEAR.match(text)
    if match and match.group(2).lower() in _MONTHS:
        day, month, year = match.groups()
        return _day(int(year), _MONTHS[month.lower()], int(day))
    match = _MONTH_DAY_YEAR.match(text)
    if match and match.group(1).lower() in _MONTHS:
        month, day, year = match.groups()
        return _day(int(year), _MONTHS[month.lower()], int(day))
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    raise ValueError(f"not a date: {value!r}")


def _day(year: int, month: int, day: int) -> dt.date:
    """The date, or :class:`_NoSuchDate` saying which part does not exist."""
    if not 1 <= month <= 12:
        raise _NoSuchDate(f"no such month ({month}); write it as YYYY-MM-DD (e.g. 2025-02-12)")
    if year < dt.MINYEAR:
        raise _NoSuchDate(f"no such year ({year}); check the date")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        raise _NoSuchDate(f"no such day ({name} {year} has {days} days); check the date")
    return dt.date(year, month, day)


def _check_time(separator: str, rest: str) -> None:
    """Check the time written after an ISO date (``T25:00`` is no time; raises ValueError)."""
    match = (_ISO_TIME_T if separator == "T" else _ISO_TIME_SPACE).match(rest)
    if match is None:
        if separator == "T":
            raise ValueError(f"not a time: {rest!r}")
        return  # "2025-02-12 (updated)": the date alone is read, as before
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 60:  # 60: a leap second
        raise _NoSuchDate(f"no such time of day ({match.group(0)}); check the date")


def utc_today() -> dt.date:
    """Today's date in UTC, read at call time (tests may monkeypatch it)."""
    return dt.datetime.now(dt.UTC).date()


def implausible_date(date: dt.date, *, today: dt.date) -> str | None:
    """Why a publication date cannot be right, or ``None`` when it can.

    A date before :data:`EARLIEST_DATE` is a typing error; one later than tomorrow (``today``
    plus one day, for time zones ahead of UTC) has not happened yet.

    Args:
        date: The publication date.
        today: Today's date (UTC).

    Returns:
        The reason and the fix, or ``None``.
    """
    if date < EARLIEST_DATE:
        return f"date {date.isoformat()} is before {EARLIEST_DATE.year}; check the date"
    if date > today + dt.timedelta(days=1):
        return (
            f"date {date.isoformat()} is in the future (today is {today.isoformat()}); "
            "check the date"
        )
    return None


def clean_text(text: str) -> str:
    """Normalise a document's text and remove page furniture.

    Line endings become ``\\n``; runs of spaces, tabs and non-breaking spaces inside a line
    become one space; zero-width characters are removed; lines are trimmed; whole lines that
    match :data:`FURNITURE_PATTERNS` are dropped; runs of blank lines become one blank line.
    Paragraphs are never reflowed.

    Args:
        text: Raw text.

    Returns:
        The cleaned text (may be empty).
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _ZERO_WIDTH_RE.sub("", text)
    lines = []
    for raw in text.split("\n"):
        line = _SPACES_RE.sub(" ", raw).strip()
        if line and _FURNITURE_RE.fullmatch(line):
            continue
        lines.append(line)
    return _BLANK_RUNS_RE.sub("\n\n", "\n".join(lines)).strip()


# --------------------------------------------------------------------------------------------
# Walking paths


def _iter_path(path: Path, seen: _Seen) -> Iterator[Document | Rejected]:
    if path.is_dir():
        yield from _iter_folder(path, seen, frozenset())
    else:
        yield from _iter_file(path, seen)


def _met_again(path: Path, first: str, what: str) -> str:
    """The reason for a file or folder that was already read as ``first``."""
    if os.path.abspath(path) == os.path.abspath(first):
        return f"listed twice: this {what} was already read; remove the repeated path"
    return f"same {what} as {first}, already read (through a link); remove the link or path"


def _iter_folder(
    folder: Path, seen: _Seen, ancestors: frozenset[str]
) -> Iterator[Document | Rejected]:
    """Walk ``folder``; ``ancestors`` are the resolved folders being walked above it."""
    real = os.path.realpath(folder)
    if real in seen.folders:
        first = seen.folders[real]
        if real in ancestors:
            yield Rejected(str(folder), f"folder link loop back to {first}; remove the link")
        else:
            yield Rejected(str(folder), _met_again(folder, first, "folder"))
        return
    seen.folders[real] = str(folder)
    ancestors = ancestors | {real}
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(str(folder), _unreadable(exc))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Rejected(str(path), _unreadable(exc))
            continue
        if is_dir:
            yield from _iter_folder(path, seen, ancestors)
        else:
            yield from _iter_file(path, seen)


def _iter_file(path: Path, seen: _Seen) -> Iterator[Document | Rejected]:
    suffix = path.suffix.lower()
    source = str(path)
    real = os.path.realpath(path)
    if real in seen.files:
        yield Rejected(source, _met_again(path, seen.files[real], "file"))
        return
    seen.files[real] = source
    if suffix not in SUPPORTED_SUFFIXES:
        yield Rejected(
            source,
            f"unsupported file type {suffix or '(no extension)'!r}; use one of "
            f"{', '.join(SUPPORTED_SUFFIXES)} or move the file out of the documents folder",
        )
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _iter_jsonl(path)
        elif suffix in CSV_SUFFIXES:
            yield from _iter_csv(path)
        else:
            raw = path.read_bytes()
            text = _decode(raw, html=suffix in HTML_SUFFIXES)
            if not text.strip():
                what = "empty file" if not text else "empty file (only blank space)"
                raise _Bad(f"{what}; put the article in it, or remove it from the documents")
            if suffix in HTML_SUFFIXES:
                yield _html_document(path, text)
            else:
                yield _text_document(path, text)
    except _Bad as exc:
        yield Rejected(source, str(exc))
    except OSError as exc:
        yield Rejected(source, _unreadable(exc))


def _unreadable(exc: OSError) -> str:
    what = (exc.strerror or str(exc)).lower()
    return f"unreadable: {what}; check that the file exists and that you may read it"


# --------------------------------------------------------------------------------------------
# Decoding


def _bom_encoding(head: bytes) -> tuple[str, int]:
    """The encoding given by a byte-order mark, and the mark's length."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0  # the utf-16 codec reads and drops the mark itself
    return "utf-8", 0


def _utf8_error(exc: UnicodeDecodeError, base: int) -> str:
    byte = exc.object[exc.start]
    return (
        f"not valid UTF-8 (byte 0x{byte:02x} at offset {base + exc.start}); "
        "re-save the file as UTF-8"
    )


def _looks_like_utf16(head: bytes) -> bool:
    """Whether a file's first bytes look like UTF-16 text without a byte-order mark.

    UTF-16 stores ASCII characters (spaces, digits, front matter, tags) with a zero byte at
    every other position; UTF-8 text has no zero bytes at all.
    """
    if _bom_encoding(head[:4]) != ("utf-8", 0):
        return False
    zeros = head.count(0)
    if zeros < max(2, len(head) // 20):
        return False
    at_even = head[0::2].count(0)
    return max(at_even, zeros - at_even) >= 0.9 * zeros


def _declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in ``<meta>`` (or an XML declaration), if any."""
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def _decode_declared(raw: bytes, charset: str, utf8_error: str) -> str:
    """Decode an HTML page that is not UTF-8 with the charset it declares."""
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise _Bad(
            f"not valid UTF-8, and its declared charset {charset!r} is unknown; "
            "re-save the file as UTF-8"
        ) from None
    if codec.startswith("utf"):  # browsers read a page that declares UTF-16 as UTF-8, too
        raise _Bad(utf8_error)
    # browsers read pages declared Latin-1 or ASCII as windows-1252 (curly quotes at 0x91-0x94)
    candidates = ["cp1252", codec] if codec in ("iso8859-1", "ascii") else [codec]
    for candidate in candidates:
        try:
            return raw.decode(candidate)
        except UnicodeDecodeError as exc:
            error = exc
    raise _Bad(
        f"not valid {charset} as its <meta> declares (byte 0x{error.object[error.start]:02x} "
        f"at offset {error.start}); re-save the file as UTF-8"
    )


def _decode(raw: bytes, *, html: bool = False) -> str:
    encoding, skip = _bom_encoding(raw[:4])
    if _looks_like_utf16(raw[:_SNIFF_BYTES]):
        raise _Bad(_UTF16_NO_BOM)
    try:
        return raw[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            charset = _declared_charset(raw[:_CHARSET_BYTES]) if html and not skip else None
            if charset is not None:
                return _decode_declared(raw, charset, _utf8_error(exc, skip))
            raise _Bad(_utf8_error(exc, skip)) from None
        raise _Bad(
            f"not valid UTF-16 (offset {exc.start}): {exc.reason}; re-save the file as UTF-8"
        ) from None


def _decoded_lines(handle: io.BufferedReader) -> Iterator[tuple[str | None, str | None]]:
    """Yield ``(line, error)`` per physical line; exactly one of the two is ``None``.

    UTF-8 (with or without BOM) is decoded line by line, so one bad line spoils only itself;
    UTF-16 (with BOM) is decoded as a stream.
    """
    head = handle.peek(4)[:4]
    encoding, skip = _bom_encoding(head)
    if encoding == "utf-16":
        stream = io.TextIOWrapper(handle, encoding="utf-16", newline="")
        try:
            for line in stream:
                yield line, None
        except UnicodeDecodeError as exc:
            yield None, f"not valid UTF-16 ({exc.reason}); re-save the file as UTF-8"
        return
    handle.read(skip)
    offset = skip
    for raw in handle:
        try:
            yield raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield None, _utf8_error(exc, offset)
        offset += len(raw)


# --------------------------------------------------------------------------------------------
# Records -> Document


def _optional(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _check_scalars(fields: dict[str, Any]) -> None:
    """Reject a list or mapping where one value is expected (``id: [a, b]``)."""
    for name in FIELDS:
        value = fields.get(name)
        if name == "text" or value is None or isinstance(value, str | int | float | dt.date):
            continue
        kind = {list: "list", dict: "mapping"}.get(type(value), type(value).__name__)
        raise _Bad(f"{name} is a {kind}, not a single value; give the {name} as one string")


def _document_date(raw_date: Any) -> dt.date:
    """Parse and check a document's date (raises :class:`_Bad` with the reason)."""
    try:
        date = parse_date(raw_date)
    except _NoSuchDate as exc:
        raise _Bad(f"date {str(raw_date)!r}: {exc}") from None
    except ValueError:
        raise _Bad(
            f"unreadable date {str(raw_date)!r}; write it as YYYY-MM-DD (e.g. 2025-02-12)"
        ) from None
    reason = implausible_date(date, today=utc_today())
    if reason is not None:
        raise _Bad(reason)
    return date


def _make_document(
    fields: dict[str, Any],
    *,
    source: str,
    default_id: str | None,
    date_fix: str,
    id_fix: str = "",
    text_fix: str = "give the document its body text",
) -> Document:
    """Validate one record's fields and build a :class:`Document` (raises :class:`_Bad`)."""
    _check_scalars(fields)
    doc_id = _optional(fields.get("id")) or default_id
    if not doc_id:
        raise _Bad(f"no id; {id_fix}")
    raw_date = fields.get("date")
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        raise _Bad(f"no date; {date_fix}")
    date = _document_date(raw_date)
    text = fields.get("text")
    if text is None:
        raise _Bad(f'no "text" field; {text_fix}')
    if not isinstance(text, str):
        raise _Bad(f"text is a {type(text).__name__}, not a string; give the text as a string")
    if not text.strip():
        raise _Bad(f"empty text; {text_fix}")
    text = clean_text(text)
    if not text:
        raise _Bad("empty text after removing page furniture; give the document its body text")
    if len(text) > MAX_TEXT_CHARS:
        raise _Bad(
            f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit for one "
            "article; split it into articles"
        )
    return Document(
        id=doc_id,
        date=date,
        text=text,
        title=_optional(fields.get("title")),
        url=_optional(fields.get("url")),
        outlet=_optional(fields.get("outlet")),
        author=_optional(fields.get("author")),
        source=source,
    )


def _iter_jsonl(path: Path) -> Iterator[Document | Rejected]:
    with path.open("rb") as handle:
        if _looks_like_utf16(handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
            raise _Bad(_UTF16_NO_BOM)
        blank = True
        for number, (line, error) in enumerate(_decoded_lines(handle), start=1):
            source = f"{path}:line {number}"
            blank = blank and error is None and not line.strip()
            if error is not None:
                yield Rejected(source, error)
                if "UTF-16" in error:
                    return
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line.strip())
            except json.JSONDecodeError as exc:
                yield Rejected(
                    source,
                    f"invalid JSON: {exc.msg} (column {exc.colno}); write one JSON object per line",
                )
                continue
            if not isinstance(record, dict):
                yield Rejected(
                    source,
                    f"a JSON {type(record).__name__}, not an object; write one object "
                    'per line like {"id": ..., "date": "YYYY-MM-DD", "text": ...}',
                )
                continue
            try:
                yield _make_document(
                    record,
                    source=source,
                    default_id=None,
                    date_fix='add "date": "YYYY-MM-DD" to the line',
                    id_fix='add a unique "id" to the line',
                    text_fix='add "text": "..." with the article to the line',
                )
            except _Bad as exc:
                yield Rejected(source, str(exc))
    if blank:
        raise _Bad("empty file; write one JSON object per line, or remove it from the documents")


def _iter_csv(path: Path) -> Iterator[Document | Rejected]:
    bad_lines: dict[int, str] = {}

    def lines(handle: io.BufferedReader) -> Iterator[str]:
        for number, (line, error) in enumerate(_decoded_lines(handle), start=1):
            if error is not None:
                bad_lines[number] = error
                yield "\n"  # keeps the line count; the row that holds it is rejected
            else:
                yield line

    # Article texts can exceed the csv module's default cell limit of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))
    with path.open("rb") as handle:
        if _looks_like_utf16(handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
            raise _Bad(_UTF16_NO_BOM)
        reader = csv.reader(lines(handle))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise _Bad(f"malformed CSV header: {exc}; fix the first line") from None
        if bad_lines:
            raise _Bad(f"header: {next(iter(bad_lines.values()))}")
        if header is None:
            raise _Bad("empty file; CSV needs a header row with columns id,date,text")
        columns = [c.strip().lower() for c in header]
        for name in REQUIRED_COLUMNS:
            if name not in columns:
                raise _Bad(f"missing column {name!r}; CSV needs columns id,date,text")
        for name in FIELDS:
            if columns.count(name) > 1:
                raise _Bad(
                    f"duplicate column {name!r} in the header; keep one {name} column "
                    "(rename or remove the others)"
                )
        row_number = 1
        last_line = reader.line_num
        while True:
            try:
                row = next(reader, None)
            except csv.Error as exc:
                row_number += 1
                yield Rejected(
                    f"{path}:row {row_number}", f"malformed CSV row: {exc}; fix the quoting"
                )
                break
            if row is None:
                break
            row_number += 1
            first_line, last_line = last_line + 1, reader.line_num
            source = f"{path}:row {row_number}"
            errors = [bad_lines.pop(n) for n in range(first_line, last_line + 1) if n in bad_lines]
            if errors:
                yield Rejected(source, errors[0])
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                yield Rejected(
                    source,
                    f"{len(row)} cells but the header has {len(columns)} columns; "
                    "quote cells that contain commas or line breaks",
                )
                continue
            try:
                yield _make_document(
                    dict(zip(columns, row, strict=True)),
                    source=source,
                    default_id=None,
                    date_fix="fill in the row's date cell as YYYY-MM-DD",
                    id_fix="fill in the row's id cell with a unique id",
                )
            except _Bad as exc:
                yield Rejected(source, str(exc))


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter from the body (raises :class:`_Bad` when it is malformed)."""
    import yaml

    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise _Bad(
            "malformed YAML front matter: no closing --- line; end the block with a line "
            "holding only ---"
        )
    block = "\n".join(lines[1:end])
    try:
        # dates stay text: parse_date reads them, and an impossible one is this file's error
        meta = yaml.load(block, Loader=text_dates_loader()) if block.strip() else {}  # noqa: S506
    except yaml.YAMLError as exc:
        lines_of = str(exc).strip().splitlines() or ["parse error"]
        first = getattr(exc, "problem", None) or lines_of[0]
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise _Bad(
            f"malformed YAML front matter: {first}{where}; fix the block between the --- lines"
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _Bad(
            "malformed YAML front matter: not a mapping of keys to values; "
            "write `key: value` lines between the --- lines"
        )
    return meta, "\n".join(lines[end + 1 :])


def _text_document(path: Path, text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = _front_matter(text)
    fix = (
        "add `date: YYYY-MM-DD` to the front matter"
        if meta
        else "add a front matter block (a line ---, `date: YYYY-MM-DD`, a line ---) "
        "at the top of the file"
    )
    return _make_document(
        {**meta, "text": body}, source=str(path), default_id=path.stem, date_fix=fix
    )


# --------------------------------------------------------------------------------------------
# HTML

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "dialog",
)
_BLOCK_TEXT = (
    "address article blockquote dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li main "
    "ol p pre section table tbody thead tfoot tr td th ul details summary caption"
)
_BLOCK_TAGS = frozenset(_BLOCK_TEXT.split())
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
)


def _meta(tree: Any, *names: str) -> str | None:
    """The ``content`` of the first ``<meta>`` whose name/property/itemprop is in ``names``."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        content = attrs.get("content")
        if not content:
            continue
        for key in ("property", "name", "itemprop"):
            value = (attrs.get(key) or "").strip().lower()
            if value in wanted and value not in found:
                found[value] = content.strip()
    for name in wanted:
        if name in found:
            return found[name]
    return None


def _block_text(root: Any) -> str:
    """Text of ``root`` with one line per block element and a blank line between blocks."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = " ".join("".join(buffer).split())
        if line:
            paragraphs.append(line)
        buffer.clear()

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            flush()
            continue
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag == "br":
            flush()
            continue
        if not node.is_element_node:
            continue
        block = tag in _BLOCK_TAGS
        if block:
            flush()
            stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    flush()
    return "\n\n".join(paragraphs)


def _html_document(path: Path, html: str) -> Document:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    date = _meta(tree, *_DATE_META) or _meta(tree, "datepublished")
    if date is None:
        for node in tree.css("time[datetime]"):
            date = (node.attributes.get("datetime") or "").strip() or None
            if date:
                break
    title = _meta(tree, "og:title", "twitter:title")
    if title is None:
        node = tree.css_first("title")
        title = node.text(strip=True) if node is not None else None
    url = _meta(tree, "og:url")
    if url is None:
        node = tree.css_first('link[rel="canonical"]')
        url = node.attributes.get("href") if node is not None else None
    tree.strip_tags(list(_DROP_TAGS))
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    text = _block_text(root) if root is not None else ""
    fields = {
        "id": _meta(tree, "stance:id"),
        "date": date,
        "text": text,
        "title": title,
        "url": url,
        "outlet": _meta(tree, "og:site_name", "application-name"),
        "author": _meta(tree, "author", "article:author", "byl"),
    }
    return _make_document(
        fields,
        source=str(path),
        default_id=path.stem,
        date_fix=(
            'add <meta property="article:published_time" content="YYYY-MM-DD"> to the '
            "page's <head>, or convert it to .md with front matter"
        ),
    )
