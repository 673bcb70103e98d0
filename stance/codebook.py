"""The topic codebook: the policy propositions stance is scored against.

An analyst edits a YAML file (format in ``docs/codebook.md``)::

    name: us-russia-ukraine
    version: "2025-02"
    topics:
      - id: ukraine-nato-membership
        label: Ukraine's NATO membership
        proposition: Ukraine should become a member of NATO
        keywords: [NATO membership, join NATO, alliance]
        favor_examples: ["Ukraine's place is in the alliance."]
        against_examples: ["Kyiv joining NATO is not realistic."]

"favor" means agreeing with the proposition, "against" disagreeing. The codebook's name,
version and SHA-256 are written into every report.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stance._yaml import check_keys, load_yaml, string_list, where
from stance.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CODEBOOK = Path(__file__).parent / "data" / "codebook.yaml"
EXAMPLE_COLUMNS = ("text", "target", "label", "topic")

_TOPIC_KEYS = (
    "id",
    "label",
    "proposition",
    "description",
    "keywords",
    "favor_examples",
    "against_examples",
    "neutral_examples",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Topic:
    """One policy topic.

    Attributes:
        id: Stable id (lower case, digits, ``-`` and ``_``).
        label: Short readable name.
        proposition: The statement that "favor" agrees with; the stance model's target.
        description: What the topic covers, for analysts.
        keywords: Words and phrases that link a claim to the topic.
        favor_examples: Statements that agree with the proposition.
        against_examples: Statements that disagree with it.
        neutral_examples: On-topic statements that take no side.
    """

    id: str
    label: str
    proposition: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    favor_examples: tuple[str, ...] = ()
    against_examples: tuple[str, ...] = ()
    neutral_examples: tuple[str, ...] = ()

    def examples(self) -> list[tuple[str, str]]:
        """The examples as (label, text) pairs: favor first, then against, then neutral."""
        return [
            (label, text)
            for label, texts in (
                ("favor", self.favor_examples),
                ("against", self.against_examples),
                ("neutral", self.neutral_examples),
            )
            for text in texts
        ]


@dataclass(frozen=True)
class Codebook:
    """A loaded codebook: topics plus the identity written into reports.

    Attributes:
        name: The codebook's name.
        version: The analyst's version string.
        sha256: SHA-256 of the file's bytes.
        topics: The topics, in file order.
        path: The file it was loaded from.
    """

    name: str
    version: str
    sha256: str
    topics: tuple[Topic, ...]
    path: Path | None = None

    @classmethod
    def load(cls, path: str | Path = DEFAULT_CODEBOOK) -> Codebook:
        """Load and validate a codebook YAML file.

        Args:
            path: The YAML file (default: the packaged ``stance/data/codebook.yaml``).

        Returns:
            The codebook.

        Raises:
            ConfigError: The file is missing or malformed, a topic lacks an id, label or
                proposition, or two topics share an id. The message names the file, the line
                and the fix.
        """
        path = Path(path)
        data, raw = load_yaml(path, what="codebook")
        doc = check_keys(
            data,
            allowed=("name", "version", "description", "topics"),
            required=("name", "topics"),
            path=path,
            what="codebook",
        )
        if not isinstance(doc["topics"], list) or not doc["topics"]:
            raise ConfigError(
                f"{where(path, doc)}: `topics` must be a non-empty list; add `- id: ...` items"
            )
        topics: list[Topic] = []
        first_line: dict[str, str] = {}
        for item in doc["topics"]:
            check_keys(
                item,
                allowed=_TOPIC_KEYS,
                required=("id", "proposition"),
                path=path,
                what="topic",
            )
            topic_id = str(item["id"]).strip()
            if not _ID_RE.match(topic_id):
                raise ConfigError(
                    f"{where(path, item)}: topic id {topic_id!r} is not a slug; use lower-case "
                    "letters, digits, '-' and '_' (e.g. ukraine-nato-membership)"
                )
            if topic_id in first_line:
                raise ConfigError(
                    f"{where(path, item)}: duplicate topic id {topic_id!r} (first at "
                    f"{first_line[topic_id]}); give each topic a unique id"
                )
            first_line[topic_id] = where(path, item)
            for key in ("label", "proposition", "description"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    raise ConfigError(
                        f"{where(path, item)}: {key} of topic {topic_id!r} must be text; quote it"
                    )

            def strings(key: str, *, item=item, topic_id=topic_id) -> tuple[str, ...]:
                return string_list(item, key, path=path, what=f"topic {topic_id!r}")

            topics.append(
                Topic(
                    id=topic_id,
                    label=(item.get("label") or topic_id).strip(),
                    proposition=" ".join(item["proposition"].split()),
                    description=" ".join((item.get("description") or "").split()),
                    keywords=strings("keywords"),
                    favor_examples=strings("favor_examples"),
                    against_examples=strings("against_examples"),
                    neutral_examples=strings("neutral_examples"),
                )
            )
        return cls(
            name=str(doc["name"]).strip(),
            version=str(doc.get("version") or "").strip(),
            sha256=hashlib.sha256(raw).hexdigest(),
            topics=tuple(topics),
            path=path,
        )

    @property
    def ids(self) -> tuple[str, ...]:
        """The topic ids, in file order."""
        return tuple(t.id for t in self.topics)

    def get(self, topic_id: str) -> Topic:
        """The topic with this id.

        Raises:
            KeyError: No such topic (the message lists the known ids).
        """
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(f"no topic {topic_id!r} in codebook {self.name!r}; known: {self.ids}")

    def __contains__(self, topic_id: object) -> bool:
        return any(t.id == topic_id for t in self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def examples_frame(self) -> pd.DataFrame:
        """The analyst's example statements as a table for training or checking the model.

        Returns:
            Columns ``text``, ``target`` (the topic's proposition), ``label`` (``favor``,
            ``against`` or ``neutral``) and ``topic`` (the topic id); one row per example.
        """
        import pandas as pd

        rows = [
            (text, topic.proposition, label, topic.id)
            for topic in self.topics
            for label, text in topic.examples()
        ]
        return pd.DataFrame(rows, columns=list(EXAMPLE_COLUMNS))

    def identity(self) -> dict[str, str]:
        """``{"name", "version", "sha256"}`` for reports."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256}
