"""Score a CSV of (text, target) pairs with the stance model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stance.errors import InputError, output_file

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("text", "target")
#: Optional input column: the sentences around a statement, read by the off-topic guard only.
CONTEXT = "context"
#: The columns classify adds (an input that has one is refused, so nothing is overwritten).
ADDED = ("label", "p_favor", "p_against", "p_neutral", "off_topic", "truncated", "rejected")
EXAMPLE_COLUMNS = ("text", "target", "label")
EXAMPLE_LABELS = ("favor", "against", "neutral")


def rejection(text: str, target: str) -> str:
    """Why a (text, target) row cannot be scored, with the fix; empty when it can."""
    missing = [name for name, value in (("text", text), ("target", target)) if not value.strip()]
    if not missing:
        return ""
    what = " and ".join(missing)
    return f"empty {what}: fill in the {what} column{'s' if len(missing) > 1 else ''} of this row"


def read_pairs_csv(path: Path | str, columns: tuple[str, ...], *, option: str) -> pd.DataFrame:
    """A UTF-8 CSV with at least ``columns`` (read as text), or an :class:`InputError` naming
    the file and the fix (``option`` is the command-line option that passed it).

    Every column is read as written (the first is never taken for a row index); a row with
    more fields than the header is refused unless the extra fields are empty (trailing
    commas), since its text would otherwise be split or lost.
    """
    import warnings

    import pandas as pd

    path = Path(path)
    header = ",".join(columns)
    unreadable = f"{path}: not a readable UTF-8 CSV; save it as CSV with a header row {header}"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                dtype=dict.fromkeys(columns, str),
                keep_default_na=False,
                index_col=False,
                encoding="utf-8-sig",
            )
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; pass {option} with an existing CSV") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a file; pass {option} with a CSV file") from None
    except pd.errors.ParserError:
        raise InputError(_extra_fields(path) or unreadable) from None
    except (OSError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{unreadable} ({type(exc).__name__})") from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        problem = _extra_fields(path)
        if problem:
            raise InputError(problem)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; the CSV needs a header row "
            f"with {' and '.join(columns) if len(columns) == 2 else header} "
            f"(found: {', '.join(map(str, frame.columns)) or 'none'})"
        )
    return frame


def _extra_fields(path: Path) -> str:
    """The first line of ``path`` with more non-empty fields than its header, as an error
    message with the fix; empty when there is none."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        names = next(reader, [])
        for row in reader:
            if len(row) > len(names) and any(field.strip() for field in row[len(names) :]):
                return (
                    f"{path}: line {reader.line_num} has {len(row)} fields but the header has "
                    f"{len(names)}; put a text that contains commas in double quotes"
                )
    return ""


def read_examples(path: Path | str) -> pd.DataFrame:
    """Analyst examples for :meth:`StanceModel.adapt`: columns ``text,target,label``.

    Raises:
        InputError: unreadable file, a missing column, an empty text or target, or a label
            other than favor, against or neutral (the first such row is named).
    """
    frame = read_pairs_csv(path, EXAMPLE_COLUMNS, option="--examples")
    for row, (text, target, label) in enumerate(
        zip(frame["text"], frame["target"], frame["label"], strict=True), start=1
    ):
        reason = rejection(text, target)
        if reason:
            raise InputError(f"{path}: example row {row}: {reason}")
        if label.strip().lower() not in EXAMPLE_LABELS:
            raise InputError(
                f"{path}: example row {row}: label {label!r}; use favor, against or neutral"
            )
    frame["label"] = frame["label"].str.strip().str.lower()
    return frame


def classify_csv(
    input: Path | str,
    output: Path | str,
    *,
    model_dir: Path | str | None = None,
    examples: Path | str | None = None,
    off_topic_guard: bool = True,
) -> pd.DataFrame:
    """Read ``input`` (columns ``text``, ``target``, optional ``context``), add stance columns,
    write ``output``.

    Added columns: ``label`` (against/favor/neutral), ``p_favor``, ``p_against``,
    ``p_neutral``, ``off_topic`` (True where the off-topic guard made the pair neutral),
    ``truncated`` (True where target and text exceed what the model reads, so the end of the
    text was not read) and ``rejected``. Other input columns are kept, and so is every row: a row
    whose text or target is empty (or blank) is not scored (empty label and probabilities)
    and ``rejected`` says why and how to fix it; it is empty for scored rows.

    Args:
        input: CSV file with at least the columns ``text`` and ``target``. An optional column
            ``context`` (the sentences around the statement; may be empty) is read by the
            off-topic guard only: a statement whose context is about the target is not made
            neutral for naming no policy itself. The side is read from ``text`` alone.
        output: CSV file to write.
        model_dir: Artifact folder (None: the packaged model).
        examples: CSV of analyst examples (``text,target,label``); pairs whose target has
            favor and against examples get their side voted on by them
            (:meth:`StanceModel.adapt`, method ``vote``).
        off_topic_guard: Keep the model's off-topic guard (a text the base encoder finds
            unrelated to its target reads neutral; :mod:`stance.model.guard`). Turn it off for
            elliptic statements that name no policy ("it's unlikely or impractical"), or give
            them their ``context``.

    Raises:
        InputError: a file cannot be read, lacks a required column or already has a column
            classify adds, ``output`` is a folder, or an example is bad.
        stance.errors.ModelMismatchError: the artifact does not fit the base encoder.
    """
    import numpy as np

    from stance.model.stance_model import StanceModel

    input, output = Path(input), output_file(output, "--output")
    frame = read_pairs_csv(input, REQUIRED, option="--input")
    taken = [name for name in ADDED if name in frame.columns]
    if taken:
        raise InputError(
            f"{input}: has column(s) {', '.join(taken)}, which classify adds; rename them "
            f"(e.g. gold_{taken[0]}) or drop them"
        )
    shots = read_examples(examples) if examples is not None else None
    reasons = [
        rejection(text, target) for text, target in zip(frame["text"], frame["target"], strict=True)
    ]
    scored = [i for i, reason in enumerate(reasons) if not reason]
    model = StanceModel.load(model_dir)
    if not off_topic_guard:
        model = model.unguarded()
    if shots is not None and len(shots):
        model = model.adapt(shots, method="vote")
    texts, targets = frame["text"].iloc[scored].tolist(), frame["target"].iloc[scored].tolist()
    contexts = frame[CONTEXT].iloc[scored].astype(str).tolist() if CONTEXT in frame else None
    proba = model.predict_proba(texts, targets, contexts=contexts)
    off_topic = np.full(len(frame), "", dtype=object)
    off_topic[scored] = model.off_topic(texts, targets, contexts=contexts)
    truncated = np.full(len(frame), "", dtype=object)
    truncated[scored] = model.truncated(texts, targets)
    column = {name: i for i, name in enumerate(model.classes_)}
    labels = [""] * len(frame)
    for row, best in zip(scored, proba.argmax(axis=1), strict=True):
        labels[row] = model.classes_[best]
    frame["label"] = labels
    for name in ("favor", "against", "neutral"):
        values = np.full(len(frame), np.nan)
        values[scored] = proba[:, column[name]]
        frame[f"p_{name}"] = values
    frame["off_topic"] = off_topic
    frame["truncated"] = truncated
    frame["rejected"] = reasons
    output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(output, index=False)
    frame.attrs["voting_targets"] = model.meta.get("adapted", {}).get("voting_targets", 0)
    frame.attrs["voted_rows"] = sum(target in model.votes for target in targets)
    if shots is not None:
        sides = shots[shots["label"] != "neutral"].groupby("target")["label"].nunique()
        frame.attrs["one_sided_targets"] = sorted(sides.index[sides < 2])
    return frame
