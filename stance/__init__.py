"""stance: detect when governments and politicians change their position on a policy.

``documents -> claims -> stance scores -> timeline -> shifts -> report``

Heavy dependencies (torch, spaCy, pandas, matplotlib) are imported lazily, inside the functions
that need them, so ``import stance`` and ``stance --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from stance.pipeline import RunResult, run

__all__ = ["__version__", "run", "RunResult"]


def __getattr__(name: str) -> Any:
    if name in ("run", "RunResult"):
        from stance import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'stance' has no attribute {name!r}")
