"""Percentile bootstrap over groups (topics, articles), shared by the stance and attribution scores.

Rows of one topic or one article are not independent draws, so whole groups are resampled:
:func:`group_draws` says how often each group is drawn in each resample, and a score computed
with those counts as weights gives one value per resample; :func:`percentile_interval` turns
the values into an interval.
"""

from __future__ import annotations

import numpy as np


def group_draws(n_groups: int, *, resamples: int, seed: int) -> np.ndarray:
    """How often each of ``n_groups`` groups is drawn (with replacement, ``n_groups`` draws)
    in each of ``resamples`` resamples: an integer array of shape ``(resamples, n_groups)``.
    Seeded: the same arguments give the same counts."""
    if n_groups < 1:
        raise ValueError("no groups to resample")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(resamples, n_groups))
    offsets = (draws + n_groups * np.arange(resamples)[:, None]).ravel()
    return np.bincount(offsets, minlength=resamples * n_groups).reshape(resamples, n_groups)


def percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` share of ``values`` (e.g. 0.95: the 2.5% and 97.5% quantiles)."""
    tail = (1.0 - level) / 2
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)
