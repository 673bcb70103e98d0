"""Model soups: average the encoder updates of several trained runs into one artifact.

Runs fine-tuned from the same base encoder can be averaged weight for weight; the average often
scores better than each run (the packaged model is the soup of two runs, docs/stance-model.md).
With LoRA the average of k runs is itself an exact LoRA of the summed rank
(:func:`stance.model.lora.combine_lora`), stored in fp16. The head is refitted on the soup's
embeddings exactly as after training (:func:`stance.model.train.fit_head`).

``stance soup RUN_DIR RUN_DIR ... --data ../shared/datasets --out DIR`` or :func:`soup`.
A member may itself be a soup: it counts with the number of runs it averages, so every run
weighs the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Fields of a run's training config that differ between the members of a soup.
MEMBER_FIELDS = (
    "seed",
    "rdrop",
    "augmentation_rows",
    "best_epoch",
    "timed_out",
    "lr",
    "group_by_length",
)


def member_runs(artifact: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Names and configs of the runs an artifact averages (one entry for a single run)."""
    return _runs_of(json.loads((artifact / "meta.json").read_text()), artifact)


def _runs_of(meta: dict[str, Any], artifact: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """:func:`member_runs` from an artifact's already-read ``meta.json``."""
    config = meta["training_config"]
    if "soup" in config:
        return list(config["soup"]["members"]), list(config["soup"]["configs"])
    lora = config["lora"]
    own = {k: config[k] for k in MEMBER_FIELDS if k in config}
    own.update(
        {
            "rank": lora["rank"],
            "alpha": lora["alpha"],
            "epochs": config["epochs"],
            "max_length": config["max_length"],
        }
    )
    return [meta.get("run_name") or artifact.name], [own]


def soup_training_config(
    first: dict[str, Any],
    lora_config: dict[str, Any],
    *,
    names: list[str],
    configs: list[dict],
    max_length: int,
) -> dict[str, Any]:
    """The training config of a soup: shared settings, the merged LoRA and one entry per run.

    ``max_length`` is the longest of the members' (a run trained on longer pairs keeps its
    context; the others read it as well).
    """
    shared = {k: v for k, v in first.items() if k not in (*MEMBER_FIELDS, "soup")}
    return {
        **shared,
        "max_length": max_length,
        "lora": lora_config,
        "soup": {"members": names, "configs": configs, "weights": "uniform over members"},
    }


def _fit_head(frame: pd.DataFrame, out_dir: Path, **kwargs: Any) -> dict[str, Any]:
    """Fit and calibrate the head of ``out_dir`` as training does and write ``head.json``.

    Keywords as :func:`encoder_head`. Returns the head's summary.
    """
    head, info, _, _ = encoder_head(frame, out_dir / "lora.safetensors", **kwargs)
    (out_dir / "head.json").write_text(json.dumps(head.to_dict()) + "\n")
    return info


def encoder_head(
    frame: pd.DataFrame,
    lora_file: Path,
    *,
    base_dir: Path | str,
    device: str | None,
    max_length: int,
    limit: int | None = None,
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
    head_rows: int | None = None,
) -> tuple[Any, dict[str, Any], Any, pd.DataFrame]:
    """The head of one encoder fitted as training fits it: up to 24,000 train rows of ``frame``
    (``head_rows`` to say otherwise), ``C`` and temperatures on its dev sample
    (:func:`stance.model.train.fit_encoder_head`).

    Returns the calibrated head, its summary, the dev rows' embeddings and the dev rows.
    """
    from stance.model.encoder import resolve_device
    from stance.model.train import DEV_SEED, HEAD_TRAIN_ROWS, dev_sample, fit_encoder_head

    fit = frame[frame["split"] != "test"].reset_index(drop=True)
    dev_rows = dev_sample(fit, limit)
    head, info, x_dev = fit_encoder_head(
        fit,
        lora_file,
        base_dir=base_dir,
        device=resolve_device(device),
        seed=DEV_SEED,
        train_cap=head_rows or (HEAD_TRAIN_ROWS if limit is None else limit),
        dev_rows=dev_rows,
        max_length=max_length,
        augment=augment,
        neutral_gate=neutral_gate,
    )
    return head, info, x_dev, dev_rows


def soup_frame(
    members: list[Path],
    out_dir: Path | str,
    frame: pd.DataFrame,
    *,
    base_dir: Path | str,
    device: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Average the LoRA updates of ``members`` into ``out_dir`` and refit the head.

    Args:
        members: Artifact folders trained on the same base encoder (single runs or soups).
        out_dir: Folder for the soup artifact.
        frame: Pair table with train and dev rows (:data:`stance.model.data.PAIR_COLUMNS`);
            test rows are ignored.
        base_dir: The base encoder's folder.
        device: torch device (None: CUDA if available, else CPU).
        limit: The members' training ``limit`` (smoke tests): the head then sees as few train
            and dev rows as theirs did (:func:`stance.model.train.dev_sample`).

    Returns:
        Summary: artifact path, members, dev scores, head.

    Raises:
        ValueError: fewer than two members, or members trained on different base encoders.
    """
    import torch

    from stance.model.artifact import write_meta
    from stance.model.ensemble import refuse_ensemble
    from stance.model.lora import combine_lora, load_lora, save_lora

    members = [Path(m) for m in members]
    if len(members) < 2:
        raise ValueError("a soup needs at least two trained artifacts")
    for member in members:
        refuse_ensemble(member, "a soup")
    metas = [json.loads((m / "meta.json").read_text()) for m in members]
    bases = {meta["base_model"]["sha256"] for meta in metas}
    if len(bases) != 1:
        raise ValueError("the artifacts were trained on different base encoders; retrain them")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    parts, counts, names, configs, ranks = [], [], [], [], []
    for member, member_meta in zip(members, metas, strict=True):
        tensors, config = load_lora(member / "lora.safetensors")
        runs, run_configs = _runs_of(member_meta, member)
        parts.append((tensors, config["scaling"]))
        counts.append(len(runs))
        names += runs
        configs += run_configs
        ranks.append(config["rank"])
    weights = [c / sum(counts) for c in counts]
    tensors = {k: v.to(torch.float16) for k, v in combine_lora(parts, weights).items()}
    first = metas[0]
    max_length = max(meta["training_config"]["max_length"] for meta in metas)
    lora_config = {
        **first["training_config"]["lora"],
        "rank": sum(ranks),
        "alpha": None,
        "scaling": 1.0,
        "dtype": "float16",
    }
    save_lora(out_dir / "lora.safetensors", tensors, config=lora_config)
    head_info = _fit_head(
        frame, out_dir, base_dir=base_dir, device=device, max_length=max_length, limit=limit
    )
    meta = {k: v for k, v in first.items() if k not in ("format_version", "run_name")}
    meta["model_name"] = "stance-minilm-lora-soup"
    meta["training_config"] = soup_training_config(
        first["training_config"], lora_config, names=names, configs=configs, max_length=max_length
    )
    meta["history"] = {}
    for member, member_meta in zip(members, metas, strict=True):
        history = member_meta.get("history", [])
        if isinstance(history, dict):  # a soup: its members' histories
            meta["history"].update(history)
        else:
            meta["history"][_runs_of(member_meta, member)[0][0]] = history
    meta["dev_scores"] = head_info["dev"]
    meta["head"] = {k: v for k, v in head_info.items() if k != "dev"}
    write_meta(out_dir, meta)
    return {
        "artifact": str(out_dir),
        "members": names,
        "dev": head_info["dev"],
        "head": meta["head"],
    }


def soup(
    members: list[Path], out_dir: Path | str, data_dir: Path | str, *, device: str | None = None
) -> dict[str, Any]:
    """Soup artifacts trained here (``stance train``) using the train/dev splits in ``data_dir``.

    Raises:
        stance.errors.ModelMismatchError: a member was trained on another base encoder.
    """
    from stance.model.encoder import base_model_path

    frame = _checked_pairs(members, data_dir)
    return soup_frame(members, out_dir, frame, base_dir=base_model_path(), device=device)


def _checked_pairs(artifacts: list[Path], data_dir: Path | str) -> pd.DataFrame:
    """The train/dev pairs of ``data_dir``, once every artifact fits the installed base."""
    from stance.model.artifact import read_meta
    from stance.model.data import load_pairs
    from stance.model.encoder import base_model_hash

    for artifact in artifacts:
        read_meta(Path(artifact), base_hash=base_model_hash())
    return load_pairs(data_dir, splits=("train", "dev"))


def refit_head(
    model_dir: Path | str,
    out_dir: Path | str,
    data_dir: Path | str,
    *,
    max_length: int | None = None,
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
    head_rows: int | None = None,
    device: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Copy an artifact with its head refitted on the train/dev splits in ``data_dir``.

    See :func:`refit_head_frame`. Member 0 of the packaged artifact is the session-5 soup refitted
    this way at 256 tokens (session 6), then with a neutral gate and augment rows (sessions 7 and
    10); member 1's head was refitted with ``augment=("deflect:4",)`` (session 14).

    Raises:
        stance.errors.ModelMismatchError: ``model_dir`` was trained on another base encoder.
    """
    from stance.model.encoder import base_model_path

    frame = _checked_pairs([Path(model_dir)], data_dir)
    return refit_head_frame(
        model_dir,
        out_dir,
        frame,
        base_dir=base_model_path(),
        max_length=max_length,
        augment=augment,
        neutral_gate=neutral_gate,
        head_rows=head_rows,
        device=device,
        note=note,
    )


def refit_head_frame(
    model_dir: Path | str,
    out_dir: Path | str,
    frame: pd.DataFrame,
    *,
    base_dir: Path | str,
    max_length: int | None = None,
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
    head_rows: int | None = None,
    device: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Copy an artifact with its head refitted, optionally reading pairs of ``max_length`` tokens.

    The encoder (``lora.safetensors``) is copied unchanged; the head is fitted and calibrated
    exactly as after training (:func:`stance.model.train.fit_head`: up to 24,000 train pairs of
    ``frame``, or ``head_rows``; ``C`` and temperature chosen on its dev sample), plus the
    ``augment`` rows made from all train rows of ``frame`` (``("report",)``: news-style
    pledges, refusals and non-answers). With ``neutral_gate`` a binary gate decides neutral and
    the augment rows train only the gate (the packaged head: ``neutral_gate=True,
    augment=("report",)``).
    ``meta.json`` records the refit under ``training_config.head_refits``.
    """
    import shutil

    from stance.model.artifact import write_meta
    from stance.model.ensemble import refuse_ensemble

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    refuse_ensemble(model_dir, "refit-head (it refits one encoder's head)")
    meta = json.loads((model_dir / "meta.json").read_text())
    out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir.resolve() != model_dir.resolve():
        shutil.copy(model_dir / "lora.safetensors", out_dir / "lora.safetensors")
    config = meta["training_config"]
    old_length = config["max_length"]
    length = max_length or old_length
    head_info = _fit_head(
        frame,
        out_dir,
        base_dir=base_dir,
        device=device,
        max_length=length,
        augment=augment,
        neutral_gate=neutral_gate,
        head_rows=head_rows,
    )
    config["max_length"] = length
    refit = {"max_length_before": old_length, "max_length": length, "note": note}
    if neutral_gate:
        refit["neutral_gate"] = True
    if head_rows:
        refit["head_rows"] = head_rows
    if augment:
        refit["augment_rows"] = head_info["augment_rows"]
    config.setdefault("head_refits", []).append(refit)
    meta["dev_scores"] = head_info["dev"]
    meta["head"] = {k: v for k, v in head_info.items() if k != "dev"}
    write_meta(out_dir, {k: v for k, v in meta.items() if k != "format_version"})
    return {"artifact": str(out_dir), "max_length": length, **head_info}
