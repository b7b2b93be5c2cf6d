"""The evaluators' /metrics: the latest stored results, as last read from the database.

A custom prometheus_client Collector rather than long-lived gauges, so that every
replica exports what the database holds, whichever replica computed it. The database is
read by `refresh`, which the caller runs off the event loop (on a timer and after each
job); a scrape only copies what the last refresh read, so a slow query never holds up
the app's other requests.
"""

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from evaluators.fairness.export import add_segment_samples
from evaluators.results import EVALUATION_RESULTS
from evaluators.run_state import last_successes
from evaluators.stats import drift
from evaluators.topics.export import topic_share_samples
from evaluators.value.export import kpi_samples
from metrics.catalog import CATALOG, MetricSpec
from metrics.failures import describe
from metrics.instruments import OVERFLOW_VALUE, LabelLimiter
from metrics.store.database import Store

log = logging.getLogger("valuewatch.evaluators")
EVALUATORS = ("drift", "accuracy", "feedback", "fairness")
# (evaluator, statistic) -> the metric of an estimate with `_lower` and `_upper` bounds.
ESTIMATES = {
    ("accuracy", "correct_ratio"): "valuewatch_accuracy_ratio",
    ("accuracy", "correct_ratio_corrected"): "valuewatch_accuracy_corrected_ratio",
    ("accuracy", "score_mean"): "valuewatch_accuracy_score",
    ("feedback", "thumbs_up_ratio"): "valuewatch_feedback_thumbs_up_ratio",
    ("feedback", "csat_ratio"): "valuewatch_feedback_csat_ratio",
    ("feedback", "rating_mean"): "valuewatch_feedback_rating_mean",
    ("feedback", "score_mean"): "valuewatch_feedback_score_mean",
}


def evaluator_specs() -> tuple[MetricSpec, ...]:
    """The catalog metrics the evaluators export."""
    return tuple(spec for spec in CATALOG if spec.exported_by == "evaluator")


def latest_results(store: Store) -> list[Any]:
    """Every result of each evaluator's most recent window."""
    results = EVALUATION_RESULTS.c
    rows: list[Any] = []
    with store.engine.connect() as connection:
        for evaluator in EVALUATORS:
            newest = connection.execute(
                select(func.max(results.window_end)).where(results.evaluator == evaluator)
            ).scalar()
            if newest is not None:
                rows.extend(connection.execute(
                    select(EVALUATION_RESULTS)
                    .where(results.evaluator == evaluator, results.window_end == newest)
                    .order_by(results.id)
                ))
    return rows


class EvaluationCollector(Collector):
    """Yields a gauge family per evaluator metric of the catalog, as last refreshed."""

    def __init__(self, store: Store, *, label_limit: int = 100) -> None:
        self._store = store
        self._label_limit = label_limit
        self._families = list(_families().values())

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The families without samples, so registering does not query the database."""
        yield from _families().values()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """What the last `refresh` read; never touches the database."""
        yield from self._families

    def refresh(self) -> None:
        """Read the latest results (blocking); on a database error, families without
        samples, as a scrape of an unreachable database should show."""
        families = _families()
        try:
            rows = latest_results(self._store)
            successes = last_successes(self._store)
            samples = kpi_samples(self._store) + topic_share_samples(
                self._store, label_limit=self._label_limit)
        except SQLAlchemyError as exc:
            log.warning("evaluator metrics unavailable: %s", describe(exc))
            rows, successes, samples = [], {}, []
        capped = _capped(rows, self._label_limit)
        for row in capped:
            _add_result(families, row)
        if len(capped) < len(rows):
            log.warning("evaluator metrics: %d result(s) not exported: app, model or subject "
                        "past the cap of %d distinct values", len(rows) - len(capped),
                        self._label_limit)
        for name, labels, value in samples:
            families[name].add_metric(labels, value)
        for job, at in sorted(successes.items()):
            families["valuewatch_evaluator_last_success_timestamp_seconds"].add_metric(
                [job], at.timestamp()
            )
        # One assignment: a scrape in another thread sees the old list or the new one.
        self._families = list(families.values())


def _capped(rows: list[Any], limit: int) -> list[Any]:
    """The rows whose app, model and subject are each among the first `limit` distinct
    values seen, as the collector caps its labels. Results past the cap are left out, not
    folded into `other` as counters are: gauges of different subjects do not add up."""
    limiter = LabelLimiter(limit)
    return [row for row in rows if all(
        limiter.value(label, getattr(row, label)) != OVERFLOW_VALUE
        for label in ("app", "model", "subject")
    )]


def _families() -> dict[str, GaugeMetricFamily]:
    return {
        spec.name: GaugeMetricFamily(spec.name, spec.help, labels=spec.labels)
        for spec in evaluator_specs()
    }


def _add_result(families: dict[str, GaugeMetricFamily], row: Any) -> None:
    """The samples of one result row."""
    families["valuewatch_evaluation_samples"].add_metric(
        [row.evaluator, row.app, row.model, row.subject, row.statistic], row.sample_count
    )
    if row.evaluator == "drift":
        labels = [row.app, row.model, row.subject, row.statistic]
        families["valuewatch_drift_score"].add_metric(labels, row.value)
        families["valuewatch_drift_threshold"].add_metric(labels, row.threshold)
        families["valuewatch_drift_detected"].add_metric(labels, float(bool(row.detected)))
        # A distance's threshold is a distance, and dashboards hold the p-value, where
        # there is one, to the threshold; a distance's permutation p-value stays stored.
        if row.p_value is not None and row.statistic not in drift.DISTANCES:
            families["valuewatch_drift_p_value"].add_metric(labels, row.p_value)
        return
    if row.evaluator == "fairness":
        add_segment_samples(families, row)
        return
    name = ESTIMATES.get((row.evaluator, row.statistic))
    if name is None:
        return  # counts: only in valuewatch_evaluation_samples
    labels = [row.app, row.model] + ([row.subject] if row.evaluator == "accuracy" else [])
    families[name].add_metric(labels, row.value)
    for bound in ("lower", "upper"):
        if getattr(row, bound) is not None:
            families[f"{name}_{bound}"].add_metric(labels, getattr(row, bound))
