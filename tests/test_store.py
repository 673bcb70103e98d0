"""Tests for the SQLite store: round-trips, incremental runs, migrations and shift newness."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import numpy as np
import pytest

from stance import store as store_module
from stance.errors import ConfigError
from stance.records import Claim, Document, Evidence, Shift, StanceScore, from_frame
from stance.store import SCHEMA_VERSION, Store

DAY = dt.date(2025, 3, 4)


def make_doc(
    doc_id: str = "d1", text: str = 'Hegseth said "we will halt aid to Kyiv."'
) -> Document:
    return Document(
        id=doc_id, date=DAY, text=text, title="Aid paused", url="https://x.test/a",
        outlet="Wire", author="A. Writer", source=f"/data/{doc_id}.txt",
    )  # fmt: skip


def make_claim(doc_id: str = "d1", start: int = 14, end: int = 39, **kw) -> Claim:
    fields = dict(
        doc_id=doc_id, text="we will halt aid to Kyiv.", start_char=start, end_char=end,
        date=DAY, speaker_text="Hegseth", speaker_start_char=0, speaker_end_char=7,
        speaker="Pete Hegseth", actor="hegseth", government="us", administration="trump2",
        period_start=dt.date(2022, 2, 1), period_end=None, date_text=None, kind="direct",
        cue="said", hedged=True, sentence_start=0, sentence_end=40,
    )  # fmt: skip
    return Claim(**{**fields, **kw})


def score(claim: Claim, topic: str = "ukraine_aid", label: str = "against") -> StanceScore:
    return StanceScore(claim.id, topic, 0.9, label, 0.1, 0.8, 0.1)


def make_shift(topic: str = "ukraine_aid", change: str = "reversal") -> Shift:
    ev = Evidence("we will halt aid", "Pete Hegseth", DAY, "Wire", "d1", 14, 39)
    return Shift(
        actor="us", actor_name="United States", topic=topic, change=change,
        before_stance="favor", after_stance="against", before_position=0.7,
        after_position=-0.7, before_date=dt.date(2024, 5, 1), after_date=DAY,
        held_since=dt.date(2022, 2, 24), held_days=1104, confidence=0.83,
        evidence_before=(ev,), evidence_after=(ev, ev),
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "sub" / "stance.sqlite") as s:
        yield s


def test_open_creates_file_with_wal_and_current_schema(tmp_path):
    path = tmp_path / "a" / "b" / "stance.sqlite"
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert path.exists()
    with Store.open(":memory:") as s:
        assert s.schema_version == SCHEMA_VERSION


def test_document_round_trip_and_idempotence(store):
    doc = make_doc()
    assert store.document_status(doc) == "new"
    store.put_document(doc)
    assert store.documents() == [doc]
    assert store.document_status(doc) == "same"
    store.put_document(doc)
    assert store.document_status(doc) == "same"
    assert len(store.documents_frame()) == 1
    # Moving the file does not change the content hash.
    moved = dataclasses.replace(doc, source="/elsewhere/d1.txt")
    assert store.document_status(moved) == "same"
    assert store.document_status(dataclasses.replace(doc, title="Aid resumed")) == "changed"
    assert store.document_status(dataclasses.replace(doc, date=dt.date(2025, 3, 5))) == "changed"


def test_claims_round_trip_and_frames(store):
    store.put_document(make_doc())
    claims = [make_claim(), make_claim(start=0, end=7, text="Hegseth", hedged=False)]
    store.put_claims("d1", claims, extractor_version="x1")
    got = store.claims()
    assert sorted(got, key=lambda c: c.start_char) == sorted(claims, key=lambda c: c.start_char)
    assert store.claims(["d1"]) == got
    assert store.claims(["other"]) == []
    frame = store.claims_frame()
    assert set(frame["claim_id"]) == {c.id for c in claims}
    assert from_frame(frame, Claim) == got
    assert from_frame(store.documents_frame(), Document) == [make_doc()]


def test_has_claims_counts_empty_extraction_and_depends_on_version(store):
    store.put_document(make_doc())
    assert not store.has_claims("d1", extractor_version="x1")
    store.put_claims("d1", [], extractor_version="x1")
    assert store.has_claims("d1", extractor_version="x1")
    assert not store.has_claims("d1", extractor_version="x2")


def test_put_claims_replaces_claims_and_their_scores(store):
    store.put_document(make_doc())
    old = make_claim()
    store.put_claims("d1", [old], extractor_version="x1")
    store.put_scores([score(old)], model_id="m", topic_hashes={"ukraine_aid": "h"})
    new = make_claim(start=0, end=7, text="Hegseth")
    store.put_claims("d1", [new], extractor_version="x2")
    assert store.claims() == [new]
    assert store.scores(model_id="m", topic_hashes={"ukraine_aid": "h"}) == []
    assert store.has_claims("d1", extractor_version="x2")


def test_put_claims_rejects_unknown_document_and_foreign_claims(store):
    with pytest.raises(ValueError, match="put_document"):
        store.put_claims("nope", [], extractor_version="x1")
    store.put_document(make_doc())
    with pytest.raises(ValueError, match="another document"):
        store.put_claims("d1", [make_claim(doc_id="d2")], extractor_version="x1")


def test_changed_document_drops_claims_and_scores(store):
    doc = make_doc()
    store.put_document(doc)
    claim = make_claim()
    store.put_claims("d1", [claim], extractor_version="x1")
    store.put_scores([score(claim)], model_id="m", topic_hashes={"ukraine_aid": "h"})
    other = make_doc("d2")
    store.put_document(other)
    store.put_claims("d2", [make_claim("d2")], extractor_version="x1")

    changed = dataclasses.replace(doc, text=doc.text + " He later denied it.")
    assert store.put_documents([changed, other]) == ["changed", "same"]
    assert store.documents(["d1"]) == [changed]
    assert store.claims(["d1"]) == []
    assert not store.has_claims("d1", extractor_version="x1")
    assert store.scored_pairs(model_id="m", topic_hashes={"ukraine_aid": "h"}) == set()
    # The unchanged document keeps its claims.
    assert store.has_claims("d2", extractor_version="x1")
    assert len(store.claims(["d2"])) == 1


def test_scores_round_trip_with_unlinked_rows(store):
    store.put_document(make_doc())
    a, b = make_claim(), make_claim(start=0, end=7, text="Hegseth")
    store.put_claims("d1", [a, b], extractor_version="x1")
    hashes = {"ukraine_aid": "h1", "tariffs": "h2"}
    linked = StanceScore(a.id, "ukraine_aid", 0.9, "against", 0.1, 0.8, 0.1, override="against")
    unlinked = StanceScore(b.id, "tariffs", 0.05, "", 0.0, 0.0, 0.0)
    store.put_scores([linked, unlinked], model_id="m", topic_hashes=hashes)
    assert store.scores(model_id="m", topic_hashes=hashes) == [linked]
    assert set(store.scores(model_id="m", topic_hashes=hashes, linked_only=False)) == {
        linked,
        unlinked,
    }
    assert store.scored_pairs(model_id="m", topic_hashes=hashes) == {
        (a.id, "ukraine_aid"),
        (b.id, "tariffs"),
    }
    assert store.scored_pairs(model_id="other-model", topic_hashes=hashes) == set()
    # Rescoring the same pair replaces the row instead of duplicating it.
    store.put_scores(
        [dataclasses.replace(linked, label="neutral")], model_id="m", topic_hashes=hashes
    )
    assert [s.label for s in store.scores(model_id="m", topic_hashes=hashes)] == ["neutral"]
    frame = store.scores_frame()
    assert len(frame) == 2
    assert set(frame["model_id"]) == {"m"}
    assert len(store.scores_frame(topic_hashes=hashes, linked_only=True)) == 1


def test_scored_pairs_follow_topic_hash_changes(store):
    store.put_document(make_doc())
    claim = make_claim()
    store.put_claims("d1", [claim], extractor_version="x1")
    old = {"ukraine_aid": "h1", "tariffs": "h2"}
    store.put_scores(
        [score(claim, "ukraine_aid"), score(claim, "tariffs", label="")],
        model_id="m",
        topic_hashes=old,
    )
    edited = {"ukraine_aid": "h1-edited", "tariffs": "h2"}
    assert store.scored_pairs(model_id="m", topic_hashes=edited) == {(claim.id, "tariffs")}
    assert store.scores(model_id="m", topic_hashes=edited) == []
    # Scores under the edited definition sit beside the old ones.
    store.put_scores([score(claim, "ukraine_aid", "favor")], model_id="m", topic_hashes=edited)
    assert [s.label for s in store.scores(model_id="m", topic_hashes=edited)] == ["favor"]
    assert [s.label for s in store.scores(model_id="m", topic_hashes=old)] == ["against"]


def test_put_scores_rejects_missing_hash_and_unknown_claim(store):
    store.put_document(make_doc())
    claim = make_claim()
    store.put_claims("d1", [claim], extractor_version="x1")
    with pytest.raises(ValueError, match="no topic hash"):
        store.put_scores([score(claim)], model_id="m", topic_hashes={})
    ghost = dataclasses.replace(claim, start_char=99)
    with pytest.raises(ValueError, match="d1:99-39"):
        store.put_scores(
            [score(claim), score(ghost)], model_id="m", topic_hashes={"ukraine_aid": "h"}
        )
    # The failed batch left nothing behind.
    assert store.scores_frame().empty


def test_runs_record_config_and_summary(store):
    run_id = store.begin_run(config={"store": "stance.sqlite", "topics": ["a"]})
    frame = store.runs()
    assert list(frame["run_id"]) == [run_id]
    assert frame["finished"].isna().all()
    store.finish_run(run_id, {"documents_new": 3, "shifts_new": 1})
    row = store.runs().iloc[0]
    assert row["documents_new"] == 3 and row["shifts_new"] == 1
    assert row["finished"] >= row["started"]
    assert store.run_config(run_id) == {"store": "stance.sqlite", "topics": ["a"]}
    assert store.begin_run(config={}) == run_id + 1


def test_numpy_numbers_are_stored_as_plain_numbers(store):
    store.put_document(make_doc())
    claim = make_claim()
    store.put_claims("d1", [claim], extractor_version="x1")
    row = StanceScore(claim.id, "t", np.float32(0.5), "favor", np.float32(0.75), 0.125, 0.125)
    store.put_scores([row], model_id="m", topic_hashes={"t": "h"})
    (got,) = store.scores(model_id="m", topic_hashes={"t": "h"})
    assert (got.topic_score, got.p_favor) == (0.5, 0.75)
    run_id = store.begin_run(config={"n": np.int64(3)})
    store.put_shifts(run_id, [dataclasses.replace(make_shift(), confidence=np.float32(0.5))])
    store.finish_run(run_id, {"shifts": np.int64(1)})
    assert store.shifts()[0].confidence == 0.5
    assert store.runs().iloc[0]["shifts"] == 1
    assert store.run_config(run_id) == {"n": 3}


def test_runs_frame_of_empty_store_has_columns(store):
    assert list(store.runs().columns) == ["run_id", "started", "finished"]


def test_put_shifts_reports_new_shifts_across_runs(store):
    reversal, new_topic = make_shift(), make_shift(topic="tariffs", change="new")
    r1 = store.begin_run(config={})
    assert store.put_shifts(r1, [reversal]) == [reversal]
    store.finish_run(r1, {})
    r2 = store.begin_run(config={})
    # Same key with other figures is not new; another key is.
    drifted = dataclasses.replace(reversal, confidence=0.9, after_position=-0.9)
    assert store.put_shifts(r2, [drifted, new_topic]) == [new_topic]
    store.finish_run(r2, {})
    assert store.shifts() == [drifted, new_topic]
    assert store.shifts(r1) == [reversal]
    assert store.shifts(r2, new_only=True) == [new_topic]
    # Storing a run's shifts again replaces them and keeps the newness relative to earlier runs.
    assert store.put_shifts(r2, [drifted, new_topic]) == [new_topic]
    assert len(store.shifts(r2)) == 2
    # A flip back the other way is a different shift.
    r3 = store.begin_run(config={})
    back = dataclasses.replace(reversal, before_stance="against", after_stance="favor")
    assert store.put_shifts(r3, [reversal, back]) == [back]


def test_shift_evidence_round_trips(store):
    run_id = store.begin_run(config={})
    shift = make_shift()
    store.put_shifts(run_id, [shift])
    (got,) = store.shifts(run_id)
    assert got == shift
    assert got.evidence_after[0].date == DAY


def test_rows_written_before_a_record_gained_fields_load_with_defaults(store):
    run_id = store.begin_run(config={})
    store.put_shifts(run_id, [dataclasses.replace(make_shift(), n_before=5)])
    store._conn.execute("UPDATE shifts SET record = json_remove(record, '$.n_before')")
    (got,) = store.shifts(run_id)
    assert got == dataclasses.replace(make_shift(), n_before=0)


def test_metadata_update_keeps_claims_and_updates_record(store):
    store.put_document(make_doc())
    store.put_claims("d1", [make_claim()], extractor_version="x1")
    moved = dataclasses.replace(make_doc(), source="/elsewhere/d1.txt", outlet="Other Wire")
    assert store.put_documents([moved]) == ["same"]
    assert store.documents() == [moved]
    assert store.has_claims("d1", extractor_version="x1")


def test_migrates_an_empty_v0_file(tmp_path):
    path = tmp_path / "old.sqlite"
    path.touch()
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        s.put_document(make_doc())
    with Store.open(path) as s:
        assert s.documents() == [make_doc()]


def test_applies_missing_migrations_and_keeps_data(tmp_path, monkeypatch):
    path = tmp_path / "stance.sqlite"
    with Store.open(path) as s:
        s.put_document(make_doc())
    step = "ALTER TABLE documents ADD COLUMN language TEXT; CREATE INDEX doc_lang ON documents (language)"
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, step])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION + 1
        cols = [r[1] for r in s._conn.execute("PRAGMA table_info(documents)")]
        assert "language" in cols
        assert s.documents() == [make_doc()]


def test_scores_written_before_v4_read_with_no_link_reason_and_new_ones_keep_theirs(
    tmp_path, monkeypatch
):
    path = tmp_path / "stance.sqlite"
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 3)
    claim = make_claim()
    with Store.open(path) as s:
        s.put_document(make_doc())
        s.put_claims("d1", [claim], extractor_version="x1")
        s._conn.execute(  # a row as a v3 store held it: no linked_by column
            "INSERT INTO scores VALUES (?, 'ukraine_aid', 'h', 'm', 0.9, 'against', 0.1, 0.8, "
            "0.1, NULL)",
            (claim.id,),
        )
        s._conn.commit()
    monkeypatch.undo()
    hashes = {"ukraine_aid": "h"}
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        (old,) = s.scores(model_id="m", topic_hashes=hashes)
        assert old.linked_by == "" and old.label == "against"
        linked = dataclasses.replace(old, linked_by="article")
        s.put_scores([linked], model_id="m2", topic_hashes=hashes)
        assert s.scores(model_id="m2", topic_hashes=hashes) == [linked]


def test_failed_migration_leaves_the_file_at_its_version(tmp_path, monkeypatch):
    path = tmp_path / "stance.sqlite"
    Store.open(path).close()
    monkeypatch.setattr(
        store_module, "MIGRATIONS", [*store_module.MIGRATIONS, "ALTER TABLE nope ADD COLUMN x"]
    )
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError, match="nope"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(ConfigError) as err:
        Store.open(path)
    message = str(err.value)
    assert str(path) in message
    assert f"v{SCHEMA_VERSION + 5}, newer than this stance (v{SCHEMA_VERSION})" in message
    assert "upgrade stance" in message
    assert "\n" not in message


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(ConfigError, match=str(path)):
        Store.open(path)


def test_many_claims_are_read_back(store):
    n_docs, per_doc = 40, 300
    for d in range(n_docs):
        store.put_document(make_doc(f"doc{d:03d}"))
        claims = [
            make_claim(f"doc{d:03d}", start=i * 10, end=i * 10 + 5, text=f"claim {i}")
            for i in range(per_doc)
        ]
        store.put_claims(f"doc{d:03d}", claims, extractor_version="x1")
    assert sum(1 for _ in store.iter_claims()) == n_docs * per_doc
    subset = store.claims([f"doc{d:03d}" for d in range(0, n_docs, 2)])
    assert len(subset) == n_docs // 2 * per_doc
    assert [c.start_char for c in subset[:3]] == [0, 10, 20]


def test_a_v1_store_gains_the_model_cache_and_keeps_its_scores(tmp_path, monkeypatch):
    path = tmp_path / "v1.sqlite"
    with monkeypatch.context() as m:  # a store written by the stance that had schema v1
        m.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        m.setattr(store_module, "SCHEMA_VERSION", 1)
        with Store.open(path) as s:
            s.put_document(make_doc())
            s.put_claims("d1", [make_claim()], extractor_version="x1")
            assert s.schema_version == 1
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 2
        assert s.has_claims("d1", extractor_version="x1")
        s.put_cached(model_id="m", kind="k", readings={"a": {"p": 0.5}})
        assert s.cached(model_id="m", kind="k", keys=["a"]) == {"a": {"p": 0.5}}


def test_cached_readings_by_model_kind_and_key(store):
    readings = {f"key{i}": {"i": i} for i in range(1200)}  # more keys than one query takes
    readings["none"] = None  # "no match" is a reading too
    store.put_cached(model_id="m", kind="match", readings=readings)
    got = store.cached(model_id="m", kind="match", keys=[*readings, "missing", "key3"])
    assert got == readings
    assert store.cached(model_id="other", kind="match", keys=readings) == {}
    assert store.cached(model_id="m", kind="read", keys=readings) == {}
    store.put_cached(model_id="m", kind="match", readings={"key3": {"i": -3}})
    assert store.cached(model_id="m", kind="match", keys=["key3"]) == {"key3": {"i": -3}}


def test_a_store_path_that_cannot_be_a_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"is a folder; .*e\.g\. .*stance\.sqlite"):
        Store.open(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="cannot make its folder.*writable file"):
        Store.open(blocker / "sub" / "stance.sqlite")
    text = tmp_path / "notes.sqlite"
    text.write_text("meeting notes, not a database " * 40)
    with pytest.raises(ConfigError, match="is not a SQLite database"):
        Store.open(text)


def test_shifts_of_a_run_killed_before_it_finished_are_new_again(store):
    # a run stored its shifts, then died before its report (and alerts) went out
    reversal = make_shift()
    killed = store.begin_run(config={})
    assert store.put_shifts(killed, [reversal]) == [reversal]
    assert store.shifts() == []  # the latest *finished* run's: none yet
    retry = store.begin_run(config={})
    assert store.put_shifts(retry, [reversal]) == [reversal]  # still new: nobody was told
    store.finish_run(retry, {})
    assert store.shifts() == [reversal]
    after = store.begin_run(config={})
    assert store.put_shifts(after, [reversal]) == []


def test_a_second_run_on_a_store_waits_then_says_it_is_in_use(tmp_path):
    path = tmp_path / "stance.sqlite"
    busy = r"is in use by another stance run \(waited 0.2 s\)"
    with store_module.run_lock(path), pytest.raises(ConfigError, match=busy):  # noqa: SIM117
        with store_module.run_lock(path, wait=0.2):
            pass
    with store_module.run_lock(path, wait=0.2):  # released when the first run ends
        pass
    with store_module.run_lock(":memory:"), store_module.run_lock(":memory:"):
        pass  # nothing to share


def test_a_killed_run_releases_its_lock(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "stance.sqlite"
    hold = (
        "import sys, time\nfrom stance.store import run_lock\n"
        f"with run_lock({str(path)!r}):\n    print('held', flush=True)\n    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(ConfigError, match="in use"), store_module.run_lock(path, wait=0.2):
            pass
    finally:
        child.kill()
        child.wait()
    with store_module.run_lock(path, wait=2):  # the operating system let go of it
        pass
