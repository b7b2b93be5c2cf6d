"""Chi-squared goodness of fit of current counts to reference shares (Evidently's "chisquare")."""

import numpy as np
from scipy.stats import chisquare

from evaluators.stats.result import DriftResult
from evaluators.stats.samples import CategoryCounts, aligned_counts

NAME = "chi_squared"
KIND = ("categorical",)
DEFAULT_THRESHOLD = 0.05


def compare(
    reference: CategoryCounts, current: CategoryCounts, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Drift when the chi-squared p-value is below ``threshold``.

    As in Evidently, the expected counts are the reference counts scaled to the size of
    the current sample, over the union of categories. A category the reference never saw
    has an expected count of 0, so the statistic is infinite and the p-value 0 (drift).
    A single category in both samples cannot differ: score 0, p-value 1.
    """
    _, ref_counts, cur_counts = aligned_counts(reference, current)
    if ref_counts.size == 1:
        return DriftResult(NAME, 0.0, 1.0, threshold, False)
    expected = ref_counts * (cur_counts.sum() / ref_counts.sum())
    with np.errstate(divide="ignore"):
        result = chisquare(cur_counts, expected)
    p_value = float(result.pvalue)
    return DriftResult(
        method=NAME,
        score=float(result.statistic),
        p_value=p_value,
        threshold=threshold,
        detected=p_value < threshold,
    )
