"""A fairness result as samples of the valuewatch_segment_* gauges."""

from typing import Any

from prometheus_client.core import GaugeMetricFamily


def add_segment_samples(families: dict[str, GaugeMetricFamily], row: Any) -> None:
    """The gap, its interval, corrected p-value and threshold, and each segment's value.

    Segment values are as many as the evaluator kept (VALUEWATCH_SEGMENT_VALUES_MAX per
    key, the rest folded into other), so the segment_value label stays bounded."""
    labels = [row.app, row.model, row.subject, row.statistic]
    families["valuewatch_segment_gap"].add_metric(labels, row.value)
    for column, name in (("lower", "valuewatch_segment_gap_lower"),
                         ("upper", "valuewatch_segment_gap_upper"),
                         ("p_value", "valuewatch_segment_gap_p_value"),
                         ("threshold", "valuewatch_segment_gap_threshold")):
        if getattr(row, column) is not None:
            families[name].add_metric(labels, getattr(row, column))
    for segment, measured in sorted((row.details or {}).get("segments", {}).items()):
        families["valuewatch_segment_value"].add_metric([*labels, segment], measured["value"])
