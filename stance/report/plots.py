"""Report figures. One function per figure; each takes data and returns a matplotlib Figure.

Nothing here calls ``plt.show()``; the report writer saves the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from stance.records import Shift

_SHADES = ("#e8eef7", "#f7ece3", "#e9f4e6", "#f3e8f4", "#f7f4df")
#: Series colours (matplotlib's tab10), given to governments in name order.
_SERIES = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: A heatmap cell darker than this (|position| above it on RdBu) gets white text.
_DARK_CELL = 0.6
_CHANGE_COLORS = {
    "reversal": "#c0392b",
    "softening": "#d68910",
    "hardening": "#1f618d",
    "new": "#117a65",
    "dropped": "#7f8c8d",
}


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _series_name(rows: pd.DataFrame) -> pd.Series:
    """Who a timeline row is drawn for: its government, else its actor."""
    return rows["government_name"].where(rows["government_name"] != "", rows["actor_name"])


def series_colors(timeline: pd.DataFrame) -> dict[str, str]:
    """One colour per government (or actor without one) over the whole timeline, so a
    government has the same colour in every topic's figure."""
    if timeline.empty:
        return {}
    names = sorted({str(n) for n in _series_name(timeline)})
    return {name: _SERIES[i % len(_SERIES)] for i, name in enumerate(names)}


def _draw_periods(ax: Axes, rows: pd.DataFrame, color: str | None) -> None:
    """A statement dated only to a period ("in February 2022", "the Biden administration
    insisted") is a point on one day of it: draw the period as a line through that point."""
    import pandas as pd

    if not {"period_start", "period_end"} <= set(rows.columns):
        return
    dated = rows[rows["period_start"].notna() & rows["period_end"].notna()]
    dated = dated[dated["period_start"] != dated["period_end"]]
    if not dated.empty:
        ax.hlines(
            dated["position"],
            pd.to_datetime(dated["period_start"]),
            pd.to_datetime(dated["period_end"]),
            color=color,
            alpha=0.45,
            linewidth=2.5,
            zorder=2,
        )


def plot_topic_timeline(
    timeline: pd.DataFrame,
    *,
    topic: str,
    periods: pd.DataFrame | None = None,
    shifts: Sequence[Shift] = (),
    title: str | None = None,
    ax: Axes | None = None,
    colors: dict[str, str] | None = None,
) -> Figure:
    """Stance of each government on one topic over time.

    Args:
        timeline: Claim-level timeline (:func:`stance.timeline.build_timeline`).
        topic: Topic id to draw.
        periods: Administration periods to shade: columns ``name, start, end`` (``end`` may be
            empty for an open period).
        shifts: Flagged shifts; those on ``topic`` are marked at their ``after_date``.
        title: Axes title (default: the topic id).
        ax: Axes to draw on (default: a new Figure).
        colors: Colour of each series by name (default: :func:`series_colors` of the whole
            ``timeline``, the same for every topic).

    Returns:
        The figure. Each government is one scatter series (label = government name), positions
        ``p_favor - p_against`` on the y axis; a statement dated only to a period (columns
        ``period_start``/``period_end``) also gets a line across that period.
    """
    import matplotlib.dates as mdates
    import pandas as pd

    fig, ax = _axes(ax, (9, 3.6))
    colors = colors if colors is not None else series_colors(timeline)
    rows = timeline[timeline["topic"] == topic] if not timeline.empty else timeline
    if periods is not None and not periods.empty and not rows.empty:
        lo, hi = pd.Timestamp(min(rows["date"])), pd.Timestamp(max(rows["date"]))
        pad = max((hi - lo) * 0.08, pd.Timedelta(days=45))
        ax.set_xlim(lo - pad, hi + pad)
        for i, p in enumerate(periods.itertuples()):
            start = pd.Timestamp(p.start)
            end = pd.Timestamp(p.end) if p.end is not None and not pd.isna(p.end) else hi + pad
            if end <= lo - pad or start >= hi + pad:
                continue  # off the axis: no band, no legend entry
            ax.axvspan(start, end, color=_SHADES[i % len(_SHADES)], zorder=0, label=p.name)
    for name, g in rows.groupby(_series_name(rows)):
        sizes = 20 + 60 * g["weight"].to_numpy(dtype=float)
        ax.scatter(
            pd.to_datetime(g["date"]),
            g["position"],
            s=sizes,
            label=str(name),
            color=colors.get(str(name)),
            alpha=0.8,
            zorder=3,
        )
        _draw_periods(ax, g, colors.get(str(name)))
    for s in shifts:
        if s.topic != topic or s.after_date is None:
            continue
        color = _CHANGE_COLORS.get(s.change, "k")
        ax.axvline(pd.Timestamp(s.after_date), color=color, linestyle="--", linewidth=1.2, zorder=2)
        ax.annotate(
            f"{s.change}: {s.actor_name}",
            (pd.Timestamp(s.after_date), -1.0),
            rotation=90,
            fontsize=7,
            color=color,
            ha="right",
            va="bottom",
        )
    ax.axhline(0, color="#999", linewidth=0.6)
    ax.set_ylim(-1.15, 1.2)
    ax.set_yticks([-1, 0, 1], ["against", "neutral", "favor"])
    ax.set_ylabel("position")
    ax.set_title(title or topic, fontsize=10)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(len(handles), 4),
            fontsize=7,
            frameon=False,
        )
    return fig


def plot_heatmap(
    matrix: pd.DataFrame, *, title: str = "Current position", ax: Axes | None = None
) -> Figure:
    """Government × topic heatmap of positions in [-1, 1] (red against, blue favor).

    Args:
        matrix: Rows are governments, columns topics, values positions (NaN where nothing was said).
        title: Axes title.
        ax: Axes to draw on (default: a new Figure).
    """
    import numpy as np

    height = 1.2 + 0.45 * max(len(matrix.index), 1)
    fig, ax = _axes(ax, (4.0 + 1.4 * max(len(matrix.columns), 1), height + 1.0))
    values = matrix.to_numpy(dtype=float) if matrix.size else np.zeros((0, 0))
    image = ax.imshow(np.ma.masked_invalid(values), cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(
        range(len(matrix.columns)),
        [str(c) for c in matrix.columns],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index], fontsize=8)
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            color = "white" if abs(v) > _DARK_CELL else "black"
            ax.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=7, color=color)
    ax.set_title(title, fontsize=10)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    # the scale's meaning on its ticks: no long side label to clip at the figure's edge
    bar.set_ticks([-1, 0, 1], labels=["-1 against", "0 neutral", "+1 favor"], fontsize=7)
    return fig
