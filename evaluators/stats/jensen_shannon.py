"""Jensen-Shannon distance over bins or categories (Evidently's "jensenshannon")."""

import numpy as np
from scipy.spatial.distance import jensenshannon

from evaluators.stats.binning import counts
from evaluators.stats.permutation import SIGNIFICANCE, table_p_value
from evaluators.stats.result import DriftResult, distance_result
from evaluators.stats.samples import Sample

NAME = "jensen_shannon"
KIND = ("numeric", "categorical")
DEFAULT_THRESHOLD = 0.1
DISTANCE = True  # the threshold is a distance: drift above it


def compare(
    reference: Sample, current: Sample, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Natural-log JS distance (0 to sqrt(ln 2)); drift when it is >= ``threshold`` and
    its permutation p-value is at most 0.05.

    Bins are Evidently's (see ``binning``); empty bins stay empty, as JS allows zeros.
    """
    ref_counts, cur_counts = counts(reference, current)
    score = float(js_of_counts(ref_counts[np.newaxis, :], cur_counts[np.newaxis, :])[0])
    p_value = table_p_value(ref_counts, cur_counts, js_of_counts)
    return distance_result(NAME, score, p_value, threshold, SIGNIFICANCE)


def js_of_counts(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """JS distance of each row of two 2-D arrays of counts per bin."""
    ref_share = ref_counts / ref_counts.sum(axis=1, keepdims=True)
    cur_share = cur_counts / cur_counts.sum(axis=1, keepdims=True)
    result: np.ndarray = jensenshannon(ref_share, cur_share, axis=1)
    return result
