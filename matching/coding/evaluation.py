"""Measuring a coder: top-k accuracy at 4, 2 and 1 digits, MRR, precision and coverage at the
abstain threshold, and expected calibration error of the top probability; and measuring a set's
labels: how consistently they follow the texts (what no coder can exceed)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Prediction:
    gold: str
    ranked: Sequence[str]  # distinct unit groups, best first
    probability: float | None = None  # calibrated probability of ranked[0]
    needs_review: bool | None = None
    signal: str | None = None  # the stage that found ranked[0] (exact, alias, span, fuzzy, dense)


def _right(p: Prediction) -> bool:
    """Whether the top answer is the gold unit group."""
    return bool(p.ranked) and p.ranked[0] == p.gold


def _hit(gold: str, ranked: Sequence[str], k: int, digits: int) -> bool:
    return any(code[:digits] == gold[:digits] for code in ranked[:k])


def metrics(predictions: Sequence[Prediction], bins: int = 10) -> dict[str, float]:
    n = len(predictions)
    if n == 0:
        return {"n": 0}
    out: dict[str, float] = {"n": n}
    for digits in (4, 2, 1):
        for k in (1, 3, 5):
            out[f"top{k}_{digits}d"] = round(sum(_hit(p.gold, p.ranked, k, digits) for p in predictions) / n, 4)
    reciprocal = []
    for p in predictions:
        rank = next((i for i, code in enumerate(p.ranked, start=1) if code == p.gold), None)
        reciprocal.append(1.0 / rank if rank else 0.0)
    out["mrr"] = round(float(np.mean(reciprocal)), 4)
    if all(p.probability is not None for p in predictions):
        prob = np.array([p.probability for p in predictions])
        correct = np.array([_right(p) for p in predictions], dtype=float)
        edges = np.linspace(0, 1, bins + 1)
        which = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
        ece = sum(abs(prob[which == b].mean() - correct[which == b].mean()) * (which == b).sum()
                  for b in range(bins) if (which == b).any()) / n
        out["ece"] = round(float(ece), 4)
        out["mean_probability"] = round(float(prob.mean()), 4)
    if all(p.needs_review is not None for p in predictions):
        accepted = [p for p in predictions if not p.needs_review]
        out["coverage_at_threshold"] = round(len(accepted) / n, 4)
        out["precision_at_threshold"] = round(
            sum(_right(p) for p in accepted) / len(accepted), 4) if accepted else 0.0
    return out


def precision_coverage_curve(predictions: Sequence[Prediction]) -> list[tuple[float, float, float]]:
    """(threshold, coverage, precision) for every distinct top probability, highest first."""
    order = sorted(predictions, key=lambda p: -(p.probability or 0.0))
    out, correct = [], 0
    for i, p in enumerate(order, start=1):
        correct += _right(p)
        if i == len(order) or order[i].probability != p.probability:
            out.append((float(p.probability or 0.0), i / len(order), correct / i))
    return out


def threshold_for_precision(predictions: Sequence[Prediction], target: float) -> tuple[float, float, float] | None:
    """The lowest threshold whose accepted items reach ``target`` precision, with the largest
    coverage: (threshold, coverage, precision), or None."""
    feasible = [row for row in precision_coverage_curve(predictions) if row[2] >= target]
    return max(feasible, key=lambda row: row[1]) if feasible else None


def reliability(predictions: Sequence[Prediction], bands: int = 5) -> dict[str, list[dict]]:
    """What the top probability says against how often the top answer is right: per probability
    band (``bands`` equal widths, the last one closed) and per signal that found the answer.
    Each row: its name, n, mean probability, accuracy."""
    rows = [p for p in predictions if p.probability is not None]

    def row(name: str, group: list[Prediction]) -> dict:
        return {"name": name, "n": len(group),
                "probability": round(float(np.mean([p.probability for p in group])), 3),
                "accuracy": round(float(np.mean([_right(p) for p in group])), 3)}

    by_band = []
    for b in range(bands):
        lo, hi = b / bands, (b + 1) / bands
        group = [p for p in rows if lo <= p.probability < hi or (b == bands - 1 and p.probability == hi)]
        if group:
            by_band.append(row(f"{lo:.1f}-{hi:.1f}", group))
    signals = sorted({p.signal for p in rows if p.signal})
    by_signal = [row(s, [p for p in rows if p.signal == s]) for s in signals]
    return {"by_probability": by_band, "by_signal": by_signal}


def label_consistency(keys: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """How far a set's labels follow its texts. ``keys``: each item's text as a coder reads it
    (normalised). Among the items whose key recurs, the share that carry their key's most
    frequent label: no coder that reads only the text can do better on them, since it gives
    one answer per text. Returns the recurring share of items and that majority share."""
    labels: dict[str, Counter] = {}
    for key, code in zip(keys, gold):
        labels.setdefault(key, Counter())[code] += 1
    recurring = [c for c in labels.values() if c.total() > 1]
    n = sum(c.total() for c in recurring)
    return {
        "recurring_share": round(n / len(gold), 4) if gold else 0.0,
        "majority_share": round(sum(max(c.values()) for c in recurring) / n, 4) if n else 0.0,
    }


def name_agreement(keys: Sequence[str], gold: Sequence[str], names: Mapping[str, set[str]]) -> dict[str, float]:
    """How often items whose key is exactly one unit group's name (``names``: normalised name →
    its groups) are labelled that group: the precision of the surest answer a coder can give."""
    hits = [(names[key], code) for key, code in zip(keys, gold) if len(names.get(key, ())) == 1]
    return {
        "exact_name_share": round(len(hits) / len(gold), 4) if gold else 0.0,
        "exact_name_agreement": round(sum(code in groups for groups, code in hits) / len(hits), 4) if hits else 0.0,
    }
