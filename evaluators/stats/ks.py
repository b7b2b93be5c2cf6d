"""Two-sample Kolmogorov-Smirnov test: numeric drift on small references (Evidently's "ks")."""

import numpy as np
from scipy.stats import ks_2samp

from evaluators.stats.result import DriftResult, hypothesis_result
from evaluators.stats.samples import finite_values

NAME = "ks"
KIND = ("numeric",)
DEFAULT_THRESHOLD = 0.05
DISTANCE = False  # the threshold is a p-value: drift below it


def compare(
    reference: np.ndarray, current: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Two-sided KS test; drift when the p-value is at or below ``threshold``.

    ``<=`` rather than ``<`` because that is Evidently's rule for this test.
    """
    result = ks_2samp(finite_values(reference, "reference"), finite_values(current, "current"))
    p_value = float(result.pvalue)
    return hypothesis_result(NAME, float(result.statistic), p_value, threshold)
