"""The coder's combiner: pairwise ranking, shares, calibration, stored as checked JSON."""
import hashlib

import numpy as np
import pytest

from matching.coding.combiner import Combiner, CombinerError
from matching.coding.features import FEATURES
from matching.coding.training import fit_ranker, mask_rows_factory
from matching.label_index import LabelIndex
from taxonomies.labels import Label, LabelKind


def synthetic_lists(n=400, seed=0):
    """Queries of 6 candidates; the right one has the highest noisy 'dense_name', and
    'fuzzy' is pure noise: the ranker must learn to trust the first and not the second."""
    rng = np.random.default_rng(seed)
    signal, noise = FEATURES.index("dense_name"), FEATURES.index("fuzzy")
    lists = []
    for q in range(n):
        f = rng.normal(0, 0.1, size=(6, len(FEATURES)))
        right = int(rng.integers(6))
        f[:, signal] = rng.uniform(0.2, 0.6, 6)
        f[right, signal] = 0.6 + rng.uniform(0.0, 0.3)
        f[:, noise] = rng.uniform(0, 1, 6)
        y = np.zeros(6, dtype=np.int8)
        y[right] = 1
        lists.append((f, y, q % 5 == 0))
    return lists


def test_ranker_learns_which_signal_tells_the_right_candidate():
    combiner = fit_ranker(synthetic_lists())
    w = dict(zip(FEATURES, combiner.weights))
    assert w["dense_name"] > 5 * abs(w["fuzzy"])
    assert combiner.meta["calibration_top1"] > 0.9 and combiner.meta["c"] in (0.03, 0.1, 0.3, 1.0)
    f, y, _ = synthetic_lists(1, seed=7)[0]
    shares = combiner.score(f)
    assert shares.sum() == pytest.approx(1.0) and int(np.argmax(shares)) == int(np.argmax(y))
    p = combiner.calibrate(np.array([0.2, 0.5, 0.9]))
    assert np.all(np.diff(p) >= 0) and 0 <= p[0] and p[-1] <= 1


def test_no_candidates_no_scores():
    combiner = fit_ranker(synthetic_lists(100))
    assert combiner.score(np.zeros((0, len(FEATURES)))).shape == (0,)


def test_stored_combiner_round_trips_and_refuses_tampering_and_old_formats(tmp_path):
    combiner = fit_ranker(synthetic_lists(100))
    path = tmp_path / "combiner.json"
    combiner.save(path)
    loaded = Combiner.load(path)
    assert np.allclose(loaded.weights, combiner.weights, atol=1e-6)
    path.write_text(path.read_text().replace('"features"', '"bias": 0.5, "features"'))
    with pytest.raises(CombinerError, match="checksum"):
        Combiner.load(path)
    path.with_suffix(".sha256").write_text(hashlib.sha256(path.read_text().encode()).hexdigest())
    with pytest.raises(CombinerError, match="other features"):  # the pointwise format of before
        Combiner.load(path)


def test_leave_one_out_hides_a_name_in_every_index_that_holds_it():
    def index(texts):
        labels = tuple(Label(t, LabelKind.esco_alt, "9111", t) for t in texts)
        order = sorted(set(texts))
        return LabelIndex("i", labels, np.array([order.index(t) for t in texts], dtype=np.int32),
                          np.eye(len(order), 4, dtype=np.float32), "m", "v")

    taxonomy, aliases = index(["House Maid", "cleaner"]), index(["kasambahay", "house maid"])
    mask_rows = mask_rows_factory([taxonomy, aliases])
    assert mask_rows(frozenset({"house maid"})) == ([0], [0])  # in both, whatever the case
    assert mask_rows(frozenset({"kasambahay"})) == ([], [1])
    assert mask_rows(frozenset()) == ([], [])
