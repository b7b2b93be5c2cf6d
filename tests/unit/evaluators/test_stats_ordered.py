"""Statistics read from two samples sorted once and merged, against scipy's own answers."""

import numpy as np
import pytest
from pytest import approx
from scipy.stats import ks_2samp, wasserstein_distance

from evaluators.stats import ks, wasserstein
from evaluators.stats.ordered import OrderedSamples

PAIRS = {
    "normal samples of unequal sizes": (
        np.random.default_rng(5).normal(0.0, 1.0, 3001),
        np.random.default_rng(6).normal(0.3, 1.2, 1999),
    ),
    "integer counts with many ties": (
        np.random.default_rng(7).poisson(4.0, 5000).astype(np.float64),
        np.random.default_rng(8).poisson(4.5, 4000).astype(np.float64),
    ),
    "heavy-tailed lognormals": (
        np.random.default_rng(9).lognormal(0.0, 2.0, 2000),
        np.random.default_rng(10).lognormal(0.1, 2.0, 2500),
    ),
    "one value against many": (np.array([0.5]), np.random.default_rng(11).uniform(size=50)),
    "one value against one value": (np.array([1.0]), np.array([3.0])),
    "a constant against another constant": (np.full(40, 2.0), np.full(7, 2.5)),
    "identical samples": (np.arange(100.0), np.arange(100.0)),
}


@pytest.mark.parametrize("reference, current", PAIRS.values(), ids=PAIRS.keys())
def test_wasserstein_and_ks_are_scipys_to_1e_12(reference: np.ndarray, current: np.ndarray) -> None:
    samples = OrderedSamples.of(reference, current)
    assert samples.wasserstein() == approx(wasserstein_distance(reference, current), abs=1e-12)
    assert samples.ks_statistic() == approx(ks_2samp(reference, current).statistic, abs=1e-12)


@pytest.mark.parametrize("reference, current", PAIRS.values(), ids=PAIRS.keys())
def test_distinct_values_are_the_union_of_both_samples(
    reference: np.ndarray, current: np.ndarray
) -> None:
    samples = OrderedSamples.of(reference, current)
    union = np.union1d(reference, current)
    assert samples.distinct_count() == union.size
    np.testing.assert_array_equal(samples.distinct_values(), union)


def test_identical_samples_are_zero_apart() -> None:
    samples = OrderedSamples.of(np.array([3.0, 1.0, 2.0, 2.0]), np.array([2.0, 3.0, 2.0, 1.0]))
    assert samples.wasserstein() == 0.0
    assert samples.ks_statistic() == 0.0


def test_ties_across_the_samples_are_read_at_the_end_of_their_run() -> None:
    # Reference CDF after 1: 3/4, current 1/4; a gap read mid-run would say 1.
    samples = OrderedSamples.of(np.array([1.0, 1.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0, 2.0]))
    assert samples.ks_statistic() == approx(0.5, abs=1e-15)
    assert samples.wasserstein() == approx(0.5, abs=1e-15)


def test_nan_and_inf_are_dropped_before_sorting() -> None:
    samples = OrderedSamples.of(
        np.array([np.nan, 1.0, np.inf, 2.0]), np.array([-np.inf, 3.0, np.nan])
    )
    np.testing.assert_array_equal(samples.reference, [1.0, 2.0])
    np.testing.assert_array_equal(samples.current, [3.0])
    assert samples.wasserstein() == approx(1.5, abs=1e-15)
    assert samples.ks_statistic() == 1.0


def test_a_sample_with_no_finite_value_is_refused() -> None:
    with pytest.raises(ValueError, match="current sample is empty"):
        OrderedSamples.of(np.array([1.0]), np.array([np.nan, np.inf]))
    with pytest.raises(ValueError, match="reference sample is empty"):
        OrderedSamples.of(np.array([]), np.array([1.0]))


def test_cell_counts_split_each_sample_by_grid_cell() -> None:
    samples = OrderedSamples.of(np.array([0.0, 1.0, 1.0, 2.5, 9.0]), np.array([1.0, 3.0]))
    reference, current = samples.cell_counts(np.array([1.0, 3.0]))
    # (-inf, 1] and (1, +inf): below the first point joins the first cell, above the last
    # joins the last.
    np.testing.assert_array_equal(reference, [3.0, 2.0])
    np.testing.assert_array_equal(current, [1.0, 1.0])


def test_ks_on_large_samples_is_scipys_asymptotic_test() -> None:
    rng = np.random.default_rng(12)
    reference, current = rng.normal(size=20_000), rng.normal(0.03, 1.0, 15_000)
    expected = ks_2samp(reference, current)
    result = ks.compare(reference, current)
    assert result.score == approx(expected.statistic, abs=1e-12)
    assert result.p_value == approx(expected.pvalue, rel=1e-9)


def test_ks_on_large_identical_samples_has_p_value_one() -> None:
    values = np.random.default_rng(13).normal(size=12_000)
    result = ks.compare(values, values.copy())
    assert result.score == 0.0
    assert result.p_value == 1.0
    assert result.detected is False


def test_normed_wasserstein_on_200_000_rows_is_scipys_to_1e_9() -> None:
    rng = np.random.default_rng(14)
    reference, current = rng.lognormal(0.0, 0.5, 200_000), rng.lognormal(0.2, 0.5, 150_000)
    expected = wasserstein_distance(reference, current) / np.std(reference)
    assert wasserstein.compare(reference, current).score == approx(expected, abs=1e-9)
