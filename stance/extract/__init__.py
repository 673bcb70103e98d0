"""Claim extraction: quoted and reported statements with speakers, cues and dates.

``extract_claims(documents)`` -> :class:`stance.records.Claim` records.
"""

from stance.extract.core import extract_claims
from stance.extract.nlp import load_nlp

#: Stored claims carry the version that extracted them; a run re-extracts documents whose
#: claims came from another version. Change it whenever the extractor's output changes.
EXTRACTOR_VERSION = "2026.11.29.6"

__all__ = ["EXTRACTOR_VERSION", "extract_claims", "load_nlp"]
