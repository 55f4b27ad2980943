"""The dense stage: per unit group, the best name and description cosines and the density of
close names, the same however the label vectors are blocked, and equal to a plain computation."""
import numpy as np
import pytest

from matching.coding.dense import UnitGroupDense
from matching.label_index import LabelIndex
from taxonomies.labels import Label, LabelKind

UNITS = ["7112", "7115", "8322", "9111"]


def _index(rng, n_labels=50, n_texts=40, dimension=16):
    matrix = rng.standard_normal((n_texts, dimension)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    kinds = [LabelKind.esco_alt, LabelKind.ilo_index, LabelKind.isco_definition]
    labels = tuple(Label(f"t{i}", kinds[i % 3], UNITS[i % len(UNITS)] if i % 7 else "0110", str(i))
                   for i in range(n_labels))
    rows = rng.integers(0, n_texts, n_labels).astype(np.int32)  # texts shared by several labels
    return LabelIndex("test", labels, rows, matrix, "model", "v1")


def _plain(index, vectors):
    sims = vectors @ index.matrix[index.rows].T
    name = np.full((len(vectors), len(UNITS)), -1.0)
    desc = np.full((len(vectors), len(UNITS)), -1.0)
    mass = np.zeros((len(vectors), len(UNITS)))
    counted = set()  # a vector listed twice for a group counts once in its density
    for j, label in enumerate(index.labels):
        if label.target not in UNITS:
            continue
        u = UNITS.index(label.target)
        if label.kind == LabelKind.isco_definition:
            desc[:, u] = np.maximum(desc[:, u], sims[:, j])
        else:
            name[:, u] = np.maximum(name[:, u], sims[:, j])
            if (u, index.rows[j]) not in counted:
                counted.add((u, index.rows[j]))
                mass[:, u] += np.exp((sims[:, j] - 1.0) / 0.05)
    return name, 0.05 * np.log(np.maximum(mass, 1e-30)), desc


@pytest.mark.parametrize("n_queries", [1, 3, 70])  # matrix-vector products, and chunked matrix products
@pytest.mark.parametrize("block", [1, 7, 8192])
def test_scores_equal_a_plain_computation_for_any_blocking(n_queries, block):
    rng = np.random.default_rng(n_queries)
    index = _index(rng)
    vectors = rng.standard_normal((n_queries, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    name, density, desc = UnitGroupDense(UNITS, [index], block=block).scores(vectors)
    want_name, want_density, want_desc = _plain(index, vectors)
    assert np.allclose(name, want_name, atol=1e-5) and np.allclose(desc, want_desc, atol=1e-5)
    assert np.allclose(density, want_density, atol=1e-4)


@pytest.mark.parametrize("block", [1, 7, 8192])
def test_best_name_is_the_groups_most_similar_name(block):
    rng = np.random.default_rng(7)
    index = _index(rng)
    dense = UnitGroupDense(UNITS, [index], block=block)
    vector = rng.standard_normal(16).astype(np.float32)
    vector /= np.linalg.norm(vector)
    sims = index.matrix[index.rows] @ vector
    for code in UNITS:
        names = [j for j, label in enumerate(index.labels)
                 if label.target == code and label.kind != LabelKind.isco_definition]
        best = max(names, key=lambda j: (sims[j], -j))
        text, kind, cosine = dense.best_name(vector, code)
        assert (text, kind) == (index.labels[best].text, str(index.labels[best].kind))
        assert cosine == pytest.approx(sims[best], abs=1e-6)
    assert dense.best_name(vector, "0110") is None  # not one of the coder's unit groups


def _named(texts_codes, vectors_of):
    texts = sorted({t for t, _ in texts_codes})
    matrix = np.vstack([vectors_of[t] for t in texts]).astype(np.float32)
    labels = tuple(Label(t, LabelKind.esco_alt, code, t) for t, code in texts_codes)
    rows = np.array([texts.index(t) for t, _ in texts_codes], dtype=np.int32)
    return LabelIndex("test", labels, rows, matrix, "model", "v1")


def test_a_name_in_two_indexes_is_held_once_and_leave_one_out_hides_it_in_both():
    rng = np.random.default_rng(3)
    vectors_of = {}
    for text in ("maid", "kasambahay", "driver"):
        v = rng.standard_normal(16)
        vectors_of[text] = (v / np.linalg.norm(v)).astype(np.float32)
    taxonomy = _named([("maid", "9111"), ("driver", "8322")], vectors_of)
    aliases = _named([("maid", "9111"), ("kasambahay", "9111")], vectors_of)  # "maid" is also an alias
    dense = UnitGroupDense(UNITS, [taxonomy, aliases])
    query = vectors_of["maid"][None, :]
    name, density, _ = dense.scores(query)
    maid, kasambahay = 1.0, float(vectors_of["kasambahay"] @ vectors_of["maid"])
    u = UNITS.index("9111")
    assert name[0, u] == pytest.approx(maid)
    want = 0.05 * np.log(np.exp((maid - 1) / 0.05) + np.exp((kasambahay - 1) / 0.05))  # "maid" once
    assert density[0, u] == pytest.approx(want, abs=1e-5)
    # leave-one-out: the query's own name hidden in the taxonomy index and in the alias index
    hidden = ([taxonomy.rows[0]], [aliases.rows[0]])
    name, _, _ = dense.scores(query, mask_rows=[hidden])
    assert name[0, u] == pytest.approx(kasambahay, abs=1e-6)
    alias_only = vectors_of["kasambahay"][None, :]  # a name only the alias index holds
    name, _, _ = dense.scores(alias_only, mask_rows=[([], [aliases.rows[1]])])
    assert name[0, u] == pytest.approx(kasambahay, abs=1e-6)
