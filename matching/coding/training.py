"""Training the coder's combiner on taxonomy data and our own aliases — never on evaluation data.

Queries, each with the unit group it belongs to:
- ILO index titles (the 80% not held out), in "Noun, qualifier" or natural word order;
- a sample of ESCO preferred, alternative and hidden labels; ISCO included occupations;
- our multilingual aliases;
- ISCO "excluded occupations", whose text sits in one group's definition but which belong to
  another: hard negatives for the group that lists them;
- ESCO occupations with their descriptions, titled by a label or by its last word alone.
Most queries are coded leave-one-out — their own name (in every word order) is hidden from the
exact, span, fuzzy and dense stages — so the combiner learns what an unseen title looks like;
the rest are coded as they are, so it also learns what an exact hit is worth. A hash of the
query text assigns a fifth of them to calibration (the regression's strength, and isotonic
regression of every candidate's share against whether it is the right group).
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from matching.coding.coder import CodingItem, OccupationCoder
from matching.coding.combiner import Combiner
from matching.label_index import LabelIndex
from matching.text import normalise
from taxonomies.aliases import AliasTable
from taxonomies.loader import Taxonomies

SEED = 20261123
LEAVE_ONE_OUT = 0.8


@dataclass(frozen=True)
class Query:
    text: str
    code: str
    source: str
    mask: frozenset[str]  # normalised names hidden while coding it
    description: str | None = None


def training_queries(tx: Taxonomies, aliases: AliasTable, heldout: frozenset[int], esco_sample: int = 6000,
                     descriptions: int = 1200) -> list[Query]:
    rng = random.Random(SEED)
    queries: list[Query] = []

    def add(text: str, code: str, source: str, own: set[str], loo: float = LEAVE_ONE_OUT) -> None:
        if normalise(text):
            mask = frozenset(k for k in own if k) if rng.random() < loo else frozenset()
            queries.append(Query(text, code, source, mask))

    for row in tx.ilo_index:
        if row.id not in heldout:
            text = row.title if rng.random() < 0.5 else row.natural
            add(text, row.isco08, "ilo_index", {normalise(row.title), normalise(row.natural)})
    esco = []
    for occ in tx.esco_occupations.values():
        for label in (occ.preferred_label, *occ.alt_labels, *occ.hidden_labels):
            esco.append((label, occ.isco_group))
    esco.sort()
    for label, code in rng.sample(esco, min(esco_sample, len(esco))):
        add(label, code, "esco", {normalise(label)})
    units = [g for g in tx.unit_groups()]
    for group in units:
        for title in group.included:
            add(title, group.code, "isco_included", {normalise(title)})
        for title, code in group.excluded:
            if code and code in tx.isco and tx.isco[code].level == 4:
                add(title, code, "isco_excluded", set(), loo=0.0)
    for alias in aliases.aliases:
        add(alias.text, alias.isco08, f"alias:{alias.lang}", {normalise(alias.text)}, loo=0.5)
    queries += described_queries(tx, descriptions)
    return queries


def described_queries(tx: Taxonomies, n: int) -> list[Query]:
    """Titles with a description, so that the combiner learns what a description is worth: ESCO
    occupations with their ESCO description (text that is in no index), titled half the time by
    one of their labels (hidden, as above) and half by its last word alone ("helper", "operator"),
    which only the description can place."""
    rng = random.Random(SEED + 1)
    described = sorted((o for o in tx.esco_occupations.values() if len(o.description) > 40), key=lambda o: o.uri)
    queries = []
    for occ in rng.sample(described, min(n, len(described))):
        if rng.random() < 0.5:
            label = rng.choice((occ.preferred_label, *occ.alt_labels))
            mask = frozenset({normalise(label)}) if rng.random() < LEAVE_ONE_OUT else frozenset()
            queries.append(Query(label, occ.isco_group, "esco_described", mask, occ.description))
        else:
            head = occ.preferred_label.split()[-1]
            queries.append(Query(head, occ.isco_group, "esco_described_head", frozenset(), occ.description))
    return queries


def _is_calibration(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] < 52  # about 20%


C_GRID = (0.03, 0.1, 0.3, 1.0)


def fit_combiner(coder: OccupationCoder, queries: list[Query], mask_rows_of) -> Combiner:
    """Code every query (leave-one-out where it has a mask) and fit the combiner on the result.
    ``mask_rows_of(mask)`` gives the dense rows to hide, per index (``mask_rows_factory``)."""
    items = [CodingItem(q.text, q.description) for q in queries]
    prepared = coder.prepare(items, masks=[q.mask for q in queries], mask_rows=[mask_rows_of(q.mask) for q in queries])
    lists = [(prep.features, np.array([code == query.code for code in prep.codes], dtype=np.int8),
              _is_calibration(query.text)) for query, prep in zip(queries, prepared)]
    combiner = fit_ranker(lists)
    combiner.meta.update(queries=len(queries), seed=SEED)
    return combiner


def fit_ranker(lists: list[tuple[np.ndarray, np.ndarray, bool]]) -> Combiner:
    """Fit the pairwise ranking on the training lists and the calibration on the others.

    ``lists``: per query, its candidates' features, which candidate is right (at most one), and
    whether the query is in the calibration split. Each training query whose right group is
    among two or more candidates gives one difference per wrong candidate (right − wrong, and
    its negation as the other class); an L2 logistic regression without intercept on them gives
    the weights. Its strength C is chosen from ``C_GRID`` by top-1 on the calibration split; every
    candidate's share in that split, against whether it is right, fits the isotonic map (so the
    second and third candidates get a probability too, not only the best)."""
    train = [(f, y) for f, y, calibration in lists if not calibration]
    calib = [(f, y) for f, y, calibration in lists if calibration and len(y)]
    diffs = [f[y == 1][0] - f[y == 0] for f, y in train if y.sum() == 1 and len(y) > 1]
    diffs = np.vstack(diffs)
    x = np.vstack([diffs, -diffs])
    labels = np.r_[np.ones(len(diffs)), np.zeros(len(diffs))]
    bare = np.array([0.0, 1.0])
    fits = {}
    for c in C_GRID:
        model = LogisticRegression(C=c, fit_intercept=False, max_iter=3000).fit(x, labels)
        ranker = Combiner(model.coef_[0], bare, bare, {})
        fits[c] = (float(np.mean([y[int(np.argmax(ranker.score(f)))] for f, y in calib])), ranker)
    best_c = max(C_GRID, key=lambda c: (fits[c][0], -c))
    calibration_top1, ranker = fits[best_c]
    shares = np.concatenate([ranker.score(f) for f, _ in calib])
    right = np.concatenate([y for _, y in calib]).astype(float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(shares, right)
    meta = {
        "train_queries": len(train),
        "training_pairs": int(len(diffs)),
        "calibration_queries": len(calib),
        "candidate_recall": round(float(np.mean([y.any() for _, y, _ in lists])), 4),
        "c": best_c,
        "calibration_top1_by_c": {str(c): round(fits[c][0], 4) for c in C_GRID},
        "calibration_top1": round(calibration_top1, 4),
    }
    return Combiner(ranker.weights, np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_), meta)


def mask_rows_factory(indexes: Sequence[LabelIndex]):
    """A function giving, for a set of normalised names, the rows of each index's matrix whose
    text has one of those names: what leave-one-out must hide from the dense stage, in every
    index (an alias query's own alias is in the alias index, an ESCO label may be an alias too)."""
    rows_of: list[dict[str, set[int]]] = []
    for index in indexes:
        rows_of.append({})
        for label, row in zip(index.labels, index.rows):
            rows_of[-1].setdefault(normalise(label.text), set()).add(int(row))

    def mask_rows(mask: frozenset[str]) -> tuple[list[int], ...]:
        return tuple(sorted({row for key in mask for row in rows.get(key, ())}) for rows in rows_of)

    return mask_rows
