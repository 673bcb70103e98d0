"""The whole path: documents -> claims -> stance scores -> timeline -> shifts -> report.

(Tables, comparisons and exports over the store live in :mod:`stance.views`.)

:func:`run` wires the stages together over an SQLite :class:`~stance.store.Store`, so runs are
incremental and idempotent: a document already processed (same content hash, same extractor) is
not extracted again, and a (claim, topic) pair already scored with the same model and the same
topic definition is not scored again. The stance model and the sentence embedder are loaded only
when something needs scoring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import stance
from stance.config import DATA_DIR, load_config, resolve_path, store_path
from stance.errors import ConfigError
from stance.records import Claim, Document, Rejected, Shift
from stance.views import (  # noqa: F401 - CLAIM_COLUMNS, compare, export: public here too
    CLAIM_COLUMNS,
    EXPORT_FORMATS,
    administration_periods,
    claims_frame,
    compare,
    compare_governments,
    export,
    heatmap_matrix,
    held_positions,
    model_identity,
    timeline_from_store,
    topic_overview,
    topic_versions,
    unregistered_speakers,
)

if TYPE_CHECKING:
    import pandas as pd

    from stance.codebook import Codebook
    from stance.registry import ActorRegistry
    from stance.store import Store

log = logging.getLogger("stance")

#: Documents handled per batch (bounded memory on large corpora).
BATCH_SIZE = 256
#: Claims scored per batch.
SCORE_BATCH = 512
#: Changes detected below ``min_confidence`` but at least this confident are listed as hints
#: (``RunResult.below_threshold``, the report's "Below the confidence threshold").
NEAR_MISS_FLOOR = 0.2


@dataclass
class RunResult:
    """What a run returns: pandas DataFrames for notebooks, records, and the run summary.

    Attributes:
        claims: One row per claim and linked topic (claims linked to no topic once, with an
            empty topic), columns :data:`CLAIM_COLUMNS`.
        timeline: Claim-level positions (:data:`stance.timeline.TIMELINE_COLUMNS`).
        shifts: Flagged shifts (:data:`stance.report.render.SHIFT_COLUMNS`).
        shift_records: The same shifts as :class:`~stance.records.Shift` records.
        summary: The run summary written to ``run.json``.
        rejected: Inputs that could not be read, with the reason.
        paths: Report files by name (empty when no report was written).
        examples: How the plain model reads the codebook's examples, one row per example
            (:data:`stance.examples.CHECK_COLUMNS`; ``agrees`` is False where it reads an
            example otherwise than the analyst labelled it).
        held: Positions a current administration kept from a prior one (same side, no shift;
            :data:`stance.report.render.HELD_COLUMNS`), e.g. an opposition that is unchanged.
        below_threshold: Changes detected with a confidence from :data:`NEAR_MISS_FLOOR` up to
            ``min_confidence`` (not flagged; columns as ``shifts``).
        overview: Every topic each government spoke on in each compared pair of
            administrations, with both pooled positions and what the run made of it
            (:func:`stance.views.topic_overview`; ``overview.csv``).
    """

    claims: pd.DataFrame
    timeline: pd.DataFrame
    shifts: pd.DataFrame
    shift_records: list[Shift]
    summary: dict[str, Any]
    rejected: list[Rejected] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    examples: pd.DataFrame | None = None
    held: pd.DataFrame | None = None
    below_threshold: pd.DataFrame | None = None
    overview: pd.DataFrame | None = None


def run_config(
    config: str | Path, *, out_dir: str | Path | None = None, progress: bool = True
) -> RunResult:
    """Run from a TOML config file (see :mod:`stance.config`); ``out_dir`` overrides the config's."""
    cfg = load_config(config)
    kwargs = cfg.as_kwargs()
    if out_dir is not None:
        kwargs["out_dir"] = Path(out_dir)
    return run(**kwargs, progress=progress, config_path=cfg.source)


class _Models:
    """Loads the stance model and the sentence embedder on first use only."""

    def __init__(self, model_dir: Path | None, codebook: Codebook, *, adapt: bool = False):
        self.model_dir = model_dir
        self.codebook = codebook
        self.adapt = adapt
        self._plain = None
        self._model = None
        self._embedder = None

    @property
    def plain(self) -> Any:
        """The stance model, never adapted to the codebook's examples and without its off-topic
        guard: in a run the topic linker decides what a claim is about, with the claim's context
        and the topic's keywords, which the guard does not see (an elliptic "it's unlikely or
        impractical" about NATO membership would read neutral)."""
        if self._plain is None:
            from stance.model import StanceModel

            self._plain = StanceModel.load(self.model_dir).unguarded()
        return self._plain

    @property
    def model(self) -> Any:
        """The model that scores claims (adapted to the examples when ``adapt``)."""
        if self._model is None:
            examples = self.codebook.examples_frame() if self.adapt else None
            if self.adapt and not examples.empty:
                self._model = self.plain.adapt(examples, method="vote")
            else:
                self._model = self.plain
        return self._model

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from stance.model.encoder import SentenceEmbedder

            self._embedder = SentenceEmbedder()
        return self._embedder

    @property
    def used(self) -> bool:
        return self._plain is not None or self._embedder is not None


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extractor_version() -> str:
    from stance import extract

    return str(getattr(extract, "EXTRACTOR_VERSION", stance.__version__))


def _ingest(
    docs: Iterable[Document | Rejected],
    *,
    store: Store,
    registry: ActorRegistry,
    counts: Counter,
    rejected: list[Rejected],
    seen: set[str],
) -> None:
    """Store new or changed documents and extract their claims (in batches); the ids of the
    documents read (new or unchanged) are added to ``seen``."""
    from stance.extract import extract_claims

    version = _extractor_version()
    gazetteer = registry.gazetteer()
    nlp = None
    for batch in _batches(docs, BATCH_SIZE):
        todo = []
        for item in batch:
            if isinstance(item, Rejected):
                rejected.append(item)
                log.warning("rejected %s: %s", item.source, item.reason)
                continue
            status = store.document_status(item)
            if status == "same" and store.has_claims(item.id, extractor_version=version):
                counts["documents"] += 1
                counts["documents_skipped"] += 1
                seen.add(item.id)
                continue
            copy_of = store.same_content(item)
            if copy_of is not None and copy_of not in seen and _moved_away(store, copy_of):
                # a renamed file whose id came from its name: the old id's file is gone
                log.info("%s: renamed from %s (same date, title and text)", item.source, copy_of)
                store.delete_documents([copy_of])
                counts["documents_renamed"] += 1
                copy_of = None
            if copy_of is not None:
                # the same article under another id (a wire story filed twice): its claims
                # would count twice as evidence
                reason = (
                    f"same date, title and text as document {copy_of!r}, which counts once; "
                    "remove the copy"
                )
                rejected.append(Rejected(source=item.source or item.id, reason=reason))
                log.warning("rejected %s: %s", item.source, reason)
                continue
            counts["documents"] += 1
            counts["documents_changed"] += status == "changed"
            store.put_document(item)
            todo.append(item)
            counts["documents_new"] += 1
            seen.add(item.id)
        if not todo:
            continue
        if nlp is None:
            from stance.extract import load_nlp

            nlp = load_nlp()
        by_doc: dict[str, list[Claim]] = {d.id: [] for d in todo}
        for claim in extract_claims(todo, nlp=nlp, gazetteer=gazetteer):
            by_doc[claim.doc_id].append(registry.resolve_claim(claim))
        for doc_id, claims in by_doc.items():
            store.put_claims(doc_id, claims, extractor_version=version)
            counts["claims_new"] += len(claims)


def _baseline_version(st: Any) -> str:
    """The "extractor version" of a baseline statement's one claim: everything the file says
    about it beyond its date and text (actor, speaker, period, pinned topic, analyst label), so
    editing any of these replaces the stored claim and its scores."""
    c = st.claim
    parts = [
        c.actor,
        c.speaker,
        str(c.period_start),
        str(c.period_end),
        st.topic or "",
        st.label or "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"baseline:{digest}"


def _dated_folder(out: Path) -> Path:
    """Today's report folder in ``out`` (``YYYY-MM-DD``); a second run on the same day gets
    ``YYYY-MM-DD-2`` and so on, so no report (and its "new since the last run") is lost."""
    day = dt.date.today().isoformat()
    folder, n = out / day, 1
    while (folder / "run.json").exists():
        n += 1
        folder = out / f"{day}-{n}"
    return folder


def _not_in_input(store: Store, seen: set[str], rejected: Sequence[Rejected]) -> list[str]:
    """Stored article ids this run did not read: neither among the documents read nor among
    those it rejected (a file still there but unreadable now is in the input, not missing)."""
    from stance.baseline import DOCUMENT_PREFIX

    unread = [
        i for i in store.document_ids() if not i.startswith(DOCUMENT_PREFIX) and i not in seen
    ]
    refused = {r.source for r in rejected}
    sources = store.document_sources(unread)  # an archive can be large: no texts loaded
    return [i for i in unread if sources.get(i, "") not in refused]


def _moved_away(store: Store, doc_id: str) -> bool:
    """Whether the stored document ``doc_id`` was read from a file that no longer exists (a
    file of its own: a line of a JSONL file or a row of a CSV has no file of its own)."""
    source = store.document_sources([doc_id]).get(doc_id, "")
    if not source or ":line " in source or ":row " in source:
        return False
    return not Path(source).exists()


def _store_baselines(
    db: Store, baselines: Sequence[Any], registry: ActorRegistry
) -> tuple[dict[str, str], dict[str, str], int]:
    """Store baseline statements (unchanged ones are skipped), forget stored ones no longer in
    the run's baseline files, and return the claims' pinned topics and analyst labels by claim
    id, and how many statements were forgotten."""
    from stance.baseline import DOCUMENT_PREFIX

    pinned: dict[str, str] = {}
    overrides: dict[str, str] = {}
    current = {st.document.id for b in baselines for st in b.statements}
    gone = [i for i in db.document_ids() if i.startswith(DOCUMENT_PREFIX) and i not in current]
    removed = db.delete_documents(gone)
    for b in baselines:
        for st in b.statements:
            if st.topic:
                pinned[st.claim.id] = st.topic
            if st.label:
                overrides[st.claim.id] = st.label
            version = _baseline_version(st)
            if db.document_status(st.document) == "same" and db.has_claims(
                st.document.id, extractor_version=version
            ):
                continue
            db.put_document(st.document)
            res = registry.resolve(st.claim.actor, st.claim.date)
            claim = st.claim
            if res is not None:
                claim = replace(
                    claim,
                    actor=res.actor,
                    government=res.government,
                    administration=res.administration,
                )
            db.put_claims(st.document.id, [claim], extractor_version=version)
    return pinned, overrides, removed


def _score_missing(
    store: Store,
    claims: Sequence[Claim],
    *,
    models: _Models,
    codebook: Codebook,
    topic_hashes: dict[str, str],
    model_id: str,
    threshold: float,
    pinned: dict[str, str],
    overrides: dict[str, str],
    articles: bool,
    counts: Counter,
    progress: bool,
) -> None:
    """Score every (claim, topic) pair the store has not scored with this model and codebook."""
    from stance.scoring import score_claims
    from stance.topics import article_context, claim_context

    done = store.scored_pairs(model_id=model_id, topic_hashes=topic_hashes)
    todo = [c for c in claims if any((c.id, t) not in done for t in topic_hashes)]
    if not todo:
        return
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="scoring claims", unit="claim", leave=False)
    for batch in _batches(todo, SCORE_BATCH):
        docs = {d.id: d for d in store.documents({c.doc_id for c in batch})}
        contexts = [claim_context(c, docs[c.doc_id].text) for c in batch]
        missing = sorted({t for c in batch for t in topic_hashes if (c.id, t) not in done})
        rows = score_claims(
            batch,
            contexts,
            codebook=codebook,
            model=models.model,
            embedder=models.embedder,
            threshold=threshold,
            pinned=pinned,
            overrides=overrides,
            topics=missing,
            articles=(
                {d.id: article_context(d.title, d.text) for d in docs.values()}
                if articles
                else None
            ),
        )
        rows = [r for r in rows if (r.claim_id, r.topic) not in done]
        store.put_scores(rows, model_id=model_id, topic_hashes=topic_hashes)
        counts["pairs_scored"] += len(rows)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        bar.close()


def _example_readings(
    db: Store, shifts: Sequence[Shift], *, models: _Models, book: Codebook, model_id: str
) -> tuple[pd.DataFrame, dict[tuple[str, str], Any]]:
    """The plain model's check of the codebook's examples, and the example each shift's
    then-and-now quote reads most like (both kept in the store; :mod:`stance.examples`)."""
    from stance.examples import check_cached, matches_cached

    def plain() -> Any:
        return models.plain

    checked = check_cached(book, store=db, model_id=model_id, load_model=plain)
    quotes = [(s.topic, e.quote) for s in shifts for _, side in s.evidence_sides() for e in side]
    matches = matches_cached(quotes, book, store=db, model_id=model_id, load_model=plain)
    return checked, matches


def quotes_marked_other_side(shifts: Sequence[Shift], matches: dict[tuple[str, str], Any]) -> int:
    """How many then-and-now quotes the report marks "⚠ other side"
    (:func:`stance.examples.marks_other_side`)."""
    from stance.examples import marks_other_side

    return sum(
        marks_other_side(matches.get((s.topic, e.quote)), stance)
        for s in shifts
        for stance, quotes in s.evidence_sides()
        for e in quotes
    )


def run(
    *,
    documents: Sequence[str | Path] = (),
    codebook: str | Path = DATA_DIR / "codebook.yaml",
    actors: str | Path = DATA_DIR / "actors.yaml",
    baseline: Sequence[str | Path] = (),
    out_dir: str | Path | None = None,
    store: str | Path | None = None,
    model: str | Path | None = None,
    topic_threshold: float = 0.6,
    governments: Sequence[str] = (),
    min_confidence: float = 0.5,
    adapt_to_examples: bool = False,
    link_through_articles: bool = False,
    dated_reports: bool = False,
    forget_missing: bool = False,
    progress: bool = False,
    config_path: Path | None = None,
    title: str = "Policy stance shift report",
) -> RunResult:
    """Run the pipeline and (when ``out_dir`` is given) write the report.

    Args:
        documents: Article files or folders (one path, or a list of them).
        codebook: Topic codebook YAML.
        actors: Actor registry YAML.
        baseline: Baseline statement files (one path, or a list of them).
        out_dir: Report folder; ``None`` writes no report.
        store: SQLite store; default ``<out_dir>/stance.sqlite`` (in memory without ``out_dir``).
        model: Stance model artifact folder (default: the packaged model).
        topic_threshold: Minimum topic-link score.
        governments: Governments to compare (default: all with claims).
        min_confidence: Minimum confidence of a flagged shift.
        adapt_to_examples: Let each topic's favor/against examples vote on the side of the
            statements about that topic (``StanceModel.adapt``, method ``vote``).
        link_through_articles: Let a claim that names no topic take the one topic its
            article's headline and first sentence are about (off by default;
            :class:`stance.config.RunConfig`).
        dated_reports: Write the report into ``out_dir/YYYY-MM-DD/`` (the store stays in
            ``out_dir``), so a scheduled job keeps one report per day.
        forget_missing: Drop stored documents that are no longer among ``documents`` (with
            their claims). Off by default: the store is an archive, and an article moved out
            of a feed folder still counts (``documents_not_in_input`` in the summary says how
            many).
        progress: Show progress bars.
        config_path: The config file, recorded in the summary.
        title: Report title.

    Returns:
        The run's DataFrames, shift records and summary.
    """
    from stance.baseline import load_baseline
    from stance.codebook import Codebook
    from stance.ingest import iter_documents
    from stance.registry import ActorRegistry
    from stance.store import Store, run_lock, shift_identity

    started = time.perf_counter()
    # one path (or id) where a list is expected is that one, as in a config, not its characters
    documents, baseline, governments = (
        [value] if isinstance(value, str | Path) else list(value)
        for value in (documents, baseline, governments)
    )
    here = Path.cwd()  # paths may also be written "stance:NAME" (shipped data), as in a config
    book = Codebook.load(resolve_path(codebook, here))
    registry = ActorRegistry.load(resolve_path(actors, here))
    unknown = sorted(set(governments) - set(registry.governments))
    if unknown:
        raise ConfigError(
            f"{resolve_path(actors, here)}: no government {', '.join(map(repr, unknown))} for "
            f"`governments`; known: {', '.join(sorted(registry.governments))}"
        )
    baselines = [
        load_baseline(resolve_path(p, here), registry=registry, codebook=book) for p in baseline
    ]
    out = Path(out_dir) if out_dir is not None else None
    db_path = store_path(store, out)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    identity = model_identity(Path(model) if model else None)
    models = _Models(Path(model) if model else None, book, adapt=adapt_to_examples)
    topic_hashes = topic_versions(
        book, adapt_to_examples, topic_threshold, articles=link_through_articles
    )
    model_id = identity["sha256"]
    counts: Counter = Counter()
    rejected: list[Rejected] = []
    seen: set[str] = set()

    # one run per store at a time (run_lock), released even if the run is killed
    with run_lock(db_path), Store.open(db_path) as db:
        run_id = db.begin_run(
            config={"config": str(config_path or ""), "documents": [str(d) for d in documents]}
        )
        _ingest(
            iter_documents(documents),
            store=db,
            registry=registry,
            counts=counts,
            rejected=rejected,
            seen=seen,
        )
        missing = _not_in_input(db, seen, rejected)
        # a run that read nothing (an unmounted share, an empty sync) forgets nothing
        if forget_missing and missing and seen:
            counts["documents_forgotten"] = db.delete_documents(missing)
            missing = []
        pinned, overrides, baselines_removed = _store_baselines(db, baselines, registry)
        # the timeline covers everything in the store: earlier runs' documents count too
        claims = db.claims()
        _score_missing(
            db,
            claims,
            models=models,
            codebook=book,
            topic_hashes=topic_hashes,
            model_id=model_id,
            threshold=topic_threshold,
            pinned=pinned,
            overrides=overrides,
            articles=link_through_articles,
            counts=counts,
            progress=progress,
        )
        scores, timeline, names = timeline_from_store(
            db, claims, registry=registry, model_id=model_id, topic_hashes=topic_hashes
        )
        linked_ids = {sc.claim_id for sc in scores if sc.label}
        # every change the data shows: those at min_confidence are flagged, the rest are hints
        detected = compare_governments(
            timeline, registry, governments=governments, min_confidence=0
        )
        shifts = [s for s in detected if s.confidence >= min_confidence]
        below = [s for s in detected if NEAR_MISS_FLOOR <= s.confidence < min_confidence]
        held = held_positions(timeline, registry, governments=governments)
        overview = topic_overview(
            timeline,
            registry,
            governments=governments,
            detected=detected,
            min_confidence=min_confidence,
        )
        previous = db.shifts()  # the last finished run's, for what it flagged and this one not
        new = db.put_shifts(run_id, shifts)
        flagged = {shift_identity(s) for s in shifts}
        gone = [s for s in previous if shift_identity(s) not in flagged]
        # flagged now, not by the last run, but by an earlier one: back, though not new
        fresh = {shift_identity(s) for s in new} | {shift_identity(s) for s in previous}
        again = [s for s in shifts if shift_identity(s) not in fresh]
        confidence_now = {shift_identity(s): s.confidence for s in detected}
        from stance.report.render import held_frame, shift_key, shifts_frame

        new_keys = {shift_key(s) for s in new}
        runs = db.runs()
        first_run = not (runs["finished"].notna() & (runs["run_id"] < run_id)).any()
        checked, matches = _example_readings(
            db, shifts, models=models, book=book, model_id=model_id
        )
        unregistered = unregistered_speakers(claims, registry)
        summary = {
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "stance_version": stance.__version__,
            "config": str(config_path) if config_path else None,
            "store": str(db_path),
            "run_id": run_id,
            "model": {
                **identity,
                "topic_examples": "vote" if adapt_to_examples else "unused",
                "off_topic_guard": "unused (the topic linker decides)",
            },
            "model_loaded": models.used,
            "codebook": book.identity(),
            "actors": registry.identity(),
            "baselines": [
                {
                    "name": b.name,
                    "version": b.version,
                    "sha256": b.sha256,
                    "statements": len(b.statements),
                }
                for b in baselines
            ],
            "documents": counts["documents"],
            "documents_new": counts["documents_new"],
            "documents_skipped": counts["documents_skipped"],
            "documents_rejected": len(rejected),
            "documents_changed": counts["documents_changed"],
            "documents_renamed": counts["documents_renamed"],
            "documents_not_in_input": len(missing),
            "documents_not_in_input_ids": missing[:20],
            "documents_forgotten": counts["documents_forgotten"],
            "baseline_statements_removed": baselines_removed,
            "rejected": [{"source": r.source, "reason": r.reason} for r in rejected],
            "claims": len(claims),
            "claims_new": counts["claims_new"],
            "claims_linked": len(linked_ids),
            "pairs_scored": counts["pairs_scored"],
            "shifts": len(shifts),
            "shifts_new": len(new),
            "shifts_no_longer_flagged": len(gone),
            "shifts_flagged_again": len(again),
            "shifts_below_threshold": len(below),
            "positions_held": len(held),
            "min_confidence": min_confidence,
            "topic_threshold": topic_threshold,
            "link_through_articles": link_through_articles,
            "unregistered_speakers": unregistered,
            "example_check": {
                "examples": len(checked),
                "read_as_labelled": int(checked["agrees"].astype(bool).sum()),
                "quotes_marked_other_side": quotes_marked_other_side(shifts, matches),
            },
            "seconds": round(time.perf_counter() - started, 2),
        }

        act_names = dict(names.actors)
        claims_df = claims_frame(claims, scores, names=act_names)
        result = RunResult(
            claims=claims_df,
            timeline=timeline,
            shifts=shifts_frame(shifts, new_keys),
            shift_records=shifts,
            summary=summary,
            rejected=rejected,
            examples=checked,
            held=held_frame(held),
            below_threshold=shifts_frame(below),
            overview=overview,
        )
        if out is not None:
            from stance.report.render import ReportData, write_report

            labels = {t.id: t.label for t in book.topics}
            result.paths = write_report(
                ReportData(
                    title=title,
                    summary=summary,
                    shifts=shifts,
                    claims=claims_df,
                    timeline=timeline,
                    periods=administration_periods(timeline, registry),
                    topic_labels=labels,
                    heatmap=heatmap_matrix(timeline, registry, labels),
                    new_shifts=new_keys,
                    first_run=first_run,
                    gone_shifts=gone,
                    again_shifts=again,
                    below_threshold=below,
                    overview=overview,
                    confidence_now=confidence_now,
                    held=held,
                    unregistered=unregistered,
                    rejected=rejected,
                    examples=checked,
                    matches=matches,
                ),
                _dated_folder(out) if dated_reports else out,
            )
        # the report is out: only now does the run count as finished (put_shifts treats the
        # shifts of an unfinished run, killed before anyone was told, as new again next time).
        # A run that read no document fails (`stance run` exits 2), so it does not finish
        # either: its alerts are the next good run's.
        if seen:
            db.finish_run(run_id, summary)
        log.info(
            "run %s: %d documents (%d new, %d unchanged, %d rejected), %d claims, %d shifts (%d new)",
            run_id,
            summary["documents"],
            summary["documents_new"],
            summary["documents_skipped"],
            summary["documents_rejected"],
            summary["claims"],
            summary["shifts"],
            summary["shifts_new"],
        )
    return result
