"""The stance-tuned pair encoder as an ONNX graph run by onnxruntime (the default backend).

The graph (base MiniLM + merged LoRA deltas + mean pooling, fp32) is exported once from the
packaged base model and the artifact's ``lora.safetensors`` and cached under ``$STANCE_CACHE``
(default ``~/.cache/stance``), keyed by the base and LoRA weight hashes. Nothing is downloaded:
the export needs only torch, onnx and the local files. Later loads open the cached file without
importing torch. Scores equal the torch fp32 backend's (probabilities within 1e-5, same labels).
The ``int8`` backend is a dynamically quantised copy of the same export (:func:`quantize`).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from stance.errors import ConfigError
from stance.model.encoder import _file_sha256, base_model_hash, cpu_threads, mean_pool

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: Bumped when the exported graph changes, so that an older cached export is not reused.
EXPORT_VERSION = "v2"


def cache_dir() -> Path:
    """``$STANCE_CACHE``, else ``$XDG_CACHE_HOME/stance``, else ``~/.cache/stance``."""
    root = os.environ.get("STANCE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stance"
    )
    return Path(root)


def export_path(base_dir: Path | str, lora_file: Path | str | None) -> Path:
    """Where the export of this base + LoRA pair is cached."""
    lora_hash = "base"
    if lora_file is not None:
        stat = os.stat(lora_file)
        lora_hash = _file_sha256(str(lora_file), stat.st_size, stat.st_mtime)[:16]
    name = f"pair-encoder-{EXPORT_VERSION}-{base_model_hash(base_dir)[:16]}-{lora_hash}.onnx"
    return cache_dir() / name


def export(path: Path, *, base_dir: Path | str, lora_file: Path | str | None) -> Path:
    """Merge the LoRA into the fp32 base encoder and write it, with mean pooling, to ``path``.

    The graph is exported with plain ("eager") attention, which onnxruntime's transformer
    optimiser fuses into one Attention operator per layer (with the embedding, layer-norm and
    GELU fusions: same outputs, up to 1.2x faster on 100-token pairs).
    """
    from transformers import AutoModel

    from stance.model.encoder import _torch, load_tokenizer
    from stance.model.lora import load_lora, merge_lora

    torch = _torch()
    tokenizer = load_tokenizer(base_dir)
    model = AutoModel.from_pretrained(str(base_dir), attn_implementation="eager")
    model = model.to(dtype=torch.float32).eval()
    if lora_file is not None:
        tensors, config = load_lora(Path(lora_file))
        merge_lora(model, tensors, scaling=config["scaling"])

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            return mean_pool(hidden, attention_mask)

    sample = tokenizer(["a"], ["b c"], return_tensors="pt")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with warnings.catch_warnings():  # tracer notes on shape checks that hold for any input
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(model).eval(),
                tuple(sample[name] for name in INPUTS),
                str(tmp),
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in INPUTS}
                | {"embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        _fuse(tmp, heads=model.config.num_attention_heads, hidden=model.config.hidden_size)
        os.replace(tmp, path)  # atomic: a concurrent process sees the whole file or none
    except OSError as exc:
        raise ConfigError(
            f"{path.parent}: cannot write the stance model's ONNX export ({exc.strerror or exc}); "
            "set STANCE_CACHE to a writable folder"
        ) from None
    return path


def _fuse(path: Path, *, heads: int, hidden: int) -> None:
    """Rewrite the BERT graph at ``path`` in place with onnxruntime's fused operators."""
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(
        str(path), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0
    )
    fused.save_model_to_file(str(path))


def quantize(source: Path, path: Path) -> Path:
    """Write an int8 copy of ``source``: MatMul weights per output channel, dynamic activations.

    Word embeddings stay fp32 (quantising them too costs accuracy for no speed); the fused
    Attention operators become QAttention.
    """
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        quantize_dynamic(
            str(source),
            str(tmp),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            # fused operators (com.microsoft domain) carry no type information: they are float
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(
            f"{path.parent}: cannot write the stance model's ONNX export ({exc.strerror or exc}); "
            "set STANCE_CACHE to a writable folder"
        ) from None
    return path


def session_options(threads: int | None = None) -> Any:
    """onnxruntime options for throughput on a few shared cores.

    One intra-op thread per available core, no inter-op parallelism (one small graph), all graph
    optimisations, no spin-waiting between operators (on a shared machine a spinning thread
    takes a core from other jobs; measured no slower here), and no CPU memory arena: batches
    vary in shape, and the arena kept the largest one's memory (session 20: the pipeline bench
    over 200 articles peaked at 1,802 MiB with it, 1,212 without; `bench/stance_model.py` 812
    MB against 685, at the same speed).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or cpu_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False
    return options


class OnnxPairEncoder:
    """Mean-pooled pair embeddings from the cached ONNX export (see :meth:`load`).

    Attributes:
        session: The onnxruntime ``InferenceSession``.
        hidden_size: Embedding width (384).
        path: The ``.onnx`` file.
    """

    def __init__(self, session: Any, hidden_size: int, path: Path):
        self.session = session
        self.hidden_size = hidden_size
        self.path = path

    @classmethod
    def load(
        cls, *, base_dir: Path | str, lora_file: Path | str | None, int8: bool = False
    ) -> OnnxPairEncoder:
        """Open the cached export of ``base_dir`` + ``lora_file``, exporting it first if missing.

        Args:
            base_dir: Base encoder folder.
            lora_file: The artifact's ``lora.safetensors`` (None: the plain base encoder).
            int8: Use the int8 copy (:func:`quantize`, also cached) instead of fp32.

        Raises:
            stance.errors.ConfigError: the cache folder is not writable.
        """
        import onnxruntime as ort

        fp32 = export_path(base_dir, lora_file)
        if not fp32.is_file():
            export(fp32, base_dir=base_dir, lora_file=lora_file)
        path = fp32
        if int8:
            path = fp32.with_name(f"{fp32.stem}-int8.onnx")
            if not path.is_file():
                quantize(fp32, path)
        session = ort.InferenceSession(
            str(path), session_options(), providers=["CPUExecutionProvider"]
        )
        hidden = json.loads((Path(base_dir) / "config.json").read_text())["hidden_size"]
        return cls(session, hidden, path)

    def eval(self) -> OnnxPairEncoder:
        """No-op (API parity with torch modules)."""
        return self

    def embed_batch(self, batch: dict[str, Any]) -> Any:
        """Mean-pooled embeddings (float32 numpy) of one padded batch of int64 arrays."""
        return self.session.run(None, {name: batch[name] for name in INPUTS})[0]
