"""A lexicon of occupation names: exact look-up, token-span look-up and typo-tolerant nearest names.

Keys are normalised names (``matching.text.normalise``); each key holds the entries (ISCO-08
code, original label, where it comes from, language) that carry that name. Nearest names come
from character n-gram TF-IDF (robust to typos and word order), rescored with rapidfuzz.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix
from sparse_dot_topn import _core as _topn_core
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from matching.text import normalise

_THREADS = max(1, min(4, os.cpu_count() or 1))
COMMON_NGRAM_NAMES = 5000


@dataclass(frozen=True, slots=True)
class LexEntry:
    code: str  # ISCO-08 code the name points to
    label: str  # the name as written in its source
    source: str  # isco_title, esco_alt, ilo_index, alias, …
    lang: str = "en"


# A name's edit-distance similarity: the best of the whole-string ratio, the word-order-free
# ratio and the (discounted) word-subset ratio, each with its weight; blended with the
# n-gram cosine.
_RATIOS = ((fuzz.ratio, 1.0), (fuzz.token_sort_ratio, 0.95), (fuzz.token_set_ratio, 0.85))
_EDIT_SHARE, _COSINE_SHARE = 0.7, 0.3


def name_similarity(query: str, name: str, cosine: float) -> float:
    """How well a nearest name matches: edit-distance similarity blended with n-gram cosine."""
    edit = max(weight * scorer(query, name) for scorer, weight in _RATIOS) / 100
    return _EDIT_SHARE * edit + _COSINE_SHARE * cosine


def name_similarities(query: str, names: Sequence[str], cosines: Sequence[float]) -> np.ndarray:
    """``name_similarity`` of one query to many names, each ratio computed for all names at once."""
    if not names:
        return np.zeros(0)
    ratios = [process.cdist([query], names, scorer=scorer, dtype=np.float64)[0] * weight for scorer, weight in _RATIOS]
    return _EDIT_SHARE * (np.maximum.reduce(ratios) / 100) + _COSINE_SHARE * np.asarray(cosines, dtype=np.float64)


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
        # n-grams found in more than 5,000 names (" s", "er", "an", …) weigh little in a cosine but
        # made up four fifths of the work of finding nearest names: they are left out.
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                           max_df=COMMON_NGRAM_NAMES, dtype=np.float32)
        # n-gram → names, row-major: a query's few n-grams select the rows to add up.
        self._postings = self._vectorizer.fit_transform(self.keys).T.tocsr()
        self._postings.indices = self._postings.indices.astype(np.int32)
        self._postings.indptr = self._postings.indptr.astype(np.int32)
        self._analyze = self._vectorizer.build_analyzer()
        self._vocabulary = self._vectorizer.vocabulary_
        self._idf = self._vectorizer.idf_

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
        cosine = self._topn(self._query_vectors(keys), k)
        out = []
        for row in range(cosine.shape[0]):
            start, end = cosine.indptr[row], cosine.indptr[row + 1]
            out.append(list(zip(cosine.indices[start:end].tolist(), cosine.data[start:end].astype(float).tolist())))
        return out

    def _query_vectors(self, keys: Sequence[str]) -> csr_matrix:
        """What ``self._vectorizer.transform(keys)`` gives (a test checks they are equal), without
        its per-call validation, which took most of the time of looking up one text's names."""
        indptr, indices, counts = [0], [], []
        for key in keys:
            found = Counter(j for j in map(self._vocabulary.get, self._analyze(key)) if j is not None)
            columns = sorted(found)
            indices += columns
            counts += [found[j] for j in columns]
            indptr.append(len(indices))
        data = np.asarray(counts, dtype=np.float32)
        np.log(data, out=data)  # sublinear tf: 1 + log(count)
        data += 1.0
        columns = np.asarray(indices, dtype=np.int32)
        data *= self._idf[columns]
        queries = csr_matrix((data, columns, np.asarray(indptr, dtype=np.int32)),
                             shape=(len(keys), len(self._idf)))
        return normalize(queries, copy=False)

    def _topn(self, queries: csr_matrix, k: int) -> csr_matrix:
        """queries × postings keeping each row's ``k`` largest, sorted. The extension is called
        directly: its public ``sp_matmul_topn`` copies the (large, fixed) postings' index arrays
        on every call, which costs more than the product for one query. Tests check both agree."""
        postings = self._postings
        kwargs = dict(
            top_n=min(k, postings.shape[1]), nrows=queries.shape[0], ncols=postings.shape[1], threshold=None,
            A_data=queries.data, A_indptr=queries.indptr.astype(np.int32, copy=False),
            A_indices=queries.indices.astype(np.int32, copy=False),
            B_data=postings.data, B_indptr=postings.indptr, B_indices=postings.indices,
        )
        if queries.shape[0] >= 64:  # a thread pool costs more than a few rows
            result = _topn_core.sp_matmul_topn_sorted_mt(n_threads=_THREADS, **kwargs)
        else:
            result = _topn_core.sp_matmul_topn_sorted(density=1.0, **kwargs)
        return csr_matrix(result, shape=(queries.shape[0], postings.shape[1]))
