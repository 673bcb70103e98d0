"""Claim extraction: quoted and reported statements with speakers, cues and dates.

``extract_claims(documents)`` -> :class:`stance.records.Claim` records.
"""

from stance.extract.core import extract_claims
from stance.extract.nlp import load_nlp

__all__ = ["extract_claims", "load_nlp"]
