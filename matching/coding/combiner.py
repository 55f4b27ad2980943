"""The learned combiner: a logistic regression over ``features.FEATURES``, and its calibration.

Trained only on taxonomy data and our own aliases (``models/build_coder.py``); stored as JSON
(weights, feature names, isotonic calibration points, training figures), so it is readable,
diffable and free of pickles. A candidate's score is the regression's probability that it is the
right group; the calibrated probability maps it through isotonic regression fitted on a
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
    bias: float
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    meta: dict

    def score(self, features: np.ndarray) -> np.ndarray:
        """P(correct) per row, uncalibrated."""
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        return np.interp(scores, self.calibration_x, self.calibration_y)

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(float(w), 6) for w in self.weights],
                "bias": round(float(self.bias), 6),
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
        if data["features"] != list(FEATURES):
            raise CombinerError(f"{path} was built for other features; rebuild it with `make coder`")
        return cls(
            np.array(data["weights"], dtype=np.float64), float(data["bias"]),
            np.array(data["calibration"]["x"]), np.array(data["calibration"]["y"]), data.get("meta", {}),
        )
