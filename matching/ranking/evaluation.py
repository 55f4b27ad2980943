"""Ranking quality: nDCG@k with graded relevance (gain 2^grade − 1, log2 discount), where items
not graded count 0 and the ideal ranking is of every graded item."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([2 ** grades.get(item, 0) - 1 for item in ranked[:k]]) / ideal
