"""Confidence intervals for accuracy figures."""

import math

import numpy as np
import pytest
from pytest import approx
from scipy.stats import binomtest, t

from evaluators.stats.intervals import t_interval, wilson_interval


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize("n", [1, 2, 10, 37, 1000])
def test_wilson_interval_equals_scipys_wilson_for_every_success_count(
    n: int, confidence: float
) -> None:
    for successes in range(n + 1) if n < 100 else (0, 1, 500, 999, 1000):
        expected = binomtest(successes, n).proportion_ci(confidence, method="wilson")
        low, high = wilson_interval(successes, n, confidence)
        assert low == approx(expected.low, abs=1e-9)
        assert high == approx(expected.high, abs=1e-9)


def test_8_correct_out_of_10_is_between_49_and_94_percent() -> None:
    low, high = wilson_interval(8, 10)
    assert (low, high) == approx((0.4901625, 0.9433178), abs=1e-7)


def test_no_successes_starts_at_exactly_zero_and_all_successes_ends_at_exactly_one() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize(
    ("successes", "n", "message"),
    [
        pytest.param(0, 0, "at least one trial", id="no trials"),
        pytest.param(11, 10, "between 0 and n", id="more successes than trials"),
        pytest.param(-1, 10, "between 0 and n", id="negative successes"),
    ],
)
def test_impossible_counts_are_refused(successes: int, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wilson_interval(successes, n)


def test_t_interval_equals_scipys_t_interval() -> None:
    values = np.random.default_rng(11).normal(0.8, 0.1, 40)
    expected = t.interval(0.95, 39, loc=values.mean(), scale=values.std(ddof=1) / math.sqrt(40))
    assert t_interval(values.mean(), values.std(ddof=1), 40) == approx(expected, abs=1e-9)


def test_the_mean_of_1_to_5_is_3_plus_or_minus_1_963() -> None:
    # t(0.975, 4) = 2.776445 times the standard error sqrt(2.5 / 5).
    low, high = t_interval(3.0, math.sqrt(2.5), 5)
    assert (low, high) == approx((1.0367568, 4.9632432), abs=1e-7)


def test_one_value_gives_no_interval_and_identical_values_a_point() -> None:
    assert all(math.isnan(bound) for bound in t_interval(0.7, 0.0, 1))
    assert t_interval(0.7, 0.0, 3) == (0.7, 0.7)


def test_no_values_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        t_interval(0.0, 0.0, 0)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0])
def test_a_confidence_outside_0_and_1_is_refused(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(5, 10, confidence)
