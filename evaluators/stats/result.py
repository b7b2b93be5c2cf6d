"""The one result shape every drift method returns."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class DriftResult:
    """Outcome of comparing a current sample with a reference sample.

    ``score`` is the statistic or distance (KS statistic, chi-squared statistic, |z|,
    PSI, Jensen-Shannon distance, normed Wasserstein distance). ``p_value`` is the test's
    own for the hypothesis tests, and a permutation p-value for the distances.
    ``significance`` is None for a hypothesis test, whose ``threshold`` is the p-value's
    bound; a distance has a distance as ``threshold`` and must also reach
    ``significance``, so that a distance within sampling noise is not drift.
    """

    method: str
    score: float
    p_value: float | None
    threshold: float
    detected: bool
    significance: float | None = None

    def decided_by(self, p_value: float) -> "DriftResult":
        """This result with ``detected`` decided from ``p_value`` (say, an adjusted one)."""
        return replace(self, detected=crosses(self.score, p_value, self.threshold,
                                              self.significance))


def crosses(score: float, p_value: float, threshold: float, significance: float | None) -> bool:
    """Drift: a test's p-value at or under its threshold, or a distance at or over its
    threshold whose p-value is at or under ``significance``."""
    if significance is None:
        return p_value <= threshold
    return score >= threshold and p_value <= significance


def hypothesis_result(method: str, score: float, p_value: float, threshold: float) -> DriftResult:
    """A hypothesis test's result: drift when ``p_value`` is at or under ``threshold``."""
    return DriftResult(method, score, p_value, threshold, crosses(score, p_value, threshold, None))


def distance_result(
    method: str, score: float, p_value: float, threshold: float, significance: float
) -> DriftResult:
    """A distance's result: drift when it reaches ``threshold`` with a p-value at or
    under ``significance``."""
    detected = crosses(score, p_value, threshold, significance)
    return DriftResult(method, score, p_value, threshold, detected, significance)
