"""Training the coder's combiner on taxonomy data and our own aliases — never on evaluation data.

Queries, each with the unit group it belongs to:
- ILO index titles (the 80% not held out), in "Noun, qualifier" or natural word order;
- a sample of ESCO preferred, alternative and hidden labels; ISCO included occupations;
- our multilingual aliases;
- ISCO "excluded occupations", whose text sits in one group's definition but which belong to
  another: hard negatives for the group that lists them.
Most queries are coded leave-one-out — their own name (in every word order) is hidden from the
exact, span, fuzzy and dense stages — so the combiner learns what an unseen title looks like;
the rest are coded as they are, so it also learns what an exact hit is worth. A hash of the
query text assigns a fifth of them to calibration (isotonic regression of every candidate's score against whether it is the right group).
"""
from __future__ import annotations

import hashlib
import random
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


def training_queries(tx: Taxonomies, aliases: AliasTable, heldout: frozenset[int], esco_sample: int = 6000) -> list[Query]:
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
    return queries


def _is_calibration(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] < 52  # about 20%


def fit_combiner(coder: OccupationCoder, queries: list[Query], mask_rows_of) -> Combiner:
    """Fit the logistic regression on the training split and isotonic calibration of the top
    score on the calibration split. ``mask_rows_of(mask)`` gives the dense rows to hide."""
    items = [CodingItem(q.text) for q in queries]
    prepared = coder.prepare(items, masks=[q.mask for q in queries], mask_rows=[mask_rows_of(q.mask) for q in queries])
    train_x, train_y, calib = [], [], []
    recall = 0
    for query, prep in zip(queries, prepared):
        labels = np.array([code == query.code for code in prep.codes], dtype=np.int8)
        recall += int(labels.any())
        if _is_calibration(query.text):
            calib.append((prep.features, labels))
        else:
            train_x.append(prep.features)
            train_y.append(labels)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(np.vstack(train_x), np.concatenate(train_y))
    weights, bias = model.coef_[0], float(model.intercept_[0])
    raw = Combiner(weights, bias, np.array([0.0, 1.0]), np.array([0.0, 1.0]), {})
    scores = np.concatenate([raw.score(features) for features, _ in calib])
    correct = np.concatenate([labels for _, labels in calib])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, correct)
    top_correct = [labels[int(np.argmax(raw.score(features)))] for features, labels in calib]
    meta = {
        "queries": len(queries),
        "train_queries": len(train_x),
        "calibration_queries": len(calib),
        "candidate_recall": round(recall / len(queries), 4),
        "calibration_top1": round(float(np.mean(top_correct)), 4),
        "seed": SEED,
    }
    return Combiner(weights, bias, np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_), meta)


def mask_rows_factory(index: LabelIndex):
    """A function giving, for a set of normalised names, the rows of ``index``'s matrix whose
    text has one of those names (what leave-one-out must hide from the dense stage)."""
    rows_of: dict[str, set[int]] = {}
    for label, row in zip(index.labels, index.rows):
        rows_of.setdefault(normalise(label.text), set()).add(int(row))

    def mask_rows(mask: frozenset[str]) -> list[int]:
        return sorted({row for key in mask for row in rows_of.get(key, ())})

    return mask_rows
