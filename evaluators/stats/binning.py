"""Shares per bin or category, as Evidently's ``get_binned_data`` computes them for PSI and JS.

A numeric reference with more than 20 distinct values is cut into histogram bins whose
edges come from ``np.histogram_bin_edges(reference + current, bins="sturges")``; a
numeric reference with 20 or fewer distinct values, and every categorical sample, is
split by distinct value over the union of both samples. Empty bins may then be filled
with a small share so that logarithms stay finite (PSI does, JS does not).
"""

from collections.abc import Mapping

import numpy as np

from evaluators.stats.samples import Sample, aligned_counts, finite_values

HISTOGRAM_MIN_DISTINCT = 20
EMPTY_BIN_SHARE = 0.0001


def shares(reference: Sample, current: Sample) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of each sample in each bin (numeric) or category (counts)."""
    ref_counts, cur_counts = counts(reference, current)
    return ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum()


def counts(reference: Sample, current: Sample) -> tuple[np.ndarray, np.ndarray]:
    """How many of each sample fall in each bin (numeric) or category (counts).

    The bins depend on the pooled sample only (but for the choice between histogram and
    distinct values, which looks at the reference), so relabelling the pooled values, as
    a permutation test does, keeps them.
    """
    if isinstance(reference, Mapping) and isinstance(current, Mapping):
        _, ref_counts, cur_counts = aligned_counts(reference, current)
        return ref_counts, cur_counts
    if isinstance(reference, Mapping) or isinstance(current, Mapping):
        raise TypeError("reference and current must both be numeric arrays or both be counts")
    ref = finite_values(reference, "reference")
    cur = finite_values(current, "current")
    if np.unique(ref).size > HISTOGRAM_MIN_DISTINCT:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        return (np.histogram(ref, edges)[0].astype(np.float64),
                np.histogram(cur, edges)[0].astype(np.float64))
    distinct = np.union1d(ref, cur)
    return _value_counts(ref, distinct), _value_counts(cur, distinct)


def fill_empty_bins(share: np.ndarray) -> np.ndarray:
    """Replace zero shares as Evidently does: 0.0001, or min share / 1e6 when that is smaller.

    A 2-D array is filled row by row, each row being one sample's shares.
    """
    filled = np.atleast_2d(share).astype(np.float64, copy=True)
    smallest = np.where(filled != 0, filled, np.inf).min(axis=1, keepdims=True)
    fill = np.where(smallest <= EMPTY_BIN_SHARE, smallest / 10**6, EMPTY_BIN_SHARE)
    filled = np.where(filled == 0, fill, filled)
    return filled.reshape(share.shape)


def _value_counts(values: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """How many of ``values`` equal each of the sorted ``distinct`` values."""
    return np.bincount(np.searchsorted(distinct, values), minlength=distinct.size).astype(
        np.float64
    )
