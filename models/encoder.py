"""The text encoder: a sentence-transformers model loaded offline, giving unit vectors."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

from models.registry import ModelSpec, resolve_model

# Never reach a model hub: every model is a local directory.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Encoder:
    """Encodes texts to L2-normalised float32 vectors. Thread-safe."""

    def __init__(self, spec: ModelSpec, batch_size: int = 128, threads: int | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.spec = spec
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(spec.path), device="cpu", local_files_only=True)
        self._model.eval()
        self.dimension: int = int(self._model.get_embedding_dimension())
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.spec.id

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Unit vectors, shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size or self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_encoder(model_path=None, batch_size: int = 128, threads: int | None = None) -> Encoder:
    return Encoder(resolve_model(model_path), batch_size=batch_size, threads=threads)
