"""The default (onnx) backend: built locally at first use, same scores as torch fp32."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from stance.errors import ConfigError
from stance.model import DEFAULT_BACKEND, StanceModel
from stance.model.artifact import default_artifact_dir
from stance.model.encoder import (
    PairTokenizer,
    base_model_path,
    encode_pairs,
    load_tokenizer,
    load_transformer,
)
from stance.model.lora import load_lora, merge_lora
from stance.model.onnx_encoder import OnnxPairEncoder

TARGETS = ["Ukraine should join NATO"] * 3 + ["We should raise taxes on the rich"] * 3
TEXTS = [
    "We fully support Ukraine's bid to join the alliance.",
    "Ukraine must never become a member of NATO.",
    "The summit ended without a statement.",
    "Higher top rates are overdue.",
    "Raising taxes would drive investment abroad, the minister said, " * 12,  # truncated
    "No.",
]


@pytest.fixture(scope="module")
def fp32_reference():
    tokenizer, model = load_transformer(base_model_path())
    tensors, config = load_lora(default_artifact_dir() / "lora.safetensors")
    merge_lora(model, tensors, scaling=config["scaling"])
    return encode_pairs(tokenizer, model, TARGETS, TEXTS, batch_size=4)


def test_pair_tokenizer_matches_the_transformers_tokenizer():
    light, full = PairTokenizer(base_model_path()), load_tokenizer(base_model_path())
    texts = [*TEXTS, "Café naïve ÉLAN 😀 — “quoted”", "word " * 300]
    targets = [*TARGETS, "x", "y " * 300]
    for max_length in (128, 16):
        a = light(targets, texts, max_length=max_length)
        b = full(targets, texts, truncation="longest_first", max_length=max_length)
        assert a["input_ids"] == b["input_ids"] and a["token_type_ids"] == b["token_type_ids"]
    assert light.pad_token_id == full.pad_token_id


def test_export_at_first_use_matches_torch_fp32(tmp_path, monkeypatch, fp32_reference):
    monkeypatch.setenv("STANCE_CACHE", str(tmp_path))
    lora = default_artifact_dir() / "lora.safetensors"
    encoder = OnnxPairEncoder.load(base_dir=base_model_path(), lora_file=lora)
    assert encoder.path.parent == tmp_path and encoder.path.suffix == ".onnx"
    emb = encode_pairs(PairTokenizer(base_model_path()), encoder, TARGETS, TEXTS, batch_size=4)
    np.testing.assert_allclose(emb, fp32_reference, atol=1e-4)
    # each pair's row is the same whatever it is batched with (order restored after sorting)
    alone = encode_pairs(PairTokenizer(base_model_path()), encoder, TARGETS[1:2], TEXTS[1:2])
    np.testing.assert_allclose(alone[0], emb[1], atol=1e-5)

    int8 = OnnxPairEncoder.load(base_dir=base_model_path(), lora_file=lora, int8=True)
    assert int8.path.name.endswith("-int8.onnx") and int8.path.stat().st_size < 80e6
    close = encode_pairs(PairTokenizer(base_model_path()), int8, TARGETS, TEXTS)
    cosine = (close * emb).sum(1) / np.linalg.norm(close, axis=1) / np.linalg.norm(emb, axis=1)
    assert cosine.min() > 0.95


def test_unwritable_cache_says_what_to_do(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("STANCE_CACHE", str(blocker / "cache"))
    with pytest.raises(ConfigError, match="STANCE_CACHE"):
        OnnxPairEncoder.load(base_dir=base_model_path(), lora_file=None)


def test_default_backend_scores_like_torch_and_is_named_in_the_identity(fp32_reference):
    model = StanceModel.load()
    assert DEFAULT_BACKEND == "onnx" and model.identity["backend"] == "onnx"
    torch_model = StanceModel.load(backend="torch")
    np.testing.assert_allclose(
        model.predict_proba(TEXTS, TARGETS), torch_model.predict_proba(TEXTS, TARGETS), atol=1e-4
    )
    with pytest.raises(ValueError, match="unknown backend"):
        StanceModel.load(backend="fp16")


def test_scoring_on_the_default_backend_does_not_import_torch():
    StanceModel.load().predict(["x"], ["y"])  # the export (which needs torch) is cached now
    code = (
        "import sys\n"
        "from stance.model import StanceModel\n"
        "StanceModel.load().predict(['We back it.'], ['Ukraine should join NATO'])\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
