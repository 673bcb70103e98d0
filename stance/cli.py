"""The ``stance`` command line: a thin layer over the library.

Every command parses its options, calls one library function and prints what it returns.
User errors (:class:`stance.errors.StanceError`) become a one-line ``error: ...`` message and
the exit code documented in ``docs/scheduling.md`` and the README:

* 0: success (``run``: no new shifts, or new shifts without ``--fail-on-new-shift``)
* 1: ``run --fail-on-new-shift`` found new shifts
* 2: user error (bad config, unreadable input, malformed YAML)
* 3: model artifact does not match the installed base encoder
* 4: unexpected internal error
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from stance.errors import InputError, StanceError

app = typer.Typer(
    name="stance",
    help="Detect shifts in policy stance from dated news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_NEW_SHIFTS = 1
EXIT_INTERNAL = 4

#: ``--out`` of the commands that read a run's store (compare, export).
OUT_HELP = (
    "Report folder a run wrote with `stance run --out` (its stance.sqlite is read; default: "
    "the config's out_dir)."
)

#: ``--model`` of the commands that score with a model (evaluate, classify, check-codebook).
ModelDir = Annotated[
    Path | None, typer.Option(help="Model artifact folder (default: the packaged one).")
]

#: Options shared by the commands that fit heads (refit-head, ensemble).
HeadAugment = Annotated[
    list[str] | None,
    typer.Option(
        help="Extra head training rows (repeatable), e.g. report, or deflect:4 for 4 rows per "
        "label and target."
    ),
]
NeutralGate = Annotated[
    bool,
    typer.Option(help="Decide neutral with a separate gate; augment rows train only it."),
]


def _require_artifacts(folders: list[Path], fix: str) -> None:
    """Refuse (usage error) a folder without the encoder file every model artifact holds."""
    for folder in folders:
        if not (folder / "lora.safetensors").is_file():
            raise typer.BadParameter(f"{folder}: no lora.safetensors; {fix}")


def _setup_logging(path: Path, option: str = "--log-file") -> None:
    """Log warnings to stderr and everything from INFO up to ``path`` (``option`` is what set
    it, named in the error if it cannot be written)."""
    import logging

    from stance.errors import output_file

    logger = logging.getLogger("stance")
    logger.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    output_file(path, option)
    try:
        to_file = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write the log ({exc.strerror or type(exc).__name__}); pass "
            f"{option} with a writable path"
        ) from None
    to_file.setFormatter(fmt)
    to_stderr = logging.StreamHandler()
    to_stderr.setLevel(logging.WARNING)
    to_stderr.setFormatter(fmt)
    logger.handlers[:] = [to_file, to_stderr]


@app.command()
def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="TOML config file.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Report folder (overrides the config).")
    ] = None,
    fail_on_new_shift: Annotated[
        bool, typer.Option(help="Exit with code 1 when the run flags shifts not seen before.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    log_file: Annotated[
        Path | None, typer.Option(help="Log file (default: stance.log in the report folder).")
    ] = None,
) -> None:
    """Read documents, extract claims, score stance, diff against the baseline, write a report."""
    from stance.config import load_config
    from stance.pipeline import run_config

    out_dir = out or load_config(config).out_dir
    if log_file is not None:
        _setup_logging(log_file)
    else:
        _setup_logging(Path(out_dir) / "stance.log", "--out (or out_dir in the config)")
    result = run_config(config, out_dir=out, progress=not quiet)
    s = result.summary
    work = (
        "no model work"
        if not s["model_loaded"]
        else f"{s['pairs_scored']} claim-topic pairs scored"
    )
    marked = s["example_check"]["quotes_marked_other_side"]
    typer.echo(
        f"{s['documents_new']} new, {s['documents_skipped']} unchanged, "
        f"{s['documents_rejected']} rejected documents; {work}; "
        f"{s['shifts']} shifts ({s['shifts_new']} new since the last run)"
        + (f"; {marked} evidence quote(s) marked ⚠ other side: read them twice" if marked else ""),
        err=True,
    )
    if s["documents_not_in_input"]:
        ids = s["documents_not_in_input_ids"]
        shown = ", ".join(ids[:5]) + (", ..." if s["documents_not_in_input"] > 5 else "")
        typer.echo(
            f"{s['documents_not_in_input']} stored document(s) are no longer in the input and "
            f"still count ({shown}; `forget_missing = true` in the config drops them)",
            err=True,
        )
    for key, what in (
        ("documents_forgotten", "stored document(s) no longer in the input were dropped"),
        ("baseline_statements_removed", "baseline statement(s) left the store with their file"),
    ):
        if s[key]:
            typer.echo(f"{s[key]} {what}", err=True)
    typer.echo(json.dumps(s, indent=2, default=str))
    if not s["documents_new"] + s["documents_skipped"]:
        # a feed that delivered nothing readable is not a quiet day: say so, and exit 2
        raise InputError(
            f"{config}: no document could be read; "
            + (
                f"all {s['documents_rejected']} were rejected (reasons in run.json, `rejected`)"
                if s["documents_rejected"]
                else "none found: check `documents` in the config"
            )
        )
    if fail_on_new_shift and result.summary.get("shifts_new", 0) > 0:
        raise typer.Exit(EXIT_NEW_SHIFTS)


def _augment_kinds(values: list[str] | None, option: str) -> tuple[str, ...]:
    """The augmentation names of ``option``, or a usage error naming the valid ones."""
    from stance.model.train import check_augment

    try:
        return check_augment(values or ())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="Folder laid out as ../shared/datasets.")],
    out: Annotated[Path, typer.Option(help="Folder for the trained artifact.")],
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    limit: Annotated[
        int | None, typer.Option(help="Use at most this many training pairs (smoke tests).")
    ] = None,
    resume: Annotated[bool, typer.Option(help="Resume from the last checkpoint in OUT.")] = True,
    rdrop: Annotated[
        float, typer.Option(help="R-Drop weight (0: off; the packaged soup used 1.0).")
    ] = 0.0,
    augment: Annotated[
        list[str] | None,
        typer.Option(
            help="Extra training rows: negation, antonym, off_topic or report (repeatable)."
        ),
    ] = None,
    max_length: Annotated[
        int, typer.Option(help="Token limit per (target, text) pair (texts are cut first).")
    ] = 128,
    group_by_length: Annotated[
        bool, typer.Option(help="Batch pairs of similar length: same data, less padding.")
    ] = False,
    balance: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Dataset sampling exponent: 1 sees every pair once per epoch; 0.5 draws "
            "each dataset in proportion to the square root of its size.",
        ),
    ] = 1.0,
    micro_batch: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Rows per encoder pass (gradients summed over a batch's slices): less memory, "
            "same loss. On a CPU, 16 cuts a 256-token R-Drop run from about 19 GB to 7 GB.",
        ),
    ] = None,
) -> None:
    """Fine-tune the stance encoder (LoRA) and fit the scikit-learn head."""
    from stance.model.train import train as train_model

    kinds = _augment_kinds(augment, "--augment")
    info = train_model(
        data,
        out,
        epochs=epochs,
        seed=seed,
        limit=limit,
        resume=resume,
        rdrop=rdrop,
        augment=kinds,
        max_length=max_length,
        group_by_length=group_by_length,
        balance=balance,
        micro_batch=micro_batch,
    )
    typer.echo(json.dumps(info, indent=2, default=str))


@app.command()
def soup(
    runs: Annotated[list[Path], typer.Argument(help="Artifact folders written by stance train.")],
    out: Annotated[Path, typer.Option(help="Folder for the soup artifact.")],
    data: Annotated[Path, typer.Option(help="Folder laid out as ../shared/datasets.")] = Path(
        "../shared/datasets"
    ),
) -> None:
    """Average the encoder updates of several trained runs and refit the head on the result."""
    from stance.model.soup import soup as soup_model

    _require_artifacts(runs, "pass folders from stance train")
    info = soup_model(runs, out, data)
    typer.echo(json.dumps(info, indent=2, default=str))


@app.command()
def ensemble(
    runs: Annotated[
        list[Path], typer.Argument(help="Artifact folders (stance train or stance soup).")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the ensemble artifact.")],
    max_length: Annotated[
        int | None, typer.Option(help="Read pairs of up to this many tokens (default: longest).")
    ] = None,
    head_augment: HeadAugment = None,
    neutral_gate: NeutralGate = False,
    split: Annotated[
        bool,
        typer.Option(
            help="Two artifacts, heads kept as they are: the first decides neutral or not, "
            "the second favor or against."
        ),
    ] = False,
    data: Annotated[Path, typer.Option(help="Folder laid out as ../shared/datasets.")] = Path(
        "../shared/datasets"
    ),
) -> None:
    """Keep several tuned encoders side by side and average their heads' probabilities.

    With --split, join two artifacts instead: p(neutral) from the first one's head, the rest
    shared between favor and against as the second one's head says (nothing is refitted).
    """
    from stance.model.ensemble import ensemble as build
    from stance.model.ensemble import split_ensemble

    augment = _augment_kinds(head_augment, "--head-augment")
    if split and (len(runs) != 2 or augment or neutral_gate or max_length is not None):
        raise typer.BadParameter(
            "--split joins exactly two artifacts as they are; drop --head-augment, "
            "--neutral-gate and --max-length (refit a member with stance refit-head first)",
            param_hint="--split",
        )
    _require_artifacts(runs, "pass artifact folders")
    try:
        if split:
            info = split_ensemble(runs[0], runs[1], out, data)
        else:
            info = build(
                runs, out, data, max_length=max_length, augment=augment, neutral_gate=neutral_gate
            )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(json.dumps(info, indent=2, default=str))


@app.command("refit-head")
def refit_head(
    model: Annotated[Path, typer.Argument(help="Artifact folder (stance train or stance soup).")],
    out: Annotated[Path, typer.Option(help="Folder for the refitted artifact.")],
    max_length: Annotated[
        int | None, typer.Option(help="Read pairs of up to this many tokens (default: as before).")
    ] = None,
    head_augment: HeadAugment = None,
    neutral_gate: NeutralGate = False,
    head_rows: Annotated[
        int | None,
        typer.Option(min=1, help="Fit the head on up to this many train pairs (default 24,000)."),
    ] = None,
    data: Annotated[Path, typer.Option(help="Folder laid out as ../shared/datasets.")] = Path(
        "../shared/datasets"
    ),
) -> None:
    """Refit and recalibrate the head of an artifact (same encoder), e.g. for a longer context."""
    from stance.model.soup import refit_head as refit

    augment = _augment_kinds(head_augment, "--head-augment")
    _require_artifacts([model], "pass an artifact folder")
    info = refit(
        model,
        out,
        data,
        max_length=max_length,
        augment=augment,
        neutral_gate=neutral_gate,
        head_rows=head_rows,
    )
    typer.echo(json.dumps(info, indent=2, default=str))


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="Folder laid out as ../shared/datasets.")] = Path(
        "../shared/datasets"
    ),
    model: ModelDir = None,
    output: Annotated[Path, typer.Option(help="Markdown file to write.")] = Path(
        "docs/accuracy.md"
    ),
    limit: Annotated[
        int | None, typer.Option(help="Score at most this many rows per test split.")
    ] = None,
    backend: Annotated[
        str | None, typer.Option(help="Pair-encoder backend: onnx (default), torch or int8.")
    ] = None,
) -> None:
    """Score the stance model on each dataset's test split and the contrast set."""
    from stance.model import BACKENDS
    from stance.model.evaluate import evaluate as evaluate_model

    if backend is not None and backend not in BACKENDS:
        raise typer.BadParameter(f"use one of {', '.join(BACKENDS)}", param_hint="--backend")
    result = evaluate_model(data, model_dir=model, output=output, limit=limit, backend=backend)
    typer.echo(result["markdown"])


@app.command()
def classify(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            help="CSV with columns text,target (optional: context, the sentences around a "
            "statement, read by the off-topic guard).",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write.")],
    model: ModelDir = None,
    examples: Annotated[
        Path | None,
        typer.Option(
            help="CSV of analyst examples (text,target,label): they vote on the side of "
            "pairs with their target."
        ),
    ] = None,
    off_topic_guard: Annotated[
        bool,
        typer.Option(
            help="Read a text the base encoder finds unrelated to its target (and to its context, "
            "where given) as neutral; turn off for elliptic statements that name no policy."
        ),
    ] = True,
) -> None:
    """Score (text, target) pairs: adds label, p_favor, p_against, p_neutral, off_topic,
    truncated, rejected."""
    from stance.model.classify import classify_csv

    frame = classify_csv(
        input, output, model_dir=model, examples=examples, off_topic_guard=off_topic_guard
    )
    if examples is not None:
        typer.echo(
            f"{examples}: examples vote on {frame.attrs['voting_targets']} target(s), "
            f"{frame.attrs['voted_rows']} of the input's scored rows (a row's target must match "
            "an example's target exactly)"
        )
        for target in frame.attrs["one_sided_targets"]:
            typer.echo(
                f"{examples}: target {target!r} has examples of one side only; add a favor and "
                "an against example for it to vote",
                err=True,
            )
    rejected = frame.index[frame["rejected"] != ""]
    for row in rejected:
        typer.echo(f"{input}: row {row + 1} not scored: {frame.at[row, 'rejected']}", err=True)
    # the flag columns mix "" (rows not scored) and bools
    off_topic = int((frame["off_topic"] == True).sum())  # noqa: E712
    truncated = int((frame["truncated"] == True).sum())  # noqa: E712
    typer.echo(
        f"wrote {len(frame)} rows to {output}: {len(frame) - len(rejected)} scored, "
        f"{len(rejected)} rejected (see column rejected); {off_topic} read as off topic "
        "(neutral; column off_topic)"
        + (
            f"; {truncated} too long to read whole (only their start was scored; column truncated)"
            if truncated
            else ""
        )
    )


@app.command("check-codebook")
def check_codebook(
    codebook: Annotated[
        Path | None, typer.Option(help="Codebook YAML (default: the packaged one).")
    ] = None,
    model: ModelDir = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV of every example's reading.")
    ] = None,
) -> None:
    """Score the codebook's examples against their topics: does the model read them as labelled?"""
    from stance.errors import output_file
    from stance.examples import check_codebook as check

    if output is not None:
        output = output_file(output, "--output")
    book, checked = check(codebook, model_dir=model)
    for topic in _check_lines(checked):
        typer.echo(topic)
    if output is not None:
        checked.to_csv(output, index=False)
    agree = int(checked["agrees"].sum())
    typer.echo(
        f"{book.path}: the model reads {agree} of {len(checked)} examples as labelled"
        + (f"; every reading in {output}" if output is not None else "")
    )


def _check_lines(checked: object) -> list[str]:
    """One line per topic of the example check, then one per misread example."""
    from stance.examples import check_summary

    lines = []
    for c in check_summary(checked):
        lines.append(f"{c['topic']}: {c['read_as_labelled']} of {c['examples']} read as labelled")
        lines += [f"  {m['label']} read as {m['read']}: {m['text']}" for m in c["misread"]]
    return lines


@app.command("evaluate-attribution")
def evaluate_attribution(
    polnear: Annotated[Path, typer.Option(help="PolNeAR folder (data/<split>/text, ...).")],
    split: Annotated[str, typer.Option(help="Split name, e.g. dev.")] = "dev",
    limit: Annotated[int | None, typer.Option(help="Score at most this many articles.")] = None,
) -> None:
    """Score claim extraction and attribution against PolNeAR's gold annotations."""
    from stance.extract.evaluate import evaluate_polnear, format_table

    metrics = evaluate_polnear(polnear, split=split, limit=limit)
    typer.echo(format_table(metrics))
    typer.echo(json.dumps(metrics))


@app.command()
def compare(
    config: Annotated[Path, typer.Option("--config", "-c", help="Run config (its store is read).")],
    government: Annotated[str, typer.Option(help="Registry id, e.g. us-executive.")],
    baseline: Annotated[str, typer.Option(help="Baseline administration id, e.g. biden.")],
    current: Annotated[str, typer.Option(help="Current administration id, e.g. trump-2.")],
    output: Annotated[Path | None, typer.Option(help="Write the shifts as CSV here.")] = None,
    min_confidence: Annotated[float | None, typer.Option(help="Minimum confidence.")] = None,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
) -> None:
    """Compare two administrations of one government from the store."""
    from stance.errors import output_file
    from stance.views import compare as compare_store

    if output is not None:
        output = output_file(output, "--output")
    frame = compare_store(
        config,
        government=government,
        baseline=baseline,
        current=current,
        min_confidence=min_confidence,
        out_dir=out,
    )
    if output is not None:
        frame.to_csv(output, index=False)
    cols = ["actor_name", "topic", "change", "before_stance", "after_stance", "confidence"]
    typer.echo(frame[cols].to_string(index=False) if len(frame) else "no shifts")


@app.command()
def export(
    config: Annotated[Path, typer.Option("--config", "-c", help="Run config (its store is read).")],
    format: Annotated[str, typer.Option("--format", "-f", help="dna, csv, parquet or graphml.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    table: Annotated[
        str | None, typer.Option(help="For csv/parquet: claims (default) or timeline.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
) -> None:
    """Export claims, timelines or the actor-topic network for other tools."""
    from stance.views import export as export_store

    path = export_store(config, format=format, output=output, table=table, out_dir=out)
    typer.echo(f"wrote {path}")


def main() -> None:
    """Entry point: run the app and turn user errors into one-line messages."""
    import os

    # the library's own progress bars are enough; the model loader's add noise to cron logs
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        app()
    except StanceError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the documented "internal error" exit code
        import logging

        logging.getLogger("stance").exception("internal error")
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
