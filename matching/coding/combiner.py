"""The learned combiner: a linear ranking of candidates over ``features.FEATURES``, and its
calibration.

Trained only on taxonomy data and our own aliases (``training.py``, `make coder`) as a pairwise
logistic regression: for every training query, the right group's features minus each wrong
candidate's, so that the weights learn which of two candidates is the better one (a
Bradley–Terry model). Stored as JSON (weights, feature names, isotonic calibration points,
training figures), so it is readable, diffable and free of pickles. A candidate's score is its
share of its query's candidates, ``exp(w·x) / Σ exp(w·x)`` — the model's chance that it is the
right one among them —; the probability maps a share through isotonic regression fitted on a
held-apart calibration split.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.coding.features import FEATURES


class CombinerError(RuntimeError):
    """The stored combiner is missing, corrupt or built for other features."""


@dataclass(frozen=True)
class Combiner:
    weights: np.ndarray
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    meta: dict

    def score(self, features: np.ndarray) -> np.ndarray:
        """Each row's share of the rows (one query's candidates), uncalibrated; sums to 1."""
        if not len(features):
            return np.zeros(0)
        z = features @ self.weights
        z = np.exp(z - z.max())
        return z / z.sum()

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        return np.interp(scores, self.calibration_x, self.calibration_y)

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(float(w), 6) for w in self.weights],
                "calibration": {"x": [round(float(v), 6) for v in self.calibration_x],
                                "y": [round(float(v), 6) for v in self.calibration_y]},
                "meta": self.meta,
            },
            indent=1, sort_keys=True,
        )

    def save(self, path: Path) -> None:
        text = self.to_json()
        path.write_text(text)
        path.with_suffix(".sha256").write_text(hashlib.sha256(text.encode()).hexdigest() + "\n")

    @classmethod
    def load(cls, path: Path) -> "Combiner":
        try:
            text = path.read_text()
            expected = path.with_suffix(".sha256").read_text().strip()
        except OSError as exc:
            raise CombinerError(f"{path}: cannot read the coder's combiner ({exc}); run `make coder`") from exc
        if hashlib.sha256(text.encode()).hexdigest() != expected:
            raise CombinerError(f"{path} does not match its checksum; rebuild it with `make coder`")
        data = json.loads(text)
        if data["features"] != list(FEATURES) or "bias" in data:
            raise CombinerError(f"{path} was built for other features; rebuild it with `make coder`")
        return cls(
            np.array(data["weights"], dtype=np.float64),
            np.array(data["calibration"]["x"]), np.array(data["calibration"]["y"]), data.get("meta", {}),
        )
