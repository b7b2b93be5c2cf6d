"""Population Stability Index over bins or categories (Evidently's "psi")."""

import numpy as np

from evaluators.stats.binning import counts, fill_empty_bins
from evaluators.stats.permutation import SIGNIFICANCE, table_p_value
from evaluators.stats.result import DriftResult, distance_result
from evaluators.stats.samples import Sample

NAME = "psi"
KIND = ("numeric", "categorical")
DEFAULT_THRESHOLD = 0.1
DISTANCE = True  # the threshold is a distance: drift above it


def compare(
    reference: Sample, current: Sample, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """PSI = sum((ref - cur) * ln(ref / cur)) over shares; drift when PSI >= ``threshold``
    and its permutation p-value is at most 0.05.

    Bins are Evidently's (see ``binning``), and empty bins get a small share first.
    Evidently stops at the threshold; the p-value keeps a PSI that small samples reach
    by chance from counting as drift.
    """
    ref_counts, cur_counts = counts(reference, current)
    score = float(psi_of_counts(ref_counts[np.newaxis, :], cur_counts[np.newaxis, :])[0])
    p_value = table_p_value(ref_counts, cur_counts, psi_of_counts)
    return distance_result(NAME, score, p_value, threshold, SIGNIFICANCE)


def psi_of_counts(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """PSI of each row of two 2-D arrays of counts per bin."""
    ref_share = fill_empty_bins(ref_counts / ref_counts.sum(axis=1, keepdims=True))
    cur_share = fill_empty_bins(cur_counts / cur_counts.sum(axis=1, keepdims=True))
    result: np.ndarray = np.sum((ref_share - cur_share) * np.log(ref_share / cur_share), axis=1)
    return result
