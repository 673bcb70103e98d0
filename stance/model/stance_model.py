"""The stance model users load: tuned pair encoder + calibrated scikit-learn head."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.model import BACKENDS, DEFAULT_BACKEND
from stance.model.artifact import (
    artifact_sha256,
    default_artifact_dir,
    encoder_files,
    read_meta,
)
from stance.model.encoder import BASE_MODEL_NAME, PairEmbedder, base_model_hash, base_model_path
from stance.model.head import (
    AveragedHead,
    StanceClassifier,
    head_from_dict,
    mix_side_share,
    side_block,
    similarity_vote,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


#: The example vote (:meth:`StanceModel.adapt`, ``method="vote"``): similarity scale and
#: weight of the vote in the favor : against share, chosen on the IBM ArgQ and Perspectrum dev
#: splits (k = 4 and 8 examples per topic; docs/stance-model.md, "Topic examples").
VOTE_TAU = 0.1
VOTE_WEIGHT = 0.4
ADAPT_METHODS = ("vote", "head")

_AUX = re.compile(
    r"\b(should|must|will|would|can|could|may|might|is|are|was|were|has|have|does|do)\b"
)
_NEGATED = re.compile(
    r"\b(should|must|will|would|can|could|may|might|is|are|was|were|has|have|does|do) not\b|\bcannot\b"
)


def checked_pairs(texts: Sequence[str], targets: Sequence[str]) -> tuple[list[str], list[str]]:
    """``texts`` and ``targets`` as lists of one non-empty string per pair, or an error that
    says what is wrong: a bare string (which would be read character by character), lengths
    that differ, or a missing, non-text or blank entry (which would still get a confident
    reading)."""
    if isinstance(texts, str) or isinstance(targets, str):
        raise TypeError(
            "texts and targets are sequences with one entry per pair, not a single string; "
            "wrap one pair in lists: predict_proba([text], [target])"
        )
    texts, targets = list(texts), list(targets)
    if len(texts) != len(targets):
        raise ValueError(f"{len(texts)} texts but {len(targets)} targets; pass one per text")
    for kind, values in (("text", texts), ("target", targets)):
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(
                    f"{kind} {i} is {value!r}; each {kind} must be a non-empty string (leave such "
                    "pairs out; stance classify keeps them unscored with a reason)"
                )
    return texts, targets


def negate_proposition(target: str) -> str | None:
    """The contrary of a proposition, by inserting or removing "not" after its first auxiliary.

    "Ukraine should become a member of NATO" -> "Ukraine should not become a member of NATO";
    "Ukraine cannot win" -> "Ukraine can win". Questions and sentences without an auxiliary
    give ``None``.
    """
    text = target.strip()
    if not text or text.endswith("?"):
        return None
    found = _NEGATED.search(text)
    if found:
        positive = "can" if found.group(0) == "cannot" else found.group(1)
        return text[: found.start()] + positive + text[found.end() :]
    found = _AUX.search(text)
    if not found:
        return None
    word = found.group(1)
    negative = "cannot" if word == "can" else f"{word} not"
    return text[: found.start()] + negative + text[found.end() :]


class StanceModel:
    """Scores the stance of a text toward a target proposition: against / favor / neutral.

    Load it with :meth:`load`; the pair (target, text) is encoded as a sentence pair.

    Attributes:
        classes_: Column order of :meth:`predict_proba` (``["against", "favor", "neutral"]``).
        path: The artifact folder.
        meta: Contents of its ``meta.json``.
    """

    def __init__(
        self,
        *,
        embedder: PairEmbedder,
        head: StanceClassifier | AveragedHead,
        meta: dict,
        path: Path,
        votes: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    ):
        self.embedder = embedder
        self.head = head
        self.meta = meta
        self.path = path
        self.classes_ = [str(c) for c in head.classes_]
        #: per target: unit side embeddings of its favor/against examples, and 1.0 for favor
        self.votes = votes or {}

    @classmethod
    def load(
        cls,
        path: Path | str | None = None,
        *,
        backend: str = DEFAULT_BACKEND,
        batch_size: int = 64,
    ) -> StanceModel:
        """Load an artifact folder (None: the packaged one) and check it fits the base encoder.

        Args:
            path: Artifact folder written by :func:`stance.model.train.train`.
            backend: ``onnx`` (default: the fp32 model exported once to ONNX, cached under
                ``$STANCE_CACHE``, run by onnxruntime), ``torch`` (the same fp32 model in torch:
                same scores, slower on CPU) or ``int8`` (the ONNX export with int8 weights:
                faster, less accurate, not recommended).
            batch_size: Pairs per forward pass.

        Raises:
            ValueError: unknown backend.
            stance.errors.ModelMismatchError: other format version or other base weights.
        """
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
        folder = Path(path) if path is not None else default_artifact_dir()
        meta = read_meta(folder, base_hash=base_model_hash())
        head = head_from_dict(json.loads((folder / "head.json").read_text()))
        embedder = PairEmbedder(
            model_dir=folder,
            base_dir=base_model_path(),
            batch_size=batch_size,
            max_length=meta["training_config"]["max_length"],
            backend=backend,
            encoders=encoder_files(meta),
        )
        return cls(embedder=embedder, head=head, meta=meta, path=folder)

    @property
    def identity(self) -> dict[str, Any]:
        """Model name, artifact sha256, base encoder name + hash, code version, backend."""
        return {
            "model_name": self.meta.get("model_name", "stance-minilm-lora"),
            "artifact_sha256": artifact_sha256(self.path),
            "base_model": BASE_MODEL_NAME,
            "base_sha256": self.meta["base_model"]["sha256"],
            "code_version": self.meta.get("code_version"),
            "backend": self.embedder.backend,
            "adapted": bool(self.meta.get("adapted")),
        }

    def embed(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Tuned pair embeddings, one row per (target, text)."""
        return self._embed(*checked_pairs(texts, targets))

    def _embed(self, texts: list[str], targets: list[str]) -> np.ndarray:
        """:meth:`embed` of pairs already checked (:func:`checked_pairs`)."""
        return self.embedder.transform(list(zip(targets, texts, strict=True)))

    def predict_proba(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        *,
        symmetric: bool = False,
        contexts: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Probabilities of shape (n, 3), columns in :attr:`classes_` order.

        Args:
            texts: Statements.
            targets: One proposition per statement.
            contexts: Optional, one per statement (empty or None where there is none): the
                sentences around it. Only the off-topic guard reads them: a statement whose
                context is about the target is not made neutral for naming no policy itself
                ("it's unlikely or impractical"). The side is read from the statement alone.
            symmetric: Also score each text against the negated proposition ("We should not
                ...", see :func:`negate_proposition`) and average with favor and against
                swapped. A text that merely shares words with the target pulls both scores toward
                "favor"; the average cancels that pull. Targets that cannot be negated (questions)
                are scored once.
        """
        import numpy as np

        texts, targets = checked_pairs(texts, targets)
        emb = self._embed(texts, targets)
        if len(emb) == 0:
            return np.zeros((0, len(self.classes_)))
        proba = self.head.predict_proba(emb)
        if symmetric:
            negated = [negate_proposition(t) for t in targets]
            rows = [i for i, n in enumerate(negated) if n is not None]
            if rows:
                other = self.head.predict_proba(
                    self.embed([texts[i] for i in rows], [negated[i] for i in rows])
                )
                a, f = self.classes_.index("against"), self.classes_.index("favor")
                other[:, [a, f]] = other[:, [f, a]]
                proba[rows] = (proba[rows] + other) / 2.0
        return self._guarded(self._voted(proba, emb, targets), texts, targets, contexts)

    def proba_from_embeddings(
        self,
        emb: np.ndarray,
        targets: Sequence[str],
        *,
        texts: Sequence[str] | None = None,
        contexts: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """:meth:`predict_proba` of pairs already embedded (:meth:`embed`), one target each.

        The off-topic guard needs the texts (and reads ``contexts`` where given): without
        ``texts`` it is not applied.
        """
        targets = [str(t) for t in targets]
        proba = self._voted(self.head.predict_proba(emb), emb, targets)
        return proba if texts is None else self._guarded(proba, list(texts), targets, contexts)

    @property
    def off_topic_guard(self) -> dict[str, float] | None:
        """The artifact's off-topic guard setting (``below``, ``p_neutral``), if it has one."""
        from stance.model.guard import GUARD_KEY

        return self.meta.get(GUARD_KEY)

    def off_topic(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        *,
        contexts: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Per pair, whether the off-topic guard raises its p(neutral) (False without a guard);
        ``contexts`` as in :meth:`predict_proba`."""
        import numpy as np

        texts, targets = checked_pairs(texts, targets)
        setting = self.off_topic_guard
        if not setting:
            return np.zeros(len(texts), dtype=bool)
        return self._topic_similarity(texts, targets, contexts) < float(setting["below"])

    def truncated(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Per pair, whether target and text together are longer than the encoder reads
        (``max_length`` tokens): the end of such a text is cut off before it is scored."""
        texts, targets = checked_pairs(texts, targets)
        return self.embedder.truncated(list(zip(targets, texts, strict=True)))

    def unguarded(self) -> StanceModel:
        """A copy without the off-topic guard (the tuned encoders' reading alone)."""
        from stance.model.guard import GUARD_KEY

        meta = {**self.meta, GUARD_KEY: None}
        return StanceModel(
            embedder=self.embedder, head=self.head, meta=meta, path=self.path, votes=self.votes
        )

    def _guarded(
        self,
        proba: np.ndarray,
        texts: list[str],
        targets: list[str],
        contexts: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Raise p(neutral) of pairs the base encoder finds off topic (:mod:`stance.model.guard`)."""
        setting = self.off_topic_guard
        if not setting or len(proba) == 0:
            return proba
        from stance.model.guard import guard

        similarity = self._topic_similarity(texts, targets, contexts)
        return guard(proba, similarity, setting, self.classes_)

    def _topic_similarity(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        contexts: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        from stance.model.guard import topic_similarity

        return topic_similarity(
            texts, targets, contexts=contexts, batch_size=self.embedder.batch_size
        )

    def _voted(self, proba: np.ndarray, emb: np.ndarray, targets: list[str]) -> np.ndarray:
        """Mix each pair's favor : against share with the vote of its target's examples."""
        import numpy as np

        if not self.votes or len(proba) == 0:
            return proba
        by_target: dict[str, list[int]] = {}
        for i, target in enumerate(targets):  # one pass over the rows, not one per voting target
            if target in self.votes:
                by_target.setdefault(target, []).append(i)
        if not by_target:
            return proba
        side = side_block(self.head, emb)
        for target, rows in by_target.items():
            bank, favor = self.votes[target]
            query = side[rows] / np.linalg.norm(side[rows], axis=1, keepdims=True)
            vote = similarity_vote(query @ bank.T, favor, VOTE_TAU)
            proba[rows] = mix_side_share(proba[rows], vote, VOTE_WEIGHT, self.classes_)
        return proba

    def predict(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Most probable label per pair."""
        import numpy as np

        proba = self.predict_proba(texts, targets)
        return np.asarray(self.classes_)[proba.argmax(axis=1)]

    def adapt(
        self, examples: pd.DataFrame, *, method: str = "vote", strength: float = 1.0
    ) -> StanceModel:
        """A copy that uses a few analyst examples per topic (the original is unchanged).

        Args:
            examples: Columns ``text``, ``target``, ``label`` (against/favor/neutral).
            method: ``vote`` (default): pairs whose target has at least one favor and one
                against example get their favor : against share mixed with those examples'
                vote (weights ``exp(cosine / VOTE_TAU)`` in the embedding the head reads the
                side from; weight :data:`VOTE_WEIGHT`); p(neutral) and other targets are
                untouched, neutral examples are not used. ``head``: the head is refitted
                on the examples (:meth:`StanceClassifier.adapted`), for every target.
                On dev the vote never lost macro-F1 and head refitting mostly did
                (docs/stance-model.md, "Topic examples").
            strength: ``head`` only: how strongly the head is held to its trained weights;
                smaller trusts the examples more.
        """
        missing = {"text", "target", "label"} - set(examples.columns)
        if missing:
            raise ValueError(f"examples need columns text, target, label; missing {missing}")
        texts, targets = examples["text"].astype(str), examples["target"].astype(str)
        return self.adapt_embedded(
            self.embed(texts, targets),
            targets.tolist(),
            examples["label"].tolist(),
            method=method,
            strength=strength,
        )

    def adapt_embedded(
        self,
        emb: np.ndarray,
        targets: Sequence[str],
        labels: Sequence[str],
        *,
        method: str = "vote",
        strength: float = 1.0,
    ) -> StanceModel:
        """:meth:`adapt` on examples already embedded (:meth:`embed`)."""
        import numpy as np

        if method not in ADAPT_METHODS:
            raise ValueError(f"unknown method {method!r}; use one of {', '.join(ADAPT_METHODS)}")
        targets, labels = np.asarray(targets, dtype=str), np.asarray(labels, dtype=str)
        adapted = {"examples": len(labels), "method": method}
        if method == "head":
            head = self.head.adapted(emb, labels, strength=strength)
            meta = {**self.meta, "adapted": {**adapted, "strength": strength}}
            return StanceModel(
                embedder=self.embedder, head=head, meta=meta, path=self.path, votes=self.votes
            )
        side = side_block(self.head, emb)
        side = side / np.linalg.norm(side, axis=1, keepdims=True)
        votes = dict(self.votes)
        for target in dict.fromkeys(targets.tolist()):
            rows = (targets == target) & np.isin(labels, ("favor", "against"))
            favor = (labels[rows] == "favor").astype(float)
            if 0 < favor.sum() < len(favor):  # a vote needs both sides
                votes[target] = (side[rows], favor)
        adapted["voting_targets"] = len(votes)
        meta = {**self.meta, "adapted": adapted}
        return StanceModel(
            embedder=self.embedder, head=self.head, meta=meta, path=self.path, votes=votes
        )
