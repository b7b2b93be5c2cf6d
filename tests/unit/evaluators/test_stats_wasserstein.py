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
    assert result.p_value is None


def test_moving_0_1_2_3_up_by_one_is_one_over_its_std() -> None:
    result = wasserstein.compare(np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert result.score == approx(1 / math.sqrt(1.25), abs=1e-12)
    assert result.detected is True


def test_a_constant_reference_equal_to_the_current_sample_is_no_drift() -> None:
    result = wasserstein.compare(np.full(10, 5.0), np.full(20, 5.0))
    assert result.score == 0.0
    assert result.detected is False


def test_a_constant_reference_is_normed_by_one_thousandth_not_zero() -> None:
    result = wasserstein.compare(np.full(10, 5.0), np.full(20, 5.01))
    assert result.score == approx(0.01 / 0.001, abs=1e-9)
    assert result.detected is True
