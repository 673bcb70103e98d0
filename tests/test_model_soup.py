"""Soups: several trained runs averaged into one artifact that loads and scores like any other."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from stance.cli import app
from stance.model import StanceModel
from stance.model.artifact import write_meta
from stance.model.augment import report_augment
from stance.model.encoder import base_model_hash, base_model_path
from stance.model.evaluate import CONTRAST_FILE
from stance.model.lora import load_lora, save_lora
from stance.model.soup import member_runs, refit_head_frame, soup_frame
from stance.model.train import DEV_SEED, HEAD_REPORT_PER_LABEL

MODULES = [f"encoder.layer.{i}.attention.self.query" for i in range(6)] + [
    f"encoder.layer.{i}.output.dense" for i in range(6)
]
SHAPES = {"query": (384, 384), "dense": (384, 1536)}


def _run(folder, seed: int, rank: int = 4, max_length: int = 128):
    """A trained-run artifact with random LoRA factors (its head is not needed by a soup)."""
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name in MODULES:
        out, inp = SHAPES[name.rsplit(".", 1)[1]]
        tensors[f"{name}.lora_A"] = torch.randn(rank, inp, generator=gen) * 0.05
        tensors[f"{name}.lora_B"] = torch.randn(out, rank, generator=gen) * 0.05
    config = {"rank": rank, "alpha": 2 * rank, "scaling": 2.0, "target_modules": "test"}
    save_lora(folder / "lora.safetensors", tensors, config=config)
    write_meta(
        folder,
        {
            "model_name": "stance-minilm-lora",
            "base_model": {"name": "all-MiniLM-L6-v2", "sha256": base_model_hash()},
            "code_version": "test",
            "training_data": {"datasets": ["contrast"]},
            "training_config": {
                "epochs": 1,
                "seed": seed,
                "lr": 4e-4,
                "rdrop": 0.0,
                "best_epoch": 1,
                "max_length": max_length,
                "lora": config,
            },
            "history": [{"epoch": 1}],
        },
    )
    return folder


def _update(folder, name):
    tensors, config = load_lora(folder / "lora.safetensors")
    a, b = tensors[f"{name}.lora_A"].float(), tensors[f"{name}.lora_B"].float()
    return config["scaling"] * b @ a


@pytest.fixture(scope="module")
def frame():
    pairs = pd.read_csv(CONTRAST_FILE).assign(dataset="contrast", seen=1)
    both = pd.concat([pairs.assign(split="train"), pairs.assign(split="dev")], ignore_index=True)
    return both[["target", "text", "label", "dataset", "split", "seen"]]


def test_soup_averages_the_updates_and_loads_as_a_model(tmp_path, frame):
    runs = [_run(tmp_path / name, seed) for name, seed in (("r1", 1), ("r2", 2))]
    runs.append(_run(tmp_path / "r3", 3, max_length=256))
    pair = soup_frame(runs[:2], tmp_path / "s12", frame, base_dir=base_model_path(), device="cpu")
    assert pair["members"] == ["r1", "r2"]
    name = MODULES[0]
    expected = (_update(runs[0], name) + _update(runs[1], name)) / 2
    assert torch.allclose(_update(tmp_path / "s12", name), expected, atol=1e-3)
    meta = json.loads((tmp_path / "s12" / "meta.json").read_text())
    assert meta["training_config"]["lora"]["rank"] == 8
    assert "seed" not in meta["training_config"]  # per-run settings live in soup.configs
    assert [c["seed"] for c in meta["training_config"]["soup"]["configs"]] == [1, 2]

    # a soup of (soup of r1, r2) and r3 weighs the three runs alike
    soup_frame([tmp_path / "s12", runs[2]], tmp_path / "s123", frame, base_dir=base_model_path())
    assert member_runs(tmp_path / "s123")[0] == ["r1", "r2", "r3"]
    expected = sum(_update(r, name) for r in runs) / 3
    assert torch.allclose(_update(tmp_path / "s123", name), expected, atol=1e-3)
    # r3 read pairs of up to 256 tokens: the soup keeps that context, each run its own record
    meta = json.loads((tmp_path / "s123" / "meta.json").read_text())
    assert meta["training_config"]["max_length"] == 256
    assert [c["max_length"] for c in meta["training_config"]["soup"]["configs"]] == [128] * 2 + [
        256
    ]

    model = StanceModel.load(tmp_path / "s123", backend="torch")
    proba = model.predict_proba(["Ukraine will never join NATO."], ["Ukraine should join NATO"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_soup_needs_two_runs_on_one_base(tmp_path, frame):
    one = _run(tmp_path / "r1", 1)
    with pytest.raises(ValueError, match="at least two"):
        soup_frame([one], tmp_path / "s", frame, base_dir=base_model_path())
    other = _run(tmp_path / "r2", 2)
    meta = json.loads((other / "meta.json").read_text())
    meta["base_model"]["sha256"] = "0" * 64
    (other / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="different base encoders"):
        soup_frame([one, other], tmp_path / "s", frame, base_dir=base_model_path())


def test_soup_cli_names_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    args = ["soup", str(tmp_path / "empty"), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "no lora.safetensors" in result.output


def test_refit_head_keeps_the_encoder_and_records_the_new_context(tmp_path, frame):
    run = _run(tmp_path / "r1", 1)
    info = refit_head_frame(
        run, tmp_path / "long", frame, base_dir=base_model_path(), max_length=64
    )
    assert info["max_length"] == 64
    assert (tmp_path / "long" / "lora.safetensors").read_bytes() == (
        run / "lora.safetensors"
    ).read_bytes()
    meta = json.loads((tmp_path / "long" / "meta.json").read_text())
    assert meta["training_config"]["max_length"] == 64
    assert meta["training_config"]["head_refits"] == [
        {"max_length_before": 128, "max_length": 64, "note": None}
    ]
    assert meta["dev_scores"] == info["dev"]
    model = StanceModel.load(tmp_path / "long", backend="torch")
    assert model.embedder.max_length == 64
    assert model.classes_ == ["against", "favor", "neutral"]


def test_refit_head_fits_on_as_many_train_rows_as_asked_and_records_it(tmp_path, frame):
    run = _run(tmp_path / "r1", 1)
    plain = refit_head_frame(run, tmp_path / "plain", frame, base_dir=base_model_path())
    rows = plain["train_rows"] - 20
    info = refit_head_frame(
        run, tmp_path / "fewer", frame, base_dir=base_model_path(), head_rows=rows
    )
    assert info["train_rows"] == rows
    refits = [
        json.loads((tmp_path / name / "meta.json").read_text())["training_config"]["head_refits"]
        for name in ("plain", "fewer")
    ]
    assert "head_rows" not in refits[0][-1]
    assert refits[1][-1]["head_rows"] == rows


def test_refit_head_can_learn_from_report_rows_too(tmp_path, frame):
    run = _run(tmp_path / "r1", 1)
    plain = refit_head_frame(run, tmp_path / "plain", frame, base_dir=base_model_path())
    info = refit_head_frame(
        run, tmp_path / "rep", frame, base_dir=base_model_path(), augment=("report",)
    )
    train = frame[frame["split"] == "train"]
    added = len(report_augment(train, seed=DEV_SEED, per_label=HEAD_REPORT_PER_LABEL))
    assert added > 0
    assert info["augment_rows"] == {"report": added}
    assert info["train_rows"] == plain["train_rows"] + added
    meta = json.loads((tmp_path / "rep" / "meta.json").read_text())
    assert meta["training_config"]["head_refits"][-1]["augment_rows"] == {"report": added}
    assert not hasattr(StanceModel.load(tmp_path / "rep", backend="torch").head, "gate_coef_")

    # with a neutral gate the report rows train only the gate; the refit says so
    gated = refit_head_frame(
        run,
        tmp_path / "gate",
        frame,
        base_dir=base_model_path(),
        augment=("report",),
        neutral_gate=True,
    )
    assert gated["gate_C"] in (0.1, 1.0, 10.0) and gated["gate_temperature"] > 0
    refit = json.loads((tmp_path / "gate" / "meta.json").read_text())["training_config"][
        "head_refits"
    ][-1]
    assert refit["neutral_gate"] is True and refit["augment_rows"] == {"report": added}
    model = StanceModel.load(tmp_path / "gate", backend="torch")
    assert model.head.gate_class == "neutral" and model.head.gate_coef_.shape == (384,)
    proba = model.predict_proba(["The minister would not say."], ["Taxes should rise"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (
        "augment_rows"
        not in json.loads((tmp_path / "plain" / "meta.json").read_text())["training_config"][
            "head_refits"
        ][-1]
    )


def test_refit_head_cli_names_the_valid_head_augmentations(tmp_path):
    run = _run(tmp_path / "r1", 1)
    args = ["refit-head", str(run), "--out", str(tmp_path / "o"), "--head-augment", "rot13"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "unknown augmentation 'rot13'" in result.output
    assert "report" in result.output


@pytest.mark.parametrize(
    ("spec", "message"),
    [("antonym:3", "takes no dose"), ("deflect:0", "whole number"), ("deflect:x", "whole number")],
)
def test_refit_head_cli_refuses_a_bad_dose(tmp_path, spec, message):
    args = ["refit-head", str(tmp_path), "--out", str(tmp_path / "o"), "--head-augment", spec]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_train_cli_refuses_a_balance_outside_zero_to_one(tmp_path):
    args = ["train", "--data", str(tmp_path), "--out", str(tmp_path / "o"), "--balance", "1.5"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "Invalid value for '--balance'" in result.output
    assert "less than or equal to 1" in result.output
    assert not (tmp_path / "o").exists()
