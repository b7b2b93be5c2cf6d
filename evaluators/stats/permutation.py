"""Permutation p-values for the drift distances, which have no p-value of their own.

A distance's threshold (Evidently's 0.1) ignores sample size: a normed Wasserstein of
0.1 is common between two samples of 150 from one distribution. The null distribution
of the distance is drawn by relabelling the pooled sample at random, which keeps the
bins (they depend on the pooled sample only). On a table of counts per bin that
relabelling is a multivariate hypergeometric draw of the current sample's counts, so a
resample costs one draw per bin, not a pass over every value: affordable hourly on
100,000 values a side.
"""

from collections.abc import Callable

import numpy as np

# Resamples per test: p-values are multiples of 1/500, fine enough for a 5% level
# after correcting for a dozen signals.
RESAMPLES = 499
SEED = 0
# The level a distance's permutation p-value must reach besides the distance threshold.
SIGNIFICANCE = 0.05
# A little slack so that resamples equal to the observed distance, up to rounding, count.
RELATIVE_TOLERANCE = 1e-9

# A hypergeometric draw per bin costs about as much as shuffling this many values, so
# small samples are relabelled value by value and large ones by bin.
VALUES_PER_BIN_DRAW = 20

TableStatistic = Callable[[np.ndarray, np.ndarray], np.ndarray]


def table_p_value(
    ref_counts: np.ndarray,
    cur_counts: np.ndarray,
    statistic: TableStatistic,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> float:
    """The share of relabellings whose statistic reaches the observed one, (1 + k) / (1 + n).

    ``statistic`` takes 2-D arrays of counts (one row per table) and returns one value
    per row. Seeded, so a window evaluated twice gets one p-value.
    """
    pooled = (ref_counts + cur_counts).astype(np.int64)
    n_cur = int(cur_counts.sum())
    observed = statistic(ref_counts[np.newaxis, :], cur_counts[np.newaxis, :])[0]
    rng = np.random.default_rng(seed)
    if pooled.sum() <= VALUES_PER_BIN_DRAW * pooled.size:
        drawn = _shuffled_counts(pooled, n_cur, resamples, rng)
    else:
        drawn = rng.multivariate_hypergeometric(pooled, n_cur, size=resamples).astype(np.float64)
    null = statistic(pooled[np.newaxis, :] - drawn, drawn)
    reached = int(np.count_nonzero(null >= observed - RELATIVE_TOLERANCE * abs(observed)))
    return (1 + reached) / (1 + resamples)


def _shuffled_counts(
    pooled: np.ndarray, n_cur: int, resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Counts per bin of the first ``n_cur`` values of each of ``resamples`` shuffles."""
    bins = np.repeat(np.arange(pooled.size), pooled)
    shuffled = rng.permuted(np.broadcast_to(bins, (resamples, bins.size)), axis=1)[:, :n_cur]
    offsets = (np.arange(resamples) * pooled.size)[:, np.newaxis]
    flat = np.bincount((shuffled + offsets).ravel(), minlength=resamples * pooled.size)
    return flat.reshape(resamples, pooled.size).astype(np.float64)
