"""Reading a run's store afterwards (`stance compare`, `stance export`): the right store, and
clear refusals where the store is missing, foreign or out of date with the codebook."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

import stance
from stance.errors import ConfigError, InputError
from stance.store import Store
from stance.views import compare, export

COMPARE = {"government": "norland-executive", "baseline": "varga", "current": "brandt"}


@pytest.fixture(scope="module")
def norland(tmp_path_factory, fixtures):
    """The Norland fixture run once into a report folder that its config does not name."""
    here = tmp_path_factory.mktemp("norland")
    synthetic = fixtures / "synthetic"
    # one path where a list is expected: read as that path (not as its characters)
    result = stance.run(
        documents=str(synthetic / "articles.jsonl"),
        codebook=synthetic / "codebook.yaml",
        actors=synthetic / "actors.yaml",
        out_dir=here / "report",
        topic_threshold=0.45,
        min_confidence=0.3,
    )
    assert result.summary["documents_new"] == 11
    return here, synthetic, result


def _config(folder, synthetic, codebook=None, **extra):
    lines = [
        f'documents = ["{synthetic / "articles.jsonl"}"]',
        f'codebook = "{codebook or synthetic / "codebook.yaml"}"',
        f'actors = "{synthetic / "actors.yaml"}"',
        "topic_threshold = 0.45",
        "min_confidence = 0.3",
        *(f'{key} = "{value}"' for key, value in extra.items()),
    ]
    path = folder / f"stance-{len(list(folder.glob('*.toml')))}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_compare_and_export_read_the_store_a_run_wrote_with_out(norland):
    here, synthetic, result = norland
    config = _config(here, synthetic)  # its out_dir ("report" next to it) was not the run's
    with pytest.raises(ConfigError, match="no store yet.*or pass --out"):
        compare(config, **COMPARE)
    shifts = compare(config, **COMPARE, out_dir=here / "report")
    assert set(shifts["topic"]) == set(result.shifts["topic"]) and len(shifts) == 4
    written = export(
        config, format="CSV", output=here / "x" / "claims.csv", out_dir=here / "report"
    )
    assert len(pd.read_csv(written)) == len(pd.read_csv(here / "report" / "claims.csv"))


def test_wrong_requests_are_refused_before_anything_is_read(norland):
    here, synthetic, _ = norland
    config = _config(here, synthetic)
    report = here / "report"
    with pytest.raises(ConfigError, match="--baseline and --current are both 'varga'"):
        compare(config, **{**COMPARE, "current": "varga"}, out_dir=report)
    with pytest.raises(ConfigError, match="--min-confidence 1.5: give a number from 0 to 1"):
        compare(config, **COMPARE, min_confidence=1.5, out_dir=report)
    with pytest.raises(ConfigError, match="--table is for csv and parquet; graphml"):
        export(config, format="graphml", output=here / "g.graphml", table="timeline")
    with pytest.raises(InputError, match="a folder, not a file; pass --output"):
        export(config, format="csv", output=here, out_dir=report)


def test_a_codebook_edited_since_the_run_is_named_not_dropped(norland):
    here, synthetic, _ = norland
    book = here / "edited.yaml"
    text = (synthetic / "codebook.yaml").read_text()
    edited = text.replace(
        "[carbon tax, levy on emissions]", "[carbon tax, levy on emissions, CO2 price]"
    )
    assert edited != text
    book.write_text(edited)
    config = _config(here, synthetic, codebook=book)
    # without the check the carbon-tax reversal would silently vanish from the comparison
    with pytest.raises(ConfigError, match=r"no current scores for topic\(s\) norland-carbon-tax"):
        compare(config, **COMPARE, out_dir=here / "report")
    with pytest.raises(ConfigError, match="run `stance run --config"):
        export(config, format="csv", output=here / "c.csv", out_dir=here / "report")


def test_another_programs_database_is_refused_and_left_as_it_was(norland, tmp_path):
    _, synthetic, _ = norland
    foreign = tmp_path / "crm.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    before = foreign.read_bytes()
    config = _config(tmp_path, synthetic, store=foreign)
    with pytest.raises(
        ConfigError, match=r"another program's SQLite database \(tables: customers\)"
    ):
        compare(config, **COMPARE)
    with pytest.raises(ConfigError, match="another program's"):
        stance.run(documents=[synthetic / "articles.jsonl"], store=foreign)
    assert foreign.read_bytes() == before
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(ConfigError, match="holds no stance data; run `stance run`"):
        compare(_config(tmp_path, synthetic, store=empty), **COMPARE)
    with Store.open(empty) as db:  # a run may make an empty file its store
        assert db.schema_version >= 1


def test_a_comparison_outside_a_run_does_not_claim_shifts_are_old(norland):
    here, synthetic, _ = norland
    shifts = compare(_config(here, synthetic), **COMPARE, out_dir=here / "report")
    # whether a shift is new is a run's statement (against the runs before it); compare makes
    # none, so the column is empty, not False
    assert shifts["new_since_last_run"].isna().all()


def test_changing_the_link_threshold_relinks_a_stored_run(norland, tmp_path):
    _, synthetic, fresh = norland
    kwargs = dict(
        documents=[synthetic / "articles.jsonl"],
        codebook=synthetic / "codebook.yaml",
        actors=synthetic / "actors.yaml",
        out_dir=tmp_path / "report",
        min_confidence=0.3,
    )
    strict = stance.run(**kwargs, topic_threshold=0.95)
    relaxed = stance.run(**kwargs, topic_threshold=0.45)
    # the second run re-links and re-scores: it reads like a fresh run at 0.45, not like 0.95
    assert strict.summary["claims_linked"] < relaxed.summary["claims_linked"]
    assert relaxed.summary["pairs_scored"] > 0
    assert relaxed.summary["claims_linked"] == fresh.summary["claims_linked"]
    assert sorted(relaxed.shifts["topic"]) == sorted(fresh.shifts["topic"])
