"""The GPU job's hand-back: what it copies to the folder that comes back from the device."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from stance.model.evaluate import CONTRAST_FILE, NEWS_FILES
from stance.model.gpu_job import CONFIGS, NEWS_REPEAT, _news_rows, _score_news, _write
from stance.model.metrics import CLASSES


def _fake_run(root, name: str, mean: float) -> dict:
    folder = root / "work" / name
    folder.mkdir(parents=True)
    for file in ("lora.safetensors", "head.json", "meta.json"):
        (folder / file).write_text(f"{name} {file}")
    return {"name": name, "artifact": str(folder), "dev": {"mean": mean}}


def test_the_best_candidate_comes_back_by_default(tmp_path):
    runs = [_fake_run(tmp_path, n, m) for n, m in (("a", 0.8), ("b", 0.79), ("c", 0.7))]
    summary = _write(tmp_path / "out", runs, [], {}, time.time())
    assert summary["best"] == "a"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["best", "summary.json"]
    assert (tmp_path / "out" / "best" / "head.json").read_text() == "a head.json"


def test_keep_returns_the_best_runs_encoders_for_an_ensemble(tmp_path):
    runs = [_fake_run(tmp_path, n, m) for n, m in (("a", 0.8), ("b", 0.79), ("c", 0.7))]
    _write(tmp_path / "out", runs, [], {}, time.time(), keep=2)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["run_a", "run_b", "summary.json"]
    assert sorted(p.name for p in (out / "run_b").iterdir()) == ["lora.safetensors", "meta.json"]
    assert (out / "run_b" / "lora.safetensors").read_text() == "b lora.safetensors"
    # two files per member and the summary: three members and a log fit the device's 8 files
    assert len([p for p in out.rglob("*") if p.is_file()]) == 2 * 2 + 1
    assert json.loads((out / "summary.json").read_text())["best"] == "a"


def test_news_rows_are_each_hand_written_row_repeated_as_training_rows():
    rows = _news_rows(["news_dev"])
    source = pd.read_csv(CONTRAST_FILE.with_name("news_dev.csv"))
    assert len(rows) == NEWS_REPEAT * len(source)
    assert set(rows["split"]) == {"train"} and set(rows["dataset"]) == {"news"}
    counts = rows.groupby(["target", "text", "label"]).size()
    assert (counts == NEWS_REPEAT).all() and len(counts) == len(source)


def test_every_news_config_names_hand_written_sets_and_never_the_reserved_judge():
    named = {n for config in CONFIGS.values() for n in config.get("news", [])}
    assert named, "at least one config trains on news rows"
    for name in named:
        assert CONTRAST_FILE.with_name(f"{name}.csv").is_file()
    assert not named & {"news_test", "news_test2", "news_test3", "news_test7"}


def _reading(side_of):
    """A proba function that puts 0.9 on ``side_of(row)`` for each row."""

    def proba(rows):
        out = np.full((len(rows), len(CLASSES)), 0.05)
        for i, row in enumerate(rows.itertuples()):
            out[i, CLASSES.index(side_of(row))] = 0.9
        return out

    return proba


def test_news_figures_read_commitments_and_reversals_by_the_likelier_side():
    right = _score_news(_reading(lambda row: row.label))
    assert set(right) == {p.stem for p in NEWS_FILES}
    assert not set(right) & {"news_test2", "news_test3"}  # kept for the choice
    assert all(v == {"commitment": 1.0, "reversal": 1.0} for v in right.values())
    # a model that reads every statement as favor gets the commitments only
    favor = _score_news(_reading(lambda row: "favor"))
    assert all(v == {"commitment": 1.0, "reversal": 0.0} for v in favor.values())
