"""Merging stored LoRA factors into plain weights reproduces the peft model (no peft at load)."""

from __future__ import annotations

import pytest
import torch

from stance.model.encoder import base_model_path, encode_pairs, load_transformer
from stance.model.lora import (
    TARGET_MODULES,
    combine_lora,
    extract_lora,
    load_lora,
    merge_lora,
    save_lora,
)


def test_merged_weights_match_peft_model(tmp_path):
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    tokenizer, base = load_transformer(base_model_path())
    peft_model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=TARGET_MODULES))
    for name, param in peft_model.named_parameters():
        if "lora_B" in name:  # peft starts B at zero; make the adapter do something
            torch.nn.init.normal_(param, std=0.02)
    peft_model.eval()
    pairs = (["Taxes should rise"] * 2, ["Raise them now.", "Cut taxes instead."])
    expected = encode_pairs(tokenizer, peft_model, *pairs)
    tensors, scaling = extract_lora(peft_model)
    save_lora(tmp_path / "lora.safetensors", tensors, config={"scaling": scaling})
    loaded, config = load_lora(tmp_path / "lora.safetensors")

    _, plain = load_transformer(base_model_path())
    unmerged = encode_pairs(tokenizer, plain, *pairs)
    assert merge_lora(plain, loaded, scaling=config["scaling"]) == 6 * 6
    merged = encode_pairs(tokenizer, plain, *pairs)
    assert abs(merged - expected).max() < 1e-4
    assert abs(unmerged - expected).max() > 1e-3


def test_combined_factors_merge_to_the_average_update():
    torch.manual_seed(1)
    shapes = {"encoder.layer.0.attention.self.query": (384, 384)}

    def factors(rank):
        return {
            "encoder.layer.0.attention.self.query.lora_A": torch.randn(rank, 384),
            "encoder.layer.0.attention.self.query.lora_B": torch.randn(384, rank),
        }

    runs = [(factors(4), 2.0), (factors(8), 0.5), (factors(4), 1.0)]
    soup = combine_lora(runs)
    name = next(iter(shapes))
    expected = sum(s * t[f"{name}.lora_B"] @ t[f"{name}.lora_A"] for t, s in runs) / 3
    assert soup[f"{name}.lora_A"].shape == (16, 384)
    assert torch.allclose(soup[f"{name}.lora_B"] @ soup[f"{name}.lora_A"], expected, atol=1e-4)
    weighted = combine_lora(runs[:2], [0.75, 0.25])
    expected = 0.75 * 2.0 * runs[0][0][f"{name}.lora_B"] @ runs[0][0][f"{name}.lora_A"]
    expected += 0.25 * 0.5 * runs[1][0][f"{name}.lora_B"] @ runs[1][0][f"{name}.lora_A"]
    assert torch.allclose(
        weighted[f"{name}.lora_B"] @ weighted[f"{name}.lora_A"], expected, atol=1e-4
    )


def test_combining_factors_of_different_modules_is_refused():
    a = {"m.lora_A": torch.ones(2, 3), "m.lora_B": torch.ones(3, 2)}
    b = {"n.lora_A": torch.ones(2, 3), "n.lora_B": torch.ones(3, 2)}
    with pytest.raises(ValueError, match="different modules"):
        combine_lora([(a, 1.0), (b, 1.0)])
