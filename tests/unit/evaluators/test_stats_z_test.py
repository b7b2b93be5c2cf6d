"""Two-proportion Z-test drift test."""

import math

import pytest
from pytest import approx
from scipy.stats import chi2_contingency, norm

from evaluators.stats import z_test


def test_z_squared_and_p_value_equal_scipys_uncorrected_2x2_chi_squared() -> None:
    reference, current = {"ok": 412, "error": 88}, {"ok": 371, "error": 129}
    table = [[412, 88], [371, 129]]
    expected = chi2_contingency(table, correction=False)

    result = z_test.compare(reference, current)

    assert result.method == "z_test"
    assert result.score**2 == approx(expected.statistic, abs=1e-9)
    assert result.p_value == approx(expected.pvalue, abs=1e-9)


def test_half_against_three_tenths_of_100_each_gives_z_of_2_887() -> None:
    # Pooled p = 0.4, se = sqrt(0.4 * 0.6 * (1/100 + 1/100)), z = 0.2 / se.
    result = z_test.compare({"yes": 50, "no": 50}, {"yes": 30, "no": 70})
    assert result.score == approx(0.2 / math.sqrt(0.0048), abs=1e-12)
    assert result.score == approx(2.886751, abs=1e-6)
    assert result.p_value == approx(2 * norm.sf(2.886751345948129), abs=1e-12)
    assert result.detected is True


def test_a_binary_shift_is_detected_and_a_steady_share_is_not() -> None:
    assert z_test.compare({"ok": 900, "error": 100}, {"ok": 850, "error": 150}).detected
    steady = z_test.compare({"ok": 900, "error": 100}, {"ok": 448, "error": 52})
    assert steady.p_value is not None and steady.p_value > 0.5
    assert steady.detected is False


def test_the_same_single_category_in_both_samples_is_no_drift() -> None:
    result = z_test.compare({"ok": 900}, {"ok": 450, "error": 0})
    assert (result.score, result.p_value, result.detected) == (0.0, 1.0, False)


def test_a_stricter_threshold_can_turn_drift_off() -> None:
    result = z_test.compare({"yes": 50, "no": 50}, {"yes": 30, "no": 70}, threshold=0.001)
    assert result.threshold == 0.001
    assert result.detected is False


def test_an_empty_current_sample_is_refused() -> None:
    with pytest.raises(ValueError, match="current sample is empty"):
        z_test.compare({"ok": 1}, {})
