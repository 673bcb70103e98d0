"""Named exceptions for user errors. Each message says what is wrong and how to fix it.

The CLI prints ``error: <message>`` on one line and exits with the code of the exception's class.
"""

from __future__ import annotations

import os
from pathlib import Path


class StanceError(Exception):
    """Base class of all user-facing errors."""

    exit_code = 2


class InputError(StanceError):
    """An input document cannot be read (wrong encoding, missing date, empty text...)."""


class ConfigError(StanceError):
    """A config, codebook, actor registry or baseline file is missing or malformed."""


class ModelMismatchError(StanceError):
    """A model artifact does not fit the installed base encoder or code version."""

    exit_code = 3


def output_file(path: str | os.PathLike[str], option: str) -> Path:
    """``path`` as a :class:`~pathlib.Path` a command can write a file to: its folder is
    created, and a path that is a folder (or whose folder cannot be made) is an
    :class:`InputError` naming ``option`` and the fix. Called before any work is done, so a
    wrong path costs nothing."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: a folder, not a file; pass {option} with a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            f"{path}: cannot make its folder ({reason}); pass {option} with a writable path"
        ) from None
    return path
