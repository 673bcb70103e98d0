"""Exports for tools analysts already use: Discourse Network Analyzer, spreadsheets, Gephi.

Every function takes plain DataFrames (as made by :func:`stance.records.to_frame` or the
``*_frame`` methods of :class:`stance.store.Store`), writes one file and returns its path.

* :func:`export_dna`: a DNA (Discourse Network Analyzer) statement list, ``;``-separated.
* :func:`export_table`: any frame as CSV or Parquet.
* :func:`export_graphml`: the actor-topic network as GraphML, for Gephi or networkx.

The scores frame must hold one model's scores under one version of each topic (at most one row
per claim and topic), e.g. ``store.scores_frame(model_id=..., topic_hashes=...)``. Rows whose
``label`` is empty (pairs looked at and found not linked to the topic) are left out.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: DNA's statement export columns, in order.
DNA_COLUMNS: tuple[str, ...] = (
    "statement_id", "time", "person", "organization", "concept", "agreement",
    "start_position", "stop_position", "text", "coder", "document_id", "document_title",
    "document_author", "document_source", "document_section", "document_type",
)  # fmt: skip
DNA_CODER = "stance"
_AGREEMENT = {"favor": 1, "against": 0}


def _require(frame: pd.DataFrame, columns: set[str], name: str) -> None:
    missing = sorted(columns - set(frame.columns))
    if missing:
        raise ValueError(f"{name} frame lacks column(s) {', '.join(missing)}")


def _text(value: Any) -> str:
    """A cell as text: missing values (None, NaN) become ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _linked(claims: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Linked scores joined to their claims (one row per claim x topic)."""
    _require(claims, {"claim_id"}, "claims")
    _require(scores, {"claim_id", "topic", "label", "p_favor", "p_against"}, "scores")
    linked = scores[scores["label"].fillna("").astype(str) != ""]
    if linked.duplicated(["claim_id", "topic"]).any():
        raise ValueError(
            "scores frame has several rows for the same claim and topic (mixed models or topic "
            "versions?); pass store.scores_frame(model_id=..., topic_hashes=...)"
        )
    claims = claims.astype({"claim_id": str})
    linked = linked.astype({"claim_id": str})
    return linked.merge(claims, on="claim_id", how="inner", suffixes=("", "_claim"))


def export_dna(
    claims: pd.DataFrame,
    scores: pd.DataFrame,
    documents: pd.DataFrame,
    path: str | Path,
    *,
    topic_labels: dict[str, str] | None = None,
    government_names: dict[str, str] | None = None,
) -> Path:
    """Write linked claims as a Discourse Network Analyzer statement list.

    One row per linked claim x topic, ``;``-separated, UTF-8, quoted by the csv module where
    needed (so text with ``;``, quotes or line breaks survives), sorted by time.

    * ``person`` is the resolved speaker (else the in-text mention, else the actor id);
      ``organization`` the government's display name from ``government_names`` (else its id);
      ``concept`` the topic label from ``topic_labels`` (else the topic id).
    * ``agreement`` is DNA's binary qualifier: 1 for ``favor``, 0 for ``against``. **Neutral
      statements are left out**: DNA codes agreement as a boolean, and neither 0 nor 1 is true
      of them; export the full scores with :func:`export_table` to keep them.
    * ``time`` is the claim's date (the date the statement is attributed to) at 00:00:00;
      ``start_position``/``stop_position`` are character offsets into the document text.
    * ``document_source`` is the outlet; ``document_section`` is empty and ``document_type``
      is ``news``.

    Args:
        claims: ``Claim`` fields plus ``claim_id``.
        scores: ``StanceScore`` fields.
        documents: ``Document`` fields.
        path: The file to write (parent folders are created).
        topic_labels: Topic id -> label.
        government_names: Government id -> display name.

    Returns:
        The path written.
    """
    _require(claims, {"doc_id", "text", "start_char", "end_char", "date", "speaker"}, "claims")
    _require(documents, {"id", "title", "author", "outlet"}, "documents")
    rows = _linked(claims, scores)
    rows = rows[rows["label"].isin(list(_AGREEMENT))]
    docs = documents.drop_duplicates("id").set_index("id")
    topic_labels, government_names = topic_labels or {}, government_names or {}
    out = []
    for r in rows.to_dict(orient="records"):
        doc = docs.loc[r["doc_id"]].to_dict() if r["doc_id"] in docs.index else {}
        government = _text(r.get("government"))
        out.append(
            [
                str(r["date"])[:10] + " 00:00:00",
                _text(r.get("speaker")) or _text(r.get("speaker_text")) or _text(r.get("actor")),
                government_names.get(government, government),
                topic_labels.get(r["topic"], r["topic"]),
                _AGREEMENT[r["label"]],
                int(r["start_char"]),
                int(r["end_char"]),
                _text(r["text"]),
                DNA_CODER,
                r["doc_id"],
                _text(doc.get("title")),
                _text(doc.get("author")),
                _text(doc.get("outlet")),
                "",
                "news",
            ]
        )
    out.sort(key=lambda row: (row[0], row[9], row[5], row[3]))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(DNA_COLUMNS)
        writer.writerows([i, *row] for i, row in enumerate(out, start=1))
    return path


def export_table(frame: pd.DataFrame, path: str | Path, *, format: str | None = None) -> Path:
    """Write a frame as CSV (UTF-8, no index) or Parquet (pyarrow).

    In CSV, cells holding lists or dicts (a shift's evidence) are written as JSON text.

    Args:
        frame: Any DataFrame, e.g. from ``to_frame`` or a ``Store.*_frame`` method.
        path: The file to write (parent folders are created).
        format: ``"csv"`` or ``"parquet"``; ``None`` takes it from the file's suffix.

    Raises:
        ValueError: Unknown format.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"export_table: unknown format {fmt!r} for {path}; use csv or parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        frame.to_parquet(path, engine="pyarrow", index=False)
        return path
    nested = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, list | dict)).any()]
    out = frame.copy()
    for column in nested:
        out[column] = out[column].map(lambda v: json.dumps(v, default=str, ensure_ascii=False))
    out.to_csv(path, index=False, encoding="utf-8")
    return path


def export_graphml(
    claims: pd.DataFrame,
    scores: pd.DataFrame,
    path: str | Path,
    *,
    actor_names: dict[str, str] | None = None,
    topic_labels: dict[str, str] | None = None,
) -> Path:
    """Write the actor-topic bipartite network as GraphML (opens in Gephi).

    Nodes are ``actor:<id>`` and ``topic:<id>``, with attributes ``kind`` (``actor`` or
    ``topic``), ``label`` and ``bipartite`` (0 actors, 1 topics). An edge joins an actor to a
    topic it made linked claims about, with ``agreement`` (mean ``p_favor - p_against``, in
    [-1, 1]), ``n_claims`` and the ``favor``/``against``/``neutral`` label counts. Claims with
    no actor use their speaker's name; claims with neither are left out.

    Args:
        claims: ``Claim`` fields plus ``claim_id``.
        scores: ``StanceScore`` fields.
        path: The file to write (parent folders are created).
        actor_names: Actor id -> display name (default: the speaker's name, else the id).
        topic_labels: Topic id -> label (default: the id).

    Returns:
        The path written.
    """
    import networkx as nx

    rows = _linked(claims, scores)
    actor_names, topic_labels = actor_names or {}, topic_labels or {}
    graph = nx.Graph()
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows.to_dict(orient="records"):
        actor = _text(r.get("actor")) or _text(r.get("speaker"))
        if not actor:
            continue
        name = actor_names.get(actor) or _text(r.get("speaker")) or actor
        if not graph.has_node(f"actor:{actor}"):
            graph.add_node(f"actor:{actor}", kind="actor", label=name, bipartite=0)
        topic = str(r["topic"])
        graph.add_node(
            f"topic:{topic}", kind="topic", label=topic_labels.get(topic, topic), bipartite=1
        )
        edge = edges.setdefault(
            (f"actor:{actor}", f"topic:{topic}"),
            {"position": 0.0, "n_claims": 0, "favor": 0, "against": 0, "neutral": 0},
        )
        edge["position"] += float(r["p_favor"]) - float(r["p_against"])
        edge["n_claims"] += 1
        if r["label"] in ("favor", "against", "neutral"):
            edge[r["label"]] += 1
    for (u, v), e in edges.items():
        agreement = e.pop("position") / e["n_claims"]
        graph.add_edge(u, v, agreement=agreement, weight=e["n_claims"], **e)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, path)
    return path
