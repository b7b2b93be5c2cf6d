"""The one result shape every drift method returns."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DriftResult:
    """Outcome of comparing a current sample with a reference sample.

    ``score`` is the statistic or distance (KS statistic, chi-squared statistic, |z|,
    PSI, Jensen-Shannon distance, normed Wasserstein distance); ``p_value`` is set only
    by the hypothesis tests, and ``detected`` says whether ``threshold`` was crossed.
    """

    method: str
    score: float
    p_value: float | None
    threshold: float
    detected: bool
