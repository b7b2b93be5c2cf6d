"""How often the fairness evaluator flags a gap: on segments that are alike (the
false-positive rate, for one app × model's whole family of tests) and on a real gap (the
power), by simulation.

Shared by the calibration tests. One simulated window holds, per segment, graded samples
(accuracy 0.90), feedback with a sentiment (70% positive) and log-normal latencies, and
runs the three parity tests with Holm's correction as the evaluator does.
"""

from dataclasses import dataclass

import numpy as np

from evaluators.fairness.parity import holm, latency_gap, proportion_gap

ACCURACY = 0.90
POSITIVE_FEEDBACK = 0.70


@dataclass(frozen=True)
class Rate:
    """A share of simulated windows that flagged a gap, with its binomial standard error
    at `expected` (alpha for a false-positive rate, 0.95 for power)."""

    rate: float
    repetitions: int
    expected: float

    @property
    def standard_error(self) -> float:
        """The Monte Carlo standard error of a rate of `expected`."""
        return float(np.sqrt(self.expected * (1 - self.expected) / self.repetitions))


def window_p_values(
    rng: np.random.Generator, accuracies: list[float], size: int
) -> list[float]:
    """Holm-corrected p-values of one window's accuracy, feedback and latency tests, with
    `size` samples in each segment and the segments' accuracies given."""
    names = [f"segment-{i}" for i in range(len(accuracies))]
    correct = {name: (int(rng.binomial(size, p)), size) for name, p in zip(names, accuracies,
                                                                           strict=True)}
    positive = {name: (int(rng.binomial(size, POSITIVE_FEEDBACK)), size) for name in names}
    latency = {name: rng.lognormal(0.0, 0.5, size) for name in names}
    raw = [proportion_gap(correct).p_value, proportion_gap(positive).p_value,
           latency_gap(latency).p_value]
    return holm(raw)


def flag_rate(
    segments: int, size: int, repetitions: int, *, alpha: float, low_accuracy: float | None,
    seed: int = 0,
) -> Rate:
    """How often any test of a window is significant at `alpha` after the correction; with
    `low_accuracy`, the last segment's accuracy is that instead of ACCURACY."""
    rng = np.random.default_rng(seed)
    accuracies = [ACCURACY] * segments
    if low_accuracy is not None:
        accuracies[-1] = low_accuracy
    flagged = sum(
        min(window_p_values(rng, accuracies, size)) < alpha for _ in range(repetitions)
    )
    return Rate(flagged / repetitions, repetitions, alpha if low_accuracy is None else 0.95)
