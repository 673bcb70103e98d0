"""notebooks/explore.ipynb runs top to bottom with the packaged model and shows what it promises."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
FIXTURE = ROOT / "fixtures" / "synthetic"


def _text(cell) -> str:
    """Everything a cell printed or displayed as text (stdout and text/plain results)."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream" and out["name"] == "stdout":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def _tagged(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    return cells[0]


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed in a fresh kernel from its own folder; (notebook, scratch folder)."""
    from nbclient import NotebookClient

    work = tmp_path_factory.mktemp("explore")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        # the kernel inherits the environment: keep its scratch files under pytest's tmp dir
        mp.setenv("STANCE_EXPLORE_DIR", str(work))
        mp.setenv("HF_HUB_OFFLINE", "1")
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        client.execute()  # raises CellExecutionError (with the traceback) if any cell fails
    return nb, work


def test_flags_the_carbon_tax_reversal(executed):
    nb, _ = executed
    shifts = _text(_tagged(nb, "shifts"))
    assert re.search(r"norland-carbon-tax\s+reversal\s+favor", shifts), shifts
    compared = _text(_tagged(nb, "compare"))
    assert re.search(r"norland-carbon-tax\s+reversal", compared), compared


def test_evidence_drill_down_shows_each_quote_in_its_article_sentence(executed):
    nb, _ = executed
    out = _text(_tagged(nb, "evidence"))
    head, *blocks = out.split("\n\n")
    m = re.match(
        r"Norland executive on (norland-[a-z-]+): (reversal|softening|hardening|new|dropped)", head
    )
    assert m, out
    assert blocks, out
    articles = {
        a["id"]: a["text"]
        for a in map(json.loads, (FIXTURE / "articles.jsonl").read_text().splitlines())
    }
    changeover = dt.date(2023, 1, 15)  # Varga -> Brandt
    for block in blocks:
        header, sentence = block.strip("\n").split("\n")
        side, date, doc_id = re.match(
            r"(THEN|NOW)  (\S+)  .*; (\S+), chars \d+-\d+\)$", header
        ).groups()
        assert (dt.date.fromisoformat(date) < changeover) == (side == "THEN"), block
        # the quote is marked inside the sentence the offsets lead to, in the real article
        quote = re.search(r"\[\[(.+)\]\]", sentence)[1]
        assert quote in articles[doc_id]
        assert sentence.strip().replace("[[", "").replace("]]", "") in articles[doc_id]
        assert len(sentence.strip()) > len(quote) + 4  # more than the quote: its sentence


def test_editing_one_topic_rescoring_only_that_topic(executed):
    nb, _ = executed
    out = _text(_tagged(nb, "rescore"))
    m = re.search(
        r"pairs_scored: (\d+) \(= (\d+) claims x 1 edited topic\); documents re-read: 0", out
    )
    assert m, out
    assert int(m[1]) == int(m[2]) > 0
    assert re.search(r"norland-trade-pact\s+2\n", out)
    assert re.search(r"norland-carbon-tax\s+1\n", out)


def test_plots_are_displayed_and_files_written(executed):
    nb, work = executed
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 2  # the topic timeline and the heatmap
    assert "image/png" in _tagged(nb, "plot").outputs[0]["data"]
    claims = pd.read_csv(work / "claims.csv", keep_default_na=False)
    assert "norland-carbon-tax" in set(claims["topic"])
    assert (work / "network.graphml").stat().st_size > 0
    assert (work / "report" / "report.html").exists()


def test_checks_the_model_on_examples_and_finds_the_nearest_one(executed):
    nb, _ = executed
    out = _text(_tagged(nb, "examples"))
    m = re.search(r"read as labelled: (\d+) of (\d+)", out)
    assert m and int(m[2]) == 3 and 0 <= int(m[1]) <= 3, out
    # the reversal's "now" quote (the tax "will be abolished") reads like an against example
    assert re.search(r"reads most like the against example “[^”]+” \(similarity 0\.\d\d\)", out)
