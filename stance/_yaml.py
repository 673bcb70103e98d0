"""Load analyst YAML files (codebook, actor registry) with line numbers for error messages."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from stance.errors import ConfigError

LINE_KEY = "__line__"


@functools.cache
def text_dates_loader() -> type:
    """PyYAML's SafeLoader with dates left as written (strings).

    PyYAML turns an unquoted ``2025-02-12`` into a date, and an impossible one such as
    ``2025-13-45`` into an uncaught ``ValueError`` mid-parse. Left as text, every date goes
    through the caller's own parser, whose error names the file, the key and the fix.
    """
    import yaml

    class TextDates(yaml.SafeLoader):
        pass

    TextDates.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextDates


def load_yaml(path: str | Path, *, what: str) -> tuple[Any, bytes]:
    """Read a YAML file; every mapping gets its 1-based line number under ``__line__``.

    Args:
        path: The file.
        what: What the file is ("actor registry"), for error messages.

    Returns:
        The parsed data and the file's bytes (for hashing).

    Raises:
        ConfigError: The file is missing, unreadable, not UTF-8 or not valid YAML.
    """
    import yaml

    class _Loader(text_dates_loader()):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            mapping = super().construct_mapping(node, deep=deep)
            mapping[LINE_KEY] = node.start_mark.line + 1
            return mapping

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{what} not found: {path}; check the path (in the config or the option)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{what} {path} is a folder; give the YAML file inside it") from None
    except OSError as exc:
        raise ConfigError(
            f"{what} {path} is unreadable ({(exc.strerror or str(exc)).lower()}); "
            "check the file's permissions"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} {path} is not valid UTF-8 (offset {exc.start}); re-save it as UTF-8"
        ) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise ConfigError(
            f"{path}{where}: malformed YAML in the {what} ({problem}); fix the YAML syntax there"
        ) from None
    return data, raw


def where(path: Path, item: Any) -> str:
    """``file line N`` for a parsed mapping (just the file when the line is unknown)."""
    line = item.get(LINE_KEY) if isinstance(item, dict) else None
    return f"{path} line {line}" if line else str(path)


def check_keys(
    item: Any, *, allowed: tuple[str, ...], required: tuple[str, ...], path: Path, what: str
) -> dict[str, Any]:
    """Check that ``item`` is a mapping with the required keys and no unknown ones."""
    if not isinstance(item, dict):
        raise ConfigError(f"{path}: each {what} must be a mapping of keys to values; fix it")
    for key in item:
        if key != LINE_KEY and key not in allowed:
            raise ConfigError(
                f"{where(path, item)}: unknown key {key!r} in {what}; "
                f"allowed keys: {', '.join(allowed)}"
            )
    for key in required:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ConfigError(f"{where(path, item)}: {what} has no {key!r}; add `{key}: ...`")
    return item


def string_list(item: dict[str, Any], key: str, *, path: Path, what: str) -> tuple[str, ...]:
    """A list of strings under ``key`` (a single string is accepted as a one-item list)."""
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError(
            f"{where(path, item)}: {key!r} of {what} must be a list of strings; "
            f"write `{key}: [a, b]`"
        )
    return tuple(str(v).strip() for v in value if str(v).strip())


def date_value(item: dict[str, Any], key: str, *, path: Path, what: str) -> dt.date | None:
    """An optional date under ``key`` (YAML dates or ISO strings)."""
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"{where(path, item)}: {key} of {what} is {value!r}, not a date; write it as YYYY-MM-DD"
        ) from None
