"""Dense similarity of query vectors to occupation labels, aggregated per ISCO-08 unit group."""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from matching.label_index import LabelIndex
from taxonomies.labels import NAME_KINDS

_DENSITY_T = 0.05
# Label vectors are stored transposed in blocks of this many labels (384 × 8,192 floats, 12 MB):
# a query's scores for one block stay in the first-level cache while the block is read, and a
# second view of the same text reads the block from cache, not memory. For one text this
# halves the dense stage (2 views: 6.9 → 3.4 ms over 63,000 labels, measured), for a batch it
# costs about a tenth more than one product over the whole matrix.
_BLOCK = 8192


class _Part(NamedTuple):
    """The labels of one kind (names, or descriptions) of one index, in unit-group order."""
    number: int  # which index
    is_name: bool
    rows: np.ndarray  # each label's row in the index's matrix
    units: np.ndarray  # the unit positions present, in order
    starts: np.ndarray  # where each of those units' labels start (for reduceat)
    blocks: list[np.ndarray]  # the label vectors, transposed (dimension × up to ``_BLOCK`` labels)


class _Names(NamedTuple):
    """For ``best_name``: a name part, its labels' ids, and each unit group's columns there."""
    part: _Part
    label_ids: np.ndarray
    ranges: dict[str, tuple[int, int]]


class UnitGroupDense:
    """Per unit group, the best cosine over its names (titles, ESCO labels, ILO index, aliases)
    and over its descriptions (ISCO definition and tasks), for many queries at once, in chunks
    so that memory stays small."""

    def __init__(self, units: Sequence[str], indexes: Sequence[LabelIndex], chunk: int = 64, block: int = _BLOCK):
        self.units = list(units)
        self._unit_pos = {code: i for i, code in enumerate(self.units)}
        self.indexes = list(indexes)
        self.chunk = chunk
        self.block = block
        self._parts: list[_Part] = []
        self._names: list[_Names] = []
        earlier: set[tuple[int, str]] = set()  # (unit, text) of the names already held
        for number, index in enumerate(self.indexes):
            for is_name in (True, False):
                triples = {}
                for i, label in enumerate(index.labels):
                    if label.target not in self._unit_pos or (label.kind in NAME_KINDS) != is_name:
                        continue
                    unit = self._unit_pos[label.target]
                    # A text listed twice for a group (an ESCO label that is also an ILO index
                    # title, an alias that is also an ESCO label) is one vector: held once, by
                    # its first label, which is the one ``best_name`` would name.
                    if is_name and (unit, label.text) in earlier:
                        continue
                    key = (unit, int(index.rows[i]))
                    if key not in triples:
                        triples[key] = (unit, int(index.rows[i]), i)
                if not triples:
                    continue
                triples = sorted(triples.values())
                if is_name:
                    earlier |= {(t[0], index.labels[t[2]].text) for t in triples}
                unit_of = np.array([t[0] for t in triples], dtype=np.int32)
                rows = np.array([t[1] for t in triples], dtype=np.int32)
                starts = np.flatnonzero(np.r_[True, unit_of[1:] != unit_of[:-1]])
                # the label vectors in unit order, transposed in contiguous blocks: no gather at
                # query time, and each block read once per batch
                blocks = [np.ascontiguousarray(index.matrix[rows[lo:lo + block]].T)
                          for lo in range(0, len(rows), block)]
                part = _Part(number, is_name, rows, unit_of[starts], starts, blocks)
                self._parts.append(part)
                if is_name:
                    ends = np.r_[starts[1:], len(triples)]
                    ranges = {self.units[unit_of[a]]: (int(a), int(b)) for a, b in zip(starts, ends)}
                    self._names.append(_Names(part, np.array([t[2] for t in triples], dtype=np.int64), ranges))

    def scores(
        self, vectors: np.ndarray, mask_rows: Sequence[Sequence[Sequence[int]]] | None = None,
        density_rows: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(name, density, description) per unit group, each of shape (len(vectors), len(units)).
        name and description: the best cosine over the group's labels of that kind (-1 where it
        has none); density: a soft maximum over its names, ``t·log Σ exp((cos − 1)/t)``, which
        grows with the number of close names. ``mask_rows`` (per query, for each index the rows
        of its matrix to hide) hides labels, for leave-one-out training. Only the first ``density_rows``
        queries (default: all) get a density; the others' is left at its floor."""
        n = len(vectors)
        density_rows = n if density_rows is None else density_rows
        name = np.full((n, len(self.units)), -1.0, dtype=np.float32)
        desc = np.full((n, len(self.units)), -1.0, dtype=np.float32)
        mass = np.zeros((n, len(self.units)), dtype=np.float64)
        vectors = np.asarray(vectors, dtype=np.float32)
        for lo in range(0, n, self.chunk):
            block = vectors[lo:lo + self.chunk]
            sims_by_index = None
            if mask_rows is not None:  # training: hide labels, then gather (slower, exact same values)
                sims_by_index = []
                for number, index in enumerate(self.indexes):
                    sims = block @ index.matrix.T
                    for j, masked in enumerate(mask_rows[lo:lo + self.chunk]):
                        if len(masked[number]):
                            sims[j, masked[number]] = -1.0
                    sims_by_index.append(sims)
            dense_n = max(0, min(len(block), density_rows - lo))
            for number, is_name, rows, units, starts, blocks in self._parts:
                if sims_by_index is not None:
                    sims = sims_by_index[number][:, rows]
                else:
                    sims = _products(block, blocks, len(rows))
                per_unit = np.maximum.reduceat(sims, starts, axis=1)
                target = (name if is_name else desc)[lo:lo + len(block)]
                target[:, units] = np.maximum(target[:, units], per_unit)
                if is_name and dense_n:
                    near = sims[:dense_n]
                    near -= 1.0
                    near *= 1.0 / _DENSITY_T
                    np.exp(near, out=near)
                    mass[lo:lo + dense_n, units] += np.add.reduceat(near, starts, axis=1)
        density = (_DENSITY_T * np.log(np.maximum(mass, 1e-30))).astype(np.float32)
        return name, density, desc

    def best_name(self, vector: np.ndarray, code: str) -> tuple[str, str, float] | None:
        """(label, kind, cosine) of the name of ``code`` most similar to ``vector``: read from the
        group's own columns of the stored blocks (no gather); of equal cosines, the first label."""
        best = None
        vector = np.asarray(vector, dtype=np.float32)
        for part, label_ids, ranges in self._names:
            if code not in ranges:
                continue
            lo, hi = ranges[code]
            pieces = []  # the group's columns, in the blocks they fall in
            for b in range(lo // self.block, (hi - 1) // self.block + 1):
                start = b * self.block
                pieces.append(vector @ part.blocks[b][:, max(lo, start) - start:min(hi, start + self.block) - start])
            sims = np.concatenate(pieces)
            ties = np.flatnonzero(sims == sims.max())
            top = ties[np.argmin(label_ids[lo + ties])]
            if best is None or sims[top] > best[2]:
                label = self.indexes[part.number].labels[label_ids[lo + top]]
                best = (label.text, str(label.kind), float(sims[top]))
        return best


def _products(queries: np.ndarray, blocks: Sequence[np.ndarray], width: int) -> np.ndarray:
    """queries × the labels held in ``blocks`` (each dimension × up to ``_BLOCK`` labels)."""
    sims = np.empty((len(queries), width), dtype=np.float32)
    lo = 0
    for matrix_t in blocks:
        hi = lo + matrix_t.shape[1]
        if len(queries) <= 3:  # one matrix-vector product each beats a skinny matrix product
            for row, query in enumerate(queries):
                np.matmul(query, matrix_t, out=sims[row, lo:hi])
        else:
            np.matmul(queries, matrix_t, out=sims[:, lo:hi])
        lo = hi
    return sims
