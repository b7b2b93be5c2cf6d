"""Validation and shaping of the samples the drift methods compare.

Numeric samples are 1-D arrays; categorical samples are ``{category: count}`` mappings
counted by the caller (in SQL). As Evidently does before any drift test, NaN and
infinite numeric values are dropped, and an empty sample is refused.
"""

from collections.abc import Mapping
from typing import TypeAlias

import numpy as np

CategoryCounts: TypeAlias = Mapping[str, int]
Sample: TypeAlias = np.ndarray | CategoryCounts


def finite_values(values: np.ndarray, role: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array without NaN/inf; refuse an empty result."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"the {role} sample must be 1-D, got shape {array.shape}")
    array = array[np.isfinite(array)]
    if array.size == 0:
        raise ValueError(
            f"the {role} sample is empty (no finite values); drift needs at least one value"
        )
    return array


def valid_counts(counts: CategoryCounts, role: str) -> dict[str, int]:
    """Return ``counts`` with zero entries dropped; refuse negative or all-zero counts."""
    cleaned: dict[str, int] = {}
    for category, count in counts.items():
        if count < 0:
            raise ValueError(f"the {role} count of category {category!r} is negative: {count}")
        if count > 0:
            cleaned[category] = int(count)
    if not cleaned:
        raise ValueError(
            f"the {role} sample is empty (all category counts are zero); "
            "drift needs at least one observation"
        )
    return cleaned


def aligned_counts(
    reference: CategoryCounts, current: CategoryCounts
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Counts of both samples over the sorted union of the categories either one saw."""
    ref = valid_counts(reference, "reference")
    cur = valid_counts(current, "current")
    categories = sorted(ref.keys() | cur.keys())
    ref_counts = np.array([ref.get(c, 0) for c in categories], dtype=np.float64)
    cur_counts = np.array([cur.get(c, 0) for c in categories], dtype=np.float64)
    return categories, ref_counts, cur_counts


def counts_of_values(values: np.ndarray) -> dict[str, int]:
    """Count each distinct value of a numeric sample, keyed by its ``repr``.

    Evidently treats a numeric column with few distinct values as categorical; this is
    how such a column becomes counts.
    """
    distinct, counts = np.unique(values, return_counts=True)
    return {repr(float(v)): int(n) for v, n in zip(distinct, counts, strict=True)}
