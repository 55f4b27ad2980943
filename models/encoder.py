"""The text encoder: a sentence-transformers model loaded offline, giving unit vectors.

Two backends compute the same vectors. ``onnx`` (the default) runs the model's transformer,
exported once to the cache, on ONNX Runtime with the model's own fast tokenizer: about four
times faster than PyTorch for one short text, which is what an API call codes. ``torch`` runs
sentence-transformers itself, and is used for models whose pipeline cannot be exported (see
``onnx_export.py``).
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.onnx_export import OnnxPlan, export_onnx, onnx_plan
from models.registry import ModelSpec, resolve_model

# Never reach a model hub: every model is a local directory.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)
BACKENDS = ("onnx", "torch")
_ONNX_BATCH = 32  # ONNX Runtime is fastest on small, length-sorted batches


class Encoder:
    """Encodes texts to L2-normalised float32 vectors. Thread-safe."""

    def __init__(self, spec: ModelSpec, batch_size: int = 128, threads: int | None = None,
                 backend: str = "onnx", cache_dir: Path | None = None):
        if backend not in BACKENDS:
            raise ValueError(f"unknown encoder backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.spec = spec
        self.batch_size = batch_size
        self._lock = threading.Lock()
        plan = onnx_plan(spec) if backend == "onnx" and cache_dir is not None else None
        if backend == "onnx" and plan is None:
            log.warning("model %s cannot run on ONNX Runtime (or no cache directory): using PyTorch", spec.id)
        if plan is not None:
            self._init_onnx(plan, Path(cache_dir), threads)
        else:
            self._init_torch(threads)

    def _init_torch(self, threads: int | None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.backend = "torch"
        self._model = SentenceTransformer(str(self.spec.path), device="cpu", local_files_only=True)
        self._model.eval()
        self.dimension: int = int(self._model.get_embedding_dimension())

    def _init_onnx(self, plan: OnnxPlan, cache_dir: Path, threads: int | None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.backend = "onnx"
        self._plan = plan
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # Idle ORT threads must not spin: the coder's numpy work runs right after each call.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(export_onnx(self.spec, plan, cache_dir)), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(self.spec.path / "tokenizer.json"))
        self._tokenizer.enable_truncation(plan.max_length)
        self._tokenizer.no_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._encode_onnx(["dimension probe"]).shape[1])

    @property
    def model_id(self) -> str:
        return self.spec.id

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Unit vectors, shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            if self.backend == "onnx":
                vectors = self._encode_onnx(list(texts))
            else:
                vectors = self._model.encode(
                    list(texts), batch_size=batch_size or self.batch_size, normalize_embeddings=True,
                    convert_to_numpy=True, show_progress_bar=False,
                )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _encode_onnx(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        pooled = []
        for lo in range(0, len(order), _ONNX_BATCH):
            rows = order[lo:lo + _ONNX_BATCH]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            pooled.append(self._pool(ids, mask))
        out = np.empty((len(texts), pooled[0].shape[1]), dtype=np.float32)
        out[order] = np.vstack(pooled)
        return out

    def _pool(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        if self._plan.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(hidden.dtype)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def load_encoder(model_path=None, batch_size: int = 128, threads: int | None = None,
                 backend: str = "onnx", cache_dir: Path | None = None) -> Encoder:
    return Encoder(resolve_model(model_path), batch_size=batch_size, threads=threads,
                   backend=backend, cache_dir=cache_dir)
