"""Chi-squared drift test on category counts."""

import numpy as np
import pytest
from pytest import approx
from scipy.stats import chi2, chi2_contingency

from evaluators.stats import chi_squared


def test_score_and_p_value_are_scipys_chi2_contingency_on_both_samples() -> None:
    rng = np.random.default_rng(7)
    reference = dict(zip("abcd", rng.multinomial(800, [0.4, 0.3, 0.2, 0.1]).tolist(), strict=True))
    current = dict(zip("abcd", rng.multinomial(600, [0.35, 0.3, 0.2, 0.15]).tolist(), strict=True))
    expected = chi2_contingency([[reference[c] for c in "abcd"], [current[c] for c in "abcd"]])

    result = chi_squared.compare(reference, current)

    assert result.method == "chi_squared"
    assert result.score == approx(expected.statistic, abs=1e-9)
    assert result.p_value == approx(expected.pvalue, abs=1e-12)
    assert result.score == approx(19.05972, abs=1e-5)


def test_the_reference_is_a_sample_too_so_its_noise_is_not_drift() -> None:
    # Goodness of fit to the reference shares gave 16 on these counts (p = 6e-5); as
    # two samples, a 2 x 2 table with Yates' correction: 7.52 on 1 degree of freedom.
    result = chi_squared.compare({"yes": 50, "no": 50}, {"yes": 30, "no": 70})
    assert result.score == approx(7.5208, abs=1e-4)
    assert result.p_value == approx(chi2.sf(7.5208, 1), abs=1e-5)
    assert result.detected is True


def test_a_categorical_shift_is_detected() -> None:
    result = chi_squared.compare({"a": 100, "b": 60, "c": 40}, {"a": 60, "b": 80, "c": 60})
    assert result.detected is True


def test_the_same_mix_at_another_size_is_not_drift() -> None:
    result = chi_squared.compare({"a": 50, "b": 30, "c": 20}, {"a": 240, "b": 155, "c": 105})
    assert result.p_value is not None and result.p_value > 0.5
    assert result.detected is False


def test_a_category_the_reference_never_saw_is_a_finite_column() -> None:
    result = chi_squared.compare({"a": 50, "b": 50}, {"a": 30, "b": 60, "c": 10})
    expected = chi2_contingency([[50, 50, 0], [30, 60, 10]])
    assert np.isfinite(result.score)
    assert result.score == approx(expected.statistic, abs=1e-9)
    assert result.p_value == approx(0.000351063, abs=1e-9)
    assert result.detected is True


def test_an_unseen_category_in_samples_of_5_against_7_is_not_drift() -> None:
    # Goodness of fit gave an infinite statistic and p = 0 here; every category is too
    # rare for the chi-squared approximation, so they pool into one and cannot differ.
    result = chi_squared.compare({"a": 3, "b": 2}, {"a": 3, "b": 2, "c": 2})
    assert (result.score, result.p_value, result.detected) == (0.0, 1.0, False)


def test_rare_categories_are_pooled_into_one_column() -> None:
    reference = {"a": 200, "b": 180, "c": 3, "d": 2, "e": 1}
    current = {"a": 190, "b": 185, "c": 1, "d": 4, "f": 4}
    pooled = chi2_contingency([[200, 180, 6], [190, 185, 9]])
    assert chi_squared.compare(reference, current).score == approx(pooled.statistic, abs=1e-9)


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
