"""Report writing and figures on the made-up Norland case (no model involved)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pandas as pd
import pytest

from stance.diff import detect_shifts
from stance.report.plots import plot_heatmap, plot_topic_timeline
from stance.report.render import SHIFT_COLUMNS, ReportData, md_escape, shift_key, write_report
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
        new_shifts={shift_key(s) for s in shifts[:1]},
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
    assert "![Government × topic heatmap](figures/heatmap.png)" in md
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
            f"{'s' if s.n_before != 1 else ''}) → {s.after_position:+.2f} ({s.n_after} statement"
            f"{'s' if s.n_after != 1 else ''})"
        )
        assert line in md and line.replace("position", "Position", 1) in html
    # the scale is explained once, in one minus style, not "from −1 against to +1 favor" each time
    for text in (md, html):
        assert text.count("a position is on the scale -1 (against) … 0 … +1 (favor)") == 1
        assert "from −1 against" not in text and "−" not in text


def _section(md: str, heading: str) -> str:
    return md.split(heading)[1].split("\n### ")[0].split("\n## ")[0]


def test_reported_speech_and_paraphrases_are_not_printed_as_quotations(case, tmp_path):
    # "he later spoke with Zelenskyy" is the reporter's sentence, not Trump's words
    timeline, _ = case
    timeline = timeline.copy()
    reported = timeline["claim_id"] == "nl-2023-02-01:70-115"  # Brandt, carbon tax, Now
    paraphrased = timeline["claim_id"] == "nl-2022-04-05:16-40"  # Varga, carbon tax, Then
    timeline.loc[reported, "kind"] = "reported"
    timeline.loc[paraphrased, "kind"] = "baseline"
    timeline.loc[timeline["doc_id"] == "nl-2022-04-05", "source"] = (
        "Varga speech, 5 April 2022 (paraphrase; check wording before citing)"
    )
    shifts = _shifts(timeline)
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    said = "has failed families and it will be abolished."
    written = "is working and it stays,"
    section = _section(md, "### Norland executive · Carbon tax: reversal")
    assert f"| *reported:* {said} |" in section and f"“{said}”" not in md
    assert f"| *paraphrase:* {written} |" in section and f"“{written}”" not in md
    claims = md.split("## Claims")[1]
    assert f"| *reported:* {said} |" in claims and f"| *paraphrase:* {written} |" in claims
    # a direct quote from the same document keeps its quotation marks
    assert "| “are the only serious path to clean power.” |" in claims
    assert f'<em class="wording">reported:</em> {said}' in html and f"“{said}”" not in html
    assert f'<em class="wording">paraphrase:</em> {written}' in html
    # the convention is stated where the tables are
    for text in (md, html):
        assert "reporter's account of what was said" in text


def test_wording_follows_the_claim_kind():
    from stance.report.render import wording

    assert wording("direct") == wording("partial") == wording("baseline", "Communiqué") == ""
    assert wording("reported") == wording("according_to") == "reported"
    assert wording("action") == "action"  # a decision reported without words
    assert wording("baseline", "G7 (paraphrase of the statement's position; check)") == (
        "paraphrase"
    )


def _shifts(timeline):
    return detect_shifts(
        timeline[timeline["administration"] == "varga"],
        timeline[timeline["administration"] == "brandt"],
        names={"norland-executive": "Norland executive"},
        min_confidence=0.3,
    )


def test_approximate_dates_are_shown_as_periods_not_days(case, tmp_path):
    timeline, shifts = case
    timeline = timeline.copy()
    for column in ("period_start", "period_end", "date_text"):
        if column not in timeline:
            timeline[column] = None
    # "in April 2022" (dated 2022-04-01) and "the Varga administration insisted" (its midpoint)
    month = timeline["claim_id"] == "nl-2022-04-05:16-40"
    term = timeline["claim_id"] == "nl-2019-03-02:67-136"
    timeline.loc[month, ["period_start", "period_end", "date_text"]] = [
        dt.date(2022, 4, 1),
        dt.date(2022, 4, 30),
        "in April 2022",
    ]
    timeline.loc[term, ["period_start", "period_end", "date_text"]] = [
        dt.date(2019, 1, 15),
        dt.date(2023, 1, 15),
        "Varga administration",
    ]
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    section = _section(md, "### Norland executive · Carbon tax: reversal").split("**Then**")[1]
    span = "2019-01-15 – 2023-01-15 (Varga administration)"
    assert "| Ilona Varga | Apr 2022 |" in section and "2022-04-05" not in section
    assert f"| Ilona Varga | {span} |" in section and "2019-03-02" not in section
    assert "| 2023-02-01 |" in section  # an exact day stays a day
    claims = md.split("## Claims")[1]
    assert "| Apr 2022 | Ilona Varga | Carbon tax |" in claims
    assert f"| {span} | Ilona Varga | Carbon tax |" in claims
    assert f"<td>{span}</td>" in html and "<td>Apr 2022</td>" in html


def test_date_label_precision():
    from stance.report.render import date_label

    day = dt.date(2025, 2, 12)
    assert date_label(day) == "2025-02-12"
    assert date_label(day, None, float("nan"), "") == "2025-02-12"
    assert date_label(day, "2022-02-01", "2022-02-28", "in February 2022") == "Feb 2022"
    assert date_label(day, dt.date(2024, 12, 1), dt.date(2024, 12, 31)) == "Dec 2024"
    assert date_label(day, dt.date(2022, 1, 1), dt.date(2022, 12, 31)) == "2022"
    assert date_label(day, dt.date(2024, 6, 14), dt.date(2024, 6, 14)) == "2024-06-14"
    assert (
        date_label(
            dt.date(2023, 1, 20), dt.date(2021, 1, 20), dt.date(2025, 1, 20), "Biden administration"
        )
        == "2021-01-20 – 2025-01-20 (Biden administration)"
    )
    assert date_label(day, dt.date(2022, 2, 24), None) == "from 2022-02-24"


def test_new_and_dropped_shifts_show_their_stance_and_position_in_both_formats(case, tmp_path):
    timeline, shifts = case
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    new = next(s for s in shifts if s.change == "new")
    dropped = next(s for s in shifts if s.change == "dropped")
    now = f"osition now {new.after_position:+.2f} ({new.n_after} statements), none before"
    then = (
        f"osition then {dropped.before_position:+.2f} ({dropped.n_before} statements), "
        "no statement on this topic now"
    )
    for text in (md, html):
        assert now in text and then in text
    assert f": new ({new.after_stance})" in md
    assert f': new\n(<span class="{new.after_stance}">{new.after_stance}</span>)' in html
    assert f": dropped ({dropped.before_stance}, no longer stated)" in md
    assert (
        f': dropped\n(<span class="{dropped.before_stance}">{dropped.before_stance}</span>, '
        "no longer stated)" in html
    )


def test_each_evidence_quote_shows_its_own_reading(case, tmp_path):
    timeline, shifts = case
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    rows = timeline.set_index("claim_id")
    for s in shifts:
        for e in (*s.evidence_before, *s.evidence_after):
            row = rows.loc[f"{e.doc_id}:{e.start_char}-{e.end_char}"]
            read = f"{row['label']} {row['position']:+.2f} · weight {row['weight']:.2f}"
            if row["no_position"]:  # "We have no view on that yet": read neutral by rule
                read += " · takes no side (read by rule)"
            line = next(line for line in md.splitlines() if f"{md_escape(e.quote)}” |" in line)
            assert f"| {read} |" in line
            assert (
                f'<span class="{row["label"]}">{row["label"]}</span> {read.split(" ", 1)[1]}'
                in html
            )
    # the neutral Then quote of the border-fence hardening is shown as read: neutral, and as
    # a statement that takes no side ("We have no view on that yet")
    assert "| neutral +0.01 · weight 1.00 · takes no side (read by rule) |" in md
    for text in (md, html):
        assert "the model's most likely class" in text and "weighted mean" in text


def test_a_same_side_softening_says_what_changed(case, tmp_path):
    timeline, shifts = case
    softer = dataclasses.replace(
        next(s for s in shifts if s.change == "softening"),
        before_stance="favor",
        after_stance="favor",
        before_position=0.86,
        after_position=0.41,
    )
    paths = write_report(_data(timeline, [softer]), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    note = "Still favor, weaker: +0.86 → +0.41 (a move of 0.45 toward neutral"
    assert note in md.split("\n### ")[1].split("\n\n")[1]  # the shift's header line
    assert note in html


def test_counts_are_singular_or_plural_and_a_first_run_says_so(case, tmp_path):
    timeline, shifts = case
    data = _data(timeline, shifts)
    one = dataclasses.replace(data, summary={**data.summary, "documents": 1, "run_id": 1})
    paths = write_report(one, tmp_path / "first")
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    assert "**1** document read" in md and "<strong>1</strong> document read" in html
    for text in (md, html):
        assert "since the last run" not in text.lower()
        assert "first run on this store" in text.lower()
    # the same with the store's answer given outright (a first finished run with run id 2)
    again = dataclasses.replace(data, first_run=True)
    assert (
        "since the last run"
        not in write_report(again, tmp_path / "given")["markdown"].read_text().lower()
    )
    later = dataclasses.replace(data, summary={**data.summary, "run_id": 2})
    md = write_report(later, tmp_path / "later")["markdown"].read_text()
    assert "## New since the last run" in md and "· NEW since the last run" in md
    assert "**11** documents read" in md and "**5** shifts flagged" in md


def test_claims_table_shows_topic_labels_and_evidence_is_in_date_order(case, tmp_path):
    timeline, shifts = case
    reversal = next(s for s in shifts if s.change == "reversal")
    # strength order (stance.diff) may put a later quote first; the report lists them by date
    flipped = dataclasses.replace(reversal, evidence_before=reversal.evidence_before[::-1])
    md = write_report(_data(timeline, [flipped]), tmp_path)["markdown"].read_text()
    claims = md.split("## Claims")[1]
    assert "| Carbon tax |" in claims and "norland-carbon-tax" not in claims
    then = _section(md, "### Norland executive · Carbon tax: reversal").split("**Now**")[0]
    dates = [e.date.isoformat() for e in reversal.evidence_before]
    assert [d for d in re.findall(r"\| (\d{4}-\d\d-\d\d) \|", then)] == sorted(dates)
    assert "in date order" in md


def test_a_government_keeps_its_colour_in_every_figure(case):
    from matplotlib.colors import to_hex

    timeline, _ = case
    timeline = timeline.copy()
    # a second government that speaks on one topic only: it must not take the first's colour
    other = timeline["claim_id"] == "nl-2023-11-03:88-139"
    timeline.loc[other, "government_name"] = "Atlantic League"

    def colours(topic):
        ax = plot_topic_timeline(timeline, topic=topic).axes[0]
        return {c.get_label(): to_hex(c.get_facecolor()[0]) for c in ax.collections}

    trade, carbon = colours("norland-trade-pact"), colours("norland-carbon-tax")
    assert set(trade) == {"Norland executive", "Atlantic League"}
    assert trade["Norland executive"] == carbon["Norland executive"]
    assert trade["Atlantic League"] != trade["Norland executive"]


def test_heatmap_text_is_readable_and_its_scale_fits():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex

    heat = pd.DataFrame(
        {"Carbon tax": [-1.0, 0.25], "Regional trade pact": [0.96, float("nan")]},
        index=["Norland executive", "Atlantic League"],
    )
    fig = plot_heatmap(heat)
    colours = {t.get_text(): to_hex(t.get_color()) for t in fig.axes[0].texts}
    assert colours == {"-1.00": "#ffffff", "+0.96": "#ffffff", "+0.25": "#000000"}
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    bar = fig.axes[1]
    labels = [t for t in bar.get_yticklabels() if t.get_text()]
    assert [t.get_text() for t in labels] == ["-1 against", "0 neutral", "+1 favor"]
    for text in [*labels, bar.yaxis.label]:
        if text.get_text():
            assert text.get_window_extent(renderer).x1 <= fig.bbox.x1  # not clipped


def test_a_period_band_off_the_axis_is_not_in_the_legend(case):
    # the fishing quotas were last mentioned in Oct 2022: the axis ends before Brandt's term
    timeline, _ = case
    ax = plot_topic_timeline(timeline, topic="norland-fishing-quotas", periods=PERIODS).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Varga administration" in labels and "Brandt administration" not in labels


def test_statements_pulling_the_other_way_are_listed_under_the_evidence(case, tmp_path):
    timeline, _ = case
    row = timeline[timeline["claim_id"] == "nl-2023-02-01:70-115"].assign(
        claim_id="nl-2023-02-01:900-922",
        text="the tax has its merits",
        label="favor",
        position=0.6,
        start_char=900,
        end_char=922,
    )
    timeline = pd.concat([timeline, row], ignore_index=True)
    shifts = _shifts(timeline)
    paths = write_report(_data(timeline, shifts), tmp_path)
    md, html = paths["markdown"].read_text(), paths["html"].read_text()
    section = _section(md, "### Norland executive · Carbon tax: reversal")
    now, pulling = section.split("**Now**")[1].split("*Now, pulling the other way*")
    assert "the tax has its merits" not in now
    assert "| “the tax has its merits” | favor +0.60 · weight" in pulling
    assert "<em>Now, pulling the other way</em>" in html and "the tax has its merits" in html
    frame = pd.read_csv(paths["shifts"])
    carbon = frame[frame["topic"] == "norland-carbon-tax"].iloc[0]
    assert carbon["evidence_after_other"].startswith("“the tax has its merits” — Otto Brandt")


def test_shift_tables_mark_the_reporters_words_too():
    import datetime as dt

    from stance.records import Evidence
    from stance.report.render import format_evidence

    day = dt.date(2025, 2, 12)
    cell = format_evidence(
        [
            Evidence("NATO membership was unrealistic", "Pete Hegseth", day, "AP", kind="reported"),
            Evidence("it's unlikely", "Pete Hegseth", day, "AP", kind="direct"),
        ]
    )
    assert cell == (
        "reported: NATO membership was unrealistic — Pete Hegseth, 2025-02-12, AP"
        " | “it's unlikely” — Pete Hegseth, 2025-02-12, AP"
    )


def test_a_statement_dated_to_a_period_is_drawn_across_it(case):
    import datetime as dt

    from matplotlib.collections import LineCollection
    from matplotlib.dates import date2num

    timeline, _ = case
    timeline = timeline.copy()
    # "the Varga government insisted ..." in a later article: dated to Varga's term
    past = timeline["claim_id"] == "nl-2022-04-05:16-40"
    timeline["period_start"] = None
    timeline["period_end"] = None
    timeline.loc[past, "period_start"] = dt.date(2019, 1, 15)
    timeline.loc[past, "period_end"] = dt.date(2023, 1, 15)
    ax = plot_topic_timeline(timeline, topic="norland-carbon-tax").axes[0]
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    ((start, y0), (end, y1)) = lines.get_segments()[0]
    assert (start, end) == (date2num(dt.date(2019, 1, 15)), date2num(dt.date(2023, 1, 15)))
    assert y0 == y1 == timeline.loc[past, "position"].iloc[0]
