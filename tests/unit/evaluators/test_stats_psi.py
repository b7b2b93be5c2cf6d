"""Population Stability Index."""

import math

import numpy as np
from pytest import approx

from evaluators.stats import psi


def test_psi_of_50_30_20_against_30_40_30_is_0_1715_by_hand() -> None:
    by_hand = 0.2 * math.log(0.5 / 0.3) + 0.1 * math.log(0.4 / 0.3) + 0.1 * math.log(0.3 / 0.2)
    result = psi.compare({"a": 50, "b": 30, "c": 20}, {"a": 30, "b": 40, "c": 30})
    assert result.method == "psi"
    assert result.score == approx(by_hand, abs=1e-12)
    assert result.score == approx(0.171480, abs=1e-6)
    # 100 rows a side: 7 relabellings of 499 give a PSI as large.
    assert result.p_value == approx(0.016, abs=1e-12)
    assert result.detected is True


def test_numeric_psi_sums_over_sturges_bins_of_both_samples(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    edges = np.histogram_bin_edges(np.concatenate([reference_normal, shifted_normal]), "sturges")
    ref = np.histogram(reference_normal, edges)[0] / reference_normal.size
    cur = np.histogram(shifted_normal, edges)[0] / shifted_normal.size
    ref[ref == 0], cur[cur == 0] = 0.0001, 0.0001
    assert psi.compare(reference_normal, shifted_normal).score == approx(
        float(np.sum((ref - cur) * np.log(ref / cur))), abs=1e-9
    )


def test_a_category_missing_from_the_reference_counts_as_one_ten_thousandth() -> None:
    # Reference shares (1, 0.0001), current (0.5, 0.5).
    by_hand = 0.5 * math.log(1 / 0.5) + (0.0001 - 0.5) * math.log(0.0001 / 0.5)
    result = psi.compare({"a": 100}, {"a": 50, "b": 50})
    assert result.score == approx(by_hand, abs=1e-12)
    assert result.score == approx(4.604318, abs=1e-6)


def test_identical_shares_give_zero_and_no_drift() -> None:
    result = psi.compare({"a": 2, "b": 6}, {"a": 25, "b": 75})
    assert result.score == approx(0.0, abs=1e-15)
    assert result.detected is False
