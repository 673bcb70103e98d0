"""Fine-tune the stance encoder with LoRA and fit the scikit-learn head.

``train(data_dir, out_dir)`` mixes the train splits of VAST, IBM ArgQ, Perspectrum, Procon20 and
Emergent (its "observing" headlines as neutral), trains LoRA factors on (target, text) pairs with
a softmax head, checkpoints every epoch (safetensors + JSON; a rerun resumes after the last
finished epoch), keeps the epoch with the best mean dev macro-F1, then fits
:class:`~stance.model.head.StanceClassifier` on the tuned embeddings of train rows, picks its
``C`` and temperature on the dev splits, and writes the artifact (:mod:`stance.model.artifact`).
Test splits are never read. peft is needed here only (the ``train`` extra).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.model.data import BINARY_DATASETS, DATASETS, dataset_files, load_pairs
from stance.model.encoder import (
    BASE_MODEL_NAME,
    DEFAULT_MAX_LENGTH,
    base_model_hash,
    base_model_path,
    encode_pairs,
    load_transformer,
    mean_pool,
    pad_batch,
    resolve_device,
)
from stance.model.lora import TARGET_MODULES, extract_lora, merge_lora, save_lora
from stance.model.metrics import CLASSES, macro_f1, predict_labels

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np
    import pandas as pd

DEV_ROWS_PER_DATASET = 1500
#: Dev rows are drawn with this seed whatever the training seed, so runs compare on one sample.
DEV_SEED = 13
HEAD_TRAIN_ROWS = 24000


def train(
    data_dir: Path | str,
    out_dir: Path | str,
    *,
    epochs: int = 3,
    seed: int = 13,
    limit: int | None = None,
    resume: bool = True,
    device: str | None = None,
    rdrop: float = 0.0,
    augment: tuple[str, ...] = (),
    max_length: int = DEFAULT_MAX_LENGTH,
    group_by_length: bool = False,
    balance: float = 1.0,
    micro_batch: int | None = None,
) -> dict[str, Any]:
    """Train the stance model on the datasets in ``data_dir`` and write the artifact to ``out_dir``.

    Args:
        data_dir: Folder laid out as ``../shared/datasets``.
        out_dir: Artifact folder (checkpoints go in ``out_dir/checkpoints``).
        epochs: Passes over the training pairs.
        seed: Seed for sampling, shuffling and initialisation.
        limit: Use at most this many training pairs (and a matching share of dev rows).
        resume: Continue after the last finished epoch checkpointed in ``out_dir``.
        device: torch device (None: CUDA if available, else CPU).
        rdrop: R-Drop weight (0: off); see :func:`train_frame`.
        augment: Extra training rows: any of ``"negation"``, ``"antonym"``, ``"off_topic"``,
            ``"report"``.
        max_length: Token limit per (target, text) pair, in training and in the artifact.
        group_by_length: Batch pairs of similar length (faster; see :func:`train_frame`).
        balance: Dataset sampling exponent (1: every pair once per epoch; see
            :func:`balanced_indices`).
        micro_batch: Rows per encoder pass; a batch's gradients are summed over its slices
            (less memory, same loss; see :func:`train_frame`).

    Returns:
        Summary: artifact path, best epoch, dev scores, timings.
    """
    frame = load_pairs(data_dir, splits=("train", "dev"))
    data_info = {
        "datasets": list(DATASETS),
        "files_sha256": dataset_files(data_dir),
    }
    return train_frame(
        frame,
        out_dir,
        base_dir=base_model_path(),
        base_hash=base_model_hash(),
        data_info=data_info,
        epochs=epochs,
        seed=seed,
        limit=limit,
        resume=resume,
        device=device,
        rdrop=rdrop,
        augment=tuple(augment),
        max_length=max_length,
        group_by_length=group_by_length,
        balance=balance,
        micro_batch=micro_batch,
    )


def _seed_all(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _subsample(frame: pd.DataFrame, n: int | None, seed: int) -> pd.DataFrame:
    if n is None or len(frame) <= n:
        return frame.reset_index(drop=True)
    return frame.sample(n=n, random_state=seed).reset_index(drop=True)


def dev_sample(frame: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The dev rows that select epochs, ``C`` and temperature: one sample for every run.

    Up to :data:`DEV_ROWS_PER_DATASET` rows per dataset (``max(20, limit // 8)`` with a
    ``limit`` on training pairs), drawn with :data:`DEV_SEED`.
    """
    import pandas as pd

    cap = DEV_ROWS_PER_DATASET if limit is None else max(20, limit // 8)
    dev = frame[frame["split"] == "dev"]
    return pd.concat(
        [
            _subsample(dev[dev["dataset"] == name], cap, DEV_SEED)
            for name in sorted(set(dev["dataset"]))
        ],
        ignore_index=True,
    )


def dev_scores(frame: pd.DataFrame, proba: np.ndarray) -> dict[str, float]:
    """Macro-F1 per dataset (favor/against only for binary sets) and their mean."""
    import numpy as np

    scores = {}
    for name, rows in frame.groupby("dataset", sort=True):
        idx = rows.index.to_numpy()
        binary = name in BINARY_DATASETS
        pred = predict_labels(proba[idx], binary=binary)
        scores[name] = macro_f1(rows["label"], pred, labels=CLASSES[:2] if binary else CLASSES)
    scores["mean"] = float(np.mean(list(scores.values())))
    return scores


def _tensor_state(optimizer: Any, named: dict[str, Any]) -> tuple[dict, dict]:
    """Optimizer moments as named tensors (safetensors) + step counts (JSON)."""
    tensors, steps = {}, {}
    for name, param in named.items():
        state = optimizer.state.get(param, {})
        for key in ("exp_avg", "exp_avg_sq"):
            if key in state:
                tensors[f"opt.{key}.{name}"] = state[key].detach().float().cpu().contiguous()
        if "step" in state:
            steps[name] = float(state["step"])
    return tensors, steps


def train_frame(
    frame: pd.DataFrame,
    out_dir: Path | str,
    *,
    base_dir: Path | str,
    base_hash: str,
    data_info: dict[str, Any],
    epochs: int = 3,
    seed: int = 13,
    limit: int | None = None,
    resume: bool = True,
    device: str | None = None,
    rank: int = 32,
    alpha: int = 64,
    lr: float = 4e-4,
    batch_size: int = 64,
    max_length: int = DEFAULT_MAX_LENGTH,
    augment: tuple[str, ...] = (),
    rdrop: float = 0.0,
    group_by_length: bool = False,
    balance: float = 1.0,
    micro_batch: int | None = None,
    deadline: float | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Train on a pair table (columns of :data:`stance.model.data.PAIR_COLUMNS`).

    ``augment`` names extra training rows derived from the sampled train rows
    (:mod:`stance.model.augment`): ``"negation"`` (negated targets/texts, labels flipped,
    about 1 row in 6), ``"antonym"`` (antonym-swapped targets/texts, labels flipped, up to
    1 row in 4), ``"off_topic"`` (texts paired with another target of their dataset,
    labelled neutral, 8% of rows), ``"report"`` (news-style restatements of the targets:
    pledges, refusals and non-answers, 9 rows per splittable target), ``"deflect"``
    (non-answers that name the topic and commitments in the same words, 9 rows per splittable
    target) and ``"action"`` (the target's plan moved forward or undone in a report's words,
    6 rows per splittable target). ``rdrop`` > 0 adds R-Drop: each batch goes through the
    encoder twice (different dropout masks) and ``rdrop`` times the symmetric KL divergence of
    the two predictions is added to the loss. ``group_by_length`` batches pairs of similar
    token length (:func:`length_batches`): far less padding, so an epoch costs about half as
    much at ``max_length`` 128 and a third at 256. ``balance`` < 1 redraws each epoch's pairs
    so that a dataset's share grows as its size to that power (:func:`balanced_indices`; 0.5:
    the small datasets are seen more often, ArgQ less); an epoch keeps its number of pairs.
    ``micro_batch`` (rows) runs each batch through the encoder in slices of that many rows and
    sums their gradients: the same loss and step for less memory (a whole batch of 64 at 256
    tokens with R-Drop holds about 16 GB of training activations on a CPU).

    ``deadline`` (a ``time.monotonic()`` value) stops training early; the best finished epoch
    (or the partial one, if none finished) is still written. Other arguments: see :func:`train`.
    """
    import numpy as np
    import pandas as pd
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import load_file, save_file
    from tqdm.auto import tqdm

    if not 0.0 <= balance <= 1.0:
        raise ValueError(f"balance must be between 0 and 1, got {balance}")
    if micro_batch is not None and micro_batch < 1:
        raise ValueError(f"micro_batch must be a positive number of rows, got {micro_batch}")
    started = time.monotonic()
    out_dir = Path(out_dir)
    ckpt_dir = out_dir / "checkpoints"
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    device = resolve_device(device)
    _seed_all(seed)

    train_rows = _subsample(frame[frame["split"] == "train"], limit, seed)
    dev_rows = dev_sample(frame, limit)
    augmented = _augment(train_rows, augment, seed)
    if augmented:
        train_rows = pd.concat([train_rows, *augmented.values()], ignore_index=True)
    label_ids = {c: i for i, c in enumerate(CLASSES)}
    y_train = torch.tensor(train_rows["label"].map(label_ids).to_numpy())

    tokenizer, base = load_transformer(base_dir, device=device)
    config = LoraConfig(
        r=rank, lora_alpha=alpha, lora_dropout=0.1, target_modules=TARGET_MODULES, bias="none"
    )
    model = get_peft_model(base, config)
    head = torch.nn.Linear(base.config.hidden_size, len(CLASSES)).to(device)
    lora_params = {n: p for n, p in model.named_parameters() if p.requires_grad}
    named = {**{f"lora.{n}": p for n, p in lora_params.items()}}
    named.update({f"head.{n}": p for n, p in head.named_parameters()})
    optimizer = torch.optim.AdamW(
        [
            {"params": list(lora_params.values()), "lr": lr},
            {"params": list(head.parameters()), "lr": lr * 4},
        ],
        weight_decay=0.01,
    )
    enc = tokenizer(
        train_rows["target"].tolist(),
        train_rows["text"].tolist(),
        truncation="longest_first",
        max_length=max_length,
    )
    ids, types = enc["input_ids"], enc["token_type_ids"]
    lengths = np.array([len(i) for i in ids]) if group_by_length else None
    steps_per_epoch = (len(ids) + batch_size - 1) // batch_size
    total_steps = steps_per_epoch * epochs
    warmup = max(1, int(0.06 * total_steps))

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    history: list[dict[str, Any]] = []
    start_epoch = 0
    if resume:
        done = sorted(int(p.parent.name.split("_")[1]) for p in ckpt_dir.glob("epoch_*/state.json"))
        done = [e for e in done if e <= epochs]
        if done:
            last = ckpt_dir / f"epoch_{done[-1]}"
            saved = load_file(str(last / "state.safetensors"))
            state = json.loads((last / "state.json").read_text())
            with torch.no_grad():
                for name, param in named.items():
                    param.copy_(saved[f"param.{name}"].to(param.device))
            for name, param in named.items():
                if f"opt.exp_avg.{name}" in saved:
                    optimizer.state[param] = {
                        "step": torch.tensor(state["opt_steps"][name]),
                        "exp_avg": saved[f"opt.exp_avg.{name}"].to(param.device),
                        "exp_avg_sq": saved[f"opt.exp_avg_sq.{name}"].to(param.device),
                    }
            if "rng.cpu" in saved:  # dropout masks continue as if never interrupted
                torch.set_rng_state(saved["rng.cpu"])
            if "rng.cuda" in saved and device.startswith("cuda"):
                torch.cuda.set_rng_state(saved["rng.cuda"].cpu())
            history = state["history"]
            start_epoch = done[-1]
            for _ in range(start_epoch * steps_per_epoch):
                scheduler.step()

    def collate(index: list[int]):
        batch = pad_batch([ids[i] for i in index], [types[i] for i in index])
        return tuple(
            torch.from_numpy(batch[k]).to(device)
            for k in ("input_ids", "token_type_ids", "attention_mask")
        )

    def evaluate_dev() -> np.ndarray:
        model.eval()
        emb = encode_pairs(
            tokenizer,
            model,
            dev_rows["target"].tolist(),
            dev_rows["text"].tolist(),
            batch_size=256,
            max_length=max_length,
            device=device,
        )
        with torch.no_grad():
            logits = head(torch.tensor(emb, device=device))
        return torch.softmax(logits.float(), -1).cpu().numpy()

    use_amp = device.startswith("cuda")

    def batch_loss(index: list[int]) -> Any:
        """Mean training loss of the rows ``index`` (both R-Drop passes of each row together)."""
        input_ids, token_types, mask = collate(index)
        targets = y_train[index].to(device)
        if rdrop > 0:
            input_ids, token_types, mask = (t.repeat(2, 1) for t in (input_ids, token_types, mask))
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_amp):
            hidden = model(
                input_ids=input_ids, token_type_ids=token_types, attention_mask=mask
            ).last_hidden_state
            logits = head(mean_pool(hidden, mask).float()).float()
        if rdrop > 0:
            return _rdrop_loss(logits, targets, rdrop)
        return torch.nn.functional.cross_entropy(logits, targets)

    snapshot: dict[str, Any] | None = None
    timed_out = False
    groups = train_rows["dataset"].str.split("+").str[0].to_numpy()
    for epoch in range(start_epoch, epochs):
        model.train()
        if balance != 1.0:
            drawn = balanced_indices(groups, balance, seed=seed + epoch)
        else:
            drawn = np.arange(len(ids))
        if group_by_length:
            batches = [
                drawn[b].tolist()
                for b in length_batches(lengths[drawn], batch_size, seed=seed + epoch)
            ]
        else:
            generator = torch.Generator().manual_seed(seed + epoch)
            order = torch.randperm(len(drawn), generator=generator).numpy()
            batches = [
                drawn[order[i : i + batch_size]].tolist() for i in range(0, len(drawn), batch_size)
            ]
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", disable=not progress)
        running = 0.0
        for step, index in enumerate(bar):
            optimizer.zero_grad(set_to_none=True)
            value = 0.0  # the batch's loss; its gradients are summed over slices of it
            slice_rows = micro_batch or len(index)
            for start in range(0, len(index), slice_rows):
                chunk = index[start : start + slice_rows]
                part = batch_loss(chunk) * (len(chunk) / len(index))
                part.backward()
                value += part.item()
            torch.nn.utils.clip_grad_norm_(list(named.values()), 1.0)
            optimizer.step()
            scheduler.step()
            running = 0.98 * running + 0.02 * value if step else value
            if step % 20 == 0:
                bar.set_postfix(loss=f"{running:.3f}")
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                break
        scores = dev_scores(dev_rows, evaluate_dev())
        record = {
            "epoch": epoch + 1,
            "dev": scores,
            "partial": timed_out,
            "seconds": round(time.monotonic() - started, 1),
        }
        history.append(record)
        if progress:
            print(json.dumps(record), flush=True)
        if timed_out:
            best_done = max((h for h in history if not h["partial"]), default=None, key=_mean)
            if best_done is None or scores["mean"] > best_done["dev"]["mean"]:
                snapshot = {"epoch": epoch + 1, "tensors": extract_lora(model)}
            break
        tensors, steps = _tensor_state(optimizer, named)
        tensors.update(
            {f"param.{n}": p.detach().float().cpu().contiguous() for n, p in named.items()}
        )
        tensors["rng.cpu"] = torch.get_rng_state()
        if device.startswith("cuda"):
            tensors["rng.cuda"] = torch.cuda.get_rng_state()
        path = ckpt_dir / f"epoch_{epoch + 1}"
        path.mkdir(exist_ok=True)
        save_file(tensors, str(path / "state.safetensors"))
        (path / "state.json").write_text(
            json.dumps({"history": history, "opt_steps": steps}, indent=1)
        )

    finished = [h for h in history if not h["partial"]]
    if snapshot is not None:
        best_epoch, (lora_tensors, scaling) = snapshot["epoch"], snapshot["tensors"]
    else:
        best = max(finished, key=_mean)
        best_epoch = best["epoch"]
        saved = load_file(str(ckpt_dir / f"epoch_{best_epoch}" / "state.safetensors"))
        with torch.no_grad():
            for name, param in named.items():
                param.copy_(saved[f"param.{name}"].to(param.device))
        lora_tensors, scaling = extract_lora(model)
    train_seconds = time.monotonic() - started

    lora_config = {
        "rank": rank,
        "alpha": alpha,
        "scaling": scaling,
        "target_modules": TARGET_MODULES,
    }
    save_lora(out_dir / "lora.safetensors", lora_tensors, config=lora_config)
    head_info = fit_head(
        frame,
        out_dir,
        base_dir=base_dir,
        device=device,
        seed=seed,
        train_cap=HEAD_TRAIN_ROWS if limit is None else limit,
        dev_rows=dev_rows,
        max_length=max_length,
    )
    counts = {
        f"{name}/{split}": int(n)
        for (name, split), n in frame.groupby(["dataset", "split"]).size().items()
    }
    from stance import __version__
    from stance.model.artifact import write_meta

    write_meta(
        out_dir,
        {
            "model_name": "stance-minilm-lora",
            "base_model": {"name": BASE_MODEL_NAME, "sha256": base_hash},
            "code_version": __version__,
            "training_data": {
                **data_info,
                "rows": counts,
                "train_rows_used": len(train_rows),
                "dev_rows_used": len(dev_rows),
            },
            "training_config": {
                "epochs": epochs,
                "seed": seed,
                "limit": limit,
                "lora": lora_config,
                "lr": lr,
                "batch_size": batch_size,
                "max_length": max_length,
                "augmentation_rows": {k: len(v) for k, v in augmented.items()},
                "rdrop": rdrop,
                "group_by_length": group_by_length,
                "dataset_balance": balance,
                "micro_batch": micro_batch,
                "pooling": "mean",
                "input": "pair: [CLS] target [SEP] text [SEP]",
                "best_epoch": best_epoch,
                "timed_out": timed_out,
            },
            "history": history,
            "dev_scores": head_info["dev"],
            "head": {k: v for k, v in head_info.items() if k != "dev"},
        },
    )
    return {
        "artifact": str(out_dir),
        "best_epoch": best_epoch,
        "history": history,
        "dev": head_info["dev"],
        "head": {k: v for k, v in head_info.items() if k != "dev"},
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "timed_out": timed_out,
    }


#: Names accepted by ``augment`` (:func:`train_frame`).
AUGMENTATIONS = ("negation", "antonym", "off_topic", "report", "deflect", "action")
#: Augmentations written per label and target, whose dose a spec may set: ``"deflect:4"``.
DOSED_AUGMENTATIONS = ("report", "deflect", "action")


def parse_augment(spec: str) -> tuple[str, int | None]:
    """``"deflect:4"`` -> ``("deflect", 4)``; ``"antonym"`` -> ``("antonym", None)``.

    Raises:
        ValueError: an unknown name, a dose on an augmentation that takes none, or a dose
            that is not a positive whole number.
    """
    kind, sep, dose = spec.partition(":")
    if kind not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {kind!r}; choose from {list(AUGMENTATIONS)}")
    if not sep:
        return kind, None
    if kind not in DOSED_AUGMENTATIONS:
        raise ValueError(
            f"augmentation {kind!r} takes no dose; only {list(DOSED_AUGMENTATIONS)} do "
            f"(e.g. deflect:4, rows per label and target)"
        )
    if not dose.isdigit() or int(dose) < 1:
        raise ValueError(
            f"dose of {spec!r} must be a whole number of rows per label, e.g. {kind}:4"
        )
    return kind, int(dose)


def check_augment(kinds: Iterable[str]) -> tuple[str, ...]:
    """``kinds`` as a tuple; ValueError naming the valid ones if any is unknown.

    Each is a name of :data:`AUGMENTATIONS`, or ``name:N`` for one of
    :data:`DOSED_AUGMENTATIONS` (N rows per label and target; see :func:`parse_augment`).
    """
    kinds = tuple(kinds)
    for spec in kinds:
        parse_augment(spec)
    return kinds


def _augment(
    rows: pd.DataFrame,
    kinds: tuple[str, ...],
    seed: int,
    *,
    report_per_label: int = 3,
    deflect_per_label: int = 3,
) -> dict[str, pd.DataFrame]:
    """Extra training rows per augmentation spec (see :func:`train_frame`), keyed by the spec.

    A spec's dose (``"deflect:4"``) overrides ``report_per_label`` / ``deflect_per_label``.
    """
    from stance.model import augment

    def make(kind: str, dose: int | None) -> pd.DataFrame:
        if kind == "negation":
            n = len(rows) // 12
            return augment.negation_augment(rows, seed=seed, max_targets=n, max_texts=n)
        if kind == "antonym":
            return augment.antonym_augment(rows, seed=seed)
        if kind == "off_topic":
            return augment.off_topic_augment(rows, seed=seed)
        if kind == "report":
            return augment.report_augment(rows, seed=seed, per_label=dose or report_per_label)
        if kind == "deflect":
            return augment.deflect_augment(rows, seed=seed, per_label=dose or deflect_per_label)
        if dose:
            return augment.action_augment(rows, seed=seed, per_label=dose)
        return augment.action_augment(rows, seed=seed)  # its own default dose

    return {spec: make(*parse_augment(spec)) for spec in check_augment(kinds)}


def length_batches(
    lengths: np.ndarray, batch_size: int, *, seed: int, pool: int = 50
) -> list[list[int]]:
    """Shuffled batches of row indices whose token lengths are close.

    Rows are shuffled, cut into pools of ``pool`` batches, sorted by length within each pool and
    cut into batches; the batches are then shuffled. Every row appears exactly once per epoch.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lengths))
    size = batch_size * pool
    batches = []
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size].tolist() for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def balanced_indices(groups: np.ndarray, exponent: float, *, seed: int) -> np.ndarray:
    """Row indices for one epoch in which group ``g`` (a dataset) has a share ``∝ n_g**exponent``.

    The epoch keeps ``len(groups)`` rows. A group drawn more often than its size is repeated
    whole and topped up without replacement; a group drawn less often is subsampled without
    replacement. ``exponent`` 1 keeps every row once, 0 gives every group the same share.
    """
    import numpy as np

    if not 0.0 <= exponent <= 1.0:
        raise ValueError(f"balance must be between 0 and 1, got {exponent}")
    rng = np.random.default_rng(seed)
    names, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    weights = sizes.astype(float) ** exponent
    quota = weights / weights.sum() * len(groups)
    counts = np.floor(quota).astype(int)
    short = len(groups) - counts.sum()  # largest remainders get the rows lost to rounding
    counts[np.argsort(-(quota - counts), kind="stable")[:short]] += 1
    drawn = []
    for g, k in enumerate(counts):
        rows = np.flatnonzero(inverse == g)
        whole, rest = divmod(int(k), len(rows))
        drawn += [rows] * whole + [rng.choice(rows, size=rest, replace=False)]
    return np.concatenate(drawn)


def _rdrop_loss(logits: Any, targets: Any, weight: float) -> Any:
    """Cross-entropy of both halves of a doubled batch + ``weight`` x their symmetric KL."""
    import torch.nn.functional as F

    first, second = logits.chunk(2)
    ce = (F.cross_entropy(first, targets) + F.cross_entropy(second, targets)) / 2
    log_p, log_q = F.log_softmax(first, -1), F.log_softmax(second, -1)
    kl = F.kl_div(log_p, log_q, log_target=True, reduction="batchmean")
    kl = kl + F.kl_div(log_q, log_p, log_target=True, reduction="batchmean")
    return ce + weight * kl / 2


def _mean(record: dict[str, Any]) -> float:
    return record["dev"]["mean"]


#: Report rows per label and target for the head (:func:`head_rows`): every template once.
HEAD_REPORT_PER_LABEL = 4
#: Deflection rows per label and target in a head's rows (session 10: 4 called too many
#: committed statements neutral; docs/stance-model.md).
HEAD_DEFLECT_PER_LABEL = 2


def head_rows(
    frame: pd.DataFrame, *, seed: int, train_cap: int, augment: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The head's training rows: up to ``train_cap`` train rows of ``frame`` plus ``augment`` rows.

    Augmentation rows (:data:`AUGMENTATIONS`, seeded with ``seed``; report rows
    :data:`HEAD_REPORT_PER_LABEL` per label, deflection rows :data:`HEAD_DEFLECT_PER_LABEL`,
    unless a spec sets the dose, e.g. ``"deflect:4"``) are made from all train rows of
    ``frame`` and appended after the train rows. Returns the rows and the count added per augmentation.
    """
    import pandas as pd

    train_rows = frame[frame["split"] == "train"]
    rows = _subsample(train_rows, train_cap, seed + 1)
    extra = _augment(
        train_rows,
        check_augment(augment),
        seed,
        report_per_label=HEAD_REPORT_PER_LABEL,
        deflect_per_label=HEAD_DEFLECT_PER_LABEL,
    )
    rows = pd.concat([rows, *extra.values()], ignore_index=True)
    return rows, {kind: len(part) for kind, part in extra.items()}


def select_head(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_dev: np.ndarray,
    dev_rows: pd.DataFrame,
    *,
    grid: tuple[float, ...] = (0.1, 1.0, 10.0),
    sample_weight: np.ndarray | None = None,
    gate_only: np.ndarray | None = None,
    neutral_gate: bool = False,
) -> tuple[Any, dict[str, float], dict[str, float]]:
    """Fit heads over ``grid``, keep the best mean dev macro-F1, calibrate it on dev.

    ``C`` is chosen first on the rows outside ``gate_only``; with ``neutral_gate``, the
    neutral gate's ``gate_C`` is then chosen with that ``C`` (the gate also learns from the
    ``gate_only`` rows; without a gate those rows train the head like any other).

    The softmax temperature is fitted on all dev rows; the gate's temperature and bias on the
    dev rows of the three-way datasets (where neutral is a possible label; all rows if those
    hold one class only).

    Returns the calibrated :class:`~stance.model.head.StanceClassifier`, its dev scores and
    the chosen ``{"C": ..., "gate_C": ...}``.
    """
    import numpy as np

    from stance.model.head import StanceClassifier

    if neutral_gate:
        main = np.ones(len(y_train), bool) if gate_only is None else ~np.asarray(gate_only, bool)
    else:
        main, gate_only = np.ones(len(y_train), bool), None
    w = None if sample_weight is None else np.asarray(sample_weight)[main]

    def best_of(candidates: list[tuple[dict, StanceClassifier]]):
        best = None
        for chosen, head in candidates:
            scores = dev_scores(dev_rows, head.predict_proba(x_dev))
            if best is None or scores["mean"] > best[1]["mean"]:
                best = (head, scores, chosen)
        return best

    head, scores, chosen = best_of(
        [
            ({"C": c}, StanceClassifier(C=c, max_iter=2000).fit(x_train[main], y_train[main], w))
            for c in grid
        ]
    )
    if neutral_gate:  # the chosen multinomial part stays; only the gate is fitted per gate_C
        c, base = chosen["C"], head
        head, scores, chosen = best_of(
            [
                (
                    {"C": c, "gate_C": g},
                    base.with_gate(x_train, y_train, sample_weight, gate_class="neutral", gate_C=g),
                )
                for g in grid
            ]
        )
    labels = dev_rows["label"].to_numpy()
    gate_rows = None
    if neutral_gate:  # the gate is calibrated where neutral is a possible label
        three_way = ~dev_rows["dataset"].isin(BINARY_DATASETS).to_numpy()
        if len(set(labels[three_way] == "neutral")) == 2:
            gate_rows = three_way
    head.calibrate(x_dev, labels, gate_rows=gate_rows)
    return head, scores, chosen


def fit_head(frame: pd.DataFrame, out_dir: Path, **kwargs: Any) -> dict[str, Any]:
    """Fit + calibrate the head of the encoder in ``out_dir``; write ``head.json`` there.

    Keywords as :func:`fit_encoder_head` (``base_dir, device, seed, train_cap, dev_rows,
    max_length``, optional ``grid, augment, neutral_gate``). Returns the head's summary.
    """
    head, info, _ = fit_encoder_head(frame, out_dir / "lora.safetensors", **kwargs)
    (out_dir / "head.json").write_text(json.dumps(head.to_dict()) + "\n")
    return info


def fit_encoder_head(
    frame: pd.DataFrame,
    lora_file: Path,
    *,
    base_dir: Path | str,
    device: str,
    seed: int,
    train_cap: int,
    dev_rows: pd.DataFrame,
    max_length: int,
    grid: tuple[float, ...] = (0.1, 1.0, 10.0),
    augment: tuple[str, ...] = (),
    neutral_gate: bool = False,
) -> tuple[Any, dict[str, Any], np.ndarray]:
    """Embed train/dev pairs with the encoder of ``lora_file`` and fit + calibrate its head.

    ``C`` (and with ``neutral_gate`` the gate's ``gate_C``) is chosen by mean dev macro-F1,
    the temperatures by dev log-likelihood (:func:`select_head`). ``augment`` adds rows to the
    head's training rows only (:func:`head_rows`): with ``neutral_gate`` they train the
    neutral gate alone. The dev rows stay as they are. Nothing is written.

    Returns the calibrated head, its summary (dev scores before calibration, ``C``,
    temperatures, row counts) and the dev rows' embeddings.
    """
    import numpy as np
    import torch

    from stance.model.lora import load_lora

    tokenizer, model = load_transformer(base_dir, device=device)
    tensors, config = load_lora(Path(lora_file))
    merge_lora(model, tensors, scaling=config["scaling"])
    if device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    rows, counts = head_rows(frame, seed=seed, train_cap=train_cap, augment=augment)
    added = np.arange(len(rows)) >= len(rows) - sum(counts.values())

    def embed(part: pd.DataFrame):
        return encode_pairs(
            tokenizer,
            model,
            part["target"].tolist(),
            part["text"].tolist(),
            batch_size=256,
            max_length=max_length,
            device=device,
        )

    x_train, x_dev = embed(rows), embed(dev_rows)
    head, scores, chosen = select_head(
        x_train,
        rows["label"].to_numpy(),
        x_dev,
        dev_rows,
        grid=grid,
        gate_only=added,
        neutral_gate=neutral_gate,
    )
    info = {"dev": scores, **chosen, "temperature": head.temperature_, "train_rows": len(rows)}
    if neutral_gate:
        info["gate_temperature"] = head.gate_temperature_
    if counts:
        info["augment_rows"] = counts
    return head, info, x_dev
