"""Wasserstein distance normed by the reference's spread (Evidently's "wasserstein")."""

import numpy as np

from evaluators.stats.ordered import OrderedSamples
from evaluators.stats.permutation import SIGNIFICANCE, table_p_value
from evaluators.stats.result import DriftResult, distance_result

NAME = "wasserstein"
KIND = ("numeric",)
DEFAULT_THRESHOLD = 0.1
DISTANCE = True  # the threshold is a distance: drift above it
# Evidently's floor on the norm, so a constant reference does not divide by zero.
MIN_REFERENCE_STD = 0.001
# Grid points of the permutation statistic: the pooled distinct values up to this many,
# else as many pooled quantiles (finer grids cost more and move the p-value little).
GRID_POINTS = 200


def compare(
    reference: np.ndarray, current: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> DriftResult:
    """Wasserstein-1 distance / max(population std of reference, 0.001); drift when it is
    >= ``threshold`` and its permutation p-value is at most 0.05.

    The score reads as "the current sample moved this many reference standard deviations".
    The p-value is that of the Wasserstein distance between the two samples' CDFs read at
    the grid points (exact while the pooled sample has at most 200 distinct values), so
    that a relabelling is one draw of counts per grid cell.
    """
    return compare_ordered(OrderedSamples.of(reference, current), threshold)


def compare_ordered(samples: OrderedSamples, threshold: float = DEFAULT_THRESHOLD) -> DriftResult:
    """``compare`` on samples already sorted and merged (see ``ordered``), so that one sort
    per signal serves the distance, the grid and the cell counts."""
    norm = max(float(np.std(samples.reference)), MIN_REFERENCE_STD)
    score = samples.wasserstein() / norm
    grid = _grid(samples)
    ref_counts, cur_counts = samples.cell_counts(grid)
    gaps = np.diff(grid)

    def distance(ref_rows: np.ndarray, cur_rows: np.ndarray) -> np.ndarray:
        ref_cdf = np.cumsum(ref_rows, axis=1)[:, :-1] / ref_rows.sum(axis=1, keepdims=True)
        cur_cdf = np.cumsum(cur_rows, axis=1)[:, :-1] / cur_rows.sum(axis=1, keepdims=True)
        result: np.ndarray = np.abs(ref_cdf - cur_cdf) @ gaps
        return result

    p_value = table_p_value(ref_counts, cur_counts, distance) if gaps.size else 1.0
    return distance_result(NAME, score, p_value, threshold, SIGNIFICANCE)


def _grid(samples: OrderedSamples) -> np.ndarray:
    """The sorted points at which both CDFs are compared."""
    distinct = samples.distinct_values()
    if distinct.size <= GRID_POINTS:
        return distinct
    # Order statistics of the merged sample rather than np.quantile, which would sort again.
    ordered = samples.pooled
    at = np.round(np.linspace(0, ordered.size - 1, GRID_POINTS)).astype(np.int64)
    return np.unique(ordered[at])
