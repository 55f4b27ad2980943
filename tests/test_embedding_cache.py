"""Label embeddings are cached on disk, keyed by model id and taxonomy version."""
import json

import numpy as np
import pytest

from models.embedding_cache import EmbeddingCache


class CountingEncoder:
    """Deterministic vectors from text hashes; counts how many texts it encoded."""

    def __init__(self, model_id="fake/model@1", dimension=8):
        self.model_id, self.dimension, self.encoded = model_id, dimension, 0

    def encode(self, texts):
        self.encoded += len(texts)
        out = np.stack([np.random.default_rng(abs(hash(t)) % 2**32).normal(size=self.dimension) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


TEXTS = ["mason", "cook", "driver"]


def test_built_once_then_read_from_disk(tmp_path):
    encoder = CountingEncoder()
    first = EmbeddingCache(tmp_path, encoder).get("occupations", "tx1", TEXTS)
    assert encoder.encoded == 3
    again = EmbeddingCache(tmp_path, encoder).get("occupations", "tx1", TEXTS)
    assert encoder.encoded == 3
    assert np.array_equal(first, again)
    meta = json.loads(EmbeddingCache(tmp_path, encoder).path_for("occupations", "tx1").with_suffix(".json").read_text())
    assert meta["model_id"] == "fake/model@1" and meta["dimension"] == 8 and meta["count"] == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda cache: cache.get("occupations", "tx2", TEXTS),  # new taxonomy version
        lambda cache: cache.get("occupations", "tx1", TEXTS + ["tailor"]),  # labels changed
    ],
)
def test_rebuilt_when_taxonomy_or_labels_change(tmp_path, change):
    encoder = CountingEncoder()
    cache = EmbeddingCache(tmp_path, encoder)
    cache.get("occupations", "tx1", TEXTS)
    before = encoder.encoded
    change(cache)
    assert encoder.encoded > before


def test_each_model_has_its_own_entry(tmp_path):
    a, b = CountingEncoder("fake/a@1"), CountingEncoder("fake/b@1")
    EmbeddingCache(tmp_path, a).get("occupations", "tx1", TEXTS)
    EmbeddingCache(tmp_path, b).get("occupations", "tx1", TEXTS)
    assert a.encoded == b.encoded == 3
    assert EmbeddingCache(tmp_path, a).path_for("x", "tx1") != EmbeddingCache(tmp_path, b).path_for("x", "tx1")


def test_corrupt_entry_is_rebuilt(tmp_path):
    encoder = CountingEncoder()
    cache = EmbeddingCache(tmp_path, encoder)
    good = cache.get("occupations", "tx1", TEXTS)
    path = cache.path_for("occupations", "tx1")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cache.load("occupations", "tx1", TEXTS) is None
    assert np.array_equal(cache.get("occupations", "tx1", TEXTS), good)
    assert encoder.encoded == 6


def test_runtime_label_embeddings_match_fresh_encoding(full_runtime):
    index = full_runtime.label_indexes["occupations"]
    assert index.model_id == full_runtime.encoder.model_id
    assert index.taxonomy_version == full_runtime.taxonomies.version
    picks = [0, len(index.labels) // 2, len(index.labels) - 1]
    fresh = full_runtime.encoder.encode([index.labels[i].text for i in picks])
    stored = index.matrix[index.rows[picks]]
    assert np.allclose(fresh, stored, atol=1e-4)
    kinds = {label.kind.value for label in index.labels}
    assert {"isco_title", "ilo_index", "esco_preferred", "esco_alt", "isco_definition", "isco_task"} <= kinds
