"""Training: seeded, resumable after an interruption, and written as a loadable artifact."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from safetensors.torch import load_file

from stance.model import StanceModel
from stance.model.encoder import base_model_hash, base_model_path
from stance.model.evaluate import CONTRAST_FILE
from stance.model.train import HEAD_DEFLECT_PER_LABEL, head_rows, train_frame


@pytest.fixture(scope="module")
def frame():
    pairs = pd.read_csv(CONTRAST_FILE).assign(seen=1)
    pairs["dataset"] = "vast"
    both = pd.concat([pairs.assign(split="train"), pairs.assign(split="dev")], ignore_index=True)
    return both[["target", "text", "label", "dataset", "split", "seen"]]


def _train(frame, out, **kwargs):
    options = {
        "epochs": 2,
        "device": "cpu",
        "rank": 4,
        "alpha": 8,
        "max_length": 48,
        "group_by_length": True,
        "augment": ("report",),
        "progress": False,
        **kwargs,
    }
    return train_frame(
        frame,
        out,
        base_dir=base_model_path(),
        base_hash=base_model_hash(),
        data_info={"datasets": ["contrast"]},
        **options,
    )


def test_training_is_seeded_resumable_and_loads(tmp_path, frame):
    first = _train(frame, tmp_path / "a")
    weights = load_file(str(tmp_path / "a" / "lora.safetensors"))

    # the same seed again: the same factors
    _train(frame, tmp_path / "b")
    again = load_file(str(tmp_path / "b" / "lora.safetensors"))
    assert all((weights[k] == again[k]).all() for k in weights)

    # interrupted after epoch 1: a rerun finishes epoch 2 exactly as the uninterrupted run did
    shutil.rmtree(tmp_path / "b" / "checkpoints" / "epoch_2")
    (tmp_path / "b" / "lora.safetensors").unlink()
    resumed = _train(frame, tmp_path / "b")
    after = load_file(str(tmp_path / "b" / "lora.safetensors"))
    assert all((weights[k] == after[k]).all() for k in weights)
    assert [h["epoch"] for h in resumed["history"]] == [1, 2]
    assert resumed["dev"] == first["dev"]

    meta = json.loads((tmp_path / "a" / "meta.json").read_text())
    config = meta["training_config"]
    assert config["max_length"] == 48 and config["group_by_length"] is True
    assert config["dataset_balance"] == 1.0  # every pair once per epoch unless asked
    assert config["augmentation_rows"]["report"] > 0
    model = StanceModel.load(tmp_path / "a", backend="torch")
    assert model.embedder.max_length == 48
    proba = model.predict_proba(["The minister pledged to ban whaling."], ["We should ban whaling"])
    assert proba.shape == (1, 3) and abs(proba.sum() - 1) < 1e-6

    # a different seed trains different factors
    _train(frame, tmp_path / "c", seed=14)
    other = load_file(str(tmp_path / "c" / "lora.safetensors"))
    assert any(not (weights[k] == other[k]).all() for k in weights)


def test_micro_batches_train_the_same_recipe_in_slices(tmp_path, frame):
    with pytest.raises(ValueError, match="micro_batch must be a positive number of rows"):
        _train(frame, tmp_path / "bad", micro_batch=0)
    assert not (tmp_path / "bad").exists()  # refused before anything is written

    summary = _train(frame, tmp_path / "m", micro_batch=5, rdrop=1.0, epochs=1, batch_size=16)
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["training_config"]["micro_batch"] == 5
    assert meta["training_config"]["batch_size"] == 16  # the optimiser step still sees 16 rows
    assert len(summary["history"]) == 1 and summary["dev"]["mean"] > 0
    model = StanceModel.load(tmp_path / "m", backend="torch")
    proba = model.predict_proba(["The minister pledged to ban whaling."], ["We should ban whaling"])
    assert abs(proba.sum() - 1) < 1e-6


def test_an_action_dose_sets_the_action_rows_per_label_and_target(frame):
    _, counts = head_rows(frame, seed=0, train_cap=50, augment=("action",))
    _, dosed = head_rows(frame, seed=0, train_cap=50, augment=("action:6",))
    assert counts["action"] > 0
    assert dosed["action:6"] == 2 * counts["action"]  # 3 rows per label and target by default


def test_a_dose_sets_the_head_rows_per_label_and_target(frame):
    train = frame[frame["split"] == "train"]
    default, counts = head_rows(frame, seed=0, train_cap=50, augment=("deflect",))
    dosed, dosed_counts = head_rows(frame, seed=0, train_cap=50, augment=("deflect:4",))
    per_label = HEAD_DEFLECT_PER_LABEL
    assert counts["deflect"] * 4 == dosed_counts["deflect:4"] * per_label
    assert len(dosed) - len(default) == dosed_counts["deflect:4"] - counts["deflect"]
    # the same train rows come first, the extra rows after them
    pd.testing.assert_frame_equal(default.iloc[:50], dosed.iloc[:50])
    assert set(dosed.iloc[50:]["target"]) <= set(train["target"])
