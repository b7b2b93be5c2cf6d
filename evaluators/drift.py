"""Drift per app × model: each signal of a window against a reference window."""

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection

from evaluators.results import replace_results, result_row
from evaluators.signal_samples import MISSING, Group, category_counts, groups_in, numeric_samples
from evaluators.signals import Signal, signals_by_source
from evaluators.stats import drift
from evaluators.stats.samples import Sample
from evaluators.windows import Window
from metrics.settings import DriftOverride
from metrics.store import Store

EVALUATOR = "drift"


def evaluate_drift(
    store: Store,
    connection: Connection,
    window: Window,
    *,
    overrides: dict[str, DriftOverride],
    baseline: Window | None,
    capacity: int,
) -> int:
    """Compare every signal of `window` with `baseline`, or else the window before it.

    Only app × model pairs seen in both windows are compared, and a signal is skipped
    where either window has no value for it. The method is Evidently's default for the
    sample's size and type unless `overrides` names one for the signal.
    """
    reference = baseline or window.previous()
    compare = _Comparison(window, reference, overrides)
    rows = [
        *_numeric_rows(store, compare, capacity),
        *_categorical_rows(store, compare),
    ]
    return replace_results(connection, EVALUATOR, window, rows)


class _Comparison:
    """The two windows being compared and the per-signal settings; makes result rows."""

    def __init__(
        self, window: Window, reference: Window, overrides: dict[str, DriftOverride]
    ) -> None:
        self.window = window
        self.reference = reference
        self.overrides = overrides

    def row(
        self, signal: Signal, group: Group, reference: Sample, current: Sample
    ) -> dict[str, Any]:
        """The result row of `signal` for one app × model."""
        override = self.overrides.get(signal.name, DriftOverride())
        result = drift.compare(
            signal.kind, reference, current, method=override.method, threshold=override.threshold
        )
        app, model = group
        return result_row(
            EVALUATOR, self.window, app=app, model=model, subject=signal.name,
            statistic=result.method, value=result.score, p_value=result.p_value,
            threshold=result.threshold, detected=result.detected,
            sample_count=_size(current), reference_count=_size(reference),
            details={
                "kind": signal.kind,
                "reference_start": self.reference.start.isoformat(),
                "reference_end": self.reference.end.isoformat(),
            },
        )


def _numeric_rows(store: Store, compare: _Comparison, capacity: int) -> Iterator[dict[str, Any]]:
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
                    yield compare.row(signal, group, ref, cur)


def _categorical_rows(store: Store, compare: _Comparison) -> Iterator[dict[str, Any]]:
    for source, signals in signals_by_source("categorical").items():
        current = category_counts(store, source, signals, compare.window)
        reference = category_counts(store, source, signals, compare.reference)
        for signal in signals:
            now, before = current[signal.name], reference[signal.name]
            for group in sorted(now.keys() & before.keys()):
                if set(now[group]) | set(before[group]) == {MISSING}:
                    continue  # the app never sets this field: nothing to compare
                yield compare.row(signal, group, before[group], now[group])


def _size(sample: Sample) -> int:
    """Values in a numeric sample, or observations behind category counts."""
    return sum(sample.values()) if isinstance(sample, Mapping) else int(sample.size)
