"""Estimates with 95% intervals, from counts and sums computed in SQL."""

import math
from dataclasses import dataclass

from evaluators.stats.intervals import t_interval, wilson_interval

# Below this share of the squared mean, a variance from sums of squares is rounding noise.
VARIANCE_NOISE = 1e-12


@dataclass(frozen=True)
class Estimate:
    """A share or mean, the bounds of its 95% interval, and how many values it rests on."""

    value: float
    lower: float | None
    upper: float | None
    count: int

    def below(self, target: float) -> bool:
        """Below `target` with 95% confidence: the whole interval lies under it."""
        return self.upper is not None and self.upper < target


def share(successes: int, n: int) -> Estimate:
    """The share `successes / n` with its Wilson interval."""
    lower, upper = wilson_interval(successes, n)
    return Estimate(successes / n, lower, upper, n)


def mean_from_sums(
    n: int, total: float, total_of_squares: float, value_range: tuple[float, float]
) -> Estimate:
    """The mean of `n` values from their sum and sum of squares, with its t interval.

    The bounds are clipped to `value_range` (a score cannot exceed 1); a single value has
    no interval.
    """
    mean = total / n
    variance = (total_of_squares - total * mean) / (n - 1) if n > 1 else 0.0
    if variance <= VARIANCE_NOISE * max(1.0, mean * mean):
        variance = 0.0
    lower, upper = t_interval(mean, math.sqrt(variance), n)
    if math.isnan(lower):
        return Estimate(mean, None, None, n)
    low, high = value_range
    return Estimate(mean, max(low, lower), min(high, upper), n)
