"""Drift methods calibrated by simulation: on two samples of one distribution each flags
drift at most 5% of the time, give or take two standard errors of the simulation, and
each finds a shift it is meant for.

Repetitions per size (standard error of a 5% rate): 30: 400 (1.1 points), 400: 200
(1.5), 5,000: 80 (2.4), 100,000: 16 (5.4). Seeded, so a failure is repeatable.
"""

from types import ModuleType

import pytest

from evaluators.stats import calibration, chi_squared, ks
from evaluators.stats.calibration import CASES, NOMINAL, power_shift, rejection_rate

REPETITIONS = {30: 400, 400: 200, 5_000: 80, 100_000: 16}
# Power is asserted where each method is used: the tests up to 1,000 reference rows and
# beyond; the distances from 1,000 rows up, where Evidently's default picks them.
POWER_REPETITIONS = {5_000: 20, 100_000: 4}
MIN_POWER = 0.9


def case_id(case: tuple) -> str:
    method, data = case
    return f"{method.NAME}-{data}"


@pytest.mark.parametrize("size", sorted(REPETITIONS))
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_two_samples_of_one_distribution_are_flagged_at_most_at_the_nominal_rate(
    case: tuple, size: int
) -> None:
    method, data = case
    rate = rejection_rate(method, data, size, REPETITIONS[size], shift=0.0, seed=size)
    assert rate.rate <= NOMINAL + 2 * rate.standard_error, (method.NAME, data, size, rate)


@pytest.mark.parametrize("size", sorted(POWER_REPETITIONS))
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_shift_is_found(case: tuple, size: int) -> None:
    method, data = case
    rate = rejection_rate(
        method, data, size, POWER_REPETITIONS[size], shift=power_shift(method), seed=size + 1
    )
    assert rate.rate >= MIN_POWER, (method.NAME, data, size, rate)


@pytest.mark.parametrize(
    ("method", "data"), [(ks, "numeric"), (chi_squared, "discrete")], ids=["ks", "chi_squared"]
)
def test_latency_20_percent_slower_or_a_token_more_is_found_on_400_calls(
    method: ModuleType, data: str
) -> None:
    assert rejection_rate(method, data, 400, 100, shift=2.0, seed=3).rate >= MIN_POWER


def test_a_dozen_unchanged_signals_flag_a_window_at_most_at_the_nominal_rate() -> None:
    # Uncorrected, about half the windows had some signal drift by chance (1 - 0.95^12).
    uncorrected = calibration.family_rate(12, 400, 100, correct=False, seed=1)
    corrected = calibration.family_rate(12, 400, 100, correct=True, seed=1)
    assert uncorrected.rate > 0.35
    assert corrected.rate <= NOMINAL + 2 * corrected.standard_error


def test_last_week_is_the_reference_that_keeps_diurnal_traffic_quiet() -> None:
    rates = {
        reference: calibration.reference_rate(reference, 2_000, 100, seed=2)
        for reference in ("previous_window", "last_week", "previous_7_days")
    }
    last_week = rates["last_week"]
    assert last_week.rate <= NOMINAL + 2 * last_week.standard_error
    assert rates["previous_window"].rate > 0.2
    assert rates["previous_7_days"].rate > 0.5
