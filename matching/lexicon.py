"""A lexicon of occupation names: exact look-up, token-span look-up and typo-tolerant nearest names.

Keys are normalised names (``matching.text.normalise``); each key holds the entries (ISCO-08
code, original label, where it comes from, language) that carry that name. Nearest names come
from character n-gram TF-IDF (robust to typos and word order), rescored with rapidfuzz.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from sparse_dot_topn import sp_matmul_topn
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text import normalise

_THREADS = max(1, min(4, os.cpu_count() or 1))


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
        """For each query key, the ``k`` nearest lexicon keys by character n-gram cosine, best
        first (``sparse_dot_topn`` keeps only each row's top ``k`` while it multiplies)."""
        if not keys:
            return []
        threads = _THREADS if len(keys) >= 64 else 1  # a thread pool costs more than a few rows
        cosine = sp_matmul_topn(self._vectorizer.transform(keys), self._postings, top_n=k, sort=True,
                                n_threads=threads)
        out = []
        for row in range(cosine.shape[0]):
            start, end = cosine.indptr[row], cosine.indptr[row + 1]
            out.append(list(zip(cosine.indices[start:end].tolist(), cosine.data[start:end].astype(float).tolist())))
        return out
