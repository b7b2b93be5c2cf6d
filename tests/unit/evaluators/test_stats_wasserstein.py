"""Normed Wasserstein distance."""

import math

import numpy as np
from pytest import approx
from scipy.stats import wasserstein_distance

from evaluators.stats import wasserstein


def test_score_is_scipys_distance_over_the_reference_population_std(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    expected = wasserstein_distance(reference_normal, shifted_normal) / np.std(reference_normal)
    result = wasserstein.compare(reference_normal, shifted_normal)
    assert result.method == "wasserstein"
    assert result.score == approx(expected, abs=1e-9)
    assert result.p_value == approx(0.002, abs=1e-12)  # no relabelling of 499 came close


def test_moving_0_1_2_3_up_by_one_is_one_over_its_std_but_four_values_are_noise() -> None:
    result = wasserstein.compare(np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert result.score == approx(1 / math.sqrt(1.25), abs=1e-12)
    # Every split of the pooled eight values is at least this far apart.
    assert result.p_value == 1.0
    assert result.detected is False


def test_a_normed_distance_of_0_1_on_150_rows_is_within_noise() -> None:
    rng = np.random.default_rng(3)
    reference, current = rng.normal(size=150), rng.normal(size=150)
    result = wasserstein.compare(reference, current)
    assert result.score >= 0.1  # Evidently's threshold alone calls this drift
    assert result.p_value is not None and result.p_value > 0.2
    assert result.detected is False


def test_the_same_shift_on_2000_rows_is_drift() -> None:
    rng = np.random.default_rng(3)
    result = wasserstein.compare(rng.normal(size=2000), rng.normal(0.15, 1.0, size=2000))
    assert result.score > 0.1
    assert result.p_value == approx(0.002, abs=1e-12)
    assert result.detected is True


def test_a_constant_reference_equal_to_the_current_sample_is_no_drift() -> None:
    result = wasserstein.compare(np.full(10, 5.0), np.full(20, 5.0))
    assert result.score == 0.0
    assert result.detected is False


def test_a_constant_reference_is_normed_by_one_thousandth_not_zero() -> None:
    result = wasserstein.compare(np.full(10, 5.0), np.full(20, 5.01))
    assert result.score == approx(0.01 / 0.001, abs=1e-9)
    assert result.p_value == approx(1 / 500, abs=1e-12)
    assert result.detected is True
