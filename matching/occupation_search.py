"""Search over the names of ISCO-08 groups, the ILO index and ESCO occupations.

Used by ``GET /v1/occupations?q=``: the lexicon's character n-gram nearest names, rescored with
rapidfuzz; a digit query searches codes by prefix. Results are distinct ISCO-08 groups (of any
level: group titles are names too), each with the name that matched best and its source.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matching.lexicon import LexEntry, Lexicon, name_similarity
from matching.text import normalise
from taxonomies.labels import NAME_KINDS, Label
from taxonomies.loader import Taxonomies

# When two names of a group score alike, report the more authoritative one.
_SOURCE_RANK = {"isco_title": 0, "esco_preferred": 1, "isco_included": 2, "ilo_index_natural": 3, "ilo_index": 4,
                "esco_alt": 5, "esco_hidden": 6}
_CANDIDATES = 300


@dataclass(frozen=True, slots=True)
class SearchHit:
    code: str
    score: float  # 0..1
    label: str
    source: str


class OccupationSearch:
    def __init__(self, tx: Taxonomies, lexicon: Lexicon, min_score: float = 0.6):
        self._tx = tx
        self._lexicon = lexicon
        self.min_score = min_score

    def search(self, query: str, level: int | None = None) -> list[SearchHit]:
        """Every group whose best name scores at least ``min_score``, best first."""
        text = normalise(query)
        if not text:
            return []
        if text.isdigit():
            return [
                SearchHit(code, 1.0, group.title, "isco_title")
                for code, group in sorted(self._tx.isco.items())
                if code.startswith(text) and (level is None or group.level == level)
            ]
        best: dict[str, SearchHit] = {}
        for key_id, cosine in self._lexicon.nearest([text], _CANDIDATES)[0]:
            key = self._lexicon.keys[key_id]
            score = 1.0 if key == text else round(name_similarity(text, key, cosine), 4)
            if score < self.min_score:
                continue
            for entry in self._lexicon.entries[key_id]:
                if level is not None and len(entry.code) != level:
                    continue
                hit = SearchHit(entry.code, min(score, 1.0), entry.label, entry.source)
                current = best.get(hit.code)
                if current is None or _better(hit, current):
                    best[hit.code] = hit
        return sorted(best.values(), key=lambda h: (-h.score, _SOURCE_RANK.get(h.source, 9), h.code))


def _better(a: SearchHit, b: SearchHit) -> bool:
    return (a.score, -_SOURCE_RANK.get(a.source, 9)) > (b.score, -_SOURCE_RANK.get(b.source, 9))


def name_entries(labels: Iterable[Label]) -> list[LexEntry]:
    """Lexicon entries for the name labels of a label set (descriptions are left out)."""
    return [LexEntry(label.target, label.text, str(label.kind)) for label in labels if label.kind in NAME_KINDS]
