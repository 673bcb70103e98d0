"""Score a CSV of (text, target) pairs with the stance model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stance.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("text", "target")


def rejection(text: str, target: str) -> str:
    """Why a (text, target) row cannot be scored, with the fix; empty when it can."""
    missing = [name for name, value in (("text", text), ("target", target)) if not value.strip()]
    if not missing:
        return ""
    what = " and ".join(missing)
    return f"empty {what}: fill in the {what} column{'s' if len(missing) > 1 else ''} of this row"


def classify_csv(
    input: Path | str,
    output: Path | str,
    *,
    model_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Read ``input`` (columns ``text``, ``target``), add stance columns, write ``output``.

    Added columns: ``label`` (against/favor/neutral), ``p_favor``, ``p_against``,
    ``p_neutral`` and ``rejected``. Other input columns are kept, and so is every row: a row
    whose text or target is empty (or blank) is not scored (empty label and probabilities)
    and ``rejected`` says why and how to fix it; it is empty for scored rows.

    Args:
        input: CSV file with at least the columns ``text`` and ``target``.
        output: CSV file to write.
        model_dir: Artifact folder (None: the packaged model).

    Raises:
        InputError: the file cannot be read or lacks a required column.
        stance.errors.ModelMismatchError: the artifact does not fit the base encoder.
    """
    import numpy as np
    import pandas as pd

    from stance.model.stance_model import StanceModel

    input, output = Path(input), Path(output)
    try:
        frame = pd.read_csv(input, dtype={"text": str, "target": str}, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{input}: file not found; pass --input with an existing CSV") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"{input}: not a readable UTF-8 CSV ({type(exc).__name__}); "
            "save it as CSV with a header row text,target"
        ) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"{input}: missing column(s) {', '.join(missing)}; the CSV needs a header row "
            f"with text and target (found: {', '.join(map(str, frame.columns)) or 'none'})"
        )
    reasons = [
        rejection(text, target) for text, target in zip(frame["text"], frame["target"], strict=True)
    ]
    scored = [i for i, reason in enumerate(reasons) if not reason]
    model = StanceModel.load(model_dir)
    proba = model.predict_proba(
        frame["text"].iloc[scored].tolist(), frame["target"].iloc[scored].tolist()
    )
    column = {name: i for i, name in enumerate(model.classes_)}
    labels = [""] * len(frame)
    for row, best in zip(scored, proba.argmax(axis=1), strict=True):
        labels[row] = model.classes_[best]
    frame["label"] = labels
    for name in ("favor", "against", "neutral"):
        values = np.full(len(frame), np.nan)
        values[scored] = proba[:, column[name]]
        frame[f"p_{name}"] = values
    frame["rejected"] = reasons
    output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(output, index=False)
    return frame
