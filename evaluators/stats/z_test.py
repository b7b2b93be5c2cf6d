"""Two-proportion Z-test for binary categorical drift (Evidently's "z")."""

import math

from scipy.stats import norm

from evaluators.stats.result import DriftResult, hypothesis_result
from evaluators.stats.samples import CategoryCounts, aligned_counts

NAME = "z_test"
KIND = ("categorical",)
DEFAULT_THRESHOLD = 0.05
DISTANCE = False  # the threshold is a p-value: drift below it


def compare(
    reference: CategoryCounts, current: CategoryCounts, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Compare the share of the first category (in sorted order) in both samples.

    Score is |z| with the pooled-proportion standard error, the p-value two-sided, drift
    when it is at or below ``threshold``. With more than two categories the first is tested
    against all the others, as Evidently does. When both samples hold one and the same
    category the proportions cannot differ: score 0, p-value 1.
    """
    _, ref_counts, cur_counts = aligned_counts(reference, current)
    n_ref, n_cur = float(ref_counts.sum()), float(cur_counts.sum())
    pooled = (ref_counts[0] + cur_counts[0]) / (n_ref + n_cur)
    variance = pooled * (1.0 - pooled) * (1.0 / n_ref + 1.0 / n_cur)
    if variance == 0.0:
        return DriftResult(NAME, 0.0, 1.0, threshold, False)
    z = (ref_counts[0] / n_ref - cur_counts[0] / n_cur) / math.sqrt(variance)
    # norm.sf keeps precision in the tail, where Evidently's 1 - norm.cdf rounds to 0.
    p_value = float(2.0 * norm.sf(abs(z)))
    return hypothesis_result(NAME, float(abs(z)), p_value, threshold)
