"""End to end on the seed article with the real packaged models: the analyst's expectations."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import stance
from stance.cli import app
from stance.pipeline import CLAIM_COLUMNS, run_config

SHIFT_CONTRACT = [
    "actor",
    "topic",
    "change",
    "before_stance",
    "after_stance",
    "before_date",
    "after_date",
    "confidence",
    "evidence_before",
    "evidence_after",
]
CLAIM_CONTRACT = [
    "doc_id",
    "actor",
    "speaker_text",
    "topic",
    "text",
    "start_char",
    "end_char",
    "stance",
    "p_favor",
    "p_against",
    "p_neutral",
    "date",
]


@pytest.fixture(scope="module")
def seed(tmp_path_factory, fixtures):
    out = tmp_path_factory.mktemp("seed")
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        app,
        ["run", "--config", str(fixtures / "seed" / "stance.toml"), "--out", str(out), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    return out


def _shift(shifts, actor, topic):
    rows = shifts[(shifts["actor"] == actor) & (shifts["topic"] == topic)]
    return rows.iloc[0] if len(rows) else None


def test_report_files_follow_the_contract(seed):
    for name in (
        "report.md",
        "report.html",
        "shifts.csv",
        "claims.csv",
        "run.json",
        "figures/heatmap.png",
    ):
        assert (seed / name).exists(), name
    shifts = pd.read_csv(seed / "shifts.csv")
    claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)
    assert list(shifts.columns[: len(SHIFT_CONTRACT)]) == SHIFT_CONTRACT or set(
        SHIFT_CONTRACT
    ) <= set(shifts.columns)
    assert set(CLAIM_CONTRACT) <= set(claims.columns)
    assert set(shifts["change"]) <= {"reversal", "softening", "hardening", "new", "dropped"}
    assert set(claims["stance"]) <= {"favor", "against", "neutral", ""}


def test_us_nato_membership_reversed_with_trump_and_hegseth_as_now_evidence(seed):
    shifts = pd.read_csv(seed / "shifts.csv")
    s = _shift(shifts, "us-executive", "ukraine-nato-membership")
    assert s is not None, shifts[["actor", "topic", "change"]]
    assert (s["change"], s["before_stance"], s["after_stance"]) == ("reversal", "favor", "against")
    assert "Donald Trump" in s["evidence_after"] and "Pete Hegseth" in s["evidence_after"]
    assert (
        "Ukraine’s future is in NATO" in s["evidence_before"]
        or "Ukraine's future is in NATO" in s["evidence_before"]
    )
    assert s["confidence"] >= 0.5
    assert s["after_date"] == "2025-02-12"


def test_kyiv_full_participation_reversed_or_softened(seed):
    shifts = pd.read_csv(seed / "shifts.csv")
    s = _shift(shifts, "us-executive", "kyiv-full-participant")
    assert s is not None and s["change"] in ("reversal", "softening", "dropped")
    assert s["before_stance"] == "favor"


def test_russia_nato_position_not_flagged(seed):
    shifts = pd.read_csv(seed / "shifts.csv")
    assert _shift(shifts, "russian-government", "ukraine-nato-membership") is None


def test_attributions_on_the_seed(seed):
    claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)

    def speaker_of(fragment):
        rows = claims[claims["text"].str.contains(fragment, regex=False)]
        assert len(rows), fragment
        return set(rows["actor"])

    assert speaker_of("I don’t think it’s practical to have it, personally") == {"donald-trump"}
    assert speaker_of("NATO membership was unrealistic for Ukraine") == {"pete-hegseth"}
    assert "volodymyr-zelenskyy" in speaker_of("a meaningful conversation")
    past = claims[claims["text"].str.contains("full participant", regex=False)].iloc[0]
    assert past["administration"] == "biden" and past["date"] < "2025-01-20"


def test_offsets_point_into_the_article(seed, fixtures):
    from stance.ingest import read_documents

    doc = read_documents([fixtures / "seed" / "articles"]).documents[0]
    claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)
    mine = claims[claims["doc_id"] == doc.id]
    assert len(mine) >= 10
    for row in mine.itertuples():
        assert doc.text[row.start_char : row.end_char] == row.text


def test_run_json_records_identity_and_counts(seed):
    summary = json.loads((seed / "run.json").read_text())
    assert summary["documents"] == 1 and summary["documents_rejected"] == 0
    assert len(summary["model"]["sha256"]) == 64
    assert len(summary["codebook"]["sha256"]) == 64 and len(summary["actors"]["sha256"]) == 64
    assert summary["stance_version"] == stance.__version__


def test_second_run_does_no_work_and_new_article_only_processes_it(tmp_path, fixtures):
    articles = tmp_path / "articles"
    shutil.copytree(fixtures / "seed" / "articles", articles)
    config = tmp_path / "stance.toml"
    config.write_text(
        (fixtures / "seed" / "stance.toml").read_text().replace('"articles/"', f'"{articles}"')
    )
    first = run_config(config, out_dir=tmp_path / "out", progress=False)
    assert first.summary["documents_new"] == 1
    again = run_config(config, out_dir=tmp_path / "out", progress=False)
    assert (again.summary["documents_new"], again.summary["documents_skipped"]) == (0, 1)
    assert again.summary["model_loaded"] is False and again.summary["pairs_scored"] == 0
    assert again.summary["shifts_new"] == 0
    assert "Nothing new" in (tmp_path / "out" / "report.md").read_text()
    assert len(again.shifts) == len(first.shifts)
    (articles / "later.md").write_text(
        "---\ndate: 2025-03-01\ntitle: Later\n---\n"
        "\u201cUkraine will never join NATO,\u201d Defense Secretary Pete Hegseth said on Saturday.\n"
    )
    (articles / "broken.md").write_bytes(b"---\ndate: 2025-03-02\n---\nCaf\xe9 \xff\xfe text\n")
    third = run_config(config, out_dir=tmp_path / "out", progress=False)
    assert (third.summary["documents_new"], third.summary["documents_skipped"]) == (1, 1)
    assert third.summary["documents_rejected"] == 1
    assert "broken.md" in third.summary["rejected"][0]["source"]
    assert "UTF-8" in third.summary["rejected"][0]["reason"]


def test_python_api_returns_frames(tmp_path, fixtures):
    result = stance.run(
        documents=[fixtures / "seed" / "articles"],
        baseline=["stance:baselines/us-russia-ukraine-2021-2024.yaml"],
    )
    assert list(result.claims.columns) == CLAIM_COLUMNS
    assert {"actor", "topic", "change"} <= set(result.shifts.columns)
    assert not result.timeline.empty and result.paths == {}


def test_committed_example_report_matches_a_fresh_run(seed, fixtures):
    """reports/seed is the first thing users see: it must match what the code produces.

    Regenerate it with ``stance run --config fixtures/seed/stance.toml`` (after deleting
    reports/seed) and review the diff.
    """
    committed = fixtures.parent / "reports" / "seed"
    key = ["actor", "topic", "change", "before_stance", "after_stance"]
    fresh = pd.read_csv(seed / "shifts.csv", keep_default_na=False)[key]
    kept = pd.read_csv(committed / "shifts.csv", keep_default_na=False)[key]
    assert sorted(map(tuple, fresh.to_numpy())) == sorted(map(tuple, kept.to_numpy()))
    fresh_claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)
    kept_claims = pd.read_csv(committed / "claims.csv", keep_default_na=False)
    cols = ["claim_id", "actor", "topic", "stance"]
    assert fresh_claims[cols].equals(kept_claims[cols])


def test_report_checks_the_codebook_examples_and_shows_the_nearest_one(seed):
    from stance.codebook import Codebook

    checked = pd.read_csv(seed / "examples.csv", keep_default_na=False)
    book = Codebook.load()  # the packaged codebook the seed run uses
    assert len(checked) == len(book.examples_frame())
    assert set(checked["topic"]) == {t.id for t in book.topics if t.examples()}
    summary = json.loads((seed / "run.json").read_text())["example_check"]
    agree = int(checked["agrees"].astype(str).eq("True").sum())
    assert (summary["examples"], summary["read_as_labelled"]) == (len(checked), agree)
    md = (seed / "report.md").read_text()
    assert "## How the model reads the codebook's examples" in md
    nato = md.split("### US executive · Ukraine's NATO membership: reversal")[1].split("\n### ")[0]
    # Hegseth's "unrealistic" reads most like one of the analyst's against examples
    row = next(line for line in nato.splitlines() if "NATO membership was unrealistic" in line)
    assert "(against, similarity" in row and "other side" not in row
    marked = [line for line in md.splitlines() if line.startswith("| ") and "⚠ other side" in line]
    assert summary["quotes_marked_other_side"] == len(marked) > 0


def test_runs_score_without_the_off_topic_guard(seed):
    # the topic linker linked this reported claim to NATO membership through its context; the
    # guard, which sees the text alone (no policy named), would make it neutral (p 0.95)
    from stance.model import StanceModel

    text = "Hegseth had said “it’s unlikely or impractical"
    nato = "Ukraine should become a member of NATO"
    model = StanceModel.load()
    assert model.predict([text], [nato])[0] == "neutral"
    assert model.unguarded().predict([text], [nato])[0] == "against"
    claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)
    rows = claims[(claims["text"] == text) & (claims["topic"] == "ukraine-nato-membership")]
    assert rows["stance"].tolist() == ["against"]
    identity = json.loads((seed / "run.json").read_text())["model"]
    assert identity["off_topic_guard"].startswith("unused")


def test_examples_vote_in_a_run_but_are_checked_without_their_vote(fixtures):
    args = {
        "documents": [fixtures / "seed" / "articles"],
        "baseline": ["stance:baselines/us-russia-ukraine-2021-2024.yaml"],
    }
    plain = stance.run(**args)
    voted = stance.run(**args, adapt_to_examples=True)
    assert (plain.summary["model"]["topic_examples"], voted.summary["model"]["topic_examples"]) == (
        "unused",
        "vote",
    )
    # the check reads the examples with the plain model: the vote would grade itself
    assert voted.examples.equals(plain.examples)
    key = ["actor", "topic", "change"]
    assert sorted(map(tuple, voted.shifts[key].to_numpy())) == sorted(
        map(tuple, plain.shifts[key].to_numpy())
    )
    # the vote moves scores: the Biden administration's "full participant" line reads otherwise
    merged = plain.claims.merge(voted.claims, on=["claim_id", "topic"], suffixes=("", "_voted"))
    assert (merged["p_favor"] != merged["p_favor_voted"]).any()


def test_the_same_article_under_another_id_counts_once_and_is_listed(tmp_path, fixtures):
    import stance

    article = next((fixtures / "seed" / "articles").glob("*.md"))
    folder = tmp_path / "articles"
    folder.mkdir()
    text = article.read_text(encoding="utf-8")
    assert "\nid: trump-putin-ukraine-2025-02-12\n" in text
    (folder / "wire.md").write_text(text, encoding="utf-8")
    copy = text.replace("\nid: trump-putin-ukraine-2025-02-12\n", "\nid: wire-copy\n")
    (folder / "wire-copy.md").write_text(copy, encoding="utf-8")
    result = stance.run(documents=[folder], out_dir=tmp_path / "out")
    assert result.summary["documents_new"] == 1 and result.summary["documents_rejected"] == 1
    (rejected,) = result.summary["rejected"]
    assert rejected["source"].endswith("wire.md")  # files are read in name order
    assert "same date, title and text as document 'wire-copy'" in rejected["reason"]
    # a second run: the copy is still listed, the original is unchanged
    again = stance.run(documents=[folder], out_dir=tmp_path / "out")
    assert again.summary["documents_skipped"] == 1 and again.summary["documents_rejected"] == 1


def test_russias_unchanged_opposition_is_reported_as_a_position_that_held(seed):
    # the analyst's expectation for the seed: "Russia's opposition to Ukraine joining NATO is
    # unchanged"; the comparison says so, it is not only the absence of a shift
    held = pd.read_csv(seed / "held.csv", keep_default_na=False)
    row = held[
        (held["actor"] == "russian-government") & (held["topic"] == "ukraine-nato-membership")
    ]
    assert len(row) == 1 and row.iloc[0]["stance"] == "against"
    assert row.iloc[0]["after_period"] == "Putin's fifth term"
    assert "renounce its intention to join NATO" in row.iloc[0]["quote_after"]
    # the quote says who said it and when, as the report does
    assert " — President Vladimir Putin, 2024-06-14, Speech" in row.iloc[0]["quote_after"]
    md = (seed / "report.md").read_text()
    assert "## Positions that held" in md
    assert "| Russian government | Ukraine's NATO membership | against |" in md
    summary = json.loads((seed / "run.json").read_text())
    assert summary["positions_held"] == len(held)


def test_claims_and_timeline_numbers_read_as_numbers(seed):
    claims = pd.read_csv(seed / "claims.csv", keep_default_na=False)
    timeline = pd.read_csv(seed / "timeline.csv")
    # speaker offsets are whole numbers, or empty for baseline statements: never "2271.0"
    offsets = claims["speaker_start_char"].astype(str)
    assert (offsets == "").any() and not offsets.str.contains(r"\.").any()
    # positions carry no float noise ("-0.4416999999999999")
    assert (timeline["position"].astype(str).str.len() <= len("-0.123456")).all()


def test_every_topic_compared_is_listed_once(seed):
    overview = pd.read_csv(seed / "overview.csv", keep_default_na=False)
    shifts = pd.read_csv(seed / "shifts.csv", keep_default_na=False)
    held = pd.read_csv(seed / "held.csv", keep_default_na=False)
    assert not overview.duplicated(["actor", "topic", "before_period"]).any()
    flagged = overview[overview["outcome"] == "flagged"]
    assert set(zip(flagged["actor"], flagged["topic"], strict=True)) == set(
        zip(shifts["actor"], shifts["topic"], strict=True)
    )
    kept = overview[overview["outcome"] == "held"]
    assert set(kept["topic"]) == set(held["topic"])
    md, html = (seed / "report.md").read_text(), (seed / "report.html").read_text()
    table = md.split("## Every topic compared")[1].split("\n## ")[0]
    assert "| US executive | Ukraine's NATO membership | Biden administration: +0.7" in table
    assert '<h2 id="overview">Every topic compared</h2>' in html
