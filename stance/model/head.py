"""The stance head: multinomial logistic regression with temperature scaling.

Optionally with a *gate*: a second, binary logistic regression that decides the gate class
(``"neutral"``: does the text take a side at all?) while the multinomial part only splits the
rest (favor against against). The gate can learn from rows the multinomial part never sees
(``fit(..., gate_only=mask)``), e.g. news-style non-answers, without moving the favor/against
boundary.

:class:`StanceClassifier` follows scikit-learn's estimator contract (it passes
``parametrize_with_checks``), round-trips through JSON (:meth:`~StanceClassifier.to_dict` /
:meth:`~StanceClassifier.from_dict`, no pickle), and can be calibrated on held-out rows
(:meth:`~StanceClassifier.calibrate`) and adapted to a few analyst examples
(:meth:`~StanceClassifier.adapted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _validate_data(estimator, X, y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)


HEAD_FORMAT = "stance-head/2"
#: Formats :meth:`StanceClassifier.from_dict` reads (/1: no gate).
READABLE_FORMATS = ("stance-head/1", HEAD_FORMAT)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


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
        gate_class: Class decided by a separate binary gate (None: no gate). Needs three or
            more classes; the multinomial part then only splits the other classes.
        gate_C: Inverse L2 regularisation strength of the gate.

    Attributes:
        classes_: Class labels, in the column order of :meth:`predict_proba`.
        coef_: (n_classes, n_features), or (1, n_features) for two classes.
        intercept_: (n_classes,) or (1,).
        temperature_: Logits are divided by it (1.0 until :meth:`calibrate`).
        gate_coef_, gate_intercept_, gate_temperature_: The gate (with ``gate_class``).
        n_features_in_: Embedding size seen in ``fit``.
    """

    def __init__(
        self,
        *,
        C: float = 1.0,
        max_iter: int = 1000,
        class_weight: Any = None,
        gate_class: Any = None,
        gate_C: float = 1.0,
    ):
        self.C = C
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.gate_class = gate_class
        self.gate_C = gate_C

    def fit(
        self, X: Any, y: Any, sample_weight: Any = None, gate_only: Any = None
    ) -> StanceClassifier:
        """Fit the logistic regression (and the gate); resets the temperatures to 1.

        Args:
            X: Embeddings.
            y: Labels.
            sample_weight: Optional weight per row.
            gate_only: Optional boolean mask of rows that train the gate only (needs
                ``gate_class``).
        """
        from sklearn.linear_model import LogisticRegression

        X, y = _validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        w = _check_sample_weight(sample_weight, X, dtype=np.float64)
        main = np.ones(len(y), bool)
        if gate_only is not None:
            if self.gate_class is None:
                raise ValueError("gate_only needs a head with gate_class set")
            main = ~np.asarray(gate_only, bool)
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)
        lr.fit(X[main], y[main], sample_weight=w[main])
        self.classes_ = lr.classes_
        self.coef_ = lr.coef_.copy()
        self.intercept_ = lr.intercept_.copy()
        self.n_iter_ = lr.n_iter_.copy()
        self.temperature_ = 1.0
        for name in ("gate_coef_", "gate_intercept_", "gate_temperature_"):
            self.__dict__.pop(name, None)
        if self.gate_class is not None:
            self._fit_gate(X, y, w)
        return self

    def _fit_gate(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> None:
        """Fit the binary gate (``gate_class`` against the rest) on all rows; temperature 1."""
        from sklearn.linear_model import LogisticRegression

        if len(self.classes_) < 3 or self.gate_class not in set(self.classes_):
            raise ValueError(f"gate_class {self.gate_class!r} must be one of three or more classes")
        gate = LogisticRegression(C=self.gate_C, max_iter=self.max_iter)
        gate.fit(X, y == self.gate_class, sample_weight=w)
        self.gate_coef_ = gate.coef_[0].copy()
        self.gate_intercept_ = float(gate.intercept_[0])
        self.gate_temperature_ = 1.0

    def with_gate(
        self, X: Any, y: Any, sample_weight: Any = None, *, gate_class: Any, gate_C: float
    ) -> StanceClassifier:
        """A copy with a new gate fitted on ``X, y`` and this head's multinomial part kept.

        The same head as ``fit(X, y, sample_weight, gate_only=...)`` with these gate
        parameters, when this head's multinomial part was fitted on the rows outside
        ``gate_only``: grids over ``gate_C`` need not refit the multinomial part each time.
        Temperatures are reset to 1.
        """
        check_is_fitted(self, ("coef_", "intercept_"))
        X, y = _validate_data(self, X, y, dtype=np.float64, reset=False)
        new = self.from_dict(self.to_dict())
        new.set_params(gate_class=gate_class, gate_C=gate_C)
        new.temperature_ = 1.0
        new.n_iter_ = self.n_iter_
        new._fit_gate(X, y, _check_sample_weight(sample_weight, X, dtype=np.float64))
        return new

    @property
    def _gated(self) -> bool:
        return hasattr(self, "gate_coef_")

    def _logits(self, X: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """Multinomial logits and gate logits (None without a gate), X validated once."""
        check_is_fitted(self, ("coef_", "intercept_", "temperature_"))
        X = _validate_data(self, X, dtype=np.float64, reset=False)
        gate = X @ self.gate_coef_ + self.gate_intercept_ if self._gated else None
        return X @ self.coef_.T + self.intercept_, gate

    @staticmethod
    def _proba(logits: np.ndarray, temperature: float) -> np.ndarray:
        z = logits / temperature
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        return _softmax(z)

    def _gated_proba(self, proba: np.ndarray, gate: np.ndarray) -> np.ndarray:
        """Gate probability for the gate class; the rest shared as the multinomial part says."""
        k = int(np.flatnonzero(self.classes_ == self.gate_class)[0])
        rest = np.delete(proba, k, axis=1)
        rest = rest / rest.sum(axis=1, keepdims=True) * (1.0 - gate)[:, None]
        return np.insert(rest, k, gate, axis=1)

    def decision_function(self, X: Any) -> np.ndarray:
        """Temperature-scaled logits ((n,) for two classes, else (n, n_classes)).

        With a gate: log-probabilities, which rank the classes as :meth:`predict_proba` does.
        """
        if self._gated:
            return np.log(np.clip(self.predict_proba(X), 1e-300, None))
        z = self._logits(X)[0] / self.temperature_
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, columns in the order of ``classes_``."""
        logits, gate = self._logits(X)
        proba = self._proba(logits, self.temperature_)
        if gate is None:
            return proba
        return self._gated_proba(proba, _sigmoid(gate / self.gate_temperature_))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class per row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def calibrate(self, X: Any, y: Any, *, gate_rows: Any = None) -> StanceClassifier:
        """Fit ``temperature_`` (and the gate's) on held-out rows (minimum negative log-likelihood).

        The multinomial temperature is fitted on all rows and classes. The gate gets Platt
        scaling on whether each row is of the gate class: a temperature and a bias (folded into
        ``gate_intercept_``), fitted on ``gate_rows`` (a boolean mask; default all rows), e.g.
        only the rows of datasets whose labels include the gate class. Gate rows of a single
        class fit the temperature alone.
        """
        from scipy.optimize import minimize, minimize_scalar

        logits, gate = self._logits(X)
        y = np.asarray(y)
        index = np.searchsorted(self.classes_, y)
        if np.any(index >= len(self.classes_)) or np.any(self.classes_[index] != y):
            raise ValueError("calibration labels must be among classes_")

        def nll(log_t: float) -> float:
            p = self._proba(logits, float(np.exp(log_t)))
            return -float(np.mean(np.log(np.clip(p[np.arange(len(y)), index], 1e-12, None))))

        result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
        self.temperature_ = float(np.exp(result.x))
        if gate is None:
            if gate_rows is not None:
                raise ValueError("gate_rows needs a head with a gate (gate_class set)")
            return self
        rows = np.ones(len(y), bool) if gate_rows is None else np.asarray(gate_rows, bool)
        if rows.shape != y.shape or not rows.any():
            raise ValueError("gate_rows must be a boolean mask of the rows, selecting some")
        sign, g = np.where(y[rows] == self.gate_class, 1.0, -1.0), gate[rows]

        def gate_nll(params: np.ndarray) -> float:
            log_t, bias = params
            return float(np.mean(np.logaddexp(0.0, -sign * (g / np.exp(log_t) + bias))))

        if abs(sign.sum()) == len(sign):  # one class only: no bias to learn
            result = minimize_scalar(
                lambda t: gate_nll(np.array([t, 0.0])), bounds=(-3.0, 3.0), method="bounded"
            )
            log_t, bias = float(result.x), 0.0
        else:
            result = minimize(gate_nll, np.zeros(2), bounds=[(-3.0, 3.0), (-10.0, 10.0)])
            log_t, bias = (float(v) for v in result.x)
        self.gate_temperature_ = float(np.exp(log_t))
        self.gate_intercept_ = float(self.gate_intercept_ + bias * self.gate_temperature_)
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
        forgetting what the head learned. The temperatures and the gate are kept.

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
        data = {
            "format": HEAD_FORMAT,
            "params": self.get_params(),
            "classes_": self.classes_.tolist(),
            "coef_": self.coef_.tolist(),
            "intercept_": self.intercept_.tolist(),
            "temperature_": float(self.temperature_),
            "n_features_in_": int(self.n_features_in_),
        }
        if self._gated:
            data["gate"] = {
                "coef_": self.gate_coef_.tolist(),
                "intercept_": self.gate_intercept_,
                "temperature_": self.gate_temperature_,
            }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StanceClassifier:
        """Rebuild a fitted head from :meth:`to_dict` output (this or an earlier format)."""
        if data.get("format") not in READABLE_FORMATS:
            raise ValueError(
                f"head format {data.get('format')!r}; this version reads {list(READABLE_FORMATS)}"
            )
        head = cls(**data["params"])
        head.classes_ = np.asarray(data["classes_"])
        head.coef_ = np.asarray(data["coef_"], dtype=np.float64)
        head.intercept_ = np.asarray(data["intercept_"], dtype=np.float64)
        head.temperature_ = float(data["temperature_"])
        head.n_features_in_ = int(data["n_features_in_"])
        if "gate" in data:
            head.gate_coef_ = np.asarray(data["gate"]["coef_"], dtype=np.float64)
            head.gate_intercept_ = float(data["gate"]["intercept_"])
            head.gate_temperature_ = float(data["gate"]["temperature_"])
        return head


ENSEMBLE_FORMAT = "stance-ensemble-head/1"
SPLIT_FORMAT = "stance-split-head/1"
#: Parameters an :class:`AveragedHead` passes to each member :class:`StanceClassifier`.
_MEMBER_PARAMS = ("C", "max_iter", "class_weight", "gate_class", "gate_C")


def _blocks(n_features: int, n_members: int) -> list[np.ndarray]:
    """Column indices per member: equal consecutive blocks (every column for each member when
    there are fewer columns than members)."""
    if n_features < n_members:
        return [np.arange(n_features)] * n_members
    return np.array_split(np.arange(n_features), n_members)


class AveragedHead(ClassifierMixin, BaseEstimator):
    """Average of :class:`StanceClassifier` heads, each reading its own block of columns.

    The head of an encoder ensemble (:mod:`stance.model.ensemble`): the ensemble's embedding is
    its members' embeddings side by side, member ``i`` owns the ``i``-th block of
    ``n_features / n_members`` columns, and the probabilities are the mean of the members'
    calibrated probabilities. Members are usually fitted and calibrated one by one
    (:meth:`from_heads`); :meth:`fit` fits them all with the same parameters.

    Args:
        n_members: Number of member heads (column blocks).
        C, max_iter, class_weight, gate_class, gate_C: Passed to every member in :meth:`fit`.

    Attributes:
        heads_: The fitted member heads.
        n_iter_: Most solver iterations a member took (set by :meth:`fit`).
        classes_: Class labels (the same for every member).
        n_features_in_: Width of the side-by-side embedding.
    """

    def __init__(
        self,
        *,
        n_members: int = 2,
        C: float = 1.0,
        max_iter: int = 1000,
        class_weight: Any = None,
        gate_class: Any = None,
        gate_C: float = 1.0,
    ):
        self.n_members = n_members
        self.C = C
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.gate_class = gate_class
        self.gate_C = gate_C

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any) -> AveragedHead:
        """Fit one :class:`StanceClassifier` per column block (``fit_params`` go to each)."""
        X, y = _validate_data(self, X, y, dtype=np.float64)
        if self.n_members < 1:
            raise ValueError(f"n_members must be at least 1, got {self.n_members}")
        params = {k: v for k, v in self.get_params().items() if k in _MEMBER_PARAMS}
        self.heads_ = [
            StanceClassifier(**params).fit(X[:, cols], y, sample_weight, **fit_params)
            for cols in _blocks(X.shape[1], self.n_members)
        ]
        self.classes_ = self.heads_[0].classes_
        self.n_iter_ = np.max([h.n_iter_ for h in self.heads_])
        return self

    @classmethod
    def from_heads(cls, heads: list[StanceClassifier]) -> AveragedHead:
        """An averaged head over already fitted (and calibrated) heads of equal width."""
        if not heads:
            raise ValueError("an averaged head needs at least one member head")
        widths = {int(h.n_features_in_) for h in heads}
        classes = {tuple(np.asarray(h.classes_).tolist()) for h in heads}
        if len(widths) != 1 or len(classes) != 1:
            raise ValueError("member heads must share their width and classes")
        head = cls(n_members=len(heads))
        head.heads_ = list(heads)
        head.classes_ = np.asarray(heads[0].classes_)
        head.n_features_in_ = widths.pop() * len(heads)
        return head

    def _split(self, X: Any) -> list[np.ndarray]:
        check_is_fitted(self, "heads_")
        X = _validate_data(self, X, dtype=np.float64, reset=False)
        return [X[:, cols] for cols in _blocks(X.shape[1], len(self.heads_))]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Mean of the member heads' probabilities, columns in ``classes_`` order."""
        parts = self._split(X)
        return np.mean(
            [h.predict_proba(x) for h, x in zip(self.heads_, parts, strict=True)], axis=0
        )

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class per row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def decision_function(self, X: Any) -> np.ndarray:
        """Log of the averaged probabilities (the log-odds of the positive class for two)."""
        logp = np.log(np.clip(self.predict_proba(X), 1e-300, None))
        return logp[:, 1] - logp[:, 0] if logp.shape[1] == 2 else logp

    def calibrate(self, X: Any, y: Any, *, gate_rows: Any = None) -> AveragedHead:
        """Calibrate each member on its block (:meth:`StanceClassifier.calibrate`)."""
        for head, x in zip(self.heads_, self._split(X), strict=True):
            head.calibrate(x, y, gate_rows=gate_rows)
        return self

    def adapted(self, X: Any, y: Any, **kwargs: Any) -> AveragedHead:
        """A copy with every member adapted on its block (:meth:`StanceClassifier.adapted`)."""
        heads = [
            h.adapted(x, y, **kwargs) for h, x in zip(self.heads_, self._split(X), strict=True)
        ]
        return self._rebuilt(heads)

    def _rebuilt(self, heads: list[StanceClassifier]) -> AveragedHead:
        """A head like this one over other member heads."""
        return self.from_heads(heads)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description: the member heads' :meth:`StanceClassifier.to_dict`."""
        check_is_fitted(self, "heads_")
        return {"format": ENSEMBLE_FORMAT, "heads": [h.to_dict() for h in self.heads_]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AveragedHead:
        """Rebuild from :meth:`to_dict` output."""
        return cls.from_heads([StanceClassifier.from_dict(h) for h in data["heads"]])


def split_proba(side: np.ndarray, neutral: np.ndarray, k: int) -> np.ndarray:
    """Column ``k`` set to ``neutral``; the rest of each row shared as ``side``'s other columns.

    The join of :class:`SplitHead`, on probabilities: e.g. p(neutral) from one model and the
    favor : against share from another (an even share where ``side`` gives those columns 0).
    """
    rest = np.delete(side, k, axis=1)
    total = rest.sum(axis=1, keepdims=True)
    share = np.divide(rest, total, out=np.full_like(rest, 1.0 / rest.shape[1]), where=total > 0)
    return np.insert(share * (1.0 - neutral)[:, None], k, neutral, axis=1)


def mix_side_share(
    proba: np.ndarray, favor_share: np.ndarray, weight: float, classes: Sequence[str]
) -> np.ndarray:
    """``proba`` with its favor : against share mixed with another opinion of it.

    Each row keeps p(neutral) and p(favor) + p(against); the share of favor in that sum becomes
    ``(1 - weight) * share + weight * favor_share``. ``classes`` names ``proba``'s columns.
    """
    favor, against = list(classes).index("favor"), list(classes).index("against")
    side = proba[:, favor] + proba[:, against]
    share = np.divide(proba[:, favor], side, out=np.full(len(side), 0.5), where=side > 0)
    share = (1.0 - weight) * share + weight * np.asarray(favor_share, float)
    out = np.array(proba, dtype=float, copy=True)
    out[:, favor] = side * share
    out[:, against] = side * (1.0 - share)
    return out


def similarity_vote(sims: np.ndarray, favor: np.ndarray, tau: float) -> np.ndarray:
    """Per row, the share of favor among voters weighted by ``exp(similarity / tau)``.

    ``sims`` holds each row's similarity to its voters; ``favor`` is 1.0 for a favor voter and
    0.0 for an against one, either per voter (shape ``(voters,)``) or per row and voter.
    """
    weights = np.exp((sims - sims.max(axis=1, keepdims=True)) / tau)
    return (weights * favor).sum(axis=1) / weights.sum(axis=1)


def side_block(head: Any, X: Any) -> np.ndarray:
    """The embedding columns ``head`` reads favor : against from (a split head's side member;
    all columns for other heads)."""
    if isinstance(head, SplitHead):
        return head._split(X)[head.side_from]
    return np.asarray(X, dtype=np.float64)


class SplitHead(AveragedHead):
    """Two member heads with two jobs: one says whether a pair takes a side, the other which.

    The head of a split ensemble (:func:`stance.model.ensemble.split_ensemble`): member
    ``neutral_from`` gives p(``neutral_class``), and the rest of the probability is shared
    among the other classes (favor, against) in the ratio member ``side_from`` gives them.
    Each member reads its own block of columns, as in :class:`AveragedHead`. Where
    ``neutral_class`` is not among the classes (a two-class problem) the side member's
    probabilities are returned as they are.

    Args:
        n_members: Number of member heads (column blocks); with the default one, that member
            plays both parts and the head scores as a :class:`StanceClassifier` does.
        neutral_from: Index of the member that decides ``neutral_class`` against the rest.
        side_from: Index of the member that splits the rest.
        neutral_class: The class the ``neutral_from`` member decides.
        C, max_iter, class_weight, gate_class, gate_C: Passed to every member in :meth:`fit`.
    """

    def __init__(
        self,
        *,
        n_members: int = 1,
        neutral_from: int = 0,
        side_from: int = 0,
        neutral_class: Any = "neutral",
        C: float = 1.0,
        max_iter: int = 1000,
        class_weight: Any = None,
        gate_class: Any = None,
        gate_C: float = 1.0,
    ):
        super().__init__(
            n_members=n_members,
            C=C,
            max_iter=max_iter,
            class_weight=class_weight,
            gate_class=gate_class,
            gate_C=gate_C,
        )
        self.neutral_from = neutral_from
        self.side_from = side_from
        self.neutral_class = neutral_class

    def _check_roles(self, n_members: int) -> None:
        for name in ("neutral_from", "side_from"):
            index = getattr(self, name)
            if not 0 <= index < n_members:
                raise ValueError(f"{name}={index} names no member of {n_members}")

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any) -> SplitHead:
        """Fit one :class:`StanceClassifier` per column block (``fit_params`` go to each)."""
        self._check_roles(self.n_members)
        return super().fit(X, y, sample_weight, **fit_params)

    @classmethod
    def from_heads(
        cls, heads: list[StanceClassifier], *, neutral_from: int, side_from: int
    ) -> SplitHead:
        """A split head over already fitted (and calibrated) heads of equal width."""
        head = super().from_heads(heads)
        head.set_params(neutral_from=neutral_from, side_from=side_from)
        head._check_roles(len(heads))
        return head

    def _rebuilt(self, heads: list[StanceClassifier]) -> SplitHead:
        return self.from_heads(heads, neutral_from=self.neutral_from, side_from=self.side_from)

    def predict_proba(self, X: Any) -> np.ndarray:
        """p(neutral) from one member, the rest shared as the other says; ``classes_`` order."""
        parts = self._split(X)
        side = self.heads_[self.side_from].predict_proba(parts[self.side_from])
        classes = list(self.classes_)
        if self.neutral_class not in classes:
            return side
        k = classes.index(self.neutral_class)
        neutral = self.heads_[self.neutral_from].predict_proba(parts[self.neutral_from])[:, k]
        return split_proba(side, neutral, k)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description: the roles and the member heads' ``to_dict``."""
        check_is_fitted(self, "heads_")
        return {
            "format": SPLIT_FORMAT,
            "neutral_from": self.neutral_from,
            "side_from": self.side_from,
            "neutral_class": self.neutral_class,
            "heads": [h.to_dict() for h in self.heads_],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SplitHead:
        """Rebuild from :meth:`to_dict` output."""
        head = cls.from_heads(
            [StanceClassifier.from_dict(h) for h in data["heads"]],
            neutral_from=int(data["neutral_from"]),
            side_from=int(data["side_from"]),
        )
        head.set_params(neutral_class=data["neutral_class"])
        return head


def head_from_dict(data: dict[str, Any]) -> StanceClassifier | AveragedHead:
    """The head a ``head.json`` describes: a :class:`StanceClassifier`, an
    :class:`AveragedHead` or a :class:`SplitHead`."""
    if data.get("format") == ENSEMBLE_FORMAT:
        return AveragedHead.from_dict(data)
    if data.get("format") == SPLIT_FORMAT:
        return SplitHead.from_dict(data)
    return StanceClassifier.from_dict(data)
