"""Wasserstein distance normed by the reference's spread (Evidently's "wasserstein")."""

import numpy as np
from scipy.stats import wasserstein_distance

from evaluators.stats.result import DriftResult
from evaluators.stats.samples import finite_values

NAME = "wasserstein"
KIND = ("numeric",)
DEFAULT_THRESHOLD = 0.1
# Evidently's floor on the norm, so a constant reference does not divide by zero.
MIN_REFERENCE_STD = 0.001


def compare(
    reference: np.ndarray, current: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Wasserstein-1 distance / max(population std of reference, 0.001); drift when >= threshold.

    The score reads as "the current sample moved this many reference standard deviations".
    """
    ref = finite_values(reference, "reference")
    cur = finite_values(current, "current")
    norm = max(float(np.std(ref)), MIN_REFERENCE_STD)
    score = float(wasserstein_distance(ref, cur)) / norm
    return DriftResult(
        method=NAME, score=score, p_value=None, threshold=threshold, detected=score >= threshold
    )
