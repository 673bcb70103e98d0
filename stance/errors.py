"""Named exceptions for user errors. Each message says what is wrong and how to fix it.

The CLI prints ``error: <message>`` on one line and exits with the code of the exception's class.
"""

from __future__ import annotations


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
