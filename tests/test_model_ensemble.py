"""Encoder ensembles: several tuned encoders read each pair; their heads' probabilities average."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import ModelMismatchError
from stance.model import StanceModel
from stance.model.artifact import artifact_sha256, read_meta
from stance.model.encoder import PairEmbedder, base_model_hash, base_model_path
from stance.model.ensemble import ensemble_frame, member_artifact, split_ensemble_frame
from stance.model.head import AveragedHead, SplitHead
from stance.model.soup import refit_head_frame, soup_frame
from stance.model.train import dev_sample, dev_scores
from tests.test_model_soup import _run, frame  # noqa: F401 - frame is a fixture

PAIRS = (
    ["Ukraine will never join NATO.", "Kyiv must have a seat at the table, the minister said."],
    ["Ukraine should join NATO", "Ukraine should take part in the peace talks"],
)


@pytest.fixture(scope="module")
def built(tmp_path_factory, frame):  # noqa: F811 - the fixture imported above
    root = tmp_path_factory.mktemp("ensemble")
    runs = [_run(root / name, seed) for name, seed in (("r1", 1), ("r2", 2))]
    info = ensemble_frame(runs, root / "ens", frame, base_dir=base_model_path(), device="cpu")
    return runs, root / "ens", info


def test_ensemble_keeps_each_encoder_and_averages_the_member_heads(built, frame):  # noqa: F811
    runs, ens, info = built
    meta = read_meta(ens, base_hash=base_model_hash())
    assert meta["encoders"] == ["lora.safetensors", "lora.1.safetensors"]
    for run, name in zip(runs, meta["encoders"], strict=True):
        assert (ens / name).read_bytes() == (run / "lora.safetensors").read_bytes()
    assert meta["training_config"]["ensemble"]["runs"] == [["r1"], ["r2"]]
    assert len(meta["history"]) == 2
    assert [c["seed"] for c in meta["training_config"]["ensemble"]["configs"]] == [1, 2]

    model = StanceModel.load(ens, backend="torch")
    assert isinstance(model.head, AveragedHead)
    texts, targets = PAIRS
    emb = model.embed(texts, targets)
    parts = [
        PairEmbedder(model_dir=run, backend="torch").transform(
            list(zip(targets, texts, strict=True))
        )
        for run in runs
    ]
    assert emb.shape == (2, 768)
    np.testing.assert_allclose(emb, np.hstack(parts), atol=1e-5)
    expected = np.mean(
        [h.predict_proba(p) for h, p in zip(model.head.heads_, parts, strict=True)], axis=0
    )
    np.testing.assert_allclose(model.predict_proba(texts, targets), expected, atol=1e-5)
    # the default onnx backend runs each member's export and gives the same embedding
    np.testing.assert_allclose(StanceModel.load(ens).embed(texts, targets), emb, atol=1e-4)

    # the dev scores recorded are the averaged head's on the dev sample
    dev = dev_sample(frame[frame["split"] != "test"].reset_index(drop=True))
    dev_emb = model.embed(dev["text"], dev["target"])
    assert meta["dev_scores"] == pytest.approx(dev_scores(dev, model.head.predict_proba(dev_emb)))
    for head, part, scores in zip(model.head.heads_, (0, 1), info["member_dev"], strict=True):
        member = dev_emb[:, 384 * part : 384 * (part + 1)]
        assert scores == pytest.approx(dev_scores(dev, head.predict_proba(member)))


def test_ensemble_adapts_and_is_identified_by_every_encoder(built, tmp_path):
    _, ens, _ = built
    model = StanceModel.load(ens, backend="torch")
    examples = {"text": PAIRS[0], "target": PAIRS[1], "label": ["against", "favor"]}
    import pandas as pd

    adapted = model.adapt(pd.DataFrame(examples), strength=0.1)
    assert adapted.predict_proba(*PAIRS).shape == (2, 3)

    copy = shutil.copytree(ens, tmp_path / "copy")
    before = artifact_sha256(copy)
    data = bytearray((copy / "lora.1.safetensors").read_bytes())
    data[-1] ^= 1
    (copy / "lora.1.safetensors").write_bytes(bytes(data))
    assert artifact_sha256(copy) != before
    (copy / "lora.1.safetensors").unlink()
    with pytest.raises(ModelMismatchError, match=r"lora\.1\.safetensors"):
        StanceModel.load(copy)


def test_single_artifact_identity_is_unchanged(members):
    folder = members[0]
    digest = hashlib.sha256()
    for name in ("lora.safetensors", "head.json"):
        digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
    # a new artifact carries the default off-topic guard, which is part of its identity
    guard = json.loads((folder / "meta.json").read_text())["off_topic_guard"]
    assert guard == {"below": 0.05, "p_neutral": 0.95}
    digest.update(json.dumps(guard, sort_keys=True).encode())
    assert artifact_sha256(folder) == digest.hexdigest()


def test_ensembles_are_not_souped_refitted_or_nested(built, frame, tmp_path):  # noqa: F811
    runs, ens, _ = built
    base = base_model_path()
    with pytest.raises(ValueError, match="encoder ensemble"):
        soup_frame([ens, runs[0]], tmp_path / "s", frame, base_dir=base)
    with pytest.raises(ValueError, match="encoder ensemble"):
        refit_head_frame(ens, tmp_path / "r", frame, base_dir=base)
    with pytest.raises(ValueError, match="encoder ensemble"):
        ensemble_frame([ens, runs[0]], tmp_path / "e", frame, base_dir=base)
    with pytest.raises(ValueError, match="at least two"):
        ensemble_frame([runs[0]], tmp_path / "e", frame, base_dir=base)


def test_ensemble_cli_names_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    args = ["ensemble", str(tmp_path / "empty"), "--out", str(tmp_path / "e")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "no lora.safetensors" in result.output


@pytest.fixture(scope="module")
def members(tmp_path_factory, built, frame):  # noqa: F811 - the fixture imported above
    """Two single-encoder artifacts with heads of their own (the built runs, heads refitted)."""
    runs, _, _ = built
    root = tmp_path_factory.mktemp("split")
    for index, run in enumerate(runs):
        refit_head_frame(run, root / f"m{index}", frame, base_dir=base_model_path(), device="cpu")
    return [root / "m0", root / "m1"]


def test_split_ensemble_takes_neutral_from_the_first_and_the_side_from_the_second(
    members,
    frame,  # noqa: F811
    tmp_path,
):
    info = split_ensemble_frame(*members, tmp_path / "split", frame, backend="torch")
    meta = read_meta(tmp_path / "split", base_hash=base_model_hash())
    assert meta["encoders"] == ["lora.safetensors", "lora.1.safetensors"]
    for member, name in zip(members, meta["encoders"], strict=True):
        assert (tmp_path / "split" / name).read_bytes() == (
            member / "lora.safetensors"
        ).read_bytes()
    roles = meta["training_config"]["ensemble"]["head"]["split"]
    assert roles["side_from"]["artifact"] == str(members[1])
    assert roles["neutral_from"]["artifact_sha256"] == artifact_sha256(members[0])

    model = StanceModel.load(tmp_path / "split", backend="torch")
    assert isinstance(model.head, SplitHead)
    first, second = (StanceModel.load(m, backend="torch") for m in members)
    texts = [
        "The minister would not say whether taxes will rise this year.",
        "The council voted on Monday to scrap the tram extension.",
        "Officials said the tram extension will open in May.",
    ]
    targets = ["Taxes should rise"] + ["The tram line should be extended"] * 2
    proba = model.predict_proba(texts, targets)
    p1, p2 = first.predict_proba(texts, targets), second.predict_proba(texts, targets)
    k = model.classes_.index("neutral")
    np.testing.assert_allclose(proba[:, k], p1[:, k], atol=1e-5)
    np.testing.assert_allclose(proba[:, 0] / proba[:, 1], p2[:, 0] / p2[:, 1], rtol=1e-4)

    # the dev scores recorded are the join's; the members' are theirs as recorded
    dev = dev_sample(frame[frame["split"] != "test"].reset_index(drop=True))
    scores = dev_scores(dev, model.predict_proba(dev["text"], dev["target"]))
    assert meta["dev_scores"] == pytest.approx(scores)
    assert info["member_dev"] == [first.meta["dev_scores"], second.meta["dev_scores"]]


def test_split_ensemble_refuses_heads_that_read_other_lengths(members, frame, tmp_path):  # noqa: F811
    other = shutil.copytree(members[1], tmp_path / "other")
    meta = json.loads((other / "meta.json").read_text())
    meta["training_config"]["max_length"] = 64
    (other / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="refit-head MODEL --out DIR --max-length 128"):
        split_ensemble_frame(members[0], other, tmp_path / "s", frame)
    assert not (tmp_path / "s").exists()


def test_split_cli_joins_exactly_two_artifacts_as_they_are(members, tmp_path):
    for extra in (["--neutral-gate"], ["--max-length", "64"], [str(members[0])]):
        args = ["ensemble", *map(str, members), "--out", str(tmp_path / "s"), "--split", *extra]
        result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
        assert result.exit_code == 2, extra
        assert "--split joins exactly two artifacts" in result.output
    assert not (tmp_path / "s").exists()


def test_a_member_of_an_ensemble_is_written_back_as_it_was(members, frame, tmp_path):  # noqa: F811
    split_ensemble_frame(*members, tmp_path / "split", frame, backend="torch")
    for index, member in enumerate(members):
        out = member_artifact(tmp_path / "split", index, tmp_path / f"back{index}")
        assert artifact_sha256(out) == artifact_sha256(member)
        again, before = (read_meta(d, base_hash=base_model_hash()) for d in (out, member))
        for key in ("training_config", "history", "dev_scores", "training_data", "head"):
            assert again[key] == before[key], key
        texts, targets = PAIRS
        np.testing.assert_allclose(
            StanceModel.load(out, backend="torch").predict_proba(texts, targets),
            StanceModel.load(member, backend="torch").predict_proba(texts, targets),
            atol=1e-6,
        )
    with pytest.raises(ValueError, match="has members 0 to 1, not 2"):
        member_artifact(tmp_path / "split", 2, tmp_path / "none")
    with pytest.raises(ValueError, match="holds one encoder"):
        member_artifact(members[0], 0, tmp_path / "none")
