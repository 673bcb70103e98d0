"""Records passed between the pipeline's stages.

``documents -> claims -> stance scores -> timeline -> shifts -> report``

Every record is a frozen dataclass that keeps character offsets back into its source
document, so a flagged shift can always show the exact sentence it rests on. Each record type
round-trips through a pandas DataFrame with :func:`to_frame` / :func:`from_frame`; the column
names are the dataclass field names and are defined once, here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:  # pandas is imported lazily: ``import stance`` stays fast
    import pandas as pd

StanceLabel = Literal["against", "favor", "neutral"]
STANCE_CLASSES: tuple[str, ...] = ("against", "favor", "neutral")
ChangeType = Literal["reversal", "softening", "hardening", "new", "dropped"]
CHANGE_TYPES: tuple[str, ...] = ("reversal", "softening", "hardening", "new", "dropped")


@dataclass(frozen=True, slots=True)
class Document:
    """A dated news article (or any dated text).

    Attributes:
        id: Stable identifier, unique within a corpus.
        date: Publication date.
        text: Main text, page furniture removed. Claim offsets index into this string.
        title: Headline, if known.
        url: Where it was published.
        outlet: Publisher name.
        author: Byline.
        source: The file (and line or row) it was read from.
    """

    id: str
    date: dt.date
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not be turned into a :class:`Document`, with the reason."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Claim:
    """Who said what, when: one quoted or reported statement in a document.

    Attributes:
        doc_id: The document the claim was found in.
        text: The statement's content (the quote or the reported clause).
        start_char: Offset of ``text`` in the document's text.
        end_char: End offset (exclusive) of ``text``.
        speaker_text: The in-text mention of the speaker as written ("he", "Defence
            Secretary Pete Hegseth"). Empty when no speaker was found.
        speaker_start_char: Offset of the speaker mention (``None`` if none).
        speaker_end_char: End offset of the speaker mention.
        speaker: Normalised name of the speaker after resolving pronouns and descriptions to
            their antecedent in the text ("Pete Hegseth").
        actor: Registry id of the resolved actor (person, office holder or institution), or a
            normalised name when the speaker is not in the registry.
        government: Registry id of the government the actor spoke for at ``date``, if known.
        administration: Registry id of that government's administration at ``date``.
        date: The date the statement is attributed to: the publication date; for a past
            statement, the start of the period the text names ("in February 2022":
            2022-02-01), or the midpoint of an administration's term when only the
            administration dates it (:meth:`stance.registry.ActorRegistry.resolve_claim`). Such a
            date is approximate: ``period_start``/``period_end`` bound it.
        period_start: Start of the period a past statement describes (``None`` if current).
        period_end: End of that period.
        date_text: The words that date a past statement ("in February 2022"), or the name
            of the administration that dates it.
        kind: ``direct`` (quotation), ``reported`` (indirect speech), ``according_to``,
            ``partial`` (quoted fragment inside reported speech) or ``baseline``.
        cue: The speech verb or cue ("said", "told reporters", "insisted").
        hedged: The statement is hedged, conditional or hypothetical.
        sentence_start: Offset of the start of the sentence holding the statement.
        sentence_end: End offset of that sentence.
    """

    doc_id: str
    text: str
    start_char: int
    end_char: int
    date: dt.date
    speaker_text: str = ""
    speaker_start_char: int | None = None
    speaker_end_char: int | None = None
    speaker: str = ""
    actor: str = ""
    government: str | None = None
    administration: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    date_text: str | None = None
    kind: str = "direct"
    cue: str = ""
    hedged: bool = False
    sentence_start: int | None = None
    sentence_end: int | None = None

    @property
    def id(self) -> str:
        """A stable id: document id and character span."""
        return f"{self.doc_id}:{self.start_char}-{self.end_char}"


#: What links a claim to a topic (:attr:`StanceScore.linked_by`), most direct first: the
#: statement's own words, its sentence (and the sentence before a short one), the same
#: speaker's claim just before it, its article's headline and first sentence (the least sure),
#: or a baseline file that names the topic.
LINKED_BY = ("statement", "context", "previous claim", "article", "baseline")


@dataclass(frozen=True, slots=True)
class StanceScore:
    """The stance of one claim toward one codebook topic.

    Attributes:
        claim_id: :attr:`Claim.id` of the scored claim.
        topic: Codebook topic id.
        topic_score: How strongly the claim is linked to the topic (0..1).
        label: ``favor``, ``against`` or ``neutral`` (argmax of the probabilities, or the
            analyst's override).
        p_favor: Calibrated probability of favor.
        p_against: Calibrated probability of against.
        p_neutral: Calibrated probability of neutral.
        override: The analyst's label, when one was given (baseline statements).
        linked_by: What linked the claim to the topic (:data:`LINKED_BY`); empty when it is
            not linked.
    """

    claim_id: str
    topic: str
    topic_score: float
    label: str
    p_favor: float
    p_against: float
    p_neutral: float
    override: str | None = None
    linked_by: str = ""

    @property
    def position(self) -> float:
        """Signed position in [-1, 1]: ``p_favor - p_against``."""
        return self.p_favor - self.p_against


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quote behind a position, for then-and-now display.

    ``kind`` is the claim's (:attr:`Claim.kind`): ``direct`` and ``partial`` quotes and
    ``baseline`` statements are the speaker's words, ``reported`` ones the reporter's.
    ``linked_by`` says what linked it to the topic (:data:`LINKED_BY`).
    """

    quote: str
    speaker: str
    date: dt.date
    source: str
    doc_id: str = ""
    start_char: int | None = None
    end_char: int | None = None
    kind: str = ""
    linked_by: str = ""


@dataclass(frozen=True, slots=True)
class Shift:
    """A change of an actor's position on a topic against the baseline.

    Attributes:
        actor: Actor (or government) id.
        actor_name: Readable name of the actor.
        topic: Codebook topic id.
        change: ``reversal``, ``softening``, ``hardening``, ``new`` or ``dropped``.
        before_stance: Baseline stance (``favor``/``against``/``neutral``; empty for ``new``).
        after_stance: Current stance (empty for ``dropped``).
        before_position: Baseline signed position in [-1, 1].
        after_position: Current signed position in [-1, 1].
        before_date: Date of the latest quote in ``evidence_before`` (the quotes shown).
        after_date: Date of the earliest quote in ``evidence_after``.
        held_since: Date of the earliest baseline statement on the old position's side.
        held_days: Days from ``held_since`` to ``after_date``.
        confidence: 0..1, from the scores' probabilities and the number of claims.
        evidence_before: The baseline quotes (most relevant first).
        evidence_after: The current quotes (most relevant first).
        before_period: Name of the baseline period (e.g. "Biden administration").
        after_period: Name of the current period (e.g. "Trump administration (second term)").
        n_before: Number of baseline claims behind ``before_position``.
        n_after: Number of current claims behind ``after_position``.
        evidence_before_other: Baseline statements that pull against the old position (the
            other side, or a side where the position is neutral), strongest first.
        evidence_after_other: Current statements that pull against the new position.
    """

    actor: str
    actor_name: str
    topic: str
    change: str
    before_stance: str
    after_stance: str
    before_position: float | None
    after_position: float | None
    before_date: dt.date | None
    after_date: dt.date | None
    held_since: dt.date | None
    held_days: int | None
    confidence: float
    evidence_before: tuple[Evidence, ...] = field(default_factory=tuple)
    evidence_after: tuple[Evidence, ...] = field(default_factory=tuple)
    before_period: str = ""
    after_period: str = ""
    n_before: int = 0
    n_after: int = 0
    evidence_before_other: tuple[Evidence, ...] = field(default_factory=tuple)
    evidence_after_other: tuple[Evidence, ...] = field(default_factory=tuple)

    def evidence_sides(self) -> tuple[tuple[str, tuple[Evidence, ...]], ...]:
        """(stance, quotes) of the baseline position, then of the current one."""
        return (
            (self.before_stance, self.evidence_before),
            (self.after_stance, self.evidence_after),
        )


R = TypeVar("R")

_DATE_FIELDS = {"date", "period_start", "period_end", "before_date", "after_date", "held_since"}


def _cell(value: Any) -> Any:
    if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
        return [dataclasses.asdict(v) for v in value]
    return value


def to_frame(records: list[Any] | tuple[Any, ...], cls: type | None = None) -> pd.DataFrame:
    """Turn a list of records into a DataFrame whose columns are the record's fields.

    Args:
        records: Records of one type.
        cls: The record type; needed only to name the columns of an empty list.

    Returns:
        One row per record. Extra read-only properties (``Claim.id``) are added as columns.
    """
    import pandas as pd

    cls = cls or (type(records[0]) if records else None)
    if cls is None:
        raise ValueError("to_frame needs cls= for an empty list of records")
    names = [f.name for f in dataclasses.fields(cls)]
    rows = [{n: _cell(getattr(r, n)) for n in names} for r in records]
    frame = pd.DataFrame(rows, columns=names)
    if cls is Claim:
        frame.insert(0, "claim_id", [r.id for r in records])
    return frame


def _from_cell(name: str, value: Any, ftype: str) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, list | tuple | str) and pd.isna(value)):
        return None
    if name in _DATE_FIELDS:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])
    if name.startswith("evidence_"):
        return tuple(
            Evidence(**{**e, "date": _from_cell("date", e["date"], "date")}) for e in value
        )
    if ftype.startswith("int") and not isinstance(value, bool):
        return int(value)
    if ftype == "bool":
        return bool(value)
    if ftype.startswith("float"):
        return float(value)
    return value


def from_frame(frame: pd.DataFrame, cls: type[R]) -> list[R]:
    """Rebuild records from a DataFrame made by :func:`to_frame` (extra columns are ignored)."""
    fields = [(f.name, str(f.type)) for f in dataclasses.fields(cls)]
    out = []
    for row in frame.to_dict(orient="records"):
        kwargs = {n: _from_cell(n, row[n], t) for n, t in fields if n in row}
        for n, t in fields:
            if kwargs.get(n) is None and t in ("str", "'str'"):
                kwargs[n] = ""
        out.append(cls(**kwargs))
    return out
