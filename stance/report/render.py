"""Write a shift report: report.md, self-contained report.html, PNG figures, CSV and JSON tables.

Every piece of article text goes through jinja2's autoescaping in the HTML (and through a
Markdown cell escaper in report.md), so a quote containing ``<script>`` is shown, never run.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.diff import MAGNITUDE_STEP, describe_duration
from stance.timeline import STANCE_THRESHOLD

if TYPE_CHECKING:
    import pandas as pd

    from stance.examples import ExampleMatch
    from stance.records import Evidence, Rejected, Shift

TEMPLATES = Path(__file__).parent / "templates"

#: Columns of shifts.csv, defined once.
SHIFT_COLUMNS = [
    "actor",
    "actor_name",
    "topic",
    "change",
    "before_stance",
    "after_stance",
    "before_date",
    "after_date",
    "confidence",
    "evidence_before",
    "evidence_after",
    "before_position",
    "after_position",
    "held_since",
    "held_days",
    "before_period",
    "after_period",
    "n_before",
    "n_after",
    "evidence_before_other",
    "evidence_after_other",
    "new_since_last_run",
]


@dataclass
class ReportData:
    """Everything a report shows; built by :mod:`stance.pipeline`."""

    title: str
    summary: dict[str, Any]
    shifts: Sequence[Shift]
    claims: pd.DataFrame
    timeline: pd.DataFrame
    periods: pd.DataFrame
    topic_labels: dict[str, str]
    heatmap: pd.DataFrame
    new_shifts: set[tuple[str, ...]] = field(default_factory=set)
    #: shifts the last finished run flagged and this one does not (e.g. a position reverted)
    gone_shifts: Sequence[Shift] = ()
    #: flagged by this run and by an earlier one, but not by the last: back, not new
    again_shifts: Sequence[Shift] = ()
    #: positions that held (stance.views.held_positions)
    held: Sequence[dict[str, Any]] = ()
    unregistered: list[dict[str, Any]] = field(default_factory=list)
    rejected: Sequence[Rejected] = ()
    #: the plain model's reading of the codebook's examples (stance.examples.CHECK_COLUMNS)
    examples: pd.DataFrame | None = None
    #: (topic, quote) -> the analyst example the quote reads most like
    matches: dict[tuple[str, str], ExampleMatch] = field(default_factory=dict)
    #: no earlier finished run in the store (nothing to be "new since"); ``None``: unknown,
    #: then a run with ``summary["run_id"] == 1`` counts as the first
    first_run: bool | None = None
    #: changes detected below the run's ``min_confidence`` (hints, not flagged)
    below_threshold: list[Shift] = field(default_factory=list)
    #: shift identity (:func:`shift_key`) -> confidence of every change this run detected, so
    #: a shift no longer flagged can say whether it fell below the threshold or went away
    confidence_now: dict[tuple[str, ...], float] = field(default_factory=dict)
    #: every topic compared (:func:`stance.views.topic_overview`), or ``None``
    overview: pd.DataFrame | None = None


def shift_key(s: Shift) -> tuple[str, ...]:
    """Identity of a shift across runs: the store's (:func:`stance.store.shift_identity`)."""
    from stance.store import shift_identity

    return shift_identity(s)


def format_evidence(evidence: Sequence[Evidence]) -> str:
    """One-cell text for a list of evidence quotes: ``“quote” — speaker, date, source | ...``;
    the reporter's words and paraphrases (:func:`wording`) as ``reported: text`` or
    ``paraphrase: text``, without quotation marks."""

    def text(e: Evidence) -> str:
        mark = wording(e.kind, e.source)
        return f"{mark}: {e.quote}" if mark else f"“{e.quote}”"

    return " | ".join(f"{text(e)} — {e.speaker}, {e.date}, {e.source}" for e in evidence)


def shifts_frame(shifts: Sequence[Shift], new: set[tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Shifts as a table with :data:`SHIFT_COLUMNS` (evidence flattened to text).

    ``new`` holds the keys of the shifts a run flagged for the first time; without it (a
    comparison outside a run) ``new_since_last_run`` is left empty rather than False.
    """
    import pandas as pd

    rows = []
    for s in shifts:
        row = {c: getattr(s, c) for c in SHIFT_COLUMNS if hasattr(s, c)}
        for key in ("evidence_before", "evidence_after"):
            row[key] = format_evidence(getattr(s, key))
            row[f"{key}_other"] = format_evidence(getattr(s, f"{key}_other"))
        row["new_since_last_run"] = None if new is None else shift_key(s) in new
        rows.append(row)
    return pd.DataFrame(rows, columns=SHIFT_COLUMNS)


#: Columns of :attr:`RunResult.held` and ``held.csv``.
HELD_COLUMNS = [
    "actor",
    "actor_name",
    "topic",
    "stance",
    "before_period",
    "after_period",
    "before_position",
    "after_position",
    "n_before",
    "n_after",
    "quote_before",
    "quote_after",
]


def held_frame(held: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """:func:`stance.views.held_positions` as a table (each quote with its speaker, date and
    source, as in :func:`shifts_frame`)."""
    import pandas as pd

    rows = [
        {
            **h,
            **{k: format_evidence([h[k]] if h[k] else []) for k in ("quote_before", "quote_after")},
        }
        for h in held
    ]
    return pd.DataFrame(rows, columns=HELD_COLUMNS)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def md_escape(value: Any) -> str:
    """Escape text for a Markdown table cell (one line, no HTML, no table breaks)."""
    text = " ".join(str(value if value is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


#: A source written "text <url>" (:func:`stance.diff._evidence`): its text and its web address.
_SOURCE_URL = re.compile(r"^(?P<text>.*?)\s*<(?P<url>https?://[^<>\s]+)>$", re.DOTALL)


#: Claim kinds whose text is the speaker's own words (shown in quotation marks).
VERBATIM_KINDS = frozenset({"direct", "partial", "baseline"})
#: How a baseline file marks a statement that is not verbatim: "(paraphrase; check wording
#: before citing)" in its ``source`` (docs/baseline.md).
_PARAPHRASE = re.compile(r"\(\s*paraphrase\b", re.IGNORECASE)


def wording(kind: Any, source: Any = "") -> str:
    """How a claim's text relates to the speaker's words.

    Returns:
        ``""`` for the speaker's own words (a quotation, a quoted fragment, a baseline
        statement), ``"reported"`` for the reporter's words (indirect speech, "according to")
        and ``"paraphrase"`` for a baseline statement whose source says it is a paraphrase;
        ``"action"`` for a decision reported without words ("the cabinet approved a bill ...").
    """
    kind = kind if isinstance(kind, str) else ""
    if kind == "action":
        return "action"
    if kind == "baseline":
        return "paraphrase" if _PARAPHRASE.search(source if isinstance(source, str) else "") else ""
    return "" if not kind or kind in VERBATIM_KINDS else "reported"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value: Any) -> dt.date | None:
    import pandas as pd

    if value is None or (isinstance(value, str) and not value) or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _is_month(start: dt.date, end: dt.date) -> bool:
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start.day == 1 and end == following - dt.timedelta(days=1)


def date_label(
    date: Any, period_start: Any = None, period_end: Any = None, date_text: Any = None
) -> str:
    """A claim's date as precisely as its text gives it.

    A day stays ``YYYY-MM-DD``; a statement the text dates to a month is ``Feb 2022``, to a
    year ``2022``, to another period ``2021-01-20 – 2025-01-20 (Biden administration)``, with
    the words that dated it. (``date`` is one day inside such a period, not the day it was
    said.)
    """
    start, end = _day(period_start), _day(period_end)
    if start is None and end is None or start == end:
        day = start or _day(date)
        return day.isoformat() if day else ""
    if start and end and _is_month(start, end):
        return f"{_MONTHS[start.month - 1]} {start.year}"
    if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start and end:
        span = f"{start.isoformat()} – {end.isoformat()}"
    else:
        span = f"from {start.isoformat()}" if start else f"until {end.isoformat()}"
    text = " ".join(date_text.split()) if isinstance(date_text, str) else ""
    return f"{span} ({text})" if text else span


def claim_details(claims: pd.DataFrame, timeline: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per claim id: its ``wording`` (:func:`wording`) and its date label ``when``
    (:func:`date_label`), from the claims table (kind, period) and the timeline (source)."""
    sources: dict[str, Any] = {}
    if not timeline.empty and {"doc_id", "source"} <= set(timeline.columns):
        sources = dict(zip(timeline["doc_id"], timeline["source"], strict=True))
    frames = [f for f in (claims, timeline) if not f.empty and "claim_id" in f.columns]
    out: dict[str, dict[str, str]] = {}
    for frame in frames:
        for row in frame.drop_duplicates("claim_id").to_dict(orient="records"):
            if row["claim_id"] in out:
                continue
            out[row["claim_id"]] = {
                "wording": wording(row.get("kind"), sources.get(row.get("doc_id"), "")),
                "when": date_label(
                    row.get("date"),
                    row.get("period_start"),
                    row.get("period_end"),
                    row.get("date_text"),
                ),
            }
    return out


#: Timeline columns behind a claim's reading of a topic (shown beside each evidence quote).
READING_COLUMNS = ("label", "position", "weight", "hedged", "override")


def claim_readings(timeline: pd.DataFrame) -> dict[tuple[str, str], dict[str, Any]]:
    """(claim id, topic) -> the claim's side, value, weight, hedge and analyst label there,
    and what linked it to the topic (``linked_by``, empty in a timeline without it)."""
    if timeline.empty or not {"claim_id", "topic", *READING_COLUMNS} <= set(timeline.columns):
        return {}
    return {
        (row["claim_id"], row["topic"]): {
            **{k: row[k] for k in READING_COLUMNS},
            "linked_by": row.get("linked_by") or "",
            "no_position": bool(row.get("no_position")),
        }
        for row in timeline.to_dict(orient="records")
    }


def _claim_id(e: Evidence) -> str:
    return f"{e.doc_id}:{e.start_char}-{e.end_char}"


def evidence_view(
    e: Evidence,
    match: ExampleMatch | None,
    stance: str,
    *,
    details: dict[str, str] | None = None,
    reading: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A quote for the report, with the analyst example it reads most like (if any).

    ``close`` is True when that example is at least :data:`stance.examples.CLOSE` similar;
    ``other_side`` when it is close and labelled the other side (favor vs against) from the
    position the quote is evidence of: the quote to read twice. ``wording`` follows the
    quote's own ``kind`` (:func:`wording`); ``when`` comes from ``details``
    (:func:`claim_details`; ``e.date`` without them); ``reading`` is the claim's own reading
    of the topic (:func:`claim_readings`) or ``None``.
    """
    from stance.examples import CLOSE, marks_other_side

    link = _SOURCE_URL.match(e.source or "")
    when = details["when"] if details else (e.date.isoformat() if e.date else "")
    return {
        **{f.name: getattr(e, f.name) for f in dataclasses.fields(e)},
        # the source's own text and its address (written "text <url>"), so the report can link it
        "source_text": link["text"] if link else e.source,
        "url": link["url"] if link else "",
        "match": match,
        "close": match is not None and match.similarity >= CLOSE,
        "other_side": marks_other_side(match, stance),
        "wording": wording(e.kind, e.source),
        "when": when,
        "reading": reading,
    }


def change_note(s: Shift) -> str:
    """What changed in a softening or hardening that keeps its side ("favor → favor")."""
    if s.change not in ("softening", "hardening") or s.before_stance != s.after_stance:
        return ""
    if s.before_position is None or s.after_position is None:
        return ""
    move = abs(abs(s.after_position) - abs(s.before_position))
    return (
        f"Still {s.after_stance}, {'weaker' if s.change == 'softening' else 'stronger'}: "
        f"{s.before_position:+.2f} → {s.after_position:+.2f} (a move of {move:.2f} "
        f"{'toward' if s.change == 'softening' else 'away from'} neutral; "
        f"{MAGNITUDE_STEP:.2f} or more on the same side is flagged)"
    )


def plural(word: str, n: Any) -> str:
    """``word`` for one, ``words`` for any other number."""
    return word if n == 1 else f"{word}s"


def _first_run(data: ReportData) -> bool:
    if data.first_run is not None:
        return data.first_run
    return data.summary.get("run_id") == 1


def _baseline_claims(claims: pd.DataFrame) -> int:
    if claims.empty or not {"kind", "claim_id"} <= set(claims.columns):
        return 0
    return int(claims.loc[claims["kind"] == "baseline", "claim_id"].nunique())


def _claim_rows(
    claims: pd.DataFrame, details: dict[str, dict[str, str]], labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Claims table rows with their wording, date label and topic label."""
    rows = claims.to_dict(orient="records") if not claims.empty else []
    for row in rows:
        row.update(
            details.get(row.get("claim_id"))
            or {"wording": wording(row.get("kind")), "when": date_label(row.get("date"))}
        )
        row["topic_label"] = labels.get(row["topic"], row["topic"])
    return rows


def _overview_rows(overview: pd.DataFrame | None, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The topic overview as template rows (empty positions as ``None``), by government and
    topic name."""
    import pandas as pd

    if overview is None or overview.empty:
        return []
    return [
        {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
        for row in sorted(
            overview.to_dict(orient="records"),
            key=lambda r: (r["actor_name"], labels.get(r["topic"], r["topic"])),
        )
    ]


def _png(fig: Any) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "topic"


def write_report(data: ReportData, out_dir: str | Path) -> dict[str, Path]:
    """Write the report files into ``out_dir``.

    Returns:
        Paths by name: ``markdown``, ``html``, ``shifts``, ``held``, ``claims``,
        ``timeline``, ``run``, ``heatmap`` (when any government has a position), one
        ``figure:<topic>`` per topic with claims, ``examples`` (the example check) when
        ``data.examples`` is given and ``overview`` when ``data.overview`` is.
    """
    import jinja2

    from stance.report.plots import plot_heatmap, plot_topic_timeline

    out = Path(out_dir)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    heat_png = b""
    if data.heatmap.size:  # an empty chart says nothing (and matplotlib warns about it)
        heat_png = _png(plot_heatmap(data.heatmap, title="Latest position by government and topic"))
        (figures / "heatmap.png").write_bytes(heat_png)
        paths["heatmap"] = figures / "heatmap.png"
    topic_figures = []
    topics = list(dict.fromkeys(data.timeline["topic"])) if not data.timeline.empty else []
    for topic in topics:
        label = data.topic_labels.get(topic, topic)
        fig = plot_topic_timeline(
            data.timeline, topic=topic, periods=data.periods, shifts=data.shifts, title=label
        )
        png = _png(fig)
        name = f"timeline-{_slug(topic)}.png"
        (figures / name).write_bytes(png)
        paths[f"figure:{topic}"] = figures / name
        topic_figures.append({"file": name, "label": label, "png": base64.b64encode(png).decode()})

    from stance.examples import check_summary

    checks = {
        c["topic"]: {**c, "label": data.topic_labels.get(c["topic"], c["topic"])}
        for c in check_summary(data.examples)
    }
    details = claim_details(data.claims, data.timeline)
    readings = claim_readings(data.timeline)
    first_run = _first_run(data)

    def view_of(e: Evidence, topic: str, stance: str, match: ExampleMatch | None = None) -> dict:
        cid = _claim_id(e)
        return evidence_view(
            e, match, stance, details=details.get(cid), reading=readings.get((cid, topic))
        )

    shift_views = []
    for s in data.shifts:
        view = dataclasses.asdict(s)
        for key, (stance, quotes) in zip(
            ("evidence_before", "evidence_after"), s.evidence_sides(), strict=True
        ):
            # the strongest quotes on the position's side (stance.diff), shown in date order
            view[key] = [
                view_of(e, s.topic, stance, data.matches.get((s.topic, e.quote)))
                for e in sorted(quotes, key=lambda e: e.date)
            ]
        for key, stance in (
            ("evidence_before", s.before_stance),
            ("evidence_after", s.after_stance),
        ):
            # the statements pulling hardest the other way (stance.diff), strongest first
            view[f"{key}_other"] = [view_of(e, s.topic, stance) for e in getattr(s, f"{key}_other")]
        view["has_matches"] = any(
            e["match"] for e in (*view["evidence_before"], *view["evidence_after"])
        )
        view["check"] = checks.get(s.topic)
        view["held_for"] = describe_duration(s.held_days)
        view["is_new"] = shift_key(s) in data.new_shifts and not first_run
        view["change_note"] = change_note(s)
        shift_views.append(view)
    held_views = [
        {
            **h,
            "quote_after": view_of(h["quote_after"], h["topic"], h["stance"])
            if h.get("quote_after") is not None
            else None,
        }
        for h in data.held
    ]
    claims = data.claims
    rows = _claim_rows(claims, details, data.topic_labels)
    linked = [r for r in rows if r["topic"] != ""]
    unassigned = [r for r in rows if r["topic"] == ""]
    context = {
        "title": data.title,
        "summary": data.summary,
        "first_run": first_run,
        "baseline_claims": _baseline_claims(claims),
        "stance_threshold": STANCE_THRESHOLD,
        "shifts": shift_views,
        "topic_labels": data.topic_labels,
        "topic_figures": topic_figures,
        "heatmap_png": base64.b64encode(heat_png).decode() if heat_png else "",
        "claims": linked,
        "unassigned": unassigned,
        "unregistered": data.unregistered,
        "rejected": list(data.rejected),
        "example_check": list(checks.values()),
        "any_matches": any(v["has_matches"] for v in shift_views),
        "gone": [
            {**dataclasses.asdict(s), "now": data.confidence_now.get(shift_key(s))}
            for s in data.gone_shifts
        ],
        "below": [dataclasses.asdict(s) for s in data.below_threshold],
        "again": [dataclasses.asdict(s) for s in data.again_shifts],
        "overview": _overview_rows(data.overview, data.topic_labels),
        "held": held_views,
    }
    loader = jinja2.FileSystemLoader(TEMPLATES)
    md_env = jinja2.Environment(loader=loader, autoescape=False, keep_trailing_newline=True)
    md_env.filters["md"] = md_escape
    html_env = jinja2.Environment(loader=loader, autoescape=True)
    for env in (md_env, html_env):
        env.filters["plural"] = plural
    markdown = md_env.get_template("report.md.j2").render(**context)
    paths["markdown"] = out / "report.md"
    paths["markdown"].write_text(re.sub(r"\n{3,}", "\n\n", markdown), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(
        html_env.get_template("report.html.j2").render(**context), encoding="utf-8"
    )

    paths["shifts"] = out / "shifts.csv"
    shifts_frame(data.shifts, data.new_shifts).to_csv(paths["shifts"], index=False)
    paths["held"] = out / "held.csv"
    held_frame(data.held).to_csv(paths["held"], index=False)
    if data.overview is not None:
        paths["overview"] = out / "overview.csv"
        data.overview.to_csv(paths["overview"], index=False)
    paths["claims"] = out / "claims.csv"
    data.claims.to_csv(paths["claims"], index=False)
    if data.examples is not None:
        paths["examples"] = out / "examples.csv"
        data.examples.to_csv(paths["examples"], index=False)
    paths["timeline"] = out / "timeline.csv"
    data.timeline.to_csv(paths["timeline"], index=False)
    paths["run"] = out / "run.json"
    paths["run"].write_text(
        json.dumps(data.summary, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return paths
