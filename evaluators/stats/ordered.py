"""Two numeric samples sorted once and merged, for every statistic that reads their CDFs.

Sorting is most of the cost of a drift statistic on a million values a side, and scipy's
``wasserstein_distance`` and ``ks_2samp`` each sort both samples and then binary-search
every pooled value in each of them. Here each sample is sorted once; the pooled sample is
their merge (a stable sort of two sorted runs is one linear merge), and the empirical
CDFs at every pooled value are a running count of which side each merged value came
from, so no search is needed. Wasserstein, the KS statistic, the distinct values and the
permutation test's cell counts are all read from these arrays.
"""

from dataclasses import dataclass

import numpy as np

from evaluators.stats.samples import finite_values


@dataclass(frozen=True)
class OrderedSamples:
    """A reference and a current sample, each sorted, and their sorted merge.

    ``reference_seen[k]`` is how many of ``pooled[: k + 1]`` come from the reference. Within
    a run of equal pooled values it counts only part of the run, but every statistic here
    reads it either where the next pooled value is larger (the end of the run, where it
    counts every reference value at or below) or weighted by a zero gap.
    """

    reference: np.ndarray
    current: np.ndarray
    pooled: np.ndarray
    reference_seen: np.ndarray

    @classmethod
    def of(cls, reference: np.ndarray, current: np.ndarray) -> "OrderedSamples":
        """Both samples without NaN/inf, sorted and merged; refuses an empty sample."""
        ref = np.sort(finite_values(reference, "reference"))
        cur = np.sort(finite_values(current, "current"))
        both = np.concatenate([ref, cur])
        # Timsort finds the two sorted runs and merges them: linear, not n log n.
        order = np.argsort(both, kind="stable")
        return cls(ref, cur, both[order], np.cumsum(order < ref.size))

    def distinct_count(self) -> int:
        """How many distinct values the two samples hold together."""
        return int(np.count_nonzero(self._run_ends()))

    def distinct_values(self) -> np.ndarray:
        """The sorted distinct values of both samples together."""
        return self.pooled[self._run_ends()]

    def cdf_gaps(self) -> np.ndarray:
        """Reference CDF minus current CDF just after each pooled value but the last."""
        seen = self.reference_seen[:-1]
        current_seen = np.arange(1, seen.size + 1) - seen
        gaps: np.ndarray = seen / self.reference.size - current_seen / self.current.size
        return gaps

    def wasserstein(self) -> float:
        """The Wasserstein-1 distance between the two empirical distributions (scipy's
        ``wasserstein_distance``): the area between their CDFs."""
        if self.pooled.size < 2:
            return 0.0
        return float(np.abs(self.cdf_gaps()) @ np.diff(self.pooled))

    def ks_statistic(self) -> float:
        """The two-sided Kolmogorov-Smirnov statistic: the largest gap between the CDFs,
        read after each run of equal values (scipy's ``ks_2samp`` statistic)."""
        if self.pooled.size < 2:
            return 0.0
        gaps = self.cdf_gaps()[self._run_ends()[:-1]]
        return float(np.abs(gaps).max()) if gaps.size else 0.0

    def cell_counts(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How many reference and current values lie in each cell (grid[i-1], grid[i]] of a
        sorted grid; the first cell also holds what is below, the last what is above."""
        return _cell_counts(self.reference, grid), _cell_counts(self.current, grid)

    def _run_ends(self) -> np.ndarray:
        """Where each run of equal pooled values ends, as a mask."""
        return np.concatenate([self.pooled[1:] != self.pooled[:-1], [True]])


def _cell_counts(ordered: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Counts per cell of one sorted sample: differences of its CDF at the grid points."""
    at_or_below = np.searchsorted(ordered, grid, side="right")
    counts = np.diff(at_or_below, prepend=0)
    counts[-1] += ordered.size - at_or_below[-1]
    return counts.astype(np.float64)
