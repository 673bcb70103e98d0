"""The run config: one TOML file whose keys map one-to-one to :func:`stance.pipeline.run`'s
keyword arguments.

Paths are relative to the config file. A path written ``stance:NAME`` names a file shipped
inside the package (``stance/data/NAME``), e.g. ``stance:codebook.yaml``.

Example::

    documents = ["articles/"]
    codebook = "stance:codebook.yaml"
    actors = "stance:actors.yaml"
    baseline = ["stance:baselines/us-russia-ukraine-2021-2024.yaml"]
    out_dir = "../../reports/seed"
    store = "stance.sqlite"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stance.errors import ConfigError

PACKAGE_PREFIX = "stance:"
DATA_DIR = Path(__file__).parent / "data"


def resolve_path(value: str | Path, base: Path) -> Path:
    """Resolve a config path: ``stance:NAME`` is packaged data, others are relative to ``base``."""
    text = str(value)
    if text.startswith(PACKAGE_PREFIX):
        return DATA_DIR / text[len(PACKAGE_PREFIX) :]
    path = Path(text).expanduser()
    return path if path.is_absolute() else (base / path)


#: File name of the store inside the report folder when the config names none.
STORE_NAME = "stance.sqlite"


def store_path(store: str | Path | None, out_dir: str | Path | None) -> Path | str:
    """The store a run uses: ``store`` if given, else ``<out_dir>/stance.sqlite``, else memory."""
    if store:
        return Path(store)
    return Path(out_dir) / STORE_NAME if out_dir is not None else ":memory:"


@dataclass(frozen=True)
class RunConfig:
    """Settings of one run; every field is a keyword argument of :func:`stance.pipeline.run`.

    Attributes:
        documents: Files or folders of articles (JSONL, CSV, txt/md with front matter, HTML).
        codebook: Topic codebook YAML.
        actors: Actor registry YAML.
        baseline: Baseline statement files (YAML), scored by the same model.
        out_dir: Folder the report is written to.
        store: SQLite store (incremental runs); ``None`` keeps everything in memory.
        model: Stance model artifact folder; ``None`` uses the packaged model.
        topic_threshold: Minimum topic-link score for a claim to count toward a topic.
        governments: Governments to compare (registry ids); empty means all with claims.
        min_confidence: Shifts below this confidence are not flagged.
        adapt_to_examples: Let each topic's favor/against examples vote on the side of the
            statements about that topic (``StanceModel.adapt``, method ``vote``). Off by
            default: on held-back debate rows the vote gained 0.001-0.022 macro-F1 and never
            lost, but on the seed it moved a baseline quote from favor to neutral
            (docs/stance-model.md, "Topic examples").
        link_through_articles: Let a claim that names no topic take the one topic its
            article's headline and first sentence are about (``linked_by`` = ``article``).
            Off by default: on the held-out Lindora case it added 11 of 83 government
            statements read right but cost 2 of 8 topic verdicts, because such elliptic
            statements are read on the wrong side more often (docs/end-to-end.md).
        dated_reports: Write each run's report into ``out_dir/YYYY-MM-DD/`` (scheduled runs);
            the store stays at ``out_dir/stance.sqlite``.
        forget_missing: Drop stored documents no longer among ``documents`` (default: the
            store keeps them, and they still count).
    """

    documents: tuple[Path, ...]
    codebook: Path = DATA_DIR / "codebook.yaml"
    actors: Path = DATA_DIR / "actors.yaml"
    baseline: tuple[Path, ...] = ()
    out_dir: Path = Path("report")
    store: Path | None = None
    model: Path | None = None
    topic_threshold: float = 0.6
    governments: tuple[str, ...] = ()
    min_confidence: float = 0.5
    adapt_to_examples: bool = False
    link_through_articles: bool = False
    dated_reports: bool = False
    forget_missing: bool = False
    source: Path | None = field(default=None, compare=False)

    def as_kwargs(self) -> dict[str, Any]:
        """The fields as keyword arguments for :func:`stance.pipeline.run`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}


_PATH_KEYS = {"codebook", "actors", "out_dir", "store", "model"}
_PATH_LIST_KEYS = {"documents", "baseline"}


def load_config(path: str | Path) -> RunConfig:
    """Read a TOML run config.

    Raises:
        ConfigError: The file is missing, is not valid TOML, or has unknown or missing keys.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; pass an existing TOML file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: a folder, not a config file; pass a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    known = {f.name for f in fields(RunConfig)} - {"source"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}; valid keys are {', '.join(sorted(known))}"
        )
    if "documents" not in raw:
        raise ConfigError(f"{path}: missing key 'documents'; list the article files or folders")
    base = path.resolve().parent
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _PATH_LIST_KEYS:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise ConfigError(f"{path}: '{key}' must be a path or a list of paths")
            kwargs[key] = tuple(resolve_path(v, base) for v in items)
        elif key in _PATH_KEYS:
            if value is not None and not isinstance(value, str):
                raise ConfigError(f"{path}: '{key}' must be a path in quotes, not {value!r}")
            kwargs[key] = None if value in ("", None) else resolve_path(value, base)
        elif key == "governments":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: 'governments' must be a list of registry ids")
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = _checked_value(path, key, value)
    return RunConfig(**kwargs, source=path)


#: Scalar keys: the type each must have and what its value may be (the fix in the message).
_FLAGS = {"adapt_to_examples", "link_through_articles", "dated_reports", "forget_missing"}
_SHARES = {"topic_threshold": "a number from 0 to 1", "min_confidence": "a number from 0 to 1"}


def _checked_value(path: Path, key: str, value: Any) -> Any:
    """A scalar config value of the right type, or a :class:`ConfigError` naming the key."""
    if key in _FLAGS:
        if not isinstance(value, bool):
            raise ConfigError(
                f"{path}: '{key}' must be true or false (TOML booleans, unquoted), not {value!r}"
            )
        return value
    if key in _SHARES:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
        if not ok:
            raise ConfigError(f"{path}: '{key}' must be {_SHARES[key]}, not {value!r}")
        return float(value)
    return value
