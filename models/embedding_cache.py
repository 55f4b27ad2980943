"""On-disk cache of label embeddings, keyed by model id, taxonomy version and label set.

Each entry is ``<root>/<model slug>/<set>-<taxonomy version>.npy`` with a JSON sidecar that
records the model id, the dimension, the number of labels, a sha256 of the label texts and a
sha256 of the array. An entry whose sidecar does not match what is asked for, or whose array
does not match its checksum, is rebuilt; entries are written atomically (temp file + rename),
so a crash mid-build never leaves a half-written cache.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class TextEncoder(Protocol):
    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def texts_digest(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", value).strip("_")


class EmbeddingCache:
    def __init__(self, root: Path, encoder: TextEncoder):
        self.root = Path(root)
        self.encoder = encoder

    def path_for(self, name: str, taxonomy_version: str) -> Path:
        return self.root / _slug(self.encoder.model_id) / f"{_slug(name)}-{_slug(taxonomy_version)}.npy"

    def load(self, name: str, taxonomy_version: str, texts: Sequence[str]) -> np.ndarray | None:
        """The cached matrix for these texts, or None if absent, stale or corrupt."""
        path = self.path_for(name, taxonomy_version)
        meta_path = path.with_suffix(".json")
        if not path.is_file() or not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return None
        expected = {
            "model_id": self.encoder.model_id,
            "dimension": self.encoder.dimension,
            "taxonomy_version": taxonomy_version,
            "count": len(texts),
            "texts_sha256": texts_digest(texts),
        }
        if any(meta.get(key) != value for key, value in expected.items()):
            return None
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("array_sha256"):
            return None
        matrix = np.load(io.BytesIO(data), allow_pickle=False)
        if matrix.shape != (len(texts), self.encoder.dimension):
            return None
        return matrix

    def get(self, name: str, taxonomy_version: str, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of ``texts``, from the cache or built (and cached) now."""
        cached = self.load(name, taxonomy_version, texts)
        if cached is not None:
            return cached
        return self.build(name, taxonomy_version, texts)

    def build(self, name: str, taxonomy_version: str, texts: Sequence[str]) -> np.ndarray:
        matrix = np.ascontiguousarray(self.encoder.encode(list(texts)), dtype=np.float32)
        path = self.path_for(name, taxonomy_version)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npy.tmp", delete=False) as tmp:
            np.save(tmp, matrix, allow_pickle=False)
        array_sha = hashlib.sha256(Path(tmp.name).read_bytes()).hexdigest()
        os.replace(tmp.name, path)
        meta = {
            "model_id": self.encoder.model_id,
            "dimension": self.encoder.dimension,
            "taxonomy_version": taxonomy_version,
            "label_set": name,
            "count": len(texts),
            "texts_sha256": texts_digest(texts),
            "array_sha256": array_sha,
        }
        meta_tmp = path.with_suffix(".json.tmp")
        meta_tmp.write_text(json.dumps(meta, indent=2, sort_keys=True))
        os.replace(meta_tmp, path.with_suffix(".json"))
        return matrix
