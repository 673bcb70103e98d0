"""The off-topic guard: the base encoder's text-target similarity keeps unrelated pairs neutral."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from stance.model import StanceModel
from stance.model.artifact import artifact_sha256, default_artifact_dir
from stance.model.encoder import SentenceEmbedder
from stance.model.guard import GUARD_KEY, guard, topic_similarity

CLASSES = ["against", "favor", "neutral"]
TEXTS = [
    "The weather was nice.",
    "Ukraine will never join NATO.",
    "Legal cannabis would take the trade out of criminal hands.",
    "Our bakery sells fresh bread every morning.",
    "The striker scored twice in the second half.",
]
TARGETS = [
    "We should legalize cannabis",
    "Ukraine should become a member of NATO",
    "We should legalize cannabis",
    "Ukraine should become a member of NATO",
    "The carbon tax should be abolished",
]


@pytest.fixture(scope="module")
def model():
    return StanceModel.load()


def test_similarity_is_the_topic_linkers_cosine():
    # the base encoder in ONNX, as the guard and the topic linker run it, and in
    # sentence-transformers, as it was published
    embedder = SentenceEmbedder(backend="torch")
    expected = (embedder.embed(TEXTS) * embedder.embed(TARGETS)).sum(axis=1)
    np.testing.assert_allclose(topic_similarity(TEXTS, TARGETS), expected, atol=1e-4)
    with pytest.raises(ValueError, match="one per text"):
        topic_similarity(TEXTS, TARGETS[:1])


def test_guard_raises_neutral_below_the_line_and_keeps_the_side_ratio():
    proba = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.01, 0.01, 0.98], [0.0, 0.0, 0.0]])
    out = guard(
        proba, np.array([0.01, 0.5, 0.0, 0.02]), {"below": 0.05, "p_neutral": 0.95}, CLASSES
    )
    np.testing.assert_allclose(out[0], [0.05 * 2 / 9, 0.05 * 7 / 9, 0.95])
    np.testing.assert_array_equal(out[1], proba[1])  # on topic: untouched
    np.testing.assert_allclose(out[2], proba[2])  # already more neutral than the floor
    np.testing.assert_allclose(out[3], [0.025, 0.025, 0.95])
    np.testing.assert_allclose(out[:3].sum(axis=1), 1.0)


def test_packaged_model_reads_an_unrelated_sentence_as_neutral(model):
    assert model.off_topic_guard == {"below": 0.05, "p_neutral": 0.95}
    assert model.unguarded().off_topic_guard is None and model.off_topic_guard is not None
    guarded = model.predict_proba(TEXTS, TARGETS)
    plain = model.unguarded().predict_proba(TEXTS, TARGETS)
    below = topic_similarity(TEXTS, TARGETS) < 0.05
    assert below.tolist() == [True, False, False, True, False]
    labels = np.asarray(model.classes_)[guarded.argmax(axis=1)]
    assert labels[0] == "neutral" and labels[3] == "neutral"
    assert guarded[0, 2] >= 0.95 and plain[0, 2] < 0.5  # without the guard: a side
    # above the line the guard does nothing: on-topic pairs, and an unrelated sentence that
    # the base encoder finds a little related (similarity 0.07) alike
    np.testing.assert_array_equal(guarded[~below], plain[~below])
    assert labels[1] == "against"
    assert model.off_topic(TEXTS, TARGETS).tolist() == below.tolist()
    assert not model.unguarded().off_topic(TEXTS, TARGETS).any()
    emb = model.embed(TEXTS, TARGETS)
    np.testing.assert_allclose(model.proba_from_embeddings(emb, TARGETS, texts=TEXTS), guarded)
    np.testing.assert_allclose(model.proba_from_embeddings(emb, TARGETS), plain)


def test_the_guard_setting_is_part_of_the_artifact_identity(tmp_path):
    folder = tmp_path / "artifact"
    shutil.copytree(default_artifact_dir(), folder)
    meta = json.loads((folder / "meta.json").read_text())
    packaged = artifact_sha256(folder)
    meta[GUARD_KEY] = {"below": 0.1, "p_neutral": 0.95}
    (folder / "meta.json").write_text(json.dumps(meta))
    assert artifact_sha256(folder) != packaged
    del meta[GUARD_KEY]
    (folder / "meta.json").write_text(json.dumps(meta))
    unguarded = artifact_sha256(folder)
    assert unguarded != packaged  # stores re-score when the guard comes or goes
    assert StanceModel.load(folder).off_topic_guard is None


ELLIPTIC = "Hegseth had said “it’s unlikely or impractical. I think probably that’s true.”"
NATO = "Ukraine should become a member of NATO"
AROUND = (
    "“I don’t think it’s practical to have it, personally,” Trump said later about NATO "
    "membership for Ukraine."
)


def test_a_context_about_the_target_keeps_an_elliptic_statement_on_topic(model):
    # the seed article's statement names no policy; the sentence before it does
    texts, targets = [ELLIPTIC, ELLIPTIC, "The weather was nice."], [NATO, NATO, TARGETS[0]]
    contexts = [AROUND, "", "It was sunny in Leeds on Saturday, and the park was full."]
    alone = topic_similarity(texts, targets)
    given = topic_similarity(texts, targets, contexts=contexts)
    assert alone[0] < 0.05 < given[0]  # the context lifts it above the guard's line
    assert given[0] == pytest.approx(topic_similarity([AROUND], [NATO])[0], abs=1e-6)
    assert given[1] == alone[1]  # no context: the text alone
    assert alone[2] < given[2] < 0.05  # an unrelated context: the higher figure, still off topic
    assert model.off_topic(texts, targets).tolist() == [True, True, True]
    assert model.off_topic(texts, targets, contexts=contexts).tolist() == [False, True, True]
    # the context only stops the guard: the side is read from the statement alone
    read = model.predict_proba(texts, targets, contexts=contexts)
    alone_read = model.unguarded().predict_proba([ELLIPTIC], [NATO])[0]
    np.testing.assert_allclose(read[0], alone_read, atol=1e-6)  # batches differ by float noise
    assert model.classes_[int(read[0].argmax())] == "against"
    assert read[1, 2] >= 0.95 and read[2, 2] >= 0.95
    emb = model.embed(texts, targets)
    np.testing.assert_allclose(
        model.proba_from_embeddings(emb, targets, texts=texts, contexts=contexts), read
    )
    with pytest.raises(ValueError, match="contexts but 3 texts"):
        topic_similarity(texts, targets, contexts=contexts[:2])
