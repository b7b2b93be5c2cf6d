"""Drift per app × model: each signal of a window against a reference window."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from evaluators.drift.config import reference_window
from evaluators.drift.samples import MISSING, Group, category_counts, groups_in, numeric_samples
from evaluators.results import replace_results, result_row
from evaluators.signals import INFERENCES, Signal, signals_by_source
from evaluators.stats import drift
from evaluators.stats.result import DriftResult
from evaluators.stats.samples import Sample
from evaluators.windows import Window
from metrics.settings import DriftOverride, DriftReference
from metrics.store.database import Store

EVALUATOR = "drift"


def evaluate_drift(
    store: Store,
    connection: Connection,
    window: Window,
    *,
    overrides: dict[str, DriftOverride],
    baseline: Window | None,
    capacity: int,
    reference: DriftReference = "previous_window",
) -> int:
    """Compare every signal of `window` with `baseline`, or else the `reference` window.

    While the store holds no calls in the `reference` window (a week has not passed
    yet), the window before is the reference.

    Only app × model pairs seen in both windows are compared, and a signal is skipped
    where either window has no value for it. The method is Evidently's default for the
    sample's size and type unless `overrides` names one for the signal. The signals of
    one app × model are one family: each is decided by its Benjamini-Hochberg adjusted
    p-value, stored in `details` beside the raw one in `p_value`.
    """
    compare = _Comparison(window, baseline or _reference(store, window, reference), overrides)
    tested = [*_numeric_tests(store, compare, capacity), *_categorical_tests(store, compare)]
    rows: list[dict[str, Any]] = []
    for group in sorted({test.group for test in tested}):
        family = [test for test in tested if test.group == group]
        decided = drift.corrected([test.result for test in family])
        rows.extend(
            compare.row(test, result, adjusted, len(family))
            for test, (result, adjusted) in zip(family, decided, strict=True)
        )
    return replace_results(connection, EVALUATOR, window, rows)


def _reference(store: Store, window: Window, reference: DriftReference) -> Window:
    """The `reference` window of `window`, or the previous one where it holds no calls."""
    chosen = reference_window(window, reference)
    if chosen != window.previous() and not groups_in(store, INFERENCES, chosen):
        return window.previous()
    return chosen


@dataclass(frozen=True)
class _Tested:
    """One signal of one app × model compared, before the family's correction."""

    signal: Signal
    group: Group
    reference: Sample
    current: Sample
    result: DriftResult


class _Comparison:
    """The two windows being compared and the per-signal settings; makes result rows."""

    def __init__(
        self, window: Window, reference: Window, overrides: dict[str, DriftOverride]
    ) -> None:
        self.window = window
        self.reference = reference
        self.overrides = overrides

    def test(self, signal: Signal, group: Group, reference: Sample, current: Sample) -> _Tested:
        """`signal` of one app × model compared with its method and threshold."""
        override = self.overrides.get(signal.name, DriftOverride())
        result = drift.compare(
            signal.kind, reference, current, method=override.method, threshold=override.threshold
        )
        return _Tested(signal, group, reference, current, result)

    def row(
        self, test: _Tested, result: DriftResult, adjusted: float, family_size: int
    ) -> dict[str, Any]:
        """The result row of one signal, decided by its adjusted p-value."""
        app, model = test.group
        details: dict[str, Any] = {
            "kind": test.signal.kind,
            "reference_start": self.reference.start.isoformat(),
            "reference_end": self.reference.end.isoformat(),
            "adjusted_p_value": adjusted,
            "correction": "benjamini-hochberg",
            "family_size": family_size,
        }
        if result.significance is not None:
            details["significance"] = result.significance
        return result_row(
            EVALUATOR, self.window, app=app, model=model, subject=test.signal.name,
            statistic=result.method, value=result.score, p_value=result.p_value,
            threshold=result.threshold, detected=result.detected,
            sample_count=_size(test.current), reference_count=_size(test.reference),
            details=details,
        )


def _numeric_tests(store: Store, compare: _Comparison, capacity: int) -> Iterator[_Tested]:
    for source, signals in signals_by_source("numeric").items():
        for group in groups_in(store, source, compare.window):
            current, reference = (
                numeric_samples(
                    store, source, signals, group=group, window=window, capacity=capacity
                )
                for window in (compare.window, compare.reference)
            )
            for signal in signals:
                ref, cur = reference[signal.name], current[signal.name]
                if ref.size and cur.size:
                    yield compare.test(signal, group, ref, cur)


def _categorical_tests(store: Store, compare: _Comparison) -> Iterator[_Tested]:
    for source, signals in signals_by_source("categorical").items():
        current = category_counts(store, source, signals, compare.window)
        reference = category_counts(store, source, signals, compare.reference)
        for signal in signals:
            now, before = current[signal.name], reference[signal.name]
            for group in sorted(now.keys() & before.keys()):
                if set(now[group]) | set(before[group]) == {MISSING}:
                    continue  # the app never sets this field: nothing to compare
                yield compare.test(signal, group, before[group], now[group])


def _size(sample: Sample) -> int:
    """Values in a numeric sample, or observations behind category counts."""
    return sum(sample.values()) if isinstance(sample, Mapping) else int(sample.size)
