"""Encoder ensembles: several tuned encoders read every pair and their heads' probabilities are averaged.

Unlike a soup (:mod:`stance.model.soup`), which averages the members' weights into one encoder,
an ensemble keeps every member's encoder: scoring costs one forward pass per member, and the
members' calibrated probabilities are averaged. In session 9 the ensemble of the packaged soup
and two later runs, built by this module, scored a mean dev macro-F1 of 0.804 against 0.793 for
the packaged soup alone, while the weight soup of the same runs scored 0.788; it was not
packaged (it failed the hedge check; docs/stance-model.md).

The artifact is an ordinary artifact folder: one LoRA file per member (``lora.safetensors``,
``lora.1.safetensors``, ...) listed under ``encoders`` in ``meta.json``, and an
:class:`~stance.model.head.AveragedHead` (one calibrated :class:`StanceClassifier` per member,
each fitted on its own member's embeddings exactly as :func:`stance.model.train.fit_head`
fits a single model's head). :meth:`StanceModel.load` reads it like any other; its embedding is
the members' embeddings side by side.

``stance ensemble RUN_DIR RUN_DIR ... --out DIR`` or :func:`ensemble`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def member_file(index: int) -> str:
    """The LoRA file name of member ``index`` inside an ensemble artifact."""
    return "lora.safetensors" if index == 0 else f"lora.{index}.safetensors"


def refuse_ensemble(artifact: Path, action: str) -> None:
    """Raise ValueError when ``artifact`` is an ensemble (``action`` reads one encoder only)."""
    from stance.model.artifact import encoder_files

    meta = json.loads((Path(artifact) / "meta.json").read_text())
    if len(encoder_files(meta)) > 1:
        raise ValueError(
            f"{artifact}: an encoder ensemble cannot be used for {action}; "
            "pass its member runs instead, or rebuild the ensemble with `stance ensemble`"
        )


def ensemble(
    members: list[Path],
    out_dir: Path | str,
    data_dir: Path | str,
    *,
    max_length: int | None = None,
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
    device: str | None = None,
) -> dict[str, Any]:
    """Build an ensemble of artifacts trained here, fitting heads on the splits in ``data_dir``.

    Raises:
        stance.errors.ModelMismatchError: a member was trained on another base encoder.
    """
    from stance.model.encoder import base_model_path
    from stance.model.soup import _checked_pairs

    frame = _checked_pairs([Path(m) for m in members], data_dir)
    return ensemble_frame(
        members,
        out_dir,
        frame,
        base_dir=base_model_path(),
        max_length=max_length,
        augment=augment,
        neutral_gate=neutral_gate,
        device=device,
    )


def ensemble_frame(
    members: list[Path],
    out_dir: Path | str,
    frame: pd.DataFrame,
    *,
    base_dir: Path | str,
    max_length: int | None = None,
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
    device: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Copy the members' encoders into ``out_dir`` and fit one head per member, then average.

    Args:
        members: Artifact folders (single runs or soups, not ensembles) on one base encoder.
        out_dir: Folder for the ensemble artifact.
        frame: Pair table with train and dev rows; test rows are ignored.
        base_dir: The base encoder's folder.
        max_length: Token limit for every member (None: the longest of the members').
        augment: Extra head training rows (see :func:`stance.model.train.head_rows`).
        neutral_gate: Give each member head a neutral gate (the augment rows train only it).
        device: torch device (None: CUDA if available, else CPU).
        limit: The members' training ``limit`` (smoke tests): heads see as few rows as theirs.

    Returns:
        Summary: artifact path, members, the ensemble's and each member's dev scores (all
        with calibrated heads, on the same dev sample).

    Raises:
        ValueError: fewer than two members, an ensemble among them, or different base encoders.
    """
    import numpy as np

    from stance.model.artifact import write_meta
    from stance.model.head import AveragedHead
    from stance.model.soup import encoder_head
    from stance.model.train import dev_scores

    members = [Path(m) for m in members]
    if len(members) < 2:
        raise ValueError("an ensemble needs at least two trained artifacts")
    for member in members:
        refuse_ensemble(member, "an ensemble member")
    metas = [json.loads((m / "meta.json").read_text()) for m in members]
    if len({meta["base_model"]["sha256"] for meta in metas}) != 1:
        raise ValueError("the artifacts were trained on different base encoders; retrain them")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    length = max_length or max(meta["training_config"]["max_length"] for meta in metas)
    heads, infos, dev_parts, files = [], [], [], []
    for index, member in enumerate(members):
        files.append(member_file(index))
        shutil.copy(member / "lora.safetensors", out_dir / files[-1])
        head, info, x_dev, dev_rows = encoder_head(
            frame,
            out_dir / files[-1],
            base_dir=base_dir,
            device=device,
            max_length=length,
            limit=limit,
            augment=augment,
            neutral_gate=neutral_gate,
        )
        info["dev"] = dev_scores(dev_rows, head.predict_proba(x_dev))  # calibrated, as below
        heads.append(head)
        infos.append(info)
        dev_parts.append(x_dev)
    head = AveragedHead.from_heads(heads)
    (out_dir / "head.json").write_text(json.dumps(head.to_dict()) + "\n")
    scores = dev_scores(dev_rows, head.predict_proba(np.hstack(dev_parts)))
    meta = _ensemble_meta(
        members,
        metas,
        files,
        length,
        {"augment": list(augment), "neutral_gate": neutral_gate},
        model_name="stance-minilm-lora-ensemble",
    )
    meta["dev_scores"] = scores
    meta["head"] = {"members": [{k: v for k, v in i.items() if k != "dev"} for i in infos]}
    meta["member_dev_scores"] = [i["dev"] for i in infos]
    write_meta(out_dir, meta)
    return {
        "artifact": str(out_dir),
        "members": [str(m) for m in members],
        "dev": scores,
        "member_dev": meta["member_dev_scores"],
    }


def _ensemble_meta(
    members: list[Path],
    metas: list[dict[str, Any]],
    files: list[str],
    length: int,
    head: dict[str, Any],
    *,
    model_name: str,
) -> dict[str, Any]:
    """``meta.json`` of an ensemble of ``members`` (their ``metas``), LoRA ``files`` in order."""
    from stance.model.soup import _runs_of

    names = [_runs_of(meta, member)[0] for meta, member in zip(metas, members, strict=True)]
    meta = {k: v for k, v in metas[0].items() if k not in ("format_version", "run_name", "head")}
    meta["model_name"] = model_name
    stamps = [m.get("training_data") for m in metas]
    if any(stamp != stamps[0] for stamp in stamps):
        meta["training_data"] = {"members": stamps}
    meta["encoders"] = files
    meta["training_config"] = {
        "max_length": length,
        "ensemble": {
            "members": [str(member) for member in members],
            "runs": names,
            "configs": [m["training_config"] for m in metas],
            "head": head,
        },
    }
    meta["history"] = [m.get("history") for m in metas]  # one entry per member, in order
    return meta


def split_ensemble(
    neutral_model: Path | str,
    side_model: Path | str,
    out_dir: Path | str,
    data_dir: Path | str,
    *,
    backend: str = "torch",
    note: str | None = None,
) -> dict[str, Any]:
    """A two-encoder artifact: one model says whether a pair takes a side, the other which side.

    See :func:`split_ensemble_frame`; the dev pairs come from ``data_dir``.

    Raises:
        stance.errors.ModelMismatchError: a member was trained on another base encoder.
    """
    from stance.model.soup import _checked_pairs

    members = [Path(neutral_model), Path(side_model)]
    frame = _checked_pairs(members, data_dir)
    return split_ensemble_frame(members[0], members[1], out_dir, frame, backend=backend, note=note)


def split_ensemble_frame(
    neutral_model: Path | str,
    side_model: Path | str,
    out_dir: Path | str,
    frame: pd.DataFrame,
    *,
    backend: str = "torch",
    note: str | None = None,
) -> dict[str, Any]:
    """Join two artifacts as they are: p(neutral) from the first, favor : against from the second.

    Both encoders are copied into ``out_dir`` (``lora.safetensors``, ``lora.1.safetensors``) and
    both heads are kept as fitted and calibrated, in a :class:`~stance.model.head.SplitHead`;
    nothing is refitted. Session 14 (docs/stance-model.md): the packaged model's neutral gate
    with a refined encoder's favor/against split. Scoring costs one pass per encoder.

    Args:
        neutral_model: Artifact whose head decides neutral against the rest.
        side_model: Artifact whose head splits the rest between favor and against.
        out_dir: Folder for the joined artifact.
        frame: Pair table; its dev sample scores the join (recorded as ``dev_scores``).
        backend: Pair-encoder backend for those dev scores.
        note: Recorded with the roles (``training_config.ensemble.head``), e.g. why.

    Returns:
        Summary: artifact path, members, the join's dev scores and the members' recorded ones.

    Raises:
        ValueError: an ensemble among the two, other base encoders, other token limits, or a
            head without the three classes.
    """
    from stance.model.artifact import artifact_sha256, write_meta
    from stance.model.head import SplitHead, head_from_dict
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample, dev_scores

    members = [Path(neutral_model), Path(side_model)]
    for member in members:
        refuse_ensemble(member, "a member of a split ensemble")
    metas = [json.loads((m / "meta.json").read_text()) for m in members]
    if len({meta["base_model"]["sha256"] for meta in metas}) != 1:
        raise ValueError("the artifacts were trained on different base encoders; retrain them")
    lengths = [meta["training_config"]["max_length"] for meta in metas]
    if lengths[0] != lengths[1]:
        raise ValueError(
            f"the heads read {lengths[0]} and {lengths[1]} tokens; refit one with "
            f"`stance refit-head MODEL --out DIR --max-length {max(lengths)}` and join again"
        )
    heads = [head_from_dict(json.loads((m / "head.json").read_text())) for m in members]
    for member, head in zip(members, heads, strict=True):
        if "neutral" not in set(head.classes_):
            raise ValueError(f"{member}: its head has no neutral class to decide")
    head = SplitHead.from_heads(heads, neutral_from=0, side_from=1)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [member_file(index) for index in range(2)]
    for member, name in zip(members, files, strict=True):
        shutil.copy(member / "lora.safetensors", out_dir / name)
    (out_dir / "head.json").write_text(json.dumps(head.to_dict()) + "\n")
    roles = {
        "split": {
            role: {
                "artifact": str(member),
                "model_name": meta.get("model_name"),
                "artifact_sha256": artifact_sha256(member),
            }
            for role, member, meta in zip(
                ("neutral_from", "side_from"), members, metas, strict=True
            )
        },
        "note": note,
    }
    meta = _ensemble_meta(
        members, metas, files, lengths[0], roles, model_name="stance-minilm-lora-split"
    )
    meta["head"] = {"members": [m.get("head") for m in metas]}
    meta["member_dev_scores"] = [m.get("dev_scores") for m in metas]
    write_meta(out_dir, meta)
    dev = dev_sample(frame[frame["split"] != "test"].reset_index(drop=True))
    model = StanceModel.load(out_dir, backend=backend)
    meta["dev_scores"] = dev_scores(dev, model.predict_proba(dev["text"], dev["target"]))
    write_meta(out_dir, meta)
    return {
        "artifact": str(out_dir),
        "members": [str(m) for m in members],
        "dev": meta["dev_scores"],
        "member_dev": meta["member_dev_scores"],
    }


def member_artifact(ensemble_dir: Path | str, index: int, out_dir: Path | str) -> Path:
    """Write member ``index`` of an ensemble (averaged or split) as a single-encoder artifact.

    Its LoRA file, its own head and a ``meta.json`` rebuilt from what the ensemble recorded of
    it (training config, history, head summary, dev scores); e.g. the packaged split's member 0,
    the session-10 soup, which ``bench/stance_refine.py`` refines.

    Raises:
        ValueError: ``ensemble_dir`` holds one encoder, or has no member ``index``.
    """
    from stance.model.artifact import encoder_files, write_meta
    from stance.model.head import head_from_dict

    ensemble_dir, out_dir = Path(ensemble_dir), Path(out_dir)
    meta = json.loads((ensemble_dir / "meta.json").read_text())
    files = encoder_files(meta)
    if len(files) < 2:
        raise ValueError(f"{ensemble_dir} holds one encoder; use it as it is")
    if not 0 <= index < len(files):
        raise ValueError(f"{ensemble_dir} has members 0 to {len(files) - 1}, not {index}")
    head = head_from_dict(json.loads((ensemble_dir / "head.json").read_text()))
    member_head = head.heads_[index]
    ensemble = meta["training_config"]["ensemble"]
    roles = ensemble.get("head", {}).get("split", {})
    names = [r.get("model_name") for r in roles.values()] if roles else []
    member = {
        k: v
        for k, v in meta.items()
        if k not in ("format_version", "encoders", "member_dev_scores", "head", "history")
    }
    member["model_name"] = (names[index] if names else None) or "stance-minilm-lora"
    stamps = meta.get("training_data") or {}
    if "members" in stamps:
        member["training_data"] = stamps["members"][index]
    member["training_config"] = ensemble["configs"][index]
    member["history"] = meta["history"][index]
    member["head"] = meta["head"]["members"][index]
    member["dev_scores"] = meta["member_dev_scores"][index]
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(ensemble_dir / files[index], out_dir / "lora.safetensors")
    (out_dir / "head.json").write_text(json.dumps(member_head.to_dict()) + "\n")
    write_meta(out_dir, member)
    return out_dir
