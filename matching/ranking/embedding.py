"""Embeddings for matching: a text's vector blended with the vector of the ISCO-08 unit group it
was coded to, when the coder is confident. "Kasambahay sa Riyadh" or "Pembantu Rumah Tangga"
then lie near "Domestic cleaners and helpers" even for a model that knows no Tagalog or
Indonesian; passports and vacancies are blended the same way."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

BLEND_PROBABILITY = 0.5


def blend_with_occupation(vector: np.ndarray | None, unit_vectors: Mapping[str, np.ndarray], code: str | None,
                          probability: float) -> np.ndarray | None:
    if vector is None or code is None or probability < BLEND_PROBABILITY or code not in unit_vectors:
        return vector
    blended = vector + unit_vectors[code]
    return (blended / max(float(np.linalg.norm(blended)), 1e-12)).astype(np.float32)
