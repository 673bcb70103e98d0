"""Helpers for the attribution tests: extract one text as a run does and find a claim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stance.extract import extract_claims
from stance.records import Claim, Document
from stance.registry import ActorRegistry


def resolved_claims(registry: ActorRegistry, text: str, date: dt.date) -> list[Claim]:
    """The claims of ``text`` (one document dated ``date``) with ``registry``'s gazetteer,
    resolved by ``registry``; every claim's and speaker's offsets are checked on the way."""
    return resolved_document_claims(registry, Document(id="d", date=date, text=text))


def resolved_document_claims(registry: ActorRegistry, doc: Document) -> list[Claim]:
    """:func:`resolved_claims` of a whole document (with its title, author ...)."""
    claims = list(extract_claims([doc], gazetteer=registry.gazetteer(), n_process=1))
    for c in claims:
        assert doc.text[c.start_char : c.end_char] == c.text
        if c.speaker_start_char is not None:
            assert doc.text[c.speaker_start_char : c.speaker_end_char] == c.speaker_text
    return [registry.resolve_claim(c) for c in claims]


def find_claim(claims: list[Claim], fragment: str) -> Claim:
    """The shortest claim holding ``fragment`` (fails, listing the claims, if none does)."""
    hits = [c for c in claims if fragment in c.text]
    assert hits, f"no claim contains {fragment!r}: {[c.text for c in claims]}"
    return min(hits, key=lambda c: len(c.text))


def registry_from_yaml(folder: Path, text: str) -> ActorRegistry:
    """A registry loaded from YAML ``text`` written to ``folder/actors.yaml``."""
    path = folder / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return ActorRegistry.load(path)
