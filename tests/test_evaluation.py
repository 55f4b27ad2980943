"""Measuring the coder (matching/coding/evaluation.py): hand-computed figures on tiny sets."""
import pytest

from matching.coding.evaluation import (
    Prediction, label_consistency, metrics, name_agreement, precision_coverage_curve, reliability,
    threshold_for_precision,
)


def test_top_k_at_each_level_and_mrr():
    predictions = [
        Prediction("9111", ["9111", "5322"]),  # right first
        Prediction("8322", ["8332", "8322"]),  # right second; the first shares its 2-digit group
        Prediction("7112", ["9313", "7115", "7112", "7114"]),  # right third
        Prediction("2221", ["3221"]),  # wrong at every level
    ]
    m = metrics(predictions)
    assert m["n"] == 4
    assert m["top1_4d"] == 0.25 and m["top3_4d"] == 0.75 and m["top5_4d"] == 0.75
    assert m["top1_2d"] == 0.5  # 9111 and 83xx
    assert m["top1_1d"] == 0.5
    assert m["top3_1d"] == 0.75  # 7115 names major group 7
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 0) / 4, abs=1e-4)


def test_calibration_error_and_precision_at_the_threshold():
    predictions = [
        Prediction("1", ["1"], 0.95, False), Prediction("2", ["2"], 0.95, False),
        Prediction("3", ["x"], 0.95, False), Prediction("4", ["x"], 0.95, False),  # 0.95 said, half right
        Prediction("5", ["5"], 0.15, True), Prediction("6", ["x"], 0.15, True),  # 0.15 said, half right
    ]
    m = metrics(predictions)
    assert m["ece"] == pytest.approx((4 * 0.45 + 2 * 0.35) / 6, abs=1e-4)
    assert m["coverage_at_threshold"] == pytest.approx(4 / 6, abs=1e-4)
    assert m["precision_at_threshold"] == 0.5
    assert m["mean_probability"] == pytest.approx((4 * 0.95 + 2 * 0.15) / 6, abs=1e-4)


def test_precision_coverage_curve_and_threshold_for_a_precision():
    predictions = [Prediction("a", ["a"], 0.9), Prediction("b", ["b"], 0.8), Prediction("c", ["x"], 0.7),
                   Prediction("d", ["d"], 0.6)]
    assert precision_coverage_curve(predictions) == [
        (0.9, 0.25, 1.0), (0.8, 0.5, 1.0), (0.7, 0.75, pytest.approx(2 / 3)), (0.6, 1.0, 0.75)]
    assert threshold_for_precision(predictions, 0.9) == (0.8, 0.5, 1.0)  # the widest that reaches it
    assert threshold_for_precision(predictions, 0.75) == (0.6, 1.0, 0.75)
    assert threshold_for_precision([Prediction("a", ["x"], 0.9)], 0.5) is None


def test_label_consistency_is_the_ceiling_of_any_coder_reading_the_text():
    keys = ["sales executive"] * 4 + ["driver"] * 2 + ["cook"]
    gold = ["2431", "2431", "1221", "3322", "8322", "8322", "5120"]
    m = label_consistency(keys, gold)
    assert m["recurring_share"] == pytest.approx(6 / 7, abs=1e-4)  # "cook" occurs once
    assert m["majority_share"] == pytest.approx((2 + 2) / 6, abs=1e-4)
    assert label_consistency([], []) == {"recurring_share": 0.0, "majority_share": 0.0}


def test_name_agreement_counts_only_names_of_a_single_group():
    names = {"cook": {"5120"}, "helper": {"9111", "9313"}}
    m = name_agreement(["cook", "cook", "helper", "welder"], ["5120", "9412", "9313", "7212"], names)
    assert m["exact_name_share"] == 0.5  # "helper" names two groups, "welder" none
    assert m["exact_name_agreement"] == 0.5


def test_reliability_by_probability_band_and_by_signal():
    predictions = [
        Prediction("a", ["a"], 0.95, signal="alias"), Prediction("b", ["x"], 0.85, signal="alias"),
        Prediction("c", ["c"], 1.0, signal="exact"),  # the top band includes 1.0
        Prediction("d", ["x"], 0.1, signal="dense"), Prediction("e", ["e"], 0.3, signal="dense"),
    ]
    r = reliability(predictions)
    assert r["by_probability"] == [
        {"name": "0.0-0.2", "n": 1, "probability": 0.1, "accuracy": 0.0},
        {"name": "0.2-0.4", "n": 1, "probability": 0.3, "accuracy": 1.0},
        {"name": "0.8-1.0", "n": 3, "probability": pytest.approx(0.933, abs=1e-3),
         "accuracy": pytest.approx(0.667, abs=1e-3)},
    ]
    assert [(row["name"], row["n"], row["accuracy"]) for row in r["by_signal"]] == [
        ("alias", 2, 0.5), ("dense", 2, 0.5), ("exact", 1, 1.0)]
