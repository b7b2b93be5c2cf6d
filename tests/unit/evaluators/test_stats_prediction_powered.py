"""The prediction-powered mean equals ppi-python's, and by simulation its interval holds
the true accuracy about 95% of the time, narrower than the humans' alone, where the
judge's own share misses.

Simulation: 300 seeded datasets (bench/judge_accuracy.py runs 1,000). The standard error
of a 95% coverage over 300 is 1.3 points, so the interval is held to 95% less two of them.
"""

import math

import numpy as np
import pytest
from ppi_py import ppi_mean_ci, ppi_mean_pointestimate
from pytest import approx

from evaluators.stats.judge_simulation import NOMINAL, JudgeCase, coverage, grades
from evaluators.stats.prediction_powered import corrected_share, prediction_powered_mean

DATASETS = 300
MONTE_CARLO_ERROR = math.sqrt(NOMINAL * (1 - NOMINAL) / DATASETS)


@pytest.mark.parametrize(
    ("case", "lam"),
    [
        pytest.param(JudgeCase(0.8, 0.5, 0.02, 200, 5_000), None, id="a lenient judge, tuned"),
        pytest.param(JudgeCase(0.7, 0.05, 0.3, 60, 1_000), None, id="a strict judge, tuned"),
        pytest.param(JudgeCase(0.9, 0.3, 0.1, 500, 20_000), 1.0, id="plain PPI, lam 1"),
        pytest.param(JudgeCase(0.6, 0.2, 0.2, 100, 2_000), 0.0, id="lam 0, the humans alone"),
    ],
)
def test_the_estimate_and_interval_equal_ppi_python(case: JudgeCase, lam: float | None) -> None:
    human, paired, judge_only = grades(case, np.random.default_rng(case.human_count))

    ours = prediction_powered_mean(human, paired, judge_only, lam=lam)

    low, high = ppi_mean_ci(human, paired, judge_only, alpha=0.05, lam=lam)
    point = ppi_mean_pointestimate(human, paired, judge_only, lam=lam)
    assert ours.value == approx(float(np.ravel(point)[0]), abs=1e-9)
    assert (ours.lower, ours.upper) == (approx(float(low[0]), abs=1e-9),
                                        approx(float(high[0]), abs=1e-9))


def test_an_uninformative_judge_gets_no_weight_and_a_perfect_one_full_weight() -> None:
    rng = np.random.default_rng(5)
    human = (rng.random(200) < 0.7).astype(float)
    coin = (rng.random(2_200) < 0.5).astype(float)

    same_kind = (rng.random(2_000) < 0.7).astype(float)

    assert prediction_powered_mean(human, coin[:200], coin[200:]).lam < 0.1
    # A judge that always agrees still weighs 1 / (1 + n / N), about 0.91.
    assert prediction_powered_mean(human, human, same_kind).lam > 0.85


def test_human_grades_all_alike_still_leave_room_for_error() -> None:
    # 30 of 30 right: the normal interval would be the point 1; the pseudo-grades keep
    # a lower bound near the humans' own Wilson one (0.8865), not a false certainty.
    ones = np.ones(30)

    share = corrected_share(ones, ones, np.ones(1_000))

    assert share.value == 1.0
    assert (share.lower, share.upper) == (approx(0.9108, abs=1e-4), 1.0)
    assert prediction_powered_mean(ones, ones, np.ones(1_000)).lower is None


def test_unpaired_grades_are_refused() -> None:
    with pytest.raises(ValueError, match="pair up"):
        prediction_powered_mean([1, 0, 1], [1, 0], [1])


def test_by_simulation_the_interval_holds_the_truth_narrower_than_humans_alone() -> None:
    figures = coverage(DATASETS, seed=16)

    assert figures.corrected_coverage >= NOMINAL - 2 * MONTE_CARLO_ERROR, figures
    assert figures.mean_width_ratio < 0.9, figures
    assert figures.human_only_coverage >= NOMINAL - 2 * MONTE_CARLO_ERROR, figures
    # The judge's own share, on thousands of calls, is precisely wrong.
    assert figures.judge_only_coverage < 0.1, figures
