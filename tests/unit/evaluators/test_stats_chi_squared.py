"""Chi-squared drift test on category counts."""

import numpy as np
import pytest
from pytest import approx
from scipy.stats import chi2, chisquare

from evaluators.stats import chi_squared


def test_score_and_p_value_are_scipys_chisquare_with_reference_scaled_to_current() -> None:
    rng = np.random.default_rng(7)
    reference = dict(zip("abcd", rng.multinomial(800, [0.4, 0.3, 0.2, 0.1]).tolist(), strict=True))
    current = dict(zip("abcd", rng.multinomial(600, [0.35, 0.3, 0.2, 0.15]).tolist(), strict=True))
    f_obs = np.array([current[c] for c in "abcd"], dtype=float)
    f_exp = np.array([reference[c] for c in "abcd"], dtype=float) * 600 / 800
    expected = chisquare(f_obs, f_exp)

    result = chi_squared.compare(reference, current)

    assert result.method == "chi_squared"
    assert result.score == approx(expected.statistic, abs=1e-9)
    assert result.p_value == approx(expected.pvalue, abs=1e-9)


def test_half_and_half_against_30_70_gives_chi_squared_16() -> None:
    # Expected (50, 50), observed (30, 70): 20^2/50 + 20^2/50 = 16 on 1 degree of freedom.
    result = chi_squared.compare({"yes": 50, "no": 50}, {"yes": 30, "no": 70})
    assert result.score == approx(16.0, abs=1e-9)
    assert result.p_value == approx(chi2.sf(16.0, 1), abs=1e-12)
    assert result.p_value == approx(6.334e-5, abs=1e-8)
    assert result.detected is True


def test_a_categorical_shift_is_detected() -> None:
    result = chi_squared.compare({"a": 50, "b": 30, "c": 20}, {"a": 30, "b": 40, "c": 30})
    assert result.detected is True


def test_the_same_mix_at_another_size_is_not_drift() -> None:
    result = chi_squared.compare({"a": 50, "b": 30, "c": 20}, {"a": 240, "b": 155, "c": 105})
    assert result.p_value is not None and result.p_value > 0.5
    assert result.detected is False


def test_a_category_the_reference_never_saw_is_drift_with_an_infinite_score() -> None:
    result = chi_squared.compare({"a": 50, "b": 50}, {"a": 30, "b": 60, "c": 10})
    assert result.score == np.inf
    assert result.p_value == 0.0
    assert result.detected is True


def test_zero_counts_are_ignored_and_one_shared_category_is_no_drift() -> None:
    result = chi_squared.compare({"a": 50, "b": 0}, {"a": 30})
    assert (result.score, result.p_value, result.detected) == (0.0, 1.0, False)


@pytest.mark.parametrize(
    ("reference", "current", "message"),
    [
        pytest.param({}, {"a": 1}, "reference sample is empty", id="no reference categories"),
        pytest.param({"a": 1}, {"a": 0}, "current sample is empty", id="only zero counts"),
        pytest.param({"a": -1}, {"a": 1}, "negative", id="negative count"),
    ],
)
def test_empty_or_negative_counts_are_refused(
    reference: dict[str, int], current: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        chi_squared.compare(reference, current)
