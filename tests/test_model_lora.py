"""Merging stored LoRA factors into plain weights reproduces the peft model (no peft at load)."""

from __future__ import annotations

import torch

from stance.model.encoder import base_model_path, encode_pairs, load_transformer
from stance.model.lora import TARGET_MODULES, extract_lora, load_lora, merge_lora, save_lora


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
