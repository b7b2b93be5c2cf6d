"""Kolmogorov-Smirnov drift test."""

import numpy as np
import pytest
from pytest import approx
from scipy.stats import ks_2samp

from evaluators.stats import ks


def test_score_and_p_value_are_scipys_ks_2samp(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    expected = ks_2samp(reference_normal, shifted_normal)
    result = ks.compare(reference_normal, shifted_normal)
    assert result.method == "ks"
    assert result.score == approx(expected.statistic, abs=1e-9)
    assert result.p_value == approx(expected.pvalue, abs=1e-9)
    assert result.threshold == 0.05


def test_fully_separated_samples_of_three_give_statistic_1_and_exact_p_value_one_tenth() -> None:
    # Exact two-sided p = 2 / C(6, 3) = 0.1: too few values to call it drift at 0.05.
    result = ks.compare(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    assert result.score == approx(1.0, abs=1e-12)
    assert result.p_value == approx(0.1, abs=1e-9)
    assert result.detected is False


def test_a_p_value_equal_to_the_threshold_is_drift_as_in_evidently() -> None:
    result = ks.compare(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]), threshold=0.1)
    assert result.detected is True


def test_nan_and_infinite_values_are_dropped_before_testing(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    dirty = np.concatenate([shifted_normal, [np.nan, np.inf, -np.inf]])
    assert ks.compare(reference_normal, dirty) == ks.compare(reference_normal, shifted_normal)


@pytest.mark.parametrize(
    ("reference", "current", "message"),
    [
        pytest.param(np.array([]), np.array([1.0]), "reference sample is empty", id="no reference"),
        pytest.param(np.array([1.0]), np.array([np.nan]), "current sample is empty", id="all nan"),
    ],
)
def test_an_empty_sample_is_refused_with_a_message_naming_it(
    reference: np.ndarray, current: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ks.compare(reference, current)
