"""Encoders: the plain base embedder for topic linking and the tuned pair embedder."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

from stance.model.encoder import PairEmbedder, SentenceEmbedder, base_model_hash, base_model_path
from stance.model.head import StanceClassifier


def test_base_model_is_the_packaged_minilm():
    assert (base_model_path() / "model.safetensors").is_file()
    assert len(base_model_hash()) == 64
    assert base_model_hash() == base_model_hash(base_model_path())


def test_sentence_embedder_gives_unit_vectors_that_rank_topics():
    vectors = SentenceEmbedder(batch_size=8).embed(
        ["tariffs on imported steel", "customs duties on foreign metal", "a recipe for pancakes"]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert SentenceEmbedder().embed([]).shape == (0, 384)


def test_onnx_sentence_embeddings_are_sentence_transformers_ones():
    texts = [
        "tariffs on imported steel",
        "The weather was nice.",
        "word " * 400,  # beyond the 256-token limit: truncated the same way
        "",
    ]
    onnx = SentenceEmbedder(backend="onnx").embed(texts)
    reference = SentenceEmbedder(backend="torch").embed(texts)
    assert onnx.dtype == np.float32 and onnx.shape == reference.shape == (4, 384)
    np.testing.assert_allclose(onnx, reference, atol=1e-5)


def test_pair_embedder_and_head_make_a_pipeline():
    target = "The city should ban cars from the centre"
    frame = pd.DataFrame(
        {
            "target": [target] * 6,
            "text": [
                "Banning cars downtown will make streets safe and clean.",
                "A car-free centre is exactly what we need.",
                "We strongly back the plan to keep cars out of the centre.",
                "Shops will die if cars cannot reach the centre.",
                "The car ban is an attack on commuters.",
                "Keep the centre open to drivers; the ban is a mistake.",
            ],
        }
    )
    labels = np.array(["favor"] * 3 + ["against"] * 3)
    pipe = make_pipeline(PairEmbedder(batch_size=4), StanceClassifier(C=10.0)).fit(frame, labels)
    assert list(pipe.predict(frame)) == list(labels)
    assert pipe.predict_proba(frame).shape == (6, 2)
    embedded = PairEmbedder().transform(frame[["target", "text"]].to_numpy())
    assert embedded.shape == (6, 384)
