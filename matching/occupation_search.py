"""Lexical search over the names of ISCO-08 groups, the ILO index and ESCO occupations.

Used by ``GET /v1/occupations?q=``. Two stages: character n-gram TF-IDF retrieves the nearest
few hundred labels (tolerant of typos and word order), then rapidfuzz rescores them
(edit-distance ratio, token sort and token set ratios). A digit query searches codes by prefix.
Results are distinct ISCO-08 groups, each with the label that matched best and its source.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text import normalise
from taxonomies.labels import NAME_KINDS, Label, LabelKind
from taxonomies.loader import Taxonomies

# When two labels of a group score alike, report the more authoritative one.
_KIND_RANK = {
    LabelKind.isco_title: 0, LabelKind.esco_preferred: 1, LabelKind.isco_included: 2,
    LabelKind.ilo_index_natural: 3, LabelKind.ilo_index: 4, LabelKind.esco_alt: 5, LabelKind.esco_hidden: 6,
}
_CANDIDATES = 300


@dataclass(frozen=True, slots=True)
class SearchHit:
    code: str
    score: float  # 0..1
    label: str
    kind: LabelKind


def lexical_similarity(query: str, label: str) -> float:
    """0..1: whole-string edit ratio, word-order-free ratio, and (discounted) word-subset ratio."""
    return max(
        fuzz.ratio(query, label), 0.95 * fuzz.token_sort_ratio(query, label), 0.85 * fuzz.token_set_ratio(query, label)
    ) / 100


class OccupationSearch:
    def __init__(self, tx: Taxonomies, labels: Sequence[Label], min_score: float = 0.6):
        self._tx = tx
        self.min_score = min_score
        seen: set[tuple[str, str]] = set()
        self._labels: list[Label] = []
        choices: list[str] = []
        for label in labels:
            key = (normalise(label.text), label.target)
            if label.kind not in NAME_KINDS or not key[0] or key in seen:
                continue
            seen.add(key)
            self._labels.append(label)
            choices.append(key[0])
        self._choices = choices
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32)
        self._matrix = self._vectorizer.fit_transform(choices)

    def search(self, query: str, level: int | None = None) -> list[SearchHit]:
        """Every group whose best label scores at least ``min_score``, best first."""
        text = normalise(query)
        if not text:
            return []
        if text.isdigit():
            return [
                SearchHit(code, 1.0, group.title, LabelKind.isco_title)
                for code, group in sorted(self._tx.isco.items())
                if code.startswith(text) and (level is None or group.level == level)
            ]
        cosine = (self._matrix @ self._vectorizer.transform([text]).T).toarray().ravel()
        top = np.argpartition(-cosine, min(_CANDIDATES, len(cosine) - 1))[:_CANDIDATES]
        best: dict[str, SearchHit] = {}
        for idx in top:
            label = self._labels[idx]
            if cosine[idx] <= 0 or (level is not None and len(label.target) != level):
                continue
            choice = self._choices[idx]
            score = 1.0 if choice == text else round(0.7 * lexical_similarity(text, choice) + 0.3 * float(cosine[idx]), 4)
            if score < self.min_score:
                continue
            hit = SearchHit(label.target, min(score, 1.0), label.text, label.kind)
            current = best.get(hit.code)
            if current is None or (hit.score, -_KIND_RANK[hit.kind]) > (current.score, -_KIND_RANK[current.kind]):
                best[hit.code] = hit
        return sorted(best.values(), key=lambda h: (-h.score, _KIND_RANK[h.kind], h.code))
