"""Load the Norland fixture's hand-scored claims as records (no model involved)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from stance.records import Claim, Document, StanceScore

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic"


def load_documents() -> dict[str, Document]:
    docs = {}
    for line in (HERE / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs[d["id"]] = Document(
            id=d["id"],
            date=dt.date.fromisoformat(d["date"]),
            text=d["text"],
            title=d["title"],
            outlet=d["outlet"],
        )
    return docs


def load_scored() -> tuple[list[Claim], list[StanceScore]]:
    claims, scores = [], []
    with open(HERE / "scored_claims.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            claim = Claim(
                doc_id=row["doc_id"],
                text=row["text"],
                start_char=int(row["start_char"]),
                end_char=int(row["end_char"]),
                date=dt.date.fromisoformat(row["date"]),
                speaker=row["speaker"],
                speaker_text=row["speaker"],
                actor=row["actor"],
                government=row["government"],
                administration=row["administration"],
                hedged=row["hedged"] == "True",
            )
            p = {k: float(row[f"p_{k}"]) for k in ("favor", "against", "neutral")}
            label = max(p, key=p.get)
            claims.append(claim)
            scores.append(
                StanceScore(
                    claim_id=claim.id,
                    topic=row["topic"],
                    topic_score=1.0,
                    label=label,
                    p_favor=p["favor"],
                    p_against=p["against"],
                    p_neutral=p["neutral"],
                )
            )
    return claims, scores
