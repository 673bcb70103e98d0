"""The whole path: documents -> claims -> stance scores -> timeline -> shifts -> report.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import stance
from stance.config import DATA_DIR, load_config
from stance.records import Claim, Document, Rejected, Shift, StanceScore

if TYPE_CHECKING:
    import pandas as pd

    from stance.codebook import Codebook
    from stance.registry import ActorRegistry
    from stance.store import Store
    from stance.timeline import Names

log = logging.getLogger("stance")

#: Documents handled per batch (bounded memory on large corpora).
BATCH_SIZE = 256
#: Claims scored per batch.
SCORE_BATCH = 512

#: claims.csv columns (the contract first, then the rest).
CLAIM_COLUMNS = [
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
    "claim_id",
    "speaker",
    "speaker_start_char",
    "speaker_end_char",
    "actor_name",
    "government",
    "administration",
    "topic_score",
    "override",
    "hedged",
    "kind",
    "cue",
    "period_start",
    "period_end",
    "date_text",
]


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
    """

    claims: pd.DataFrame
    timeline: pd.DataFrame
    shifts: pd.DataFrame
    shift_records: list[Shift]
    summary: dict[str, Any]
    rejected: list[Rejected] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)


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
        self._model = None
        self._embedder = None

    @property
    def model(self) -> Any:
        if self._model is None:
            from stance.model import StanceModel

            model = StanceModel.load(self.model_dir)
            examples = self.codebook.examples_frame() if self.adapt else None
            if self.adapt and not examples.empty:
                model = model.adapt(examples)
            self._model = model
        return self._model

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from stance.model.encoder import SentenceEmbedder

            self._embedder = SentenceEmbedder()
        return self._embedder

    @property
    def used(self) -> bool:
        return self._model is not None or self._embedder is not None


def model_identity(model_dir: Path | None) -> dict[str, str]:
    """Name and sha256 of the stance model artifact, read without loading the model."""
    from stance.model.artifact import artifact_sha256, default_artifact_dir

    path = Path(model_dir) if model_dir else default_artifact_dir()
    return {
        "name": path.name if model_dir else "stance-minilm-lora (packaged)",
        "path": str(path),
        "sha256": artifact_sha256(path),
    }


def _topic_hashes(codebook: Codebook, adapt: bool) -> dict[str, str]:
    """A hash per topic of everything its scores depend on (re-score only what changed)."""
    shared = []
    if adapt:
        # examples adapt the model's head: any example change re-scores every topic
        shared = [e for u in codebook.topics for e in (*u.favor_examples, *u.against_examples)]
    out = {}
    for t in codebook.topics:
        parts = [t.id, t.proposition, *t.keywords, *t.favor_examples, *t.against_examples]
        out[t.id] = hashlib.sha256("\x1f".join(parts + shared).encode()).hexdigest()[:16]
    return out


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
    seen: list[str],
) -> None:
    """Store new or changed documents and extract their claims (in batches)."""
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
            seen.append(item.id)
            counts["documents"] += 1
            status = store.document_status(item)
            if status == "same" and store.has_claims(item.id, extractor_version=version):
                counts["documents_skipped"] += 1
                continue
            store.put_document(item)
            todo.append(item)
            counts["documents_new"] += 1
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
    counts: Counter,
    progress: bool,
) -> None:
    """Score every (claim, topic) pair the store has not scored with this model and codebook."""
    from stance.scoring import score_claims
    from stance.topics import claim_context

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
        )
        rows = [r for r in rows if (r.claim_id, r.topic) not in done]
        store.put_scores(rows, model_id=model_id, topic_hashes=topic_hashes)
        counts["pairs_scored"] += len(rows)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        bar.close()


def claims_frame(
    claims: Sequence[Claim], scores: Sequence[StanceScore], *, names: dict[str, str]
) -> pd.DataFrame:
    """claims.csv: one row per claim and linked topic; unlinked claims once with no topic."""
    import pandas as pd

    linked: dict[str, list[StanceScore]] = {}
    for s in scores:
        if s.label:
            linked.setdefault(s.claim_id, []).append(s)
    rows = []
    for c in claims:
        base = {
            "doc_id": c.doc_id,
            "actor": c.actor,
            "speaker_text": c.speaker_text,
            "text": c.text,
            "start_char": c.start_char,
            "end_char": c.end_char,
            "date": c.date,
            "claim_id": c.id,
            "speaker": c.speaker,
            "speaker_start_char": c.speaker_start_char,
            "speaker_end_char": c.speaker_end_char,
            "actor_name": names.get(c.actor, c.speaker or c.actor),
            "government": c.government or "",
            "administration": c.administration or "",
            "hedged": c.hedged,
            "kind": c.kind,
            "cue": c.cue,
            "period_start": c.period_start,
            "period_end": c.period_end,
            "date_text": c.date_text or "",
        }
        for s in linked.get(c.id) or [None]:
            row = dict(base)
            if s is None:
                row.update(
                    topic="",
                    stance="",
                    p_favor=0.0,
                    p_against=0.0,
                    p_neutral=0.0,
                    topic_score=0.0,
                    override="",
                )
            else:
                row.update(
                    topic=s.topic,
                    stance=s.label,
                    p_favor=s.p_favor,
                    p_against=s.p_against,
                    p_neutral=s.p_neutral,
                    topic_score=s.topic_score,
                    override=s.override or "",
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    return frame.sort_values(["date", "doc_id", "start_char"], kind="stable").reset_index(drop=True)


def compare_governments(
    timeline: pd.DataFrame,
    registry: ActorRegistry,
    *,
    governments: Sequence[str] = (),
    min_confidence: float = 0.5,
    baseline: str | None = None,
    current: str | None = None,
) -> list[Shift]:
    """Compare each government's current administration with each prior administration.

    Args:
        timeline: Claim-level timeline with ``government`` and ``administration`` columns.
        registry: Actor registry (administration periods and names).
        governments: Government ids to compare (default: all with claims).
        min_confidence: Minimum confidence of a flagged shift.
        baseline: Compare against this administration only.
        current: Use this administration as the current one (default: the latest with claims).

    Returns:
        Shifts of all comparisons, most confident first.
    """
    from stance.diff import detect_shifts

    if timeline.empty:
        return []
    shifts: list[Shift] = []
    wanted = list(governments) or sorted(g for g in timeline["government"].unique() if g)
    for gov in wanted:
        rows = timeline[timeline["government"] == gov]
        if rows.empty:
            continue
        admins = {a.id: a for a in registry.administrations(gov)}
        present = [a for a in rows["administration"].unique() if a in admins]
        if not present:
            continue
        cur = current or max(present, key=lambda a: admins[a].start)
        priors = (
            [baseline] if baseline else [a for a in present if admins[a].start < admins[cur].start]
        )
        for prior in sorted(priors, key=lambda a: admins[a].start, reverse=True):
            shifts += detect_shifts(
                rows[rows["administration"] == prior],
                rows[rows["administration"] == cur],
                key="government",
                names={gov: registry.government_name(gov)},
                before_period=admins[prior].name,
                after_period=admins[cur].name,
                min_confidence=min_confidence,
            )
    return sorted(shifts, key=lambda s: (-s.confidence, s.actor, s.topic))


def _heatmap(
    timeline: pd.DataFrame, registry: ActorRegistry, labels: dict[str, str]
) -> pd.DataFrame:
    """Latest administration's pooled position per government (rows) and topic (columns)."""
    import pandas as pd

    from stance.timeline import pool

    data = timeline[timeline["government"] != ""] if not timeline.empty else timeline
    if data.empty:
        return pd.DataFrame()
    cells: dict[str, dict[str, float]] = {}
    for gov, rows in data.groupby("government"):
        admins = {a.id: a for a in registry.administrations(gov)}
        present = [a for a in rows["administration"].unique() if a in admins]
        if present:
            rows = rows[rows["administration"] == max(present, key=lambda a: admins[a].start)]
        name = registry.government_name(gov)
        for topic, group in rows.groupby("topic"):
            p = pool(group)
            if p is not None:
                cells.setdefault(name, {})[labels.get(topic, topic)] = round(p.position, 3)
    return pd.DataFrame(cells).T.sort_index()


def _periods(timeline: pd.DataFrame, registry: ActorRegistry) -> pd.DataFrame:
    import pandas as pd

    gov = timeline["government"][timeline["government"] != ""].mode() if not timeline.empty else []
    if len(gov) == 0:
        return pd.DataFrame(columns=["name", "start", "end"])
    admins = registry.administrations(gov.iloc[0])
    return pd.DataFrame(
        [{"name": a.name, "start": a.start, "end": a.end} for a in admins],
        columns=["name", "start", "end"],
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
    dated_reports: bool = False,
    progress: bool = False,
    config_path: Path | None = None,
    title: str = "Policy stance shift report",
) -> RunResult:
    """Run the pipeline and (when ``out_dir`` is given) write the report.

    Args:
        documents: Article files or folders.
        codebook: Topic codebook YAML.
        actors: Actor registry YAML.
        baseline: Baseline statement files.
        out_dir: Report folder; ``None`` writes no report.
        store: SQLite store; default ``<out_dir>/stance.sqlite`` (in memory without ``out_dir``).
        model: Stance model artifact folder (default: the packaged model).
        topic_threshold: Minimum topic-link score.
        governments: Governments to compare (default: all with claims).
        min_confidence: Minimum confidence of a flagged shift.
        adapt_to_examples: Adapt the stance head to the codebook's example statements.
        dated_reports: Write the report into ``out_dir/YYYY-MM-DD/`` (the store stays in
            ``out_dir``), so a scheduled job keeps one report per day.
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
    from stance.store import Store

    started = time.perf_counter()
    book = Codebook.load(codebook)
    registry = ActorRegistry.load(actors)
    baselines = [load_baseline(p) for p in baseline]
    out = Path(out_dir) if out_dir is not None else None
    store_path = Path(store) if store else (out / "stance.sqlite" if out else ":memory:")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    identity = model_identity(Path(model) if model else None)
    models = _Models(Path(model) if model else None, book, adapt=adapt_to_examples)
    topic_hashes = _topic_hashes(book, adapt_to_examples)
    model_id = identity["sha256"]
    counts: Counter = Counter()
    rejected: list[Rejected] = []
    seen: list[str] = []

    with Store.open(store_path) as db:
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
        pinned: dict[str, str] = {}
        overrides: dict[str, str] = {}
        base_ids: list[str] = []
        for b in baselines:
            for st in b.statements:
                base_ids.append(st.document.id)
                if st.topic:
                    pinned[st.claim.id] = st.topic
                if st.label:
                    overrides[st.claim.id] = st.label
                if db.document_status(st.document) == "same" and db.has_claims(
                    st.document.id, extractor_version="baseline"
                ):
                    continue
                db.put_document(st.document)
                res = registry.resolve(st.claim.actor, st.claim.date)
                claim = st.claim
                if res is not None:
                    from dataclasses import replace

                    claim = replace(
                        claim,
                        actor=res.actor,
                        government=res.government,
                        administration=res.administration,
                    )
                db.put_claims(st.document.id, [claim], extractor_version="baseline")
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
            counts=counts,
            progress=progress,
        )
        scores, timeline, names = _timeline(
            db, claims, registry=registry, model_id=model_id, topic_hashes=topic_hashes
        )
        linked_ids = {sc.claim_id for sc in scores if sc.label}
        shifts = compare_governments(
            timeline, registry, governments=governments, min_confidence=min_confidence
        )
        new = db.put_shifts(run_id, shifts)
        from stance.report.render import shift_key, shifts_frame

        new_keys = {shift_key(s) for s in new}
        unregistered = _unregistered(claims, registry)
        summary = {
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "stance_version": stance.__version__,
            "config": str(config_path) if config_path else None,
            "store": str(store_path),
            "run_id": run_id,
            "model": identity,
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
            "rejected": [{"source": r.source, "reason": r.reason} for r in rejected],
            "claims": len(claims),
            "claims_new": counts["claims_new"],
            "claims_linked": len(linked_ids),
            "pairs_scored": counts["pairs_scored"],
            "shifts": len(shifts),
            "shifts_new": len(new),
            "min_confidence": min_confidence,
            "topic_threshold": topic_threshold,
            "unregistered_speakers": unregistered,
            "seconds": round(time.perf_counter() - started, 2),
        }
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

    act_names = dict(names.actors)
    claims_df = claims_frame(claims, scores, names=act_names)
    result = RunResult(
        claims=claims_df,
        timeline=timeline,
        shifts=shifts_frame(shifts, new_keys),
        shift_records=shifts,
        summary=summary,
        rejected=rejected,
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
                periods=_periods(timeline, registry),
                topic_labels=labels,
                heatmap=_heatmap(timeline, registry, labels),
                new_shifts=new_keys,
                unregistered=unregistered,
                rejected=rejected,
            ),
            out / dt.date.today().isoformat() if dated_reports else out,
        )
    return result


def _timeline(
    db: Store,
    claims: Sequence[Claim],
    *,
    registry: ActorRegistry,
    model_id: str,
    topic_hashes: dict[str, str],
) -> tuple[list[StanceScore], pd.DataFrame, Names]:
    """The stored scores of ``claims`` and the claim-level timeline built from them."""
    from stance.timeline import Names, build_timeline

    ids = {c.id for c in claims}
    scores = [
        sc
        for sc in db.scores(model_id=model_id, topic_hashes=topic_hashes, linked_only=False)
        if sc.claim_id in ids
    ]
    linked = {sc.claim_id for sc in scores if sc.label}
    docs = {d.id: d for d in db.documents({c.doc_id for c in claims if c.id in linked})}
    governments = {c.government for c in claims if c.government}
    names = Names(
        actors={c.actor: registry.display_name(c.actor) for c in claims if c.actor},
        governments={g: registry.government_name(g) for g in governments},
        administrations={a.id: a.name for g in governments for a in registry.administrations(g)},
    )
    return scores, build_timeline(claims, scores, docs, names=names), names


def _from_store(
    config: str | Path, cfg: Any, registry: ActorRegistry
) -> tuple[Codebook, list[Claim], list[StanceScore], pd.DataFrame, Names, pd.DataFrame]:
    """Codebook, claims, scores, timeline, names and documents of a config's existing store."""
    from stance.codebook import Codebook
    from stance.errors import ConfigError
    from stance.store import Store

    path = cfg.store or (cfg.out_dir / "stance.sqlite")
    if not Path(path).exists():
        raise ConfigError(f"{path}: no store yet; run `stance run --config {config}` first")
    book = Codebook.load(cfg.codebook)
    topic_hashes = _topic_hashes(book, cfg.adapt_to_examples)
    model_id = model_identity(cfg.model)["sha256"]
    with Store.open(path) as db:
        claims = db.claims()
        scores, timeline, names = _timeline(
            db, claims, registry=registry, model_id=model_id, topic_hashes=topic_hashes
        )
        documents = db.documents_frame()
    return book, claims, scores, timeline, names, documents


def compare(
    config: str | Path,
    *,
    government: str,
    baseline: str,
    current: str,
    min_confidence: float | None = None,
) -> pd.DataFrame:
    """Compare two administrations of a government from the store of a run config.

    Args:
        config: The run config whose store, codebook, registry and model are used (run
            ``stance run`` first to fill the store).
        government: Registry id of the government (e.g. ``us-executive``).
        baseline: Registry id of the baseline administration (e.g. ``biden``).
        current: Registry id of the current administration (e.g. ``trump-2``).
        min_confidence: Minimum confidence (default: the config's).

    Returns:
        The shifts as a DataFrame (:data:`stance.report.render.SHIFT_COLUMNS`).

    Raises:
        ConfigError: Unknown government or administration, or no store yet.
    """
    from stance.errors import ConfigError
    from stance.registry import ActorRegistry
    from stance.report.render import shifts_frame

    cfg = load_config(config)
    registry = ActorRegistry.load(cfg.actors)
    admins = {a.id for a in registry.administrations(government)}
    if not admins:
        known = ", ".join(sorted(registry.governments))
        raise ConfigError(f"{cfg.actors}: no government {government!r}; known: {known}")
    for name in (baseline, current):
        if name not in admins:
            raise ConfigError(
                f"{cfg.actors}: {government} has no administration {name!r}; "
                f"known: {', '.join(sorted(admins))}"
            )
    _, _, _, timeline, _, _ = _from_store(config, cfg, registry)
    shifts = compare_governments(
        timeline,
        registry,
        governments=[government],
        min_confidence=cfg.min_confidence if min_confidence is None else min_confidence,
        baseline=baseline,
        current=current,
    )
    return shifts_frame(shifts)


EXPORT_FORMATS = ("dna", "csv", "parquet", "graphml")


def export(config: str | Path, *, format: str, output: str | Path, table: str = "claims") -> Path:
    """Export what the store of a run config holds, for other tools.

    Args:
        config: The run config (its store, codebook, registry and model identify the scores).
        format: ``dna`` (Discourse Network Analyzer statements), ``csv`` or ``parquet`` (of
            ``table``), or ``graphml`` (actor-topic network for Gephi).
        output: File to write.
        table: For csv/parquet: ``claims`` (claims.csv columns) or ``timeline``.

    Returns:
        The written file.
    """
    from stance import export as exp
    from stance.errors import ConfigError
    from stance.records import to_frame
    from stance.registry import ActorRegistry

    if format not in EXPORT_FORMATS:
        raise ConfigError(
            f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}"
        )
    if table not in ("claims", "timeline"):
        raise ConfigError(f"unknown table {table!r}; use claims or timeline")
    cfg = load_config(config)
    registry = ActorRegistry.load(cfg.actors)
    book, claims, scores, timeline, names, documents = _from_store(config, cfg, registry)
    labels = {t.id: t.label for t in book.topics}
    scores_df = to_frame(scores, StanceScore)
    if format == "dna":
        return exp.export_dna(
            to_frame(claims, Claim),
            scores_df,
            documents,
            output,
            topic_labels=labels,
            government_names=dict(names.governments),
        )
    if format == "graphml":
        actor_names = {**dict(names.actors), **dict(names.governments)}
        return exp.export_graphml(
            to_frame(claims, Claim), scores_df, output, actor_names=actor_names, topic_labels=labels
        )
    frame = (
        claims_frame(claims, scores, names=dict(names.actors)) if table == "claims" else timeline
    )
    return exp.export_table(frame, output, format=format)


def _unregistered(claims: Sequence[Claim], registry: ActorRegistry) -> list[dict[str, Any]]:
    """Speakers kept under a normalised name because the registry does not know them."""
    counter: Counter = Counter()
    gov: dict[str, str] = {}
    for c in claims:
        if not c.actor or c.kind == "baseline" or c.actor in registry.ids:
            continue
        name = c.speaker or c.actor
        counter[name] += 1
        gov[name] = registry.government_name(c.government) if c.government else ""
    return [{"name": n, "count": k, "government": gov[n]} for n, k in counter.most_common()]
