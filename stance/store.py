"""The embedded SQLite store that makes runs incremental and idempotent.

One file holds the documents read so far (with a content hash), the claims extracted from
them, the stance scores of claim x topic pairs, the runs and the shifts each run flagged. A
scheduled ``stance run`` therefore only extracts claims from new or changed documents, only
scores pairs it has not scored under the same model and topic definitions, and can tell which
flagged shifts are new since earlier runs.

The schema carries a version (``PRAGMA user_version``); :data:`MIGRATIONS` lists the steps from
one version to the next, and opening an older file applies the missing ones. Dates are ISO text.

Example:
    >>> with Store.open(":memory:") as store:
    ...     store.schema_version == SCHEMA_VERSION
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import ConfigError
from stance.records import Claim, Document, Evidence, Shift, StanceScore, to_frame

if TYPE_CHECKING:
    import pandas as pd

_V1 = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, content_hash TEXT NOT NULL,
    added TEXT NOT NULL, updated TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX documents_date ON documents (date);
CREATE TABLE extractions (
    doc_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    extractor_version TEXT NOT NULL, n_claims INTEGER NOT NULL, extracted TEXT NOT NULL);
CREATE TABLE claims (
    claim_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, date TEXT NOT NULL,
    actor TEXT NOT NULL, government TEXT, kind TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX claims_doc ON claims (doc_id, start_char);
CREATE INDEX claims_actor ON claims (actor, date);
CREATE TABLE scores (
    claim_id TEXT NOT NULL REFERENCES claims (claim_id) ON DELETE CASCADE,
    topic TEXT NOT NULL, topic_hash TEXT NOT NULL, model_id TEXT NOT NULL,
    topic_score REAL NOT NULL, label TEXT NOT NULL, p_favor REAL NOT NULL,
    p_against REAL NOT NULL, p_neutral REAL NOT NULL, override TEXT,
    PRIMARY KEY (model_id, topic, topic_hash, claim_id)) WITHOUT ROWID;
CREATE INDEX scores_claim ON scores (claim_id);
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
    config TEXT NOT NULL, summary TEXT);
CREATE TABLE shifts (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, actor TEXT NOT NULL, topic TEXT NOT NULL, change TEXT NOT NULL,
    before_stance TEXT NOT NULL, after_stance TEXT NOT NULL, confidence REAL NOT NULL,
    is_new INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (run_id, seq));
CREATE INDEX shifts_key ON shifts (actor, topic, change, before_stance, after_stance);
"""

#: v2: model readings that are not claim scores (the codebook examples' check, the example a
#: quote reads most like; :mod:`stance.examples`), keyed by model, kind and a content hash.
_V2 = """
CREATE TABLE model_cache (
    model_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (model_id, kind, key)) WITHOUT ROWID;
"""

#: v3: documents found by their content (the same article read under two ids counts once).
_V3 = """
CREATE INDEX documents_content ON documents (content_hash);
"""

#: v4: what linked each scored claim to its topic (:attr:`StanceScore.linked_by`; rows scored
#: before it read as empty, and a new stance re-scores them: :data:`stance.scoring.LINKER_VERSION`).
_V4 = """
ALTER TABLE scores ADD COLUMN linked_by TEXT NOT NULL DEFAULT ''
"""

#: Ordered schema migrations: ``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``.
#: Each is SQL (statements separated by ``;``) or a function of the open connection. Never edit
#: a released step; append a new one.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [_V1, _V2, _V3, _V4]
SCHEMA_VERSION = len(MIGRATIONS)

_SCORE_COLS = [f.name for f in dataclasses.fields(StanceScore)]
_SHIFT_KEY = ("actor", "topic", "change", "before_stance", "after_stance")


def shift_identity(shift: Shift) -> tuple[str, ...]:
    """What makes two runs' shifts the same shift (actor, topic, change and both stances):
    a shift is new when no earlier finished run flagged the same."""
    return tuple(getattr(shift, k) for k in _SHIFT_KEY)


_BATCH = 5000
#: Keys per ``IN (...)`` query (below SQLite's oldest limit of 999 bound parameters).
_KEYS_PER_QUERY = 500


#: How long a run waits for another run on the same store to finish (:func:`run_lock`).
LOCK_WAIT_SECONDS = 30.0


@contextlib.contextmanager
def run_lock(path: str | Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the store's run lock (the file ``<store>.lock``) while a run writes to it.

    Two runs on one store would extract and score the same documents twice, race to create
    the schema and both report the same shifts as new. A second run waits up to ``wait``
    seconds (default :data:`LOCK_WAIT_SECONDS`) for the first to finish, then gives up with a
    :class:`ConfigError`. The lock is the operating system's (``flock``): it is released when
    the process ends, even if it is killed. An in-memory store needs none.
    """
    name = str(path)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (documented in docs/scheduling.md)
        fcntl = None
    if name == ":memory:" or fcntl is None:
        yield
        return
    import time

    lock_path = Path(name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = lock_path.open("a")
        except PermissionError:  # left by another user (a one-off sudo run): flock needs no write
            handle = lock_path.open()
    except OSError as exc:
        raise ConfigError(
            f"store {name}: cannot make its lock file {lock_path} ({exc.strerror}); "
            "set `store` in the config (or --out) to a writable place"
        ) from None
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConfigError(
                        f"store {name} is in use by another stance run (waited "
                        f"{LOCK_WAIT_SECONDS if wait is None else wait:g} s); run again when "
                        "it has finished, or give this config its own `store`"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, str], ...]:
    """(name, kind) per field; kind is "date", "records" (a tuple of Evidence) or ""."""
    out = []
    for f in dataclasses.fields(cls):
        kind = str(f.type)
        out.append(
            (f.name, "date" if "dt.date" in kind else "records" if "Evidence" in kind else "")
        )
    return tuple(out)


def _plain(record: Any) -> dict[str, Any]:
    out = {}
    for name, kind in _fields(type(record)):
        value = getattr(record, name)
        if value is not None and kind == "date":
            value = value.isoformat()
        elif kind == "records":
            value = [_plain(v) for v in value]
        out[name] = value
    return out


def _json_default(value: Any) -> Any:
    """numpy scalars become Python numbers; anything else unknown becomes its text."""
    return value.item() if hasattr(value, "item") else str(value)


def _dump(record: Any) -> str:
    """A record as JSON text: the ``record`` column, so record fields are defined once."""
    return json.dumps(_plain(record), ensure_ascii=False, default=_json_default)


def _build(cls: type, data: dict) -> Any:
    """Rebuild a record from :func:`_dump`'s JSON; fields missing in older rows get defaults."""
    kwargs = {}
    for name, kind in _fields(cls):
        if name not in data:
            continue
        value = data[name]
        if value is not None and kind == "date":
            value = dt.date.fromisoformat(value)
        elif value is not None and kind == "records":
            value = tuple(_build(Evidence, e) for e in value)
        kwargs[name] = value
    return cls(**kwargs)


def _load(cls: type, text: str) -> Any:
    return _build(cls, json.loads(text))


class Store:
    """A stance store in one SQLite file (WAL mode, foreign keys on).

    Use :meth:`open`, preferably as a context manager. Each write method runs in one
    transaction, so a failed or interrupted run leaves the store as it was before that call.
    """

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (or create) a store, applying any missing schema migrations.

        Args:
            path: The SQLite file, or ``":memory:"``. Missing parent folders are created.
            create: Make an empty file (or another program's empty database) a new store;
                ``False`` (commands that only read the store) refuses it instead.

        Raises:
            ConfigError: The file is not a SQLite database, holds another program's tables,
                holds no stance data and ``create`` is false, or was written by a newer stance.
        """
        name = str(path)
        fix = "set `store` in the config (or --out) to a writable file"
        if name != ":memory:":
            if Path(name).is_dir():
                raise ConfigError(f"store {name} is a folder; {fix}, e.g. {name}/stance.sqlite")
            if create and Path(name).exists() and not os.access(name, os.W_OK):
                raise ConfigError(
                    f"store {name} is not writable by this user; a run writes to it: fix its "
                    f"owner or permissions, or {fix}"
                )
            try:
                Path(name).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise ConfigError(
                    f"store {name}: cannot make its folder ({reason}); {fix}"
                ) from None
        try:
            conn = sqlite3.connect(name, timeout=30.0, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise ConfigError(f"store {name}: cannot open it ({exc}); {fix}") from None
        try:
            store = cls(conn, name)
            try:
                conn.execute("PRAGMA schema_version").fetchone()  # opens the file
                conn.execute("PRAGMA foreign_keys = ON")
                store._check_ours(create)  # reads only: another program's file stays as it was
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.OperationalError as exc:
                raise ConfigError(f"store {name}: cannot open it ({exc}); {fix}") from None
            except sqlite3.DatabaseError as exc:
                raise ConfigError(
                    f"store {name} is not a SQLite database ({exc}); set `store` in the config to another file"
                ) from exc
            store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _check_ours(self, create: bool) -> None:
        """Refuse a database that is not a stance store, before anything is written to it."""
        if self.schema_version != 0:
            return
        tables = [
            row[0]
            for row in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise ConfigError(
                f"store {self.path} is another program's SQLite database (tables: {shown}); "
                "set `store` in the config to a new file"
            )
        if not create:
            raise ConfigError(
                f"store {self.path} holds no stance data; run `stance run` with this config first"
            )

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"store {self.path} has schema v{version}, newer than this stance (v{SCHEMA_VERSION}); upgrade stance"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            step = MIGRATIONS[target - 1]
            with self._tx():
                if callable(step):
                    step(self._conn)
                else:
                    for statement in filter(str.strip, step.split(";")):
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {target}")

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- documents ---------------------------------------------------------------------------

    @staticmethod
    def content_hash(doc: Document) -> str:
        """SHA-256 over the document's date, title and text (not where it was read from)."""
        payload = json.dumps([doc.date.isoformat(), doc.title or "", doc.text])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def document_status(self, doc: Document) -> str:
        """``"new"`` (unknown id), ``"same"`` (same id and hash) or ``"changed"``."""
        row = self._conn.execute(
            "SELECT content_hash FROM documents WHERE id = ?", (doc.id,)
        ).fetchone()
        if row is None:
            return "new"
        return "same" if row[0] == self.content_hash(doc) else "changed"

    def same_content(self, doc: Document) -> str | None:
        """The id of another stored document with ``doc``'s date, title and text, if any."""
        row = self._conn.execute(
            "SELECT id FROM documents WHERE content_hash = ? AND id != ? ORDER BY id LIMIT 1",
            (self.content_hash(doc), doc.id),
        ).fetchone()
        return None if row is None else row[0]

    def put_document(self, doc: Document) -> None:
        """Insert or update one document; see :meth:`put_documents`."""
        self.put_documents([doc])

    def put_documents(self, docs: Iterable[Document]) -> list[str]:
        """Insert or update documents in one transaction.

        A changed document (same id, other content hash) loses its claims, their scores and
        its extraction mark, so the next run extracts it again. Metadata outside the hash (url,
        outlet, author, source) is updated in place.

        Returns:
            The status each document had before the call (see :meth:`document_status`).
        """
        docs, now = list(docs), _now()
        rows = [(d.id, d.date.isoformat(), self.content_hash(d), now, now, _dump(d)) for d in docs]
        with self._tx() as conn:
            statuses = [self.document_status(d) for d in docs]
            changed = [(d.id,) for d, s in zip(docs, statuses, strict=True) if s == "changed"]
            conn.executemany("DELETE FROM claims WHERE doc_id = ?", changed)
            conn.executemany("DELETE FROM extractions WHERE doc_id = ?", changed)
            conn.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "date = excluded.date, content_hash = excluded.content_hash, "
                "updated = excluded.updated, record = excluded.record "
                "WHERE record != excluded.record",
                rows,
            )
        return statuses

    def document_ids(self) -> list[str]:
        """The ids of every stored document, sorted."""
        return [row[0] for row in self._conn.execute("SELECT id FROM documents ORDER BY id")]

    def document_sources(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Where each stored document was read from (its ``source``; "" if none), without
        loading the documents' texts."""
        ids, out = list(doc_ids), {}
        for start in range(0, len(ids), _KEYS_PER_QUERY):
            chunk = ids[start : start + _KEYS_PER_QUERY]
            rows = self._conn.execute(
                "SELECT id, json_extract(record, '$.source') FROM documents "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            out.update((doc_id, source or "") for doc_id, source in rows)
        return out

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        """Forget documents with their claims and scores (one transaction); returns how many."""
        ids = list(doc_ids)
        with self._tx() as conn:
            for start in range(0, len(ids), _KEYS_PER_QUERY):
                chunk = ids[start : start + _KEYS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk)
        return len(ids)

    def documents(self, doc_ids: Iterable[str] | None = None) -> list[Document]:
        """The stored documents (all, or those with the given ids), by date and id."""
        sql, args = self._select("documents", "id", doc_ids, "date, id")
        return [_load(Document, r) for (r,) in self._conn.execute(sql, args)]

    # -- claims ------------------------------------------------------------------------------

    def has_claims(self, doc_id: str, *, extractor_version: str) -> bool:
        """Whether claims were extracted from ``doc_id`` with this extractor version.

        A document from which the extractor found no claims counts as done.
        """
        row = self._conn.execute(
            "SELECT 1 FROM extractions WHERE doc_id = ? AND extractor_version = ?",
            (doc_id, extractor_version),
        ).fetchone()
        return row is not None

    def put_claims(self, doc_id: str, claims: list[Claim], *, extractor_version: str) -> None:
        """Replace the claims (and their scores) of one stored document.

        Raises:
            ValueError: A claim belongs to another document, or the document is not stored.
        """
        if any(c.doc_id != doc_id for c in claims):
            raise ValueError(f"put_claims({doc_id!r}) got claims of another document")
        if self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise ValueError(f"document {doc_id!r} is not in the store; put_document it first")
        unique = {c.id: c for c in reversed(claims)}  # one row per span: the first one wins
        rows = [
            (i, c.doc_id, int(c.start_char), int(c.end_char), c.date.isoformat(), c.actor, c.government,
             c.kind, _dump(c))
            for i, c in unique.items()
        ]  # fmt: skip
        with self._tx() as conn:
            conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
            conn.executemany(f"INSERT INTO claims VALUES ({', '.join('?' * 9)})", rows)
            conn.execute(
                "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?)",
                (doc_id, extractor_version, len(rows), _now()),
            )

    def iter_claims(self, doc_ids: Iterable[str] | None = None) -> Iterator[Claim]:
        """Yield stored claims (all, or of the given documents) in batches, by document and offset."""
        sql, args = self._select("claims", "doc_id", doc_ids, "doc_id, start_char, end_char")
        cursor = self._conn.execute(sql, args)
        while batch := cursor.fetchmany(_BATCH):
            yield from (_load(Claim, r) for (r,) in batch)

    def claims(self, doc_ids: Iterable[str] | None = None) -> list[Claim]:
        """The stored claims (all, or of the given documents), by document and offset."""
        return list(self.iter_claims(doc_ids))

    def _select(
        self, table: str, key: str, ids: Iterable[str] | None, order: str
    ) -> tuple[str, tuple]:
        sql = f"SELECT record FROM {table}"
        if ids is None:
            return f"{sql} ORDER BY {order}", ()
        where = f" WHERE {key} IN (SELECT value FROM json_each(?))"
        return f"{sql}{where} ORDER BY {order}", (json.dumps(list(ids)),)

    # -- scores ------------------------------------------------------------------------------

    def put_scores(
        self, rows: list[StanceScore], *, model_id: str, topic_hashes: dict[str, str]
    ) -> None:
        """Store scores, one row per (claim, topic, topic hash, model); reruns replace rows.

        A row whose ``label`` is ``""`` records that the pair was looked at and is not linked
        to the topic, so it is not computed again.

        Args:
            rows: Scores of stored claims.
            model_id: Identity of the stance model (name + hash).
            topic_hashes: Topic id -> hash of that topic's codebook definition; must cover
                every row's topic.

        Raises:
            ValueError: A topic has no hash, or a claim is not in the store.
        """
        missing = {r.topic for r in rows} - topic_hashes.keys()
        if missing:
            raise ValueError(f"put_scores: no topic hash for {sorted(missing)}")
        data = [
            (r.claim_id, r.topic, topic_hashes[r.topic], model_id, float(r.topic_score),
             r.label, float(r.p_favor), float(r.p_against), float(r.p_neutral), r.override,
             r.linked_by)
            for r in rows
        ]  # fmt: skip
        try:
            with self._tx() as conn:
                conn.executemany(
                    f"INSERT OR REPLACE INTO scores VALUES ({', '.join('?' * 11)})", data
                )
        except sqlite3.IntegrityError as exc:
            known = self._conn.execute("SELECT claim_id FROM claims").fetchall()
            unknown = sorted({r.claim_id for r in rows} - {k for (k,) in known})[:3]
            raise ValueError(f"put_scores: claims not in the store: {unknown}") from exc

    def _scores_sql(self, cols: str, topic_hashes: dict[str, str] | None, where: str) -> str:
        join = (
            " JOIN json_each(?) j ON j.key = s.topic AND j.value = s.topic_hash"
            if topic_hashes is not None
            else ""
        )
        return f"SELECT {cols} FROM scores s{join} WHERE {where} ORDER BY s.claim_id, s.topic"

    def scored_pairs(self, *, model_id: str, topic_hashes: dict[str, str]) -> set[tuple[str, str]]:
        """(claim_id, topic) pairs already scored under this model and these topic hashes.

        A topic whose hash changed (its codebook definition was edited) has no scored pairs.
        """
        sql = self._scores_sql("s.claim_id, s.topic", topic_hashes, "s.model_id = ?")
        return set(self._conn.execute(sql, (json.dumps(topic_hashes), model_id)).fetchall())

    def scores(
        self, *, model_id: str, topic_hashes: dict[str, str], linked_only: bool = True
    ) -> list[StanceScore]:
        """Scores under this model and these topic hashes (only linked pairs by default)."""
        where = "s.model_id = ?" + (" AND s.label != ''" if linked_only else "")
        sql = self._scores_sql(", ".join(f"s.{c}" for c in _SCORE_COLS), topic_hashes, where)
        rows = self._conn.execute(sql, (json.dumps(topic_hashes), model_id))
        return [StanceScore(**dict(zip(_SCORE_COLS, r, strict=True))) for r in rows]

    # -- other model readings ----------------------------------------------------------------

    def cached(self, *, model_id: str, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        """Stored readings of this kind under this model, by key (missing keys are absent).

        A reading is any JSON value (``None`` too) that a model gave for a content hash: see
        :mod:`stance.examples` for the kinds the pipeline stores.
        """
        keys = list(dict.fromkeys(keys))
        out: dict[str, Any] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            sql = (
                "SELECT key, record FROM model_cache WHERE model_id = ? AND kind = ? "
                f"AND key IN ({', '.join('?' * len(chunk))})"
            )
            for key, record in self._conn.execute(sql, (model_id, kind, *chunk)):
                out[key] = json.loads(record)
        return out

    def put_cached(self, *, model_id: str, kind: str, readings: dict[str, Any]) -> None:
        """Store readings of one kind under a model (replacing any with the same key)."""
        rows = [
            (model_id, kind, key, json.dumps(value, ensure_ascii=False, default=_json_default))
            for key, value in readings.items()
        ]
        with self._tx() as conn:
            conn.executemany("INSERT OR REPLACE INTO model_cache VALUES (?, ?, ?, ?)", rows)

    # -- runs and shifts ---------------------------------------------------------------------

    def begin_run(self, *, config: dict) -> int:
        """Record the start of a run with its config; returns the new run id."""
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started, config) VALUES (?, ?)",
                (_now(), json.dumps(config, default=_json_default, sort_keys=True)),
            )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, summary: dict) -> None:
        """Record the end of a run and its summary (a JSON-able dict)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                (_now(), json.dumps(summary, default=_json_default), run_id),
            )

    def run_config(self, run_id: int) -> dict:
        """The config a run was started with."""
        row = self._conn.execute("SELECT config FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id} in store {self.path}")
        return json.loads(row[0])

    def runs(self) -> pd.DataFrame:
        """One row per run: ``run_id``, ``started``, ``finished`` and the summary's fields."""
        import pandas as pd

        rows = self._conn.execute(
            "SELECT run_id, started, finished, summary FROM runs ORDER BY run_id"
        )
        records = [
            {"run_id": i, "started": s, "finished": f, **json.loads(summary or "{}")}
            for i, s, f, summary in rows
        ]
        return pd.DataFrame(records, columns=None if records else ["run_id", "started", "finished"])

    def put_shifts(self, run_id: int, shifts: list[Shift]) -> list[Shift]:
        """Store a run's shifts (replacing any stored for it) and return the new ones.

        A shift is identified by (actor, topic, change, before_stance, after_stance); it is new
        when no earlier *finished* run (smaller run id, :meth:`finish_run` called) flagged the
        same: a run killed after storing its shifts but before its report was written alerted
        nobody, so the next run flags those shifts as new again.
        """
        key_cols = ", ".join(f"s.{k}" for k in _SHIFT_KEY)
        with self._tx() as conn:
            earlier = set(
                conn.execute(
                    f"SELECT {key_cols} FROM shifts s JOIN runs r ON r.run_id = s.run_id "
                    "WHERE s.run_id < ? AND r.finished IS NOT NULL",
                    (run_id,),
                )
            )
            conn.execute("DELETE FROM shifts WHERE run_id = ?", (run_id,))
            new, rows = [], []
            for seq, s in enumerate(shifts):
                is_new = shift_identity(s) not in earlier
                new += [s] if is_new else []
                key = [getattr(s, k) for k in _SHIFT_KEY]
                rows.append((run_id, seq, *key, float(s.confidence), int(is_new), _dump(s)))
            conn.executemany(f"INSERT INTO shifts VALUES ({', '.join('?' * 10)})", rows)
        return new

    def shifts(self, run_id: int | None = None, *, new_only: bool = False) -> list[Shift]:
        """A run's shifts in the order they were stored (default: the latest finished run's).

        Args:
            run_id: The run; ``None`` means the finished run with the highest id (a run that
                was interrupted before its report was written is left out).
            new_only: Only the shifts that were new in that run.
        """
        if run_id is None:
            run_id = self._conn.execute(
                "SELECT MAX(run_id) FROM runs WHERE finished IS NOT NULL"
            ).fetchone()[0]
        sql = "SELECT record FROM shifts WHERE run_id = ?" + (" AND is_new = 1" if new_only else "")
        return [_load(Shift, r) for (r,) in self._conn.execute(sql + " ORDER BY seq", (run_id,))]

    # -- frames ------------------------------------------------------------------------------

    def documents_frame(self) -> pd.DataFrame:
        """All documents as a DataFrame (``Document`` fields plus ``content_hash``)."""
        rows = self._conn.execute("SELECT content_hash, record FROM documents ORDER BY date, id")
        hashes, docs = [], []
        for content_hash, record in rows:
            hashes.append(content_hash)
            docs.append(_load(Document, record))
        frame = to_frame(docs, Document)
        frame["content_hash"] = hashes
        return frame

    def claims_frame(self) -> pd.DataFrame:
        """All claims as a DataFrame (``claim_id`` plus ``Claim`` fields)."""
        return to_frame(self.claims(), Claim)

    def scores_frame(
        self,
        *,
        model_id: str | None = None,
        topic_hashes: dict[str, str] | None = None,
        linked_only: bool = False,
    ) -> pd.DataFrame:
        """Scores as a DataFrame: ``StanceScore`` fields plus ``topic_hash`` and ``model_id``.

        Without filters every stored row is returned, across models and topic versions.
        """
        import pandas as pd

        where, args = ["1 = 1"], [] if topic_hashes is None else [json.dumps(topic_hashes)]
        if model_id is not None:
            where.append("s.model_id = ?")
            args.append(model_id)
        if linked_only:
            where.append("s.label != ''")
        cols = [*_SCORE_COLS, "topic_hash", "model_id"]
        sql = self._scores_sql(", ".join(f"s.{c}" for c in cols), topic_hashes, " AND ".join(where))
        return pd.DataFrame(self._conn.execute(sql, args).fetchall(), columns=cols)
