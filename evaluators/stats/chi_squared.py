"""Chi-squared test of homogeneity on the 2 × k table of category counts.

Evidently's "chisquare" is a goodness-of-fit test that takes the reference shares as the
true distribution, so the reference's own sampling noise counts as drift (21.6% false
positives at a nominal 5% on two samples of 400 of one distribution), and a category
the reference never saw makes the statistic infinite. Both samples are samples, so this
is the two-sample test, scipy's ``chi2_contingency``: an unseen category is one more
column. Categories too rare for the chi-squared approximation are pooled first.
"""

import numpy as np
from scipy.stats import chi2_contingency

from evaluators.stats.result import DriftResult, hypothesis_result
from evaluators.stats.samples import CategoryCounts, aligned_counts

NAME = "chi_squared"
KIND = ("categorical",)
DEFAULT_THRESHOLD = 0.05
DISTANCE = False  # the threshold is a p-value: drift below it
# Cochran's rule: the chi-squared approximation holds with expected counts of 5 or more.
MIN_EXPECTED = 5.0


def compare(
    reference: CategoryCounts, current: CategoryCounts, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Drift when the contingency test's p-value is at or below ``threshold``.

    Categories whose smaller expected count is under 5 are pooled into one; if that pool
    is still too small it joins the smallest other category. A single category left
    cannot differ: score 0, p-value 1.
    """
    _, ref_counts, cur_counts = aligned_counts(reference, current)
    table = pooled_table(ref_counts, cur_counts)
    if table.shape[1] < 2:
        return DriftResult(NAME, 0.0, 1.0, threshold, False)
    result = chi2_contingency(table)
    p_value = float(result.pvalue)
    return hypothesis_result(NAME, float(result.statistic), p_value, threshold)


def pooled_table(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """The 2 × k table with the sparse categories pooled into one column."""
    totals = ref_counts + cur_counts
    smaller_side = min(ref_counts.sum(), cur_counts.sum()) / totals.sum()
    sparse = totals * smaller_side < MIN_EXPECTED
    table = np.vstack([ref_counts[~sparse], cur_counts[~sparse]])
    if not sparse.any():
        return table
    pool = np.array([[ref_counts[sparse].sum()], [cur_counts[sparse].sum()]])
    if pool.sum() * smaller_side < MIN_EXPECTED and table.shape[1] > 0:
        smallest = int(np.argmin(table.sum(axis=0)))
        table[:, smallest] += pool[:, 0]
        return table
    return np.hstack([table, pool])
