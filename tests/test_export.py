"""Tests for the DNA, CSV/Parquet and GraphML exports."""

from __future__ import annotations

import csv
import datetime as dt

import networkx as nx
import pandas as pd
import pytest

from stance.export import DNA_COLUMNS, export_dna, export_graphml, export_table
from stance.records import Claim, Document, Shift, StanceScore, from_frame, to_frame

DNA_HEADER = (
    "statement_id;time;person;organization;concept;agreement;start_position;stop_position;"
    "text;coder;document_id;document_title;document_author;document_source;document_section;"
    "document_type"
)
TRICKY = 'We will "pause" aid; full stop.\nNo more; "none".'


def _claim(doc_id, text, start, *, actor, speaker, day, government="us"):
    return Claim(
        doc_id=doc_id, text=text, start_char=start, end_char=start + len(text),
        date=day, speaker=speaker, speaker_text=speaker, actor=actor,
        government=government, kind="direct", cue="said",
    )  # fmt: skip


@pytest.fixture
def frames():
    d1 = Document("d1", dt.date(2025, 3, 4), "x" * 200, title="Aid; paused", author="A. Writer",
                  outlet="Wire", source="/data/d1.txt")  # fmt: skip
    d2 = Document("d2", dt.date(2021, 6, 1), "y" * 200, title="Aid flows", outlet="Post")
    c1 = _claim("d1", TRICKY, 10, actor="hegseth", speaker="Pete Hegseth", day=d1.date)
    c2 = _claim("d2", "We stand with Ukraine.", 5, actor="blinken", speaker="Antony Blinken",
                day=d2.date)  # fmt: skip
    c3 = _claim("d1", "We are reviewing it.", 120, actor="hegseth", speaker="Pete Hegseth",
                day=d1.date)  # fmt: skip
    scores = [
        StanceScore(c1.id, "ukraine_aid", 0.9, "against", 0.1, 0.8, 0.1),
        StanceScore(c1.id, "tariffs", 0.1, "", 0.0, 0.0, 0.0),  # looked at, not linked
        StanceScore(c2.id, "ukraine_aid", 0.95, "favor", 0.9, 0.05, 0.05),
        StanceScore(c3.id, "ukraine_aid", 0.7, "neutral", 0.2, 0.2, 0.6),
    ]
    return to_frame([c1, c2, c3], Claim), to_frame(scores, StanceScore), to_frame([d1, d2])


def _read_dna(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def test_dna_header_is_exact(tmp_path, frames):
    path = export_dna(*frames, tmp_path / "dna" / "statements.csv")
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == DNA_HEADER
    assert ";".join(DNA_COLUMNS) == DNA_HEADER


def test_dna_rows_round_trip_with_tricky_text(tmp_path, frames):
    path = export_dna(
        *frames,
        tmp_path / "statements.csv",
        topic_labels={"ukraine_aid": "Military aid to Ukraine"},
        government_names={"us": "United States"},
    )
    rows = _read_dna(path)
    # Neutral and unlinked rows are left out; rows are in time order.
    assert [r["person"] for r in rows] == ["Antony Blinken", "Pete Hegseth"]
    blinken, hegseth = rows
    assert blinken["time"] == "2021-06-01 00:00:00"
    assert blinken["agreement"] == "1" and hegseth["agreement"] == "0"
    assert hegseth["text"] == TRICKY
    assert hegseth["start_position"] == "10"
    assert hegseth["stop_position"] == str(10 + len(TRICKY))
    assert hegseth["organization"] == "United States"
    assert hegseth["concept"] == "Military aid to Ukraine"
    assert hegseth["document_title"] == "Aid; paused"
    assert hegseth["document_source"] == "Wire"
    assert hegseth["coder"] == "stance"
    assert [r["statement_id"] for r in rows] == ["1", "2"]


def test_dna_falls_back_to_ids(tmp_path, frames):
    rows = _read_dna(export_dna(*frames, tmp_path / "s.csv"))
    assert {r["concept"] for r in rows} == {"ukraine_aid"}
    assert {r["organization"] for r in rows} == {"us"}


def test_dna_refuses_mixed_models(tmp_path, frames):
    claims, scores, documents = frames
    twice = pd.concat([scores, scores])
    with pytest.raises(ValueError, match="model_id"):
        export_dna(claims, twice, documents, tmp_path / "s.csv")


def test_dna_of_no_claims_is_header_only(tmp_path):
    empty = export_dna(
        to_frame([], Claim), to_frame([], StanceScore), to_frame([], Document), tmp_path / "e.csv"
    )
    assert empty.read_text(encoding="utf-8") == DNA_HEADER + "\n"


def test_graphml_reads_back_with_edge_attributes(tmp_path, frames):
    claims, scores, _ = frames
    path = export_graphml(
        claims, scores, tmp_path / "net.graphml", actor_names={"hegseth": "Secretary Hegseth"}
    )
    graph = nx.read_graphml(path)
    assert graph.nodes["actor:hegseth"] == {"kind": "actor", "label": "Secretary Hegseth",
                                           "bipartite": 0}  # fmt: skip
    assert graph.nodes["actor:blinken"]["label"] == "Antony Blinken"
    assert graph.nodes["topic:ukraine_aid"]["kind"] == "topic"
    assert "topic:tariffs" not in graph  # only linked pairs make edges
    edge = graph.edges["actor:hegseth", "topic:ukraine_aid"]
    assert edge["n_claims"] == 2
    assert (edge["favor"], edge["against"], edge["neutral"]) == (0, 1, 1)
    assert edge["agreement"] == pytest.approx(((0.1 - 0.8) + (0.2 - 0.2)) / 2)
    assert graph.edges["actor:blinken", "topic:ukraine_aid"]["agreement"] == pytest.approx(0.85)
    assert graph.number_of_edges() == 2


def test_table_csv_and_parquet_round_trip(tmp_path, frames):
    claims, scores, _ = frames
    parquet = export_table(claims, tmp_path / "claims.parquet", format="parquet")
    assert from_frame(pd.read_parquet(parquet), Claim) == from_frame(claims, Claim)
    out = export_table(scores, tmp_path / "t" / "scores.csv", format="csv")
    back = pd.read_csv(out, keep_default_na=False)
    assert list(back.columns) == list(scores.columns)
    assert back["p_against"].tolist() == scores["p_against"].tolist()
    assert back["label"].tolist() == scores["label"].tolist()
    text_csv = export_table(claims, tmp_path / "claims.csv", format="csv")
    assert pd.read_csv(text_csv)["text"].tolist() == claims["text"].tolist()


def test_table_writes_shift_evidence_as_json_in_csv(tmp_path):
    shift = Shift("us", "United States", "ukraine_aid", "reversal", "favor", "against",
                  0.7, -0.7, None, None, None, None, 0.8)  # fmt: skip
    frame = to_frame([shift])
    frame.at[0, "evidence_before"] = [{"quote": "a;b", "date": "2024-01-01"}]
    back = pd.read_csv(export_table(frame, tmp_path / "shifts.csv"))
    assert back.loc[0, "evidence_before"] == '[{"quote": "a;b", "date": "2024-01-01"}]'


def test_table_rejects_unknown_format(tmp_path, frames):
    with pytest.raises(ValueError, match="csv or parquet"):
        export_table(frames[0], tmp_path / "claims.xlsx")


def test_exports_take_the_store_frames(tmp_path, frames):
    from stance.store import Store

    claims, scores, documents = frames
    with Store.open(":memory:") as store:
        store.put_documents(from_frame(documents, Document))
        for doc_id, group in claims.groupby("doc_id"):
            store.put_claims(doc_id, from_frame(group, Claim), extractor_version="x1")
        hashes = {"ukraine_aid": "h1", "tariffs": "h2"}
        store.put_scores(from_frame(scores, StanceScore), model_id="m", topic_hashes=hashes)
        store.put_scores(from_frame(scores, StanceScore), model_id="m2", topic_hashes=hashes)
        args = (store.claims_frame(), store.scores_frame(model_id="m"), store.documents_frame())
    direct = _read_dna(export_dna(*frames, tmp_path / "direct.csv"))
    assert _read_dna(export_dna(*args, tmp_path / "stored.csv")) == direct
    graph = nx.read_graphml(export_graphml(args[0], args[1], tmp_path / "n.graphml"))
    assert graph.edges["actor:hegseth", "topic:ukraine_aid"]["n_claims"] == 2
