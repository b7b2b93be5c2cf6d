"""Shares per bin or category, as Evidently's get_binned_data computes them."""

import numpy as np
import pytest
from pytest import approx

from evaluators.stats.binning import fill_empty_bins, shares


def test_a_varied_numeric_sample_uses_sturges_bins_over_both_samples(
    reference_normal: np.ndarray, shifted_normal: np.ndarray
) -> None:
    edges = np.histogram_bin_edges(np.concatenate([reference_normal, shifted_normal]), "sturges")
    ref_share, cur_share = shares(reference_normal, shifted_normal)
    assert ref_share.size == edges.size - 1 == 13
    assert ref_share == approx(np.histogram(reference_normal, edges)[0] / 2000, abs=1e-12)
    assert cur_share == approx(np.histogram(shifted_normal, edges)[0] / 2000, abs=1e-12)


def test_a_numeric_sample_with_few_distinct_values_is_split_by_value() -> None:
    ref_share, cur_share = shares(np.array([1.0, 1.0, 2.0, 3.0]), np.array([2.0, 4.0]))
    assert ref_share.tolist() == [0.5, 0.25, 0.25, 0.0]
    assert cur_share.tolist() == [0.0, 0.5, 0.0, 0.5]


def test_counts_become_shares_over_the_union_of_categories() -> None:
    ref_share, cur_share = shares({"b": 1, "a": 3}, {"c": 2, "a": 2})
    assert ref_share.tolist() == [0.75, 0.25, 0.0]
    assert cur_share.tolist() == [0.5, 0.0, 0.5]


def test_an_empty_bin_gets_one_ten_thousandth() -> None:
    assert fill_empty_bins(np.array([0.5, 0.0, 0.5])).tolist() == [0.5, 0.0001, 0.5]


def test_an_empty_bin_beside_a_tiny_one_gets_a_millionth_of_the_tiny_share() -> None:
    filled = fill_empty_bins(np.array([0.00005, 0.99995, 0.0]))
    assert filled[2] == approx(0.00005 / 1e6, rel=1e-12)


def test_mixing_an_array_with_counts_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="both"):
        shares(np.array([1.0]), {"a": 1})
