"""Write a shift report: report.md, self-contained report.html, PNG figures, CSV and JSON tables.

Every piece of article text goes through jinja2's autoescaping in the HTML (and through a
Markdown cell escaper in report.md), so a quote containing ``<script>`` is shown, never run.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.diff import describe_duration

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
    new_shifts: set[tuple[str, str, str]] = field(default_factory=set)
    #: shifts the last finished run flagged and this one does not (e.g. a position reverted)
    gone_shifts: Sequence[Shift] = ()
    #: positions that held (stance.views.held_positions)
    held: Sequence[dict[str, Any]] = ()
    unregistered: list[dict[str, Any]] = field(default_factory=list)
    rejected: Sequence[Rejected] = ()
    #: the plain model's reading of the codebook's examples (stance.examples.CHECK_COLUMNS)
    examples: pd.DataFrame | None = None
    #: (topic, quote) -> the analyst example the quote reads most like
    matches: dict[tuple[str, str], ExampleMatch] = field(default_factory=dict)


def shift_key(s: Shift) -> tuple[str, str, str]:
    """Identity of a shift across runs: actor, topic and change."""
    return (s.actor, s.topic, s.change)


def format_evidence(evidence: Sequence[Any]) -> str:
    """One-cell text for a list of evidence quotes: ``“quote” — speaker, date, source | ...``."""
    return " | ".join(f"“{e.quote}” — {e.speaker}, {e.date}, {e.source}" for e in evidence)


def shifts_frame(
    shifts: Sequence[Shift], new: set[tuple[str, str, str]] | None = None
) -> pd.DataFrame:
    """Shifts as a table with :data:`SHIFT_COLUMNS` (evidence flattened to text).

    ``new`` holds the keys of the shifts a run flagged for the first time; without it (a
    comparison outside a run) ``new_since_last_run`` is left empty rather than False.
    """
    import pandas as pd

    rows = []
    for s in shifts:
        row = {c: getattr(s, c) for c in SHIFT_COLUMNS if hasattr(s, c)}
        row["evidence_before"] = format_evidence(s.evidence_before)
        row["evidence_after"] = format_evidence(s.evidence_after)
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
    """:func:`stance.views.held_positions` as a table (quotes as text)."""
    import pandas as pd

    rows = [
        {
            **h,
            **{k: h[k].quote if h[k] is not None else "" for k in ("quote_before", "quote_after")},
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


def evidence_view(e: Evidence, match: ExampleMatch | None, stance: str) -> dict[str, Any]:
    """A quote for the report, with the analyst example it reads most like (if any).

    ``close`` is True when that example is at least :data:`stance.examples.CLOSE` similar;
    ``other_side`` when it is close and labelled the other side (favor vs against) from the
    position the quote is evidence of: the quote to read twice.
    """
    from stance.examples import CLOSE, marks_other_side

    link = _SOURCE_URL.match(e.source or "")
    return {
        **{f.name: getattr(e, f.name) for f in dataclasses.fields(e)},
        # the source's own text and its address (written "text <url>"), so the report can link it
        "source_text": link["text"] if link else e.source,
        "url": link["url"] if link else "",
        "match": match,
        "close": match is not None and match.similarity >= CLOSE,
        "other_side": marks_other_side(match, stance),
    }


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
        Paths by name: ``markdown``, ``html``, ``shifts``, ``claims``, ``timeline``, ``run``,
        ``heatmap`` (when any government has a position), one ``figure:<topic>`` per topic
        with claims, and ``examples`` (the example check) when ``data.examples`` is given.
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
    shift_views = []
    for s in data.shifts:
        view = dataclasses.asdict(s)
        for key, (stance, quotes) in zip(
            ("evidence_before", "evidence_after"), s.evidence_sides(), strict=True
        ):
            view[key] = [
                evidence_view(e, data.matches.get((s.topic, e.quote)), stance) for e in quotes
            ]
        view["has_matches"] = any(
            e["match"] for e in (*view["evidence_before"], *view["evidence_after"])
        )
        view["check"] = checks.get(s.topic)
        view["held_for"] = describe_duration(s.held_days)
        view["is_new"] = shift_key(s) in data.new_shifts
        shift_views.append(view)
    claims = data.claims
    linked = claims[claims["topic"] != ""].to_dict(orient="records") if not claims.empty else []
    unassigned = claims[claims["topic"] == ""].to_dict(orient="records") if not claims.empty else []
    context = {
        "title": data.title,
        "summary": data.summary,
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
        "gone": list(data.gone_shifts),
        "held": list(data.held),
    }
    loader = jinja2.FileSystemLoader(TEMPLATES)
    md_env = jinja2.Environment(loader=loader, autoescape=False, keep_trailing_newline=True)
    md_env.filters["md"] = md_escape
    html_env = jinja2.Environment(loader=loader, autoescape=True)
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
