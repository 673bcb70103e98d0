"""The GPU job's hand-back: what it copies to the folder that comes back from the device."""

from __future__ import annotations

import json
import time

from stance.model.gpu_job import _write


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
