"""The stance model: a LoRA-tuned MiniLM pair encoder with a calibrated scikit-learn head.

``StanceModel.load()`` returns the packaged model; ``predict_proba(texts, targets)`` gives
(n, 3) probabilities in ``classes_`` order (against, favor, neutral). Heavy imports (torch,
transformers, scikit-learn) happen on first use, not on ``import stance.model``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stance.model.head import StanceClassifier
    from stance.model.stance_model import StanceModel

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "StanceModel", "StanceClassifier"]

#: Pair-encoder backends (``StanceModel.load(backend=...)``): ``onnx`` and ``torch`` are the same
#: fp32 model (onnxruntime is faster on CPU); ``int8`` is the ONNX export with int8 weights
#: (faster, but its labels differ from fp32 on about 3% of test rows).
BACKENDS = ("onnx", "torch", "int8")
DEFAULT_BACKEND = "onnx"


def __getattr__(name: str) -> Any:
    if name == "StanceModel":
        from stance.model.stance_model import StanceModel

        return StanceModel
    if name == "StanceClassifier":
        from stance.model.head import StanceClassifier

        return StanceClassifier
    raise AttributeError(f"module 'stance.model' has no attribute {name!r}")
