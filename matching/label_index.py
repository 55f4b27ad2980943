"""Label embeddings held in memory: each label points to a row of a matrix of unique texts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.embedding_cache import EmbeddingCache
from taxonomies.labels import Label


@dataclass(frozen=True)
class LabelIndex:
    name: str
    labels: tuple[Label, ...]
    rows: np.ndarray  # int32, for each label the row of its text in ``matrix``
    matrix: np.ndarray  # float32 (unique texts, dimension), unit rows
    model_id: str
    taxonomy_version: str

    @classmethod
    def build(cls, name: str, labels: Sequence[Label], cache: EmbeddingCache, taxonomy_version: str) -> "LabelIndex":
        texts = sorted({label.text for label in labels})
        position = {text: i for i, text in enumerate(texts)}
        matrix = cache.get(name, taxonomy_version, texts)
        rows = np.fromiter((position[label.text] for label in labels), dtype=np.int32, count=len(labels))
        return cls(name, tuple(labels), rows, matrix, cache.encoder.model_id, taxonomy_version)

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[1])

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of one unit vector to every label (shape: len(labels))."""
        return (self.matrix @ vector.astype(np.float32))[self.rows]
