"""The lexicon's nearest-name search: typo-tolerant, and equal to the library's public product."""
import numpy as np
import pytest
from sparse_dot_topn import sp_matmul_topn

from matching.lexicon import COMMON_NGRAM_NAMES, LexEntry, Lexicon, name_similarities, name_similarity

NAMES = ["plumber", "electrician", "heavy truck driver", "car driver", "house driver", "mason",
         "bricklayer", "scaffolder", "domestic helper", "caregiver", "welder", "pipe fitter"]


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon(LexEntry(f"{i:04d}", name, "test") for i, name in enumerate(NAMES))


def test_nearest_finds_misspelt_names(lexicon):
    for query, expected in [("plumbar", "plumber"), ("scafolder", "scaffolder"), ("electricain", "electrician")]:
        best_id, cosine = lexicon.nearest([query], 3)[0][0]
        assert lexicon.keys[best_id] == expected and 0 < cosine < 1


@pytest.mark.parametrize("n", [1, 3, 80])  # one row, a few, and enough to take the threaded path
def test_nearest_equals_the_public_top_n_product(lexicon, n):
    queries = (["truck drver", "brick layer", "pipe fiter", "domestic", "weld", "xyz"] * 20)[:n]
    ours = lexicon.nearest(queries, 4)
    public = sp_matmul_topn(lexicon._vectorizer.transform(queries), lexicon._postings, top_n=4, sort=True)
    for row, found in enumerate(ours):
        start, end = public.indptr[row], public.indptr[row + 1]
        assert [i for i, _ in found] == public.indices[start:end].tolist()
        assert np.allclose([c for _, c in found], public.data[start:end])
        if queries[row] == "xyz":  # no n-gram in common with any name: nothing
            assert found == []


def test_name_similarities_equal_one_at_a_time():
    names = ["heavy truck driver", "driver truck heavy", "plumber", "truck", ""]
    cosines = [0.9, 0.8, 0.1, 0.5, 0.0]
    together = name_similarities("truck drvier heavy", names, cosines)
    assert together.tolist() == [name_similarity("truck drvier heavy", n, c) for n, c in zip(names, cosines)]
    assert name_similarities("x", [], []).shape == (0,)


def test_ngrams_common_to_most_names_are_left_out_and_typos_still_found():
    # "er" and " t" are in every filler name; "plumber" and "welder" are still found from typos
    filler = [f"t{i:05d}er" for i in range(COMMON_NGRAM_NAMES + 1)]
    big = Lexicon(LexEntry(f"{i % 9000:04d}", name, "test") for i, name in enumerate(filler + NAMES))
    vocabulary = big._vectorizer.vocabulary_
    assert "er" not in vocabulary and " t" not in vocabulary and "mb" in vocabulary
    for query, expected in [("plumbar", "plumber"), ("weldr", "welder")]:
        best_id, _ = big.nearest([query], 3)[0][0]
        assert big.keys[best_id] == expected


def test_query_vectors_equal_the_vectorizers_transform():
    big = Lexicon(LexEntry(f"{i % 9000:04d}", name, "test")
                  for i, name in enumerate([f"t{i:05d}er" for i in range(COMMON_NGRAM_NAMES + 1)] + NAMES))
    queries = ["plumbar", "heavy truck driver", "", "xyz qq", "दकर्मी", "tukang batu", "t00001er", "er er er"]
    for lexicon in (big, Lexicon(LexEntry(f"{i:04d}", n, "test") for i, n in enumerate(NAMES))):
        ours, theirs = lexicon._query_vectors(queries), lexicon._vectorizer.transform(queries)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
        assert np.array_equal(ours.data, theirs.data)
