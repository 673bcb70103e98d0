"""Tables and comparisons built from claims and scores: the claims table, timelines from the
store, administration comparisons and exports for other tools.

:mod:`stance.pipeline` fills the store; the functions here read it (``compare``, ``export``) or
shape what a run returns.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.config import load_config, store_path
from stance.records import Claim, Shift, StanceScore

if TYPE_CHECKING:
    import pandas as pd

    from stance.codebook import Codebook
    from stance.registry import ActorRegistry
    from stance.store import Store
    from stance.timeline import Names


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
    "linked_by",
    "no_position",
    "override",
    "hedged",
    "kind",
    "cue",
    "period_start",
    "period_end",
    "date_text",
]


def model_identity(model_dir: Path | None) -> dict[str, str]:
    """Name, sha256 and backend of the stance model, read without loading the model (its
    ``meta.json`` is checked against this code and the installed base encoder).

    The store keys scores by ``sha256``: the pipeline scores with the default backend, and the
    fp32 backends (``onnx``, ``torch``) give the same scores, so ``backend`` is recorded in
    run reports but is not part of the key.
    """
    from stance.model import DEFAULT_BACKEND
    from stance.model.artifact import artifact_sha256, default_artifact_dir, read_meta
    from stance.model.encoder import base_model_hash

    path = Path(model_dir) if model_dir else default_artifact_dir()
    # checked at every run, not only when the model is loaded: a run with nothing new to
    # score would otherwise report scores of a model that no longer fits the base encoder
    read_meta(path, base_hash=base_model_hash())
    return {
        "name": path.name if model_dir else "stance-minilm-lora (packaged)",
        "path": str(path),
        "sha256": artifact_sha256(path),
        "backend": DEFAULT_BACKEND,
    }


def topic_versions(
    codebook: Codebook, adapt: bool, threshold: float, *, articles: bool = False
) -> dict[str, str]:
    """A hash per topic of everything its scores depend on (re-score only what changed).

    With ``adapt`` a topic's examples vote on its own statements only (``StanceModel.adapt``,
    method ``vote``), so an example change re-scores its topic alone; turning ``adapt`` on or
    off re-scores every topic. ``threshold`` (the run's ``topic_threshold``) decides which
    claims a topic links, so changing it re-scores every topic too (otherwise the store would
    keep the links of the old threshold). So do ``articles`` (``link_through_articles``) and a
    new way of linking claims to topics (:data:`stance.scoring.LINKER_VERSION`).
    """
    from stance.scoring import LINKER_VERSION

    out = {}
    for t in codebook.topics:
        parts = [t.id, t.proposition, *t.keywords, *t.favor_examples, *t.against_examples]
        parts.append(f"threshold: {float(threshold):g}")
        parts.append(f"linker: {LINKER_VERSION}")
        if articles:
            parts.append("linker: articles")
        if adapt:
            parts.append("examples: vote")
        out[t.id] = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
    return out


def claims_frame(
    claims: Sequence[Claim], scores: Sequence[StanceScore], *, names: dict[str, str]
) -> pd.DataFrame:
    """claims.csv: one row per claim and linked topic; unlinked claims once with no topic."""
    import pandas as pd

    from stance.scoring import takes_no_position

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
                    linked_by="",
                    no_position=False,
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
                    linked_by=s.linked_by,
                    no_position=not s.override and takes_no_position(c.text),
                    override=s.override or "",
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    # a claim with no speaker mention has no offsets: integers with gaps, not floats
    frame = frame.astype({"speaker_start_char": "Int64", "speaker_end_char": "Int64"})
    return frame.sort_values(["date", "doc_id", "start_char"], kind="stable").reset_index(drop=True)


def _comparisons(
    timeline: pd.DataFrame,
    registry: ActorRegistry,
    *,
    governments: Sequence[str] = (),
    baseline: str | None = None,
    current: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Each (government, prior administration, current administration) to compare: keyword
    arguments for :func:`stance.diff.detect_shifts` / :func:`stance.diff.detect_holds`."""
    if timeline.empty:
        return
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
            yield {
                "before": rows[rows["administration"] == prior],
                "after": rows[rows["administration"] == cur],
                "key": "government",
                "names": {gov: registry.government_name(gov)},
                "before_period": admins[prior].name,
                "after_period": admins[cur].name,
            }


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

    shifts: list[Shift] = []
    for pair in _comparisons(
        timeline, registry, governments=governments, baseline=baseline, current=current
    ):
        shifts += detect_shifts(**pair, min_confidence=min_confidence)
    return sorted(shifts, key=lambda s: (-s.confidence, s.actor, s.topic))


def held_positions(
    timeline: pd.DataFrame, registry: ActorRegistry, *, governments: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The positions each government's current administration kept from a prior one (same
    side, no shift): the other half of a comparison (:func:`stance.diff.detect_holds`)."""
    from stance.diff import detect_holds

    held: list[dict[str, Any]] = []
    for pair in _comparisons(timeline, registry, governments=governments):
        held += detect_holds(**pair)
    return held


#: Columns of :attr:`stance.pipeline.RunResult.overview` and ``overview.csv``.
OVERVIEW_COLUMNS = [
    "actor",
    "actor_name",
    "topic",
    "before_period",
    "after_period",
    "before_position",
    "n_before",
    "after_position",
    "n_after",
    "outcome",
    "change",
    "confidence",
]


def topic_overview(
    timeline: pd.DataFrame,
    registry: ActorRegistry,
    *,
    governments: Sequence[str] = (),
    detected: Sequence[Shift] = (),
    min_confidence: float = 0.5,
) -> pd.DataFrame:
    """Every topic each government spoke on in a compared pair of administrations, once, with
    what the run made of it, so a topic the model reads as neutral twice is not invisible.

    Args:
        timeline: Claim-level timeline.
        registry: Actor registry.
        governments: Government ids (default: all with claims).
        detected: Every change detected, flagged or not (``compare_governments`` with
            ``min_confidence=0``).
        min_confidence: The run's threshold for a flagged shift.

    Returns:
        :data:`OVERVIEW_COLUMNS`; ``outcome`` is ``flagged``, ``below threshold``, ``held``
        (same side), ``neutral in both`` or ``one period only``.
    """
    import pandas as pd

    from stance.timeline import pool

    changes = {(s.actor, s.topic, s.before_period): s for s in detected}
    rows = []
    for pair in _comparisons(timeline, registry, governments=governments):
        ((gov, name),) = pair["names"].items()
        before, after = pair["before"], pair["after"]
        for topic in sorted(set(before["topic"]) | set(after["topic"])):
            pb, pa = pool(before[before["topic"] == topic]), pool(after[after["topic"] == topic])
            if pb is None and pa is None:
                continue
            shift = changes.get((gov, topic, pair["before_period"]))
            if shift is not None:
                flagged = shift.confidence >= min_confidence
                outcome = "flagged" if flagged else "below threshold"
            elif pb is None or pa is None:
                outcome = "one period only"
            else:  # no change detected: the same side both times (stance.diff.classify_change)
                outcome = "neutral in both" if pa.stance == "neutral" else "held"
            rows.append(
                {
                    "actor": gov,
                    "actor_name": name,
                    "topic": topic,
                    "before_period": pair["before_period"],
                    "after_period": pair["after_period"],
                    "before_position": round(pb.position, 4) if pb else None,
                    "n_before": pb.n if pb else 0,
                    "after_position": round(pa.position, 4) if pa else None,
                    "n_after": pa.n if pa else 0,
                    "outcome": outcome,
                    "change": shift.change if shift else "",
                    "confidence": shift.confidence if shift else None,
                }
            )
    return pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)


def heatmap_matrix(
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


def administration_periods(timeline: pd.DataFrame, registry: ActorRegistry) -> pd.DataFrame:
    import pandas as pd

    gov = timeline["government"][timeline["government"] != ""].mode() if not timeline.empty else []
    if len(gov) == 0:
        return pd.DataFrame(columns=["name", "start", "end"])
    admins = registry.administrations(gov.iloc[0])
    return pd.DataFrame(
        [{"name": a.name, "start": a.start, "end": a.end} for a in admins],
        columns=["name", "start", "end"],
    )


def timeline_from_store(
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


def from_store(
    config: str | Path, cfg: Any, registry: ActorRegistry, out_dir: str | Path | None = None
) -> tuple[Codebook, list[Claim], list[StanceScore], pd.DataFrame, Names, pd.DataFrame]:
    """Codebook, claims, scores, timeline, names and documents of a config's existing store
    (``out_dir``: the report folder a run wrote with ``--out``, as for ``stance run``)."""
    from stance.codebook import Codebook
    from stance.errors import ConfigError
    from stance.store import Store

    path = store_path(cfg.store, out_dir or cfg.out_dir)
    if not Path(path).exists():
        raise ConfigError(
            f"{path}: no store yet; run `stance run --config {config}` first (or pass --out "
            "with the folder a run wrote its report to)"
        )
    book = Codebook.load(cfg.codebook)
    topic_hashes = topic_versions(
        book, cfg.adapt_to_examples, cfg.topic_threshold, articles=cfg.link_through_articles
    )
    model_id = model_identity(cfg.model)["sha256"]
    with Store.open(path, create=False) as db:
        claims = db.claims()
        done = db.scored_pairs(model_id=model_id, topic_hashes=topic_hashes)
        stale = sorted({t for c in claims for t in topic_hashes if (c.id, t) not in done})
        if stale:
            raise ConfigError(
                f"{path}: no current scores for topic(s) {', '.join(stale)}: the codebook, the "
                "model, topic_threshold, adapt_to_examples, link_through_articles or stance's "
                "topic linking changed since the store's last run; "
                "run `stance run "
                f"--config {config}` to score them, then try again"
            )
        scores, timeline, names = timeline_from_store(
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
    out_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Compare two administrations of a government from the store of a run config.

    Args:
        config: The run config whose store, codebook, registry and model are used (run
            ``stance run`` first to fill the store).
        government: Registry id of the government (e.g. ``us-executive``).
        baseline: Registry id of the baseline administration (e.g. ``biden``).
        current: Registry id of the current administration (e.g. ``trump-2``).
        min_confidence: Minimum confidence (default: the config's).
        out_dir: The report folder whose store to read, where a run was given ``--out``
            (default: the config's ``out_dir``; a ``store`` in the config wins, as in a run).

    Returns:
        The shifts as a DataFrame (:data:`stance.report.render.SHIFT_COLUMNS`).

    Raises:
        ConfigError: Unknown government or administration, the same administration twice, a
            minimum confidence outside 0-1, or a store that is missing, not a stance store or
            not scored with the config's codebook and model.
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
    if baseline == current:
        raise ConfigError(f"--baseline and --current are both {baseline!r}; pick two")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise ConfigError(f"--min-confidence {min_confidence}: give a number from 0 to 1")
    _, _, _, timeline, _, _ = from_store(config, cfg, registry, out_dir)
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


def export(
    config: str | Path,
    *,
    format: str,
    output: str | Path,
    table: str | None = None,
    out_dir: str | Path | None = None,
) -> Path:
    """Export what the store of a run config holds, for other tools.

    Args:
        config: The run config (its store, codebook, registry and model identify the scores).
        format: ``dna`` (Discourse Network Analyzer statements), ``csv`` or ``parquet`` (of
            ``table``), or ``graphml`` (actor-topic network for Gephi).
        output: File to write.
        table: For csv/parquet: ``claims`` (claims.csv columns; the default) or
            ``timeline``. dna and graphml export claims and refuse another table.
        out_dir: The report folder whose store to read, as for :func:`compare`.

    Returns:
        The written file.

    Raises:
        ConfigError: Unknown format or table, a table with dna/graphml, or a store that is
            missing, not a stance store or not scored with the config's codebook and model.
        InputError: ``output`` is a folder or its folder cannot be made.
    """
    from stance import export as exp
    from stance.errors import ConfigError, output_file
    from stance.records import to_frame
    from stance.registry import ActorRegistry

    format = format.lower()
    if format not in EXPORT_FORMATS:
        raise ConfigError(
            f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}"
        )
    if table is not None and format in ("dna", "graphml"):
        raise ConfigError(f"--table is for csv and parquet; {format} always exports claims")
    table = table or "claims"
    if table not in ("claims", "timeline"):
        raise ConfigError(f"unknown table {table!r}; use claims or timeline")
    output = output_file(output, "--output")
    cfg = load_config(config)
    registry = ActorRegistry.load(cfg.actors)
    book, claims, scores, timeline, names, documents = from_store(config, cfg, registry, out_dir)
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


def unregistered_speakers(claims: Sequence[Claim], registry: ActorRegistry) -> list[dict[str, Any]]:
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
