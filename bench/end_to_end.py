"""End-to-end benchmark on a made-up case: does the report say what really happened?

Runs the whole pipeline (``stance.run``, report included) twice on one store in a temporary
folder: run 1 reads the case's articles (``fixtures/vestmark/articles/`` by default), run 2 adds
those of its run-2 folder (``articles_run2/``). Scores the runs against the truth written
before any run (the case's ``EXPECTED.md``, ``expected_topics.csv``, ``expected_claims.csv``;
``case.toml`` names the files, the government and its two administrations) and prints:

(a) per topic: the truth, then what run 1 says (a change flagged, with its confidence; a
    position held; or nothing) and whether that is right, at the config's ``min_confidence``
    and at each ``--thresholds`` value. These come from the same run: ``RunResult.shifts`` and
    ``RunResult.below_threshold`` (changes from confidence 0.2 up) hold every change detected,
    and a changed ``min_confidence`` re-scores nothing; positions held do not depend on it;
(b) claim level, for the government's statements and for the traps (statements that must not
    count for the government): the first stage that failed, in pipeline order (not extracted,
    wrong speaker/government/administration, topic not linked or linked to another topic,
    wrong side by the claim's label), or right end to end;
(c) run 2: whether exactly the expected shift is named new since run 1;
(d) wall time of each run and peak RSS.

    python bench/end_to_end.py                        # Vestmark, the codebook as written
    python bench/end_to_end.py --codebook inverted    # nuclear and fracking propositions inverted
    python bench/end_to_end.py --case fixtures/lindora    # the second case (session 23)
    python bench/end_to_end.py --set link_through_articles=true    # any run setting, as TOML
    python bench/end_to_end.py --details --json figures.json --keep /tmp/vestmark

The first use of the stance model with a fresh cache also exports it to ONNX (README), which
then counts in run 1's time. Figures: docs/end-to-end.md.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import re
import resource
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import stance
from stance.config import RunConfig, load_config
from stance.pipeline import NEAR_MISS_FLOOR, RunResult
from stance.report.render import SHIFT_COLUMNS
from stance.timeline import pool

ROOT = Path(__file__).resolve().parents[1]
#: The case judged unless ``--case`` names another folder holding a ``case.toml``.
DEFAULT_CASE = ROOT / "fixtures" / "vestmark"


@dataclass(frozen=True)
class Case:
    """A made-up case, as its ``case.toml`` describes it.

    Attributes:
        name: What the case is called in the output.
        folder: The case's folder (relative paths in ``case.toml`` are from here).
        government: The registry id of the one government judged.
        before: Its first administration's id; ``after`` the second one's.
        config: The run-1 config (documents, registry, thresholds).
        run2_articles: The folder of articles added by run 2 (their ids are the file names).
        variants: Codebook variant name -> (codebook, topic truth, claim truth) paths.
    """

    name: str
    folder: Path
    government: str
    before: str
    after: str
    config: Path
    run2_articles: Path
    variants: dict[str, tuple[Path, Path, Path]]

    @classmethod
    def load(cls, folder: Path) -> Case:
        """Read ``folder/case.toml`` (a clear error when it is missing or incomplete)."""
        path = folder / "case.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            variants = {
                name: (folder / v["codebook"], folder / v["topics"], folder / v["claims"])
                for name, v in data["variants"].items()
            }
            return cls(
                name=data["name"],
                folder=folder,
                government=data["government"],
                before=data["before"],
                after=data["after"],
                config=folder / data["config"],
                run2_articles=folder / data["run2_articles"],
                variants=variants,
            )
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            raise SystemExit(
                f"{path}: not a readable case description ({exc!r}); see "
                f"{DEFAULT_CASE / 'case.toml'} for the keys it needs"
            ) from None


#: Claim-level outcomes, in the order printed: (key, label).
GOVERNMENT_STAGES = [
    ("right", "right end to end"),
    ("not_extracted", "not extracted"),
    ("attribution", "wrong speaker/government/administration"),
    ("not_linked", "topic: not linked"),
    ("wrong_topic", "topic: linked to another topic"),
    ("wrong_side", "wrong side (claim label)"),
    ("nested", "linked, but dropped as nested in another claim"),
]
TRAP_STAGES = [
    ("kept_out", "kept out of the government's pool"),
    ("counted", "counted for the government"),
]


@dataclass(frozen=True)
class TopicTruth:
    """What should be reported for one topic (empty text: nothing said / no change)."""

    topic: str
    before: str
    after: str
    change: str

    def describe(self) -> str:
        """The truth in the words of the table: "reversal favor->against", "held favor"."""
        if self.change:
            return change_words(self.change, self.before, self.after)
        return f"held {self.after}"


def change_words(change: str, before: str, after: str) -> str:
    """A change in the tables' words: "softening favor->neutral", "new favor", "dropped favor"."""
    if change == "new":
        return f"new {after}"
    if change == "dropped":
        return f"dropped {before}"
    return f"{change} {before}->{after}"


@dataclass(frozen=True)
class ExpectedClaim:
    """One hand-listed statement of ``expected_claims.csv``: ``admin`` is ``none`` for a trap."""

    doc: str
    speaker: str
    admin: str
    topic: str
    side: str
    phrase: str
    note: str

    @property
    def is_trap(self) -> bool:
        """A statement that must not count for the government."""
        return self.admin == "none"


def load_topic_truth(path: Path, run: int) -> list[TopicTruth]:
    """The per-topic truth after run 1 or run 2 (columns ``after_run2``/``change_run2``)."""
    suffix = "_run2" if run == 2 else ""
    with path.open(encoding="utf-8") as f:
        return [
            TopicTruth(row["topic"], row["before"], row[f"after{suffix}"], row[f"change{suffix}"])
            for row in csv.DictReader(f)
        ]


def load_expected_claims(path: Path) -> list[ExpectedClaim]:
    """The hand-listed statements, in file order."""
    with path.open(encoding="utf-8") as f:
        return [ExpectedClaim(**row) for row in csv.DictReader(f)]


# -- running ---------------------------------------------------------------------------------


def run_case(
    case: Case, codebook: Path, work: Path, *, settings: dict[str, Any] | None = None
) -> tuple[RunResult, RunResult, list[float]]:
    """Run 1 (articles/) and run 2 (+ articles_run2/) on one store in ``work``.

    The config's other settings (registry, thresholds) are kept; the report and the store go
    to ``work``; ``settings`` override the config's (``--set``). Returns both results and
    each run's wall time in seconds.
    """
    kwargs = load_config(case.config).as_kwargs()
    kwargs.update(settings or {})
    kwargs.update(codebook=codebook, out_dir=work, store=None)
    documents = list(kwargs.pop("documents"))
    results, seconds = [], []
    for docs in (documents, [*documents, case.run2_articles]):
        start = time.perf_counter()
        results.append(stance.run(documents=docs, **kwargs))
        seconds.append(time.perf_counter() - start)
    return results[0], results[1], seconds


# -- (a) topics ------------------------------------------------------------------------------


def detected_changes(result: RunResult, government: str) -> pd.DataFrame:
    """Every change the run detected for the government (confidence 0.2 and up)."""
    frames = [f for f in (result.shifts, result.below_threshold) if f is not None and not f.empty]
    detected = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SHIFT_COLUMNS)
    )
    return detected[detected["actor"] == government]


def describe_change(row: pd.Series) -> str:
    """A detected change in the table's words: "softening favor->neutral 0.71"."""
    words = change_words(row["change"], row["before_stance"], row["after_stance"])
    return f"{words} {row['confidence']:.2f}"


def held_sides(result: RunResult, government: str) -> dict[str, str]:
    """The side each topic held for the government (no shift, the same side in both periods)."""
    held = result.held
    if held is None or held.empty:
        return {}
    rows = held[held["actor"] == government]
    return dict(zip(rows["topic"], rows["stance"], strict=True))


def pooled_positions(timeline: pd.DataFrame, topic: str, case: Case) -> str:
    """The government's pooled position per administration: "+0.28 (7) -> +0.59 (6)"."""
    rows = timeline[(timeline["government"] == case.government) & (timeline["topic"] == topic)]
    parts = []
    for admin in (case.before, case.after):
        pooled = pool(rows[rows["administration"] == admin])
        parts.append(f"{pooled.position:+.2f} ({pooled.n})" if pooled else "none")
    return " -> ".join(parts)


def judge_topic(truth: TopicTruth, flagged: pd.DataFrame, held: str) -> tuple[bool, str]:
    """Whether the run's word on a topic is right, and if not, how it is wrong.

    A real change is right when exactly that change (type and both sides) is flagged and
    nothing else; an unchanged topic is right when nothing is flagged and the position is
    listed as held on the true side.
    """
    if truth.change:
        if flagged.empty:
            return False, "missed"
        same = (
            (flagged["change"] == truth.change)
            & (flagged["before_stance"] == truth.before)
            & (flagged["after_stance"] == truth.after)
        )
        if len(flagged) == 1 and same.iloc[0]:
            return True, ""
        return False, "right change plus another" if same.any() else "wrong change"
    if not flagged.empty:
        return False, "false alarm"
    if held == truth.after:
        return True, ""
    return False, f"held {held}" if held else "not listed as held"


def topic_rows(
    result: RunResult, truths: list[TopicTruth], threshold: float, case: Case
) -> tuple[list[dict], int]:
    """Per-topic verdicts at ``threshold``: one dict per topic, and how many are right."""
    detected = detected_changes(result, case.government)
    held = held_sides(result, case.government)
    rows = []
    for truth in truths:
        mine = detected[detected["topic"] == truth.topic]
        flagged = mine[mine["confidence"] >= threshold]
        below = mine[mine["confidence"] < threshold]
        right, why = judge_topic(truth, flagged, held.get(truth.topic, ""))
        if not flagged.empty:
            said = "; ".join(describe_change(r) for _, r in flagged.iterrows())
        elif held.get(truth.topic):
            said = f"held {held[truth.topic]}"
        else:
            said = "-"
        if not below.empty:
            said += " (below: " + "; ".join(describe_change(r) for _, r in below.iterrows()) + ")"
        rows.append(
            {
                "topic": truth.topic,
                "truth": truth.describe(),
                "says": said,
                "right": right,
                "why": why,
                "pooled": pooled_positions(result.timeline, truth.topic, case),
            }
        )
    return rows, sum(r["right"] for r in rows)


# -- (b) claims ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, straight quotes and single spaces, for finding a phrase in a claim."""
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).lower()


def rows_with_phrase(frame: pd.DataFrame, claim: ExpectedClaim) -> pd.DataFrame:
    """Rows of ``frame`` (claims or timeline) from the claim's document whose text holds its
    phrase, first in the document first."""
    rows = frame[frame["doc_id"] == claim.doc]
    phrase = normalise(claim.phrase)
    mask = rows["text"].map(lambda text: phrase in normalise(text)).astype(bool)
    hits = rows[mask]  # a boolean Series: an empty list would select columns, not rows
    return hits.sort_values("start_char", kind="stable")


def attributed_right(row: pd.Series, claim: ExpectedClaim, government: str) -> bool:
    """Whether a claims/timeline row is the government's, in the expected administration."""
    return row["government"] == government and row["administration"] == claim.admin


def government_outcome(
    claim: ExpectedClaim, claims: pd.DataFrame, timeline: pd.DataFrame, government: str
) -> tuple[str, str, float | None]:
    """The first stage at which a government statement went wrong (or ``right``).

    Stages in pipeline order: extraction (no claim holds the phrase), attribution (the claim
    is not the government's in the expected administration), topic linking (no timeline row
    on the expected topic: linked to none, or to another), side (the claim's label).

    Returns:
        The stage key, a short note, and the timeline position where the side was judged.
    """
    extracted = rows_with_phrase(claims, claim)
    if extracted.empty:
        return "not_extracted", "", None
    on_topic = rows_with_phrase(timeline, claim)
    on_topic = on_topic[on_topic["topic"] == claim.topic]
    if on_topic.empty:
        first = extracted.iloc[0]
        if not attributed_right(first, claim, government):
            return "attribution", f"{first['actor'] or '?'}/{first['administration'] or '-'}", None
        linked = set(extracted["topic"]) - {""}
        if claim.topic in linked:  # scored, but the timeline kept another claim around it
            return "nested", "dropped as nested in another claim", None
        if linked:
            return "wrong_topic", ", ".join(sorted(linked)), None
        return "not_linked", "", None
    row = on_topic.iloc[0]
    position = float(row["position"])
    if not attributed_right(row, claim, government):
        note = f"{row['actor'] or '?'}/{row['administration'] or '-'} {row['date']}"
        return "attribution", note, None
    if row["label"] != claim.side:
        return "wrong_side", f"read {row['label']} ({position:+.2f})", position
    return "right", f"{position:+.2f}", position


def trap_outcome(claim: ExpectedClaim, timeline: pd.DataFrame, government: str) -> tuple[str, str]:
    """Whether a statement that is not the government's stayed out of its pool."""
    rows = rows_with_phrase(timeline, claim)
    counted = rows[rows["government"] == government]
    if counted.empty:
        return "kept_out", ""
    row = counted.iloc[0]
    return "counted", f"as {row['actor']}/{row['administration'] or '-'} on {row['topic']}"


def side_of(position: float) -> str:
    """The pooled rule's side of a position (favor above +0.25, against below -0.25)."""
    return "favor" if position > 0.25 else "against" if position < -0.25 else "neutral"


def score_claims(result: RunResult, expected: list[ExpectedClaim], run: int, case: Case) -> dict:
    """Claim-level outcomes of one run over the statements of the documents it has read.

    Returns:
        ``government`` and ``traps`` (counts per stage); ``wrong_side_by_position`` (of the
        statements that reached the side check, those whose side by the pooled rule, +-0.25
        on ``position``, is not the truth); ``unmatched_rows`` (government timeline rows that
        hold no expected statement's phrase: unplanned or spurious); ``outcomes`` (one record
        per statement).
    """
    run2_only = {path.stem for path in case.run2_articles.iterdir()}
    wanted = [c for c in expected if run == 2 or c.doc not in run2_only]
    claims, timeline = result.claims, result.timeline
    outcomes, matched = [], set()
    for claim in wanted:
        matched |= set(rows_with_phrase(timeline, claim).index)
        if claim.is_trap:
            (stage, note), position = trap_outcome(claim, timeline, case.government), None
        else:
            stage, note, position = government_outcome(claim, claims, timeline, case.government)
        outcomes.append({**asdict(claim), "stage": stage, "detail": note, "position": position})
    government = [o for o in outcomes if o["admin"] != "none"]
    traps = [o for o in outcomes if o["admin"] == "none"]
    unmatched = timeline[
        (timeline["government"] == case.government) & ~timeline.index.isin(matched)
    ]
    return {
        "government": {k: sum(o["stage"] == k for o in government) for k, _ in GOVERNMENT_STAGES},
        "traps": {k: sum(o["stage"] == k for o in traps) for k, _ in TRAP_STAGES},
        "wrong_side_by_position": sum(
            side_of(o["position"]) != o["side"] for o in government if o["position"] is not None
        ),
        "unmatched_rows": [
            f"{r.doc_id} {r.administration or '-'} {r.actor} {r.topic} {r.label} "
            f"{r.position:+.2f} | {r.text[:90]}"
            for r in unmatched.itertuples()
        ],
        "outcomes": outcomes,
    }


def stages_by_topic(outcomes: list[dict]) -> dict[str, dict[str, int]]:
    """Government statements' stage counts per topic."""
    table: dict[str, dict[str, int]] = {}
    for o in outcomes:
        if o["admin"] == "none":
            continue
        counts = table.setdefault(o["topic"], {k: 0 for k, _ in GOVERNMENT_STAGES})
        counts[o["stage"]] += 1
    return table


# -- (c) run 2 -------------------------------------------------------------------------------


def shift_keys(frame: pd.DataFrame, government: str) -> set[tuple[str, str, str, str]]:
    """The government's shifts as (topic, change, before side, after side)."""
    rows = frame[frame["actor"] == government]
    return set(
        zip(rows["topic"], rows["change"], rows["before_stance"], rows["after_stance"], strict=True)
    )


def check_run2(run1: RunResult, run2: RunResult, truth1, truth2, government: str) -> dict:
    """Whether run 2 names exactly the expected shift(s) as new since run 1.

    Expected new: each run-2 truth change that differs from run 1's on its topic.
    """
    before = {t.topic: t for t in truth1}
    expected = {
        (t.topic, t.change, t.before, t.after)
        for t in truth2
        if t.change and (t.change, t.after) != (before[t.topic].change, before[t.topic].after)
    }
    new_rows = run2.shifts[run2.shifts["new_since_last_run"].astype(bool)]
    named = shift_keys(new_rows, government)
    return {
        "expected_new": sorted(expected),
        "named_new": sorted(named),
        "exact": named == expected,
        "no_longer_flagged": sorted(
            shift_keys(run1.shifts, government) - shift_keys(run2.shifts, government)
        ),
        "summary_shifts_new": run2.summary["shifts_new"],
        "summary_no_longer_flagged": run2.summary["shifts_no_longer_flagged"],
    }


# -- printing --------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list]) -> str:
    """A plain-text table with left-aligned columns."""
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def key_text(key: tuple[str, str, str, str]) -> str:
    """(topic, change, before, after) as "topic: change before->after"."""
    topic, change, before, after = key
    return f"{topic}: {change_words(change, before, after)}"


def print_topics(title: str, rows: list[dict], n_right: int, case: Case) -> None:
    """Section (a): one topic table."""
    print(f"\n{title}: {n_right}/{len(rows)} topics right")
    body = [
        [
            r["topic"],
            r["truth"],
            r["says"],
            "right" if r["right"] else f"WRONG: {r['why']}",
            r["pooled"],
        ]
        for r in rows
    ]
    pooled = f"pooled {case.before} -> {case.after} (n)"
    print(table(["topic", "truth", "run says", "verdict", pooled], body))


def print_claims(scores: dict[int, dict]) -> None:
    """Section (b): stage counts, runs side by side (the rare "nested" row only when seen)."""
    runs = sorted(scores)
    head = ["outcome"] + [f"run {r}" for r in runs]
    stages = [
        (k, label)
        for k, label in GOVERNMENT_STAGES
        if k != "nested" or any(scores[r]["government"][k] for r in runs)
    ]
    print("\n(b) Claim level, government statements (first stage that failed)")
    rows = [[label] + [scores[r]["government"][k] for r in runs] for k, label in stages]
    rows.append(["total"] + [sum(scores[r]["government"].values()) for r in runs])
    rows.append(
        ["wrong side by the +-0.25 rule instead"]
        + [scores[r]["wrong_side_by_position"] for r in runs]
    )
    rows.append(
        ["government timeline rows holding no expected statement"]
        + [len(scores[r]["unmatched_rows"]) for r in runs]
    )
    print(table(head, rows))
    print("\nTraps (statements that must not count for the government)")
    rows = [[label] + [scores[r]["traps"][k] for r in runs] for k, label in TRAP_STAGES]
    rows.append(["total"] + [sum(scores[r]["traps"].values()) for r in runs])
    print(table(head, rows))
    keys = [k for k, _ in stages]
    print(f"\nGovernment statements by topic, run {runs[0]}")
    by_topic = stages_by_topic(scores[runs[0]]["outcomes"])
    rows = [[topic] + [counts[k] for k in keys] for topic, counts in by_topic.items()]
    print(table(["topic", *keys], rows))


def print_details(scores: dict[int, dict], run: int) -> None:
    """Every expected statement's outcome and the unmatched government rows of one run."""
    print(f"\nDetails, run {run}")
    rows = [
        [
            o["doc"][:3],
            o["speaker"],
            o["admin"],
            o["topic"],
            o["side"],
            o["phrase"][:44],
            o["stage"],
            o["detail"],
        ]
        for o in scores[run]["outcomes"]
    ]
    print(table(["doc", "speaker", "admin", "topic", "side", "phrase", "stage", "detail"], rows))
    print("\nGovernment timeline rows holding no expected statement:")
    for line in scores[run]["unmatched_rows"]:
        print("  " + line)


# -- main ------------------------------------------------------------------------------------


def print_run2(check: dict, case: Case) -> None:
    """Section (c): the shifts run 2 names new, against the expected one."""
    print(f"\n(c) Run 2 (+ {case.run2_articles.name}/): shifts new since run 1")
    for label, key in (
        ("expected new", "expected_new"),
        ("named new", "named_new"),
        ("no longer flagged", "no_longer_flagged"),
    ):
        print(f"{label + ':':19}{'; '.join(map(key_text, check[key])) or 'none'}")
    print(f"exactly the expected shift new: {'YES' if check['exact'] else 'NO'}")


def print_cost(runs: tuple[RunResult, RunResult], seconds: list[float], peak_rss: float) -> None:
    """Section (d): wall time per run (and the run's own count) and peak RSS."""
    print("\n(d) Cost")
    for i, (result, wall) in enumerate(zip(runs, seconds, strict=True), start=1):
        print(f"run {i}  {wall:.1f} s   (run.json seconds {result.summary['seconds']})")
    print(f"peak RSS {peak_rss:,.0f} MiB; load average {os.getloadavg()[0]:.2f}")


def parse_settings(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` pairs as run settings (VALUE read as TOML; only keys a run config
    may hold, and not the ones the benchmark sets itself)."""
    known = {f.name for f in dataclasses.fields(RunConfig)} - {
        "source",
        "documents",
        "codebook",
        "out_dir",
        "store",
    }
    settings = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in known:
            parser.error(
                f"--set {item}: write KEY=VALUE with KEY one of {', '.join(sorted(known))}"
            )
        try:
            settings[key] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            parser.error(f'--set {item}: VALUE must be TOML (true, 0.5, "text")')
    return settings


def main() -> None:
    """Parse options, run the case twice, print the four sections, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case",
        type=Path,
        default=DEFAULT_CASE,
        help="a case folder holding case.toml (default: fixtures/vestmark)",
    )
    parser.add_argument(
        "--codebook", default="as-written", help="the case's codebook variant (case.toml)"
    )
    parser.add_argument(
        "--thresholds",
        type=float,
        nargs="*",
        default=[0.3, 0.7],
        help=f"other min_confidence values to judge run 1 at (>= {NEAR_MISS_FLOOR})",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a run setting, VALUE in TOML (link_through_articles=true); repeatable",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None, help="run in this (new) folder")
    parser.add_argument("--details", action="store_true", help="list every statement's outcome")
    args = parser.parse_args()
    case = Case.load(args.case.resolve())
    if args.codebook not in case.variants:
        parser.error(f"--codebook: {case.name} has {', '.join(sorted(case.variants))}")
    if any(t < NEAR_MISS_FLOOR for t in args.thresholds):
        parser.error(f"--thresholds: below {NEAR_MISS_FLOOR} the run keeps no changes")
    if args.keep and (args.keep / "stance.sqlite").exists():
        parser.error(f"--keep {args.keep}: holds a store already; the runs would be incremental")
    settings = parse_settings(parser, args.set)
    codebook_path, topics_path, claims_path = case.variants[args.codebook]
    config = dataclasses.replace(load_config(case.config), **settings)
    truth1 = load_topic_truth(topics_path, run=1)
    truth2 = load_topic_truth(topics_path, run=2)
    expected = load_expected_claims(claims_path)

    with tempfile.TemporaryDirectory(prefix=f"{case.folder.name}-") as tmp:
        run1, run2, seconds = run_case(
            case, codebook_path, args.keep or Path(tmp), settings=settings
        )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"{case.name} end to end, codebook {args.codebook} ({codebook_path.name}), "
        f"stance {stance.__version__}"
    )
    if settings:
        print("settings: " + ", ".join(f"{k} = {v!r}" for k, v in settings.items()))
    print(
        f"topic_threshold {config.topic_threshold}, min_confidence {config.min_confidence}, "
        f"link_through_articles {run1.summary.get('link_through_articles', False)}; "
        f"run 1: {run1.summary['documents']} articles, {run1.summary['claims']} claims; "
        f"run 2: {run2.summary['documents']} articles, {run2.summary['claims']} claims"
    )
    figures: dict = {"case": case.name, "codebook": args.codebook, "topics": {}}
    print(f"\n(a) Per topic, run 1 (truth: {case.folder.name}/{topics_path.name})")
    for t in [config.min_confidence, *args.thresholds]:
        rows, n_right = topic_rows(run1, truth1, t, case)
        print_topics(f"min_confidence {t}", rows, n_right, case)
        figures["topics"][str(t)] = {"right": n_right, "rows": rows}
    rows, n_right = topic_rows(run2, truth2, config.min_confidence, case)
    print_topics(f"Run 2, min_confidence {config.min_confidence}", rows, n_right, case)
    figures["topics_run2"] = {"right": n_right, "rows": rows}

    scores = {r: score_claims(res, expected, r, case) for r, res in ((1, run1), (2, run2))}
    print_claims(scores)
    if args.details:
        print_details(scores, 1)
    check = check_run2(run1, run2, truth1, truth2, case.government)
    print_run2(check, case)
    print_cost((run1, run2), seconds, peak_rss)

    if args.json:
        figures.update(
            claims={
                run: {k: v for k, v in sc.items() if k != "outcomes"} for run, sc in scores.items()
            },
            outcomes_run1=scores[1]["outcomes"],
            run2=check,
            seconds=[round(x, 2) for x in seconds],
            peak_rss_mib=round(peak_rss, 1),
            stance_version=stance.__version__,
            model_sha256=run1.summary["model"]["sha256"],
            codebook_sha256=run1.summary["codebook"]["sha256"],
            min_confidence=config.min_confidence,
            topic_threshold=config.topic_threshold,
        )
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
