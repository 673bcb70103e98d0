"""Report writing and figures on the made-up Norland case (no model involved)."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from stance.diff import detect_shifts
from stance.report.plots import plot_heatmap, plot_topic_timeline
from stance.report.render import SHIFT_COLUMNS, ReportData, md_escape, write_report
from stance.timeline import build_timeline
from tests.synthetic import load_documents, load_scored

PERIODS = pd.DataFrame(
    [
        {"name": "Varga administration", "start": "2019-01-15", "end": "2023-01-15"},
        {"name": "Brandt administration", "start": "2023-01-15", "end": None},
    ]
)
EVIL = 'Fine <script>alert("x")</script> and <img src=x onerror=alert(1)> | pipes'


@pytest.fixture(scope="module")
def case():
    docs = load_documents()
    claims, scores = load_scored()
    # one quote carries markup: it must be shown as text everywhere
    claims[0] = dataclasses.replace(claims[0], text=EVIL)
    scores[0] = dataclasses.replace(scores[0], claim_id=claims[0].id)
    timeline = build_timeline(claims, scores, docs)
    timeline["government_name"] = "Norland executive"
    before = timeline[timeline["administration"] == "varga"]
    after = timeline[timeline["administration"] == "brandt"]
    shifts = detect_shifts(
        before, after, names={"norland-executive": "Norland executive"}, min_confidence=0.3
    )
    return timeline, shifts


def _data(timeline, shifts):
    claims = timeline.rename(columns={"label": "stance"}).assign(hedged=False)
    heat = pd.DataFrame({"carbon tax": [-0.9], "trade pact": [0.8]}, index=["Norland executive"])
    summary = {
        "generated": "2026-01-01T00:00:00+00:00",
        "stance_version": "test",
        "model": {"name": "m", "sha256": "0" * 64},
        "codebook": {"name": "c", "version": "1", "sha256": "1" * 64},
        "actors": {"name": "a", "version": "1", "sha256": "2" * 64},
        "documents": 11,
        "documents_new": 11,
        "documents_skipped": 0,
        "documents_rejected": 0,
        "claims": len(claims),
        "claims_linked": len(claims),
        "shifts_new": len(shifts),
        "min_confidence": 0.3,
    }
    return ReportData(
        title="Norland test report",
        summary=summary,
        shifts=shifts,
        claims=claims,
        timeline=timeline,
        periods=PERIODS,
        topic_labels={"norland-carbon-tax": "Carbon tax"},
        heatmap=heat,
        new_shifts={(s.actor, s.topic, s.change) for s in shifts[:1]},
    )


def test_report_files_and_tables(case, tmp_path):
    timeline, shifts = case
    paths = write_report(_data(timeline, shifts), tmp_path)
    for name in ("markdown", "html", "shifts", "claims", "timeline", "run", "heatmap"):
        assert paths[name].exists(), name
    table = pd.read_csv(paths["shifts"])
    assert list(table.columns) == SHIFT_COLUMNS
    assert set(table["change"]) == {"reversal", "softening", "hardening", "new", "dropped"}
    assert table["new_since_last_run"].sum() == 1
    assert json.loads(paths["run"].read_text())["documents"] == 11
    md = paths["markdown"].read_text()
    assert "Carbon tax: reversal (favor → against)" in md
    assert "“has failed families and it will be abolished.”" in md
    assert "![Actor × topic heatmap](figures/heatmap.png)" in md
    fresh = md.split("## New since the last run")[1].split("## Shifts")[0]
    first = shifts[0]
    assert fresh.count("\n- **") == 1 and f": {first.change}**" in fresh


def test_html_is_self_contained_and_escapes_article_text(case, tmp_path):
    timeline, shifts = case
    html = write_report(_data(timeline, shifts), tmp_path)["html"].read_text()
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count('src="data:image/png;base64,') == 1 + timeline["topic"].nunique()
    assert "http://" not in html.split("<body>")[1] and "https://" not in html.split("<body>")[1]


def test_markdown_escapes_cells():
    assert md_escape("a | b\n<c>") == "a \\| b \\<c\\>"


def test_topic_timeline_draws_each_government_and_marks_shifts(case):
    timeline, shifts = case
    fig = plot_topic_timeline(timeline, topic="norland-carbon-tax", periods=PERIODS, shifts=shifts)
    ax = fig.axes[0]
    series = {
        c.get_label(): c.get_offsets()
        for c in ax.collections
        if c.get_label() == "Norland executive"
    }
    points = series["Norland executive"]
    rows = timeline[timeline["topic"] == "norland-carbon-tax"]
    assert len(points) == len(rows)
    assert sorted(points[:, 1].round(3)) == sorted(rows["position"].round(3))
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1  # the reversal
    assert len(ax.patches) == 2  # both administrations shaded
    assert [t.get_text() for t in ax.get_yticklabels()] == ["against", "neutral", "favor"]


def test_heatmap_shows_values():
    heat = pd.DataFrame({"t1": [0.5, float("nan")], "t2": [-0.25, 1.0]}, index=["A", "B"])
    fig = plot_heatmap(heat)
    ax = fig.axes[0]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["+0.50", "+1.00", "-0.25"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]


def test_report_shows_nearest_examples_and_the_example_check(case, tmp_path):
    from stance.examples import CHECK_COLUMNS, ExampleMatch

    timeline, shifts = case
    reversal = next(s for s in shifts if s.change == "reversal")  # favor -> against
    then, now = reversal.evidence_before[0], reversal.evidence_after[0]
    matches = {
        (reversal.topic, then.quote): ExampleMatch(
            reversal.topic, "We back the tax.", "favor", 0.91
        ),
        (reversal.topic, now.quote): ExampleMatch(reversal.topic, "Keep the tax.", "favor", 0.78),
    }
    # a far example (below stance.examples.CLOSE) on the other side marks nothing
    far = reversal.evidence_after[1].quote
    matches[(reversal.topic, far)] = ExampleMatch(reversal.topic, "Keep it.", "favor", 0.55)
    checked = pd.DataFrame(
        [
            ["norland-carbon-tax", "favor", "favor", True, 0.9, 0.05, 0.05, "We back the tax."],
            ["norland-carbon-tax", "against", "favor", False, 0.6, 0.3, 0.1, EVIL],
            ["norland-carbon-tax", "favor", "favor", True, 0.8, 0.1, 0.1, "Keep the tax."],
        ],
        columns=CHECK_COLUMNS,
    )
    data = dataclasses.replace(_data(timeline, shifts), examples=checked, matches=matches)
    paths = write_report(data, tmp_path)
    md = paths["markdown"].read_text()
    section = md.split("### Norland executive · Carbon tax: reversal")[1].split("\n### ")[0]
    assert "reads most like (analyst example)" in section
    assert "“We back the tax.” (favor, similarity 0.91) |" in section  # then: favor, as read
    # now: the position is "against" but the quote's nearest example is a favor one
    assert "“Keep the tax.” (favor, similarity 0.78) **⚠ other side** |" in section
    assert "“Keep it.” (favor, similarity 0.55, not close) |" in section
    assert "the model reads 2 of 3 of this topic's examples as labelled" in section
    check = md.split("## How the model reads the codebook's examples")[1].split("## Figures")[0]
    assert "| Carbon tax | 3 | 2 | against → favor: “Fine \\<script\\>" in check
    assert pd.read_csv(paths["examples"])["agrees"].tolist() == [True, False, True]
    html = paths["html"].read_text()
    assert "reads most like (analyst example)" in html and "⚠ other side" in html
    assert "<script>" not in html
    # without readings the report has neither column nor section
    plain = write_report(_data(timeline, shifts), tmp_path / "plain")
    text = plain["markdown"].read_text()
    assert "reads most like" not in text and "codebook's examples" not in text
    assert "examples" not in plain


def test_a_report_with_no_positions_says_so_instead_of_an_empty_chart(case, tmp_path, recwarn):
    timeline, _ = case
    data = dataclasses.replace(
        _data(timeline.iloc[:0], []), heatmap=pd.DataFrame(), claims=pd.DataFrame()
    )
    paths = write_report(data, tmp_path)
    assert "heatmap" not in paths and not (tmp_path / "figures" / "heatmap.png").exists()
    for name in ("markdown", "html"):
        assert (
            "No positions yet: no claim is linked to a codebook topic." in paths[name].read_text()
        )
    assert "data:image/png" not in paths["html"].read_text()
    assert not [w for w in recwarn if "singular" in str(w.message)]  # matplotlib stays quiet


def test_evidence_sources_link_to_their_address(case, tmp_path):
    timeline, shifts = case
    first = shifts[0]
    quote = first.evidence_before[0]
    linked = dataclasses.replace(
        quote, source="Remarks to the press, Brussels <https://www.state.gov/remarks_2024>"
    )
    shifts = [dataclasses.replace(first, evidence_before=(linked,)), *shifts[1:]]
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    # markdown: an autolink (not an escaped \<...\>); html: a link, and still no resource loaded
    assert "| Remarks to the press, Brussels <https://www.state.gov/remarks_2024> |" in md
    assert (
        'Brussels <a href="https://www.state.gov/remarks_2024">https://www.state.gov/remarks_2024</a>'
        in html
    )
    assert 'src="http' not in html


def test_an_analysts_label_is_marked_next_to_the_models_reading(case, tmp_path):
    timeline, shifts = case
    data = _data(timeline, shifts)
    claims = data.claims.assign(override="")
    claims.loc[claims.index[0], "override"] = "against"
    paths = write_report(dataclasses.replace(data, claims=claims), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    assert md.count("(analyst's label)") == 1 and html.count("(analyst's label)") == 1
    assert md.count(" (model) |") == 1


def test_each_shift_states_its_positions_on_the_scale(case, tmp_path):
    # "softening (favor → favor)" only makes sense with the two positions beside it
    timeline, shifts = case
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    both = [s for s in shifts if s.before_position is not None and s.after_position is not None]
    assert both
    for s in both:
        line = (
            f"position {s.before_position:+.2f} ({s.n_before} statement"
            f"{'s' if s.n_before != 1 else ''}) → {s.after_position:+.2f} ({s.n_after}), "
            "from −1 against to +1 favor"
        )
        assert line in md and line.replace("position", "Position", 1) in html
