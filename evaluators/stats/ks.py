"""Two-sample Kolmogorov-Smirnov test: numeric drift on small references (Evidently's "ks")."""

import numpy as np
from scipy.stats import distributions, ks_2samp

from evaluators.stats.ordered import OrderedSamples
from evaluators.stats.result import DriftResult, hypothesis_result

NAME = "ks"
KIND = ("numeric",)
DEFAULT_THRESHOLD = 0.05
DISTANCE = False  # the threshold is a p-value: drift below it
# Up to this many values in the larger sample scipy's ks_2samp computes the exact p-value
# (its MAX_AUTO_N); above, Smirnov's asymptotic distribution, computed here the same way.
EXACT_MAX_SIZE = 10_000


def compare(
    reference: np.ndarray, current: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Two-sided KS test; drift when the p-value is at or below ``threshold``.

    ``<=`` rather than ``<`` because that is Evidently's rule for this test.
    """
    return compare_ordered(OrderedSamples.of(reference, current), threshold)


def compare_ordered(samples: OrderedSamples, threshold: float = DEFAULT_THRESHOLD) -> DriftResult:
    """``compare`` on samples already sorted and merged (see ``ordered``).

    Small samples go to scipy's ``ks_2samp`` whole, for its exact p-value. Large ones get
    the statistic from the merged CDFs and the p-value ``ks_2samp`` gives in its
    asymptotic mode: ``kstwo.sf(D, round(n m / (n + m)))``.
    """
    n, m = samples.reference.size, samples.current.size
    if max(n, m) <= EXACT_MAX_SIZE:
        result = ks_2samp(samples.reference, samples.current)
        return hypothesis_result(NAME, float(result.statistic), float(result.pvalue), threshold)
    statistic = samples.ks_statistic()
    effective = float(n) * float(m) / (float(n) + float(m))
    p_value = float(np.clip(distributions.kstwo.sf(statistic, np.round(effective)), 0.0, 1.0))
    return hypothesis_result(NAME, statistic, p_value, threshold)
