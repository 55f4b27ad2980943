"""A lexicon of occupation names: exact look-up, token-span look-up and typo-tolerant nearest names.

Keys are normalised names (``matching.text.normalise``); each key holds the entries (ISCO-08
code, original label, where it comes from, language) that carry that name. Nearest names come
from character n-gram TF-IDF (robust to typos and word order), rescored with rapidfuzz.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text import normalise

_CHUNK = 128


@dataclass(frozen=True, slots=True)
class LexEntry:
    code: str  # ISCO-08 code the name points to
    label: str  # the name as written in its source
    source: str  # isco_title, esco_alt, ilo_index, alias, …
    lang: str = "en"


def lexical_similarity(query: str, name: str) -> float:
    """0..1: whole-string edit ratio, word-order-free ratio, and (discounted) word-subset ratio."""
    return max(
        fuzz.ratio(query, name), 0.95 * fuzz.token_sort_ratio(query, name), 0.85 * fuzz.token_set_ratio(query, name)
    ) / 100


def name_similarity(query: str, name: str, cosine: float) -> float:
    """How well a nearest name matches: edit-distance similarity blended with n-gram cosine."""
    return 0.7 * lexical_similarity(query, name) + 0.3 * cosine


class Lexicon:
    def __init__(self, entries: Iterable[LexEntry]):
        grouped: dict[str, dict[tuple[str, str], LexEntry]] = {}
        for entry in entries:
            key = normalise(entry.label)
            if key:
                grouped.setdefault(key, {}).setdefault((entry.code, entry.source), entry)
        self.keys: list[str] = sorted(grouped)
        self.entries: list[tuple[LexEntry, ...]] = [tuple(grouped[k].values()) for k in self.keys]
        self._index = {key: i for i, key in enumerate(self.keys)}
        self.max_span = max((len(k.split()) for k in self.keys), default=1)
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32)
        # n-gram → names, row-major: a query's few n-grams select the rows to add up.
        self._postings = self._vectorizer.fit_transform(self.keys).T.tocsr()

    def exact(self, key: str) -> tuple[LexEntry, ...]:
        i = self._index.get(key)
        return self.entries[i] if i is not None else ()

    def spans(self, key: str, max_tokens: int = 5) -> list[tuple[str, float, tuple[LexEntry, ...]]]:
        """Every run of 1..max_tokens words of ``key`` that is itself a name, with the share of
        ``key``'s words it covers."""
        tokens = key.split()
        found = []
        for n in range(min(max_tokens, self.max_span, len(tokens)), 0, -1):
            for start in range(len(tokens) - n + 1):
                span = " ".join(tokens[start:start + n])
                entries = self.exact(span)
                if entries:
                    found.append((span, n / len(tokens), entries))
        return found

    def nearest(self, keys: Sequence[str], k: int = 100) -> list[list[tuple[int, float]]]:
        """For each query key, the ``k`` nearest lexicon keys by character n-gram cosine."""
        out = []
        for lo in range(0, len(keys), _CHUNK):  # the product is dense-ish: keep it small
            cosine = (self._vectorizer.transform(keys[lo:lo + _CHUNK]) @ self._postings).tocsr()
            for row in range(cosine.shape[0]):
                start, end = cosine.indptr[row], cosine.indptr[row + 1]
                idx, val = cosine.indices[start:end], cosine.data[start:end]
                if len(idx) > k:
                    top = np.argpartition(-val, k)[:k]
                    idx, val = idx[top], val[top]
                order = np.argsort(-val, kind="stable")
                out.append([(int(idx[j]), float(val[j])) for j in order])
        return out
