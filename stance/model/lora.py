"""LoRA factors: pull them out of a peft model, store them, merge them into plain weights.

The artifact stores only the low-rank factors ``A`` (r x in) and ``B`` (out x r) of each adapted
Linear layer in ``lora.safetensors``. At load time :func:`merge_lora` adds
``scaling * B @ A`` to the base weight, so inference needs neither peft nor a copy of the
fine-tuned weights.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Linear layers adapted in every encoder block (regex, full match on the module name).
TARGET_MODULES = (
    r".*encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense"
    r"|intermediate\.dense|output\.dense)"
)


def extract_lora(peft_model: Any) -> tuple[dict[str, Any], float]:
    """Copy the LoRA factors of a peft model to CPU fp32 tensors.

    Returns:
        ``({"<module>.lora_A": A, "<module>.lora_B": B, ...}, scaling)`` where module names are
        those of the plain ``transformers`` model.
    """
    tensors: dict[str, Any] = {}
    scalings = set()
    for name, module in peft_model.named_modules():
        if not hasattr(module, "lora_A") or "default" not in getattr(module, "lora_A", {}):
            continue
        plain = name.removeprefix("base_model.model.")
        tensors[f"{plain}.lora_A"] = module.lora_A["default"].weight.detach().float().cpu()
        tensors[f"{plain}.lora_B"] = module.lora_B["default"].weight.detach().float().cpu()
        scalings.add(float(module.scaling["default"]))
    if len(scalings) != 1:
        raise ValueError(f"expected one LoRA scaling, found {sorted(scalings)}")
    return tensors, scalings.pop()


def save_lora(path: Path, tensors: dict[str, Any], *, config: dict[str, Any]) -> None:
    """Write factors to safetensors; ``config`` (rank, alpha, scaling...) goes in its metadata."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in tensors.items()},
        str(path),
        metadata={"lora_config": json.dumps(config, sort_keys=True)},
    )


def load_lora(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read factors and their config written by :func:`save_lora`."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as handle:
        config = json.loads(handle.metadata()["lora_config"])
    return load_file(str(path)), config


def merge_lora(model: Any, tensors: dict[str, Any], *, scaling: float) -> int:
    """Add ``scaling * B @ A`` to each adapted Linear weight of ``model`` in place.

    Returns:
        The number of layers merged.

    Raises:
        KeyError: a factor names a module the model does not have.
    """
    import torch

    modules = dict(model.named_modules())
    names = sorted({k.rsplit(".", 1)[0] for k in tensors})
    with torch.no_grad():
        for name in names:
            if name not in modules:
                raise KeyError(f"LoRA factor for unknown module {name!r}")
            weight = modules[name].weight
            a = tensors[f"{name}.lora_A"].to(weight.device, torch.float32)
            b = tensors[f"{name}.lora_B"].to(weight.device, torch.float32)
            weight.add_((scaling * (b @ a)).to(weight.dtype))
    return len(names)


def combine_lora(
    parts: list[tuple[dict[str, Any], float]], weights: list[float] | None = None
) -> dict[str, Any]:
    """One set of factors whose update is the weighted sum of several LoRA updates.

    ``sum_i w_i * s_i * B_i @ A_i`` equals ``B @ A`` with ``A`` the row-stack of the ``A_i`` and
    ``B`` the column-stack of the ``w_i * s_i * B_i``: a uniform "soup" of k runs is an exact
    LoRA of rank ``sum(r_i)``, merged with ``scaling=1.0``.

    Args:
        parts: ``(tensors, scaling)`` per run, as returned by :func:`load_lora` /
            :func:`extract_lora` (``config["scaling"]``).
        weights: Weight per run (default: uniform, ``1/k``).
    """
    import torch

    if not parts:
        raise ValueError("combine_lora needs at least one set of factors")
    weights = weights or [1.0 / len(parts)] * len(parts)
    keys = set(parts[0][0])
    if any(set(tensors) != keys for tensors, _ in parts):
        raise ValueError("LoRA factor sets adapt different modules")
    out = {}
    for name in sorted({k.rsplit(".", 1)[0] for k in keys}):
        out[f"{name}.lora_A"] = torch.cat([t[f"{name}.lora_A"].float() for t, _ in parts], 0)
        out[f"{name}.lora_B"] = torch.cat(
            [w * s * t[f"{name}.lora_B"].float() for (t, s), w in zip(parts, weights, strict=True)],
            1,
        )
    return out
