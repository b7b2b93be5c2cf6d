"""Choosing and running a drift method, with Evidently's default choice.

Every method is a module with ``NAME`` (the module's name), ``KIND`` (the sample kinds
it accepts), ``DEFAULT_THRESHOLD``, ``DISTANCE`` (whether the threshold is a distance
rather than a p-value) and ``compare(reference, current, threshold) -> DriftResult``.
A numeric method that reads the two CDFs also has ``compare_ordered(samples, threshold)``,
given the pair already sorted and merged once (``ordered.OrderedSamples``).
They are listed once, explicitly, in ``METHODS``: a new method is its module and a line
there.
"""

from collections.abc import Mapping
from types import ModuleType

import numpy as np
from scipy.stats import false_discovery_control

from evaluators.stats import chi_squared, jensen_shannon, ks, psi, wasserstein, z_test
from evaluators.stats.ordered import OrderedSamples
from evaluators.stats.result import DriftResult
from evaluators.stats.samples import Sample, aligned_counts, counts_of_values

METHODS: tuple[ModuleType, ...] = (ks, chi_squared, z_test, psi, jensen_shannon, wasserstein)
# The methods whose threshold is a distance; their p-value is a permutation test's.
DISTANCES = frozenset(m.NAME for m in METHODS if m.DISTANCE)
KINDS = ("numeric", "categorical")
# Evidently switches from hypothesis tests to distances above this many reference rows,
LARGE_REFERENCE = 1000
# and treats a numeric sample with this many distinct values or fewer as categorical.
FEW_DISTINCT_VALUES = 5


def method_named(name: str) -> ModuleType:
    """The drift method whose ``NAME`` is ``name``."""
    for method in METHODS:
        if name == method.NAME:
            return method
    known = ", ".join(m.NAME for m in METHODS)
    raise ValueError(f"unknown drift method {name!r}; known methods: {known}")


def choose_method(kind: str, reference_size: int, n_categories: int) -> ModuleType:
    """Evidently's default method for a sample of ``kind``.

    ``n_categories`` is the number of distinct categories, or for a numeric sample the
    number of distinct values, seen in reference and current together. Up to 1000
    reference rows: KS for numeric, chi-squared for categorical (Z-test with 2 or fewer
    categories). Above 1000: normed Wasserstein for numeric, Jensen-Shannon for
    categorical. A numeric sample with 5 or fewer distinct values is chosen for as
    categorical.
    """
    _check_kind(kind)
    if reference_size < 1:
        raise ValueError(f"reference_size must be at least 1, got {reference_size}")
    if n_categories < 1:
        raise ValueError(f"n_categories must be at least 1, got {n_categories}")
    categorical = kind == "categorical" or n_categories <= FEW_DISTINCT_VALUES
    if reference_size <= LARGE_REFERENCE:
        if categorical:
            return chi_squared if n_categories > 2 else z_test
        return ks
    return jensen_shannon if categorical else wasserstein


def compare(
    kind: str,
    reference: Sample,
    current: Sample,
    method: str | None = None,
    threshold: float | None = None,
) -> DriftResult:
    """Compare ``current`` with ``reference`` using ``method``, or Evidently's default.

    Numeric samples are 1-D arrays (NaN and infinite values are dropped); categorical
    samples are ``{category: count}``. ``threshold`` defaults to the method's own.
    Raises ValueError on an empty sample or a method that does not fit ``kind``.

    A numeric pair is sorted and merged once (see ``ordered``); the count of distinct
    values and the methods that read CDFs (``compare_ordered``) all use that one sort.
    """
    _check_kind(kind)
    ref: Sample
    cur: Sample
    ordered: OrderedSamples | None = None
    if kind == "numeric":
        if isinstance(reference, Mapping) or isinstance(current, Mapping):
            raise TypeError("numeric drift needs 1-D arrays, not category counts")
        ordered = OrderedSamples.of(reference, current)
        ref, cur = ordered.reference, ordered.current
        reference_size, n_distinct = ref.size, ordered.distinct_count()
    else:
        if not (isinstance(reference, Mapping) and isinstance(current, Mapping)):
            raise TypeError("categorical drift needs {category: count} mappings")
        categories, ref_counts, _ = aligned_counts(reference, current)
        ref, cur = reference, current
        reference_size, n_distinct = int(ref_counts.sum()), len(categories)

    chosen = (
        choose_method(kind, reference_size, n_distinct) if method is None else method_named(method)
    )
    if kind not in chosen.KIND:
        if method is not None:
            raise ValueError(f"drift method {method!r} does not apply to {kind} samples")
        # Only the default choice gets here: a numeric sample with few distinct values.
        ref, cur = counts_of_values(np.asarray(ref)), counts_of_values(np.asarray(cur))
        ordered = None
    actual_threshold = chosen.DEFAULT_THRESHOLD if threshold is None else threshold
    result: DriftResult
    if ordered is not None and hasattr(chosen, "compare_ordered"):
        result = chosen.compare_ordered(ordered, actual_threshold)
    else:
        result = chosen.compare(ref, cur, actual_threshold)
    return result


def corrected(results: list[DriftResult]) -> list[tuple[DriftResult, float]]:
    """Each result decided by its Benjamini-Hochberg adjusted p-value, with that p-value.

    ``results`` are one family: every signal of one app × model and window. About a dozen
    signals are tested each hour, so without a correction some signal drifts by chance in
    almost every other window. Benjamini-Hochberg (scipy's ``false_discovery_control``)
    rather than Holm: it keeps the false discoveries at 5% of what is flagged while losing
    less power when several signals move together, as they do when a model changes.
    """
    if not results:
        return []
    raw = np.array([1.0 if r.p_value is None else r.p_value for r in results])
    adjusted = false_discovery_control(raw, method="bh")
    return [
        (result.decided_by(float(p_value)), float(p_value))
        for result, p_value in zip(results, adjusted, strict=True)
    ]


def _check_kind(kind: str) -> None:
    """Refuse a kind other than "numeric" or "categorical"."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
