"""What a scheduled run does with inputs that changed since the store's last run: edited or
removed baseline statements, articles moved out of the feed, a renamed file."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import stance

BASELINE = """\
name: test-baseline
statements:
  - id: vilnius
    actor: us-executive
    date: 2023-07-11
    text: "Ukraine's future is in NATO."
    topic: ukraine-nato-membership
{label}"""


@pytest.fixture()
def feed(tmp_path, fixtures):
    """A feed folder with the seed article, saved without its `id:` (the id is the file name)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    text = next((fixtures / "seed" / "articles").glob("*.md")).read_text(encoding="utf-8")
    (folder / "wire-a.md").write_text(
        text.replace("\nid: trump-putin-ukraine-2025-02-12\n", "\n"), encoding="utf-8"
    )
    return folder


def _claims(result) -> pd.DataFrame:
    return result.claims[result.claims["kind"] == "baseline"]


def test_editing_or_removing_a_baseline_statement_takes_effect(tmp_path, feed):
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(BASELINE.format(label=""))
    kwargs = dict(documents=[feed], out_dir=tmp_path / "out")
    first = stance.run(**kwargs, baseline=[baseline])
    (row,) = _claims(first).itertuples()
    assert row.override == "" and row.stance == "favor"
    # the analyst labels it: the stored claim is replaced and the label counts
    baseline.write_text(BASELINE.format(label="    label: against\n"))
    labelled = stance.run(**kwargs, baseline=[baseline])
    (row,) = _claims(labelled).itertuples()
    assert row.override == "against" and row.stance == "against"
    assert labelled.summary["pairs_scored"] > 0
    # the file leaves the config: its statement leaves the timeline
    dropped = stance.run(**kwargs)
    assert _claims(dropped).empty and dropped.summary["baseline_statements_removed"] == 1


def test_articles_moved_out_of_the_feed_are_counted_and_can_be_forgotten(tmp_path, feed):
    text = (feed / "wire-a.md").read_text(encoding="utf-8")
    (feed / "wire-z.md").write_text(text + "\nA second day's paragraph.\n", encoding="utf-8")
    kwargs = dict(out_dir=tmp_path / "out")
    first = stance.run(documents=[feed], **kwargs)
    assert first.summary["documents_not_in_input"] == 0
    parked = tmp_path / "parked"
    parked.mkdir()
    (feed / "wire-z.md").rename(parked / "wire-z.md")
    kept = stance.run(documents=[feed], **kwargs)
    # the store is an archive: the article still counts, and the summary names it
    assert kept.summary["documents_not_in_input"] == 1
    assert kept.summary["documents_not_in_input_ids"] == ["wire-z"]
    assert set(kept.claims["doc_id"]) == {"wire-a", "wire-z"}
    # a file still there but unreadable now is in the input, not missing
    (feed / "wire-a.md").write_text(text.replace("date:", "dated:", 1), encoding="utf-8")
    refused = stance.run(documents=[feed, parked], **kwargs)
    assert refused.summary["documents_rejected"] == 1
    assert refused.summary["documents_not_in_input"] == 0
    (feed / "wire-a.md").write_text(text, encoding="utf-8")
    # an empty feed (an unmounted share) forgets nothing, even when asked to forget
    empty = tmp_path / "empty"
    empty.mkdir()
    idle = stance.run(documents=[empty], forget_missing=True, **kwargs)
    assert idle.summary["documents_forgotten"] == 0 and len(idle.claims) == len(first.claims)
    forgotten = stance.run(documents=[feed], forget_missing=True, **kwargs)
    assert forgotten.summary["documents_forgotten"] == 1
    assert set(forgotten.claims["doc_id"]) == {"wire-a"}


def test_a_renamed_file_is_read_as_a_rename_not_as_a_copy(tmp_path, feed):
    baseline = ["stance:baselines/us-russia-ukraine-2021-2024.yaml"]
    kwargs = dict(documents=[feed], baseline=baseline, out_dir=tmp_path / "out")
    first = stance.run(**kwargs)
    assert first.summary["shifts_new"] == 3
    shutil.move(feed / "wire-a.md", feed / "wire-b.md")
    renamed = stance.run(**kwargs)
    assert renamed.summary["documents_rejected"] == 0
    assert renamed.summary["documents_renamed"] == 1
    assert renamed.summary["documents_not_in_input"] == 0
    assert set(renamed.claims["doc_id"]) - {
        c for c in renamed.claims["doc_id"] if c.startswith("baseline/")
    } == {"wire-b"}
    assert len(renamed.claims) == len(first.claims)
    assert renamed.summary["shifts_new"] == 0  # the same shifts: no second alert
    # a real copy next to it is still refused
    shutil.copy(feed / "wire-b.md", feed / "wire-c.md")
    copied = stance.run(**kwargs)
    assert copied.summary["documents_rejected"] == 1
    assert (
        "same date, title and text as document 'wire-b'" in copied.summary["rejected"][0]["reason"]
    )


def test_a_model_that_does_not_fit_the_base_encoder_is_refused_even_with_nothing_to_score(
    tmp_path, feed
):
    import json

    from stance.errors import ModelMismatchError
    from stance.model.artifact import default_artifact_dir

    kwargs = dict(documents=[feed], out_dir=tmp_path / "out")
    stance.run(**kwargs)
    copy = tmp_path / "model"
    shutil.copytree(default_artifact_dir(), copy)
    meta = json.loads((copy / "meta.json").read_text())
    real = meta["base_model"]["sha256"]
    meta["base_model"]["sha256"] = real[:-1] + ("1" if real.endswith("0") else "0")
    (copy / "meta.json").write_text(json.dumps(meta))
    # the weights are the packaged ones, so its scores look stored already; the check must not
    # wait for a new document to load the model
    with pytest.raises(
        ModelMismatchError, match="trained on base encoder sha256 [0-9a-f]{64}, but"
    ):
        stance.run(**kwargs, model=copy)


def test_dated_reports_keep_every_run_of_a_day_and_one_store(tmp_path, feed):
    import datetime as dt

    kwargs = dict(documents=[feed], out_dir=tmp_path / "out", dated_reports=True)
    first = stance.run(**kwargs)
    (feed / "wire-a.md").write_text(
        (feed / "wire-a.md").read_text(encoding="utf-8") + "\nA late paragraph.\n",
        encoding="utf-8",
    )
    second = stance.run(**kwargs)
    day = dt.date.today().isoformat()
    assert first.paths["markdown"].parent == tmp_path / "out" / day
    assert second.paths["markdown"].parent == tmp_path / "out" / f"{day}-2"
    assert first.paths["markdown"].exists()  # not overwritten
    assert (tmp_path / "out" / "stance.sqlite").exists()
    assert second.summary["documents_changed"] == 1 and second.summary["documents_new"] == 1


def test_a_shift_the_last_run_flagged_and_this_one_does_not_is_named(tmp_path, feed):
    baseline = ["stance:baselines/us-russia-ukraine-2021-2024.yaml"]
    kwargs = dict(documents=[feed], out_dir=tmp_path / "out")
    first = stance.run(**kwargs, baseline=baseline)
    assert first.summary["shifts"] == 3 and first.summary["shifts_no_longer_flagged"] == 0
    assert "## First run on this store" in first.paths["markdown"].read_text()
    # the baseline leaves the config: there is nothing to compare with, so no shift is left
    second = stance.run(**kwargs)
    assert second.summary["shifts"] == 0 and second.summary["shifts_no_longer_flagged"] == 3
    md = second.paths["markdown"].read_text()
    assert "First run on this store" not in md
    assert "**No longer flagged** (the last run flagged these" in md
    assert "Ukraine's NATO membership: reversal (favor → against)" in md.split("## Shifts")[0]
    assert "No longer flagged" in second.paths["html"].read_text()
    third = stance.run(**kwargs)  # said once: the run before this one flagged nothing
    assert third.summary["shifts_no_longer_flagged"] == 0


def test_a_run_that_reads_nothing_does_not_swallow_the_alerts_of_a_killed_one(tmp_path, feed):
    import sqlite3

    baseline = ["stance:baselines/us-russia-ukraine-2021-2024.yaml"]
    kwargs = dict(baseline=baseline, out_dir=tmp_path / "out")
    assert stance.run(documents=[feed], **kwargs).summary["shifts_new"] == 3
    with sqlite3.connect(tmp_path / "out" / "stance.sqlite") as conn:  # killed before its report
        conn.execute("UPDATE runs SET finished = NULL")
    text = (feed / "wire-a.md").read_text(encoding="utf-8")
    (feed / "wire-a.md").write_text(text.replace("date:", "dated:", 1), encoding="utf-8")
    broken = stance.run(documents=[feed], **kwargs)  # `stance run` exits 2 on this one
    assert broken.summary["documents_rejected"] == 1
    (feed / "wire-a.md").write_text(text, encoding="utf-8")
    fixed = stance.run(documents=[feed], **kwargs)
    assert fixed.summary["shifts_new"] == 3  # still news: no finished run reported them
    # and its report says so: the store's only earlier run never finished
    assert "## First run on this store" in fixed.paths["markdown"].read_text()
    assert stance.run(documents=[feed], **kwargs).summary["shifts_new"] == 0


def test_raising_the_threshold_says_why_a_shift_is_no_longer_flagged(tmp_path, feed):
    baseline = ["stance:baselines/us-russia-ukraine-2021-2024.yaml"]
    kwargs = dict(documents=[feed], baseline=baseline, out_dir=tmp_path / "out")
    first = stance.run(**kwargs)
    assert first.summary["shifts"] == 3 and first.summary["shifts_below_threshold"] == 0
    strict = stance.run(**kwargs, min_confidence=0.9)
    # the softening on Kyiv's place at the table (0.62) is still seen, just not flagged
    assert strict.summary["shifts"] == 2 and strict.summary["shifts_below_threshold"] == 1
    (row,) = strict.below_threshold.itertuples()
    assert (row.topic, row.change) == ("kyiv-full-participant", "softening")
    assert 0.2 <= row.confidence < 0.9
    md = strict.paths["markdown"].read_text()
    assert "a shift is flagged at a confidence of 0.9 or more" in md
    gone = md.split("**No longer flagged**")[1].split("\n\n")[1]
    assert "Kyiv at the negotiating table: softening" in gone
    assert f"now {row.confidence:.2f} (below the threshold)" in gone
    below = md.split("## Below the confidence threshold")[1].split("\n## ")[0]
    assert "US executive · Kyiv at the negotiating table: softening (favor → favor)" in below
    html = strict.paths["html"].read_text()
    assert '<h2 id="below">Below the confidence threshold</h2>' in html
    # back to the old threshold: the softening is flagged again, which is not new but is said
    relaxed = stance.run(**kwargs)
    assert relaxed.summary["shifts_new"] == 0 and relaxed.summary["shifts_flagged_again"] == 1
    again = relaxed.paths["markdown"].read_text().split("**Flagged again**")[1].split("\n\n")[1]
    assert again.startswith("- US executive · Kyiv at the negotiating table: softening")
    assert "<strong>Flagged again</strong>" in relaxed.paths["html"].read_text()
