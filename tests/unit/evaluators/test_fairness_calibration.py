"""On segments that are alike the fairness tests flag no more windows than their level,
after Holm's correction over the three metrics; on a real accuracy gap they find it.
400 simulated windows a case, fixed seeds."""

import pytest

from evaluators.fairness.calibration import flag_rate

REPETITIONS = 400
SIZE = 400  # samples per segment


@pytest.mark.parametrize("segments", [3, 5])
@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_alike_segments_are_flagged_at_most_at_the_level(segments: int, alpha: float) -> None:
    rate = flag_rate(segments, SIZE, REPETITIONS, alpha=alpha, low_accuracy=None, seed=segments)
    assert rate.rate <= alpha + 2 * rate.standard_error, rate


@pytest.mark.parametrize("segments", [3, 5])
def test_an_accuracy_of_075_against_090_is_found(segments: int) -> None:
    rate = flag_rate(segments, SIZE, REPETITIONS, alpha=0.01, low_accuracy=0.75, seed=segments)
    assert rate.rate >= 0.95, rate
