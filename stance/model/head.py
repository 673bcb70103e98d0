"""The stance head: multinomial logistic regression with temperature scaling.

:class:`StanceClassifier` follows scikit-learn's estimator contract (it passes
``parametrize_with_checks``), round-trips through JSON (:meth:`~StanceClassifier.to_dict` /
:meth:`~StanceClassifier.from_dict`, no pickle), and can be calibrated on held-out rows
(:meth:`~StanceClassifier.calibrate`) and adapted to a few analyst examples
(:meth:`~StanceClassifier.adapted`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _validate_data(estimator, X, y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)


HEAD_FORMAT = "stance-head/1"


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on embeddings, with a temperature for calibrated probabilities.

    Args:
        C: Inverse L2 regularisation strength.
        max_iter: Solver iterations.
        class_weight: As in :class:`sklearn.linear_model.LogisticRegression`.

    Attributes:
        classes_: Class labels, in the column order of :meth:`predict_proba`.
        coef_: (n_classes, n_features), or (1, n_features) for two classes.
        intercept_: (n_classes,) or (1,).
        temperature_: Logits are divided by it (1.0 until :meth:`calibrate`).
        n_features_in_: Embedding size seen in ``fit``.
    """

    def __init__(self, *, C: float = 1.0, max_iter: int = 1000, class_weight: Any = None):
        self.C = C
        self.max_iter = max_iter
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> StanceClassifier:
        """Fit the logistic regression; resets the temperature to 1."""
        from sklearn.linear_model import LogisticRegression

        X, y = _validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)
        lr.fit(X, y, sample_weight=sample_weight)
        self.classes_ = lr.classes_
        self.coef_ = lr.coef_.copy()
        self.intercept_ = lr.intercept_.copy()
        self.n_iter_ = lr.n_iter_.copy()
        self.temperature_ = 1.0
        return self

    def _logits(self, X: Any) -> np.ndarray:
        check_is_fitted(self, ("coef_", "intercept_", "temperature_"))
        X = _validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_.T + self.intercept_

    @staticmethod
    def _proba(logits: np.ndarray, temperature: float) -> np.ndarray:
        z = logits / temperature
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        return _softmax(z)

    def decision_function(self, X: Any) -> np.ndarray:
        """Temperature-scaled logits ((n,) for two classes, else (n, n_classes))."""
        z = self._logits(X) / self.temperature_
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, columns in the order of ``classes_``."""
        return self._proba(self._logits(X), self.temperature_)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class per row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def calibrate(self, X: Any, y: Any) -> StanceClassifier:
        """Fit ``temperature_`` on held-out rows (minimum negative log-likelihood)."""
        from scipy.optimize import minimize_scalar

        logits = self._logits(X)
        y = np.asarray(y)
        index = np.searchsorted(self.classes_, y)
        if np.any(index >= len(self.classes_)) or np.any(self.classes_[index] != y):
            raise ValueError("calibration labels must be among classes_")

        def nll(log_t: float) -> float:
            p = self._proba(logits, float(np.exp(log_t)))
            return -float(np.mean(np.log(np.clip(p[np.arange(len(y)), index], 1e-12, None))))

        result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
        self.temperature_ = float(np.exp(result.x))
        return self

    def adapted(
        self,
        X: Any,
        y: Any,
        *,
        strength: float = 1.0,
        sample_weight: Any = None,
    ) -> StanceClassifier:
        """A copy refitted on a few examples, pulled toward the current weights.

        Minimises the examples' cross-entropy plus ``strength / 2 * ||W - W_now||^2`` (weights
        and intercepts), so a handful of analyst examples shift the boundary without
        forgetting what the head learned. The temperature is kept.

        Args:
            X: Example embeddings.
            y: Example labels (must be among ``classes_``).
            strength: Pull toward the current weights (larger: smaller change).
            sample_weight: Optional weight per example.
        """
        from scipy.optimize import minimize

        check_is_fitted(self, ("coef_", "intercept_"))
        X = _validate_data(self, X, dtype=np.float64, reset=False)
        y = np.asarray(y)
        index = np.searchsorted(self.classes_, y)
        if np.any(index >= len(self.classes_)) or np.any(self.classes_[index] != y):
            raise ValueError("example labels must be among classes_")
        if self.coef_.shape[0] == 1:
            raise ValueError("adapted() needs a head with three or more classes")
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        k, d = self.coef_.shape
        theta0 = np.concatenate([self.coef_.ravel(), self.intercept_])
        onehot = np.eye(k)[index]

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            W, b = theta[: k * d].reshape(k, d), theta[k * d :]
            p = _softmax(X @ W.T + b)
            ce = -np.sum(w * np.log(np.clip(p[np.arange(len(y)), index], 1e-12, None)))
            diff = theta - theta0
            g = (p - onehot) * w[:, None]
            grad = np.concatenate([(g.T @ X).ravel(), g.sum(0)]) + strength * diff
            return ce + 0.5 * strength * float(diff @ diff), grad

        theta = minimize(loss, theta0, jac=True, method="L-BFGS-B").x
        new = self.from_dict(self.to_dict())
        new.coef_ = theta[: k * d].reshape(k, d)
        new.intercept_ = theta[k * d :]
        return new

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (parameters and learned attributes)."""
        check_is_fitted(self, ("coef_", "intercept_"))
        return {
            "format": HEAD_FORMAT,
            "params": self.get_params(),
            "classes_": self.classes_.tolist(),
            "coef_": self.coef_.tolist(),
            "intercept_": self.intercept_.tolist(),
            "temperature_": float(self.temperature_),
            "n_features_in_": int(self.n_features_in_),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StanceClassifier:
        """Rebuild a fitted head from :meth:`to_dict` output."""
        if data.get("format") != HEAD_FORMAT:
            raise ValueError(f"head format {data.get('format')!r}; expected {HEAD_FORMAT!r}")
        head = cls(**data["params"])
        head.classes_ = np.asarray(data["classes_"])
        head.coef_ = np.asarray(data["coef_"], dtype=np.float64)
        head.intercept_ = np.asarray(data["intercept_"], dtype=np.float64)
        head.temperature_ = float(data["temperature_"])
        head.n_features_in_ = int(data["n_features_in_"])
        return head
