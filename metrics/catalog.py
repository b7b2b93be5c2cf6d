"""Every Prometheus metric valuewatch exports, declared once.

GenAI signals follow the OpenTelemetry GenAI semantic conventions (v1.41) as Prometheus
spells them, with the conventions' explicit bucket boundaries. Everything of ours starts
with `valuewatch_`. Dashboards, alerts and the exporters are all generated from `CATALOG`.
It also declares, as `external`, the model server's metrics we read but do not export
(vLLM's, defined in `metrics.vllm`).
"""

from dataclasses import dataclass
from typing import Literal

from metrics.vllm import VLLM_LABELS, VLLM_METRICS

MetricKind = Literal["counter", "gauge", "histogram"]
Exporter = Literal["collector", "evaluator", "external"]  # external: not us, e.g. vLLM

# Bucket boundaries from the GenAI metrics conventions.
OPERATION_DURATION_BUCKETS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)
TOKEN_USAGE_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)
TIME_TO_FIRST_TOKEN_BUCKETS = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)
TIME_PER_OUTPUT_TOKEN_BUCKETS = (
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
)
COMMIT_DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

GENAI_LABELS = ("app", "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_response_model")


@dataclass(frozen=True)
class MetricSpec:
    """One metric family as it appears in the exposition (counters end in `_total`)."""

    name: str
    kind: MetricKind
    help: str
    unit: str
    labels: tuple[str, ...]
    exported_by: Exporter = "collector"
    buckets: tuple[float, ...] | None = None
    # How `serve --workers N` merges a gauge across worker processes (prometheus_client's
    # multiprocess modes): readings of the same thing take the latest, amounts add up.
    multiprocess_mode: str = "livemostrecent"


DRIFT_LABELS = ("app", "gen_ai_response_model", "signal", "method")
ACCURACY_LABELS = ("app", "gen_ai_response_model", "task")
FEEDBACK_LABELS = ("app", "gen_ai_response_model")
SEGMENT_LABELS = ("app", "gen_ai_response_model", "segment", "metric")  # segment: the key
GPU_LABELS = ("gpu",)  # the NVML index
KPI_LABELS = ("kpi", "dimension", "unit")


def _evaluator_gauge(name: str, help: str, unit: str, labels: tuple[str, ...]) -> MetricSpec:
    return MetricSpec(name, "gauge", help, unit, labels, exported_by="evaluator")


def _resource_gauge(name: str, help: str, unit: str, labels: tuple[str, ...] = ()) -> MetricSpec:
    return MetricSpec(name, "gauge", help, unit, labels)


def _with_interval(
    name: str, help: str, unit: str, labels: tuple[str, ...]
) -> tuple[MetricSpec, MetricSpec, MetricSpec]:
    """An estimate and the bounds of its 95% interval, as `name`, `name_lower`, `name_upper`.

    Bounds are separate gauges rather than a `bound` label, so that an alert compares
    `name_upper` with a target directly and `avg by (app)` never mixes bounds.
    """
    return (
        _evaluator_gauge(name, help, unit, labels),
        _evaluator_gauge(f"{name}_lower", f"Lower bound of the 95% interval of {name}.",
                         unit, labels),
        _evaluator_gauge(f"{name}_upper", f"Upper bound of the 95% interval of {name}.",
                         unit, labels),
    )


CATALOG: tuple[MetricSpec, ...] = (
    MetricSpec(
        "gen_ai_client_operation_duration_seconds", "histogram",
        "Duration of GenAI client operations.", "seconds",
        (*GENAI_LABELS, "error_type"), buckets=OPERATION_DURATION_BUCKETS,
    ),
    MetricSpec(
        "gen_ai_client_token_usage", "histogram",
        "Number of input and output tokens used per GenAI operation.", "tokens",
        (*GENAI_LABELS, "gen_ai_token_type"), buckets=TOKEN_USAGE_BUCKETS,
    ),
    MetricSpec(
        "gen_ai_server_time_to_first_token_seconds", "histogram",
        "Time to generate the first token of a response.", "seconds",
        GENAI_LABELS, buckets=TIME_TO_FIRST_TOKEN_BUCKETS,
    ),
    MetricSpec(
        "gen_ai_server_time_per_output_token_seconds", "histogram",
        "Time per output token after the first one.", "seconds",
        GENAI_LABELS, buckets=TIME_PER_OUTPUT_TOKEN_BUCKETS,
    ),
    MetricSpec(
        "valuewatch_cost_usd_total", "counter",
        "Cost of GenAI calls in US dollars, from the client or the price table.", "usd",
        ("app", "gen_ai_response_model"),
    ),
    MetricSpec(
        "valuewatch_unpriced_calls_total", "counter",
        "Calls whose cost could not be computed because the model is not in the price table.",
        "calls", ("app", "gen_ai_response_model"),
    ),
    MetricSpec(
        "valuewatch_feedback_total", "counter",
        "User feedback received, by kind and sentiment.", "events",
        ("app", "kind", "sentiment"),
    ),
    MetricSpec(
        "valuewatch_accuracy_samples_total", "counter",
        "Graded accuracy samples received, by grade.", "samples",
        ("app", "gen_ai_response_model", "task", "grader", "correct"),
    ),
    MetricSpec(
        "valuewatch_outcomes_total", "counter",
        "Business outcomes reported.", "events", ("app", "outcome"),
    ),
    MetricSpec(
        "valuewatch_outcome_value_total", "counter",
        "Sum of the values of business outcomes reported.", "units", ("app", "outcome"),
    ),
    MetricSpec(
        "valuewatch_ingest_records_total", "counter",
        "Records the collector received, by record kind and result (accepted, duplicate, "
        "conflict: an id its app already stored with other content, rejected).", "records",
        ("kind", "result"),
    ),
    MetricSpec(
        "valuewatch_ingest_queue_rows", "gauge",
        "Rows waiting in the collector's write queue.", "rows", (), multiprocess_mode="livesum",
    ),
    MetricSpec(
        "valuewatch_ingest_overload_total", "counter",
        "Requests refused with 503 because the write queue was full or the database down.",
        "requests", ("reason",),
    ),
    MetricSpec(
        "valuewatch_auth_failures_total", "counter",
        "Requests refused for their key: missing, unknown, revoked, of the wrong scope, or "
        "over the key's rate limit.", "requests", ("reason",),
    ),
    MetricSpec(
        "valuewatch_ingest_commit_duration_seconds", "histogram",
        "Time to commit one group of rows to the database.", "seconds", (),
        buckets=COMMIT_DURATION_BUCKETS,
    ),
    MetricSpec(
        "valuewatch_ingest_commit_rows", "histogram",
        "Rows written per group commit.", "rows", (),
        buckets=(1, 4, 16, 64, 256, 1024, 4096, 16384),
    ),
    MetricSpec(
        "valuewatch_label_overflow_total", "counter",
        "Label values folded into `other` because a label reached its cap of distinct values.",
        "values", ("label",),
    ),
    MetricSpec(
        "valuewatch_otlp_spans_total", "counter",
        "Spans received on POST /v1/traces, by result: accepted and duplicate GenAI spans, "
        "rejected GenAI spans with invalid values, ignored spans that are not LLM calls.",
        "spans", ("result",),
    ),
    MetricSpec(
        "valuewatch_otlp_log_records_total", "counter",
        "Log records received on POST /v1/logs and OTLP/gRPC, by result: accepted and "
        "duplicate gen_ai.evaluation.result events, rejected ones that make no graded "
        "sample, ignored records that are not evaluation results.",
        "records", ("result",),
    ),
    # Resource use, sampled by the collector (ratios 0..1, base units).
    _resource_gauge("valuewatch_host_cpu_utilization_ratio",
                    "CPU busy time of the host, as a fraction of all its CPUs.", "ratio"),
    _resource_gauge("valuewatch_host_memory_used_bytes",
                    "Memory in use on the host, or in the container when it has a memory limit.",
                    "bytes"),
    _resource_gauge("valuewatch_host_memory_total_bytes",
                    "Memory of the host, or the container's memory limit when it has one.",
                    "bytes"),
    _resource_gauge("valuewatch_process_cpu_utilization_ratio",
                    "CPU time of the watched process, as a fraction of all the host's CPUs.",
                    "ratio"),
    _resource_gauge("valuewatch_process_resident_memory_bytes",
                    "Resident memory of the watched process.", "bytes"),
    _resource_gauge("valuewatch_process_gpu_memory_used_bytes",
                    "GPU memory held by the watched process and its children (NVML).",
                    "bytes", GPU_LABELS),
    _resource_gauge("valuewatch_gpu_utilization_ratio",
                    "Fraction of the last sample period a GPU was running kernels (NVML).",
                    "ratio", GPU_LABELS),
    _resource_gauge("valuewatch_gpu_memory_used_bytes", "GPU memory in use.", "bytes",
                    GPU_LABELS),
    _resource_gauge("valuewatch_gpu_memory_total_bytes", "GPU memory installed.", "bytes",
                    GPU_LABELS),
    _resource_gauge("valuewatch_gpu_power_watts", "GPU power draw.", "watts", GPU_LABELS),
    _resource_gauge("valuewatch_gpu_temperature_celsius", "GPU core temperature.", "celsius",
                    GPU_LABELS),
    # Evaluator results: the latest closed window of each job, read at scrape time.
    _evaluator_gauge(
        "valuewatch_drift_score",
        "Drift of a signal in the latest window against its reference: the method's "
        "statistic or distance (see the method label).", "score", DRIFT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_drift_p_value",
        "p-value of the drift test, for the methods that are hypothesis tests "
        "(ks, chi_squared, z_test).", "probability", DRIFT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_drift_detected",
        "1 when the drift score crossed its threshold in the latest window, else 0.",
        "boolean", DRIFT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_drift_threshold",
        "Threshold the drift score is held to (a p-value for tests, a distance otherwise).",
        "score", DRIFT_LABELS,
    ),
    *_with_interval(
        "valuewatch_accuracy_ratio",
        "Share of graded samples answered correctly in the latest window.", "ratio",
        ACCURACY_LABELS,
    ),
    *_with_interval(
        "valuewatch_accuracy_corrected_ratio",
        "Share answered correctly in the latest window from the LLM judge's grades "
        "corrected by the human grades of the same calls (prediction-powered, PPI++).",
        "ratio", ACCURACY_LABELS,
    ),
    *_with_interval(
        "valuewatch_accuracy_score",
        "Mean grader score (0 to 1) in the latest window.", "score", ACCURACY_LABELS,
    ),
    *_with_interval(
        "valuewatch_feedback_thumbs_up_ratio",
        "Share of thumbs feedback that is thumbs up in the latest window.", "ratio",
        FEEDBACK_LABELS,
    ),
    *_with_interval(
        "valuewatch_feedback_csat_ratio",
        "Share of ratings that are 4 or 5 (CSAT) in the latest window.", "ratio",
        FEEDBACK_LABELS,
    ),
    *_with_interval(
        "valuewatch_feedback_rating_mean",
        "Mean user rating (1 to 5) in the latest window.", "rating", FEEDBACK_LABELS,
    ),
    *_with_interval(
        "valuewatch_feedback_score_mean",
        "Mean user score feedback (0 to 1) in the latest window.", "score", FEEDBACK_LABELS,
    ),
    *_with_interval(
        "valuewatch_segment_gap",
        "Fairness: the largest gap in the latest window between two segments of a call "
        "attribute (the segment label), highest minus lowest, in the metric's unit (a share "
        "for accuracy and positive_feedback, seconds for latency_s).", "value", SEGMENT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_segment_gap_p_value",
        "Fairness: p-value, Holm-corrected over an app and model's tests, of the test that "
        "every segment is alike (chi-squared for shares, Kruskal-Wallis for latency).",
        "probability", SEGMENT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_segment_gap_threshold",
        "Fairness: the smallest gap that counts (VALUEWATCH_FAIRNESS_GAP_MIN_*).", "value",
        SEGMENT_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_segment_value",
        "Fairness: a metric in one segment in the latest window; at most "
        "VALUEWATCH_SEGMENT_VALUES_MAX segment values per key, the rest as other.", "value",
        (*SEGMENT_LABELS, "segment_value"),
    ),
    _evaluator_gauge(
        "valuewatch_topic_share",
        "Topics: a theme's share of an app's calls in its newest daily window (the topic "
        "label: its first terms, at most 60 characters; status: new, growing, steady or "
        "fading); only with VALUEWATCH_TOPICS_ENABLED.", "ratio", ("app", "topic", "status"),
    ),
    _evaluator_gauge(
        "valuewatch_evaluation_samples",
        "Samples behind each latest evaluator result (the current window's, for drift).",
        "samples", ("evaluator", "app", "gen_ai_response_model", "subject", "statistic"),
    ),
    # Value: the KPI scorecard of the current month to date, read at scrape time.
    _evaluator_gauge(
        "valuewatch_kpi_value",
        "A business KPI for the current month to date, in the unit the unit label names.",
        "value", KPI_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_kpi_target",
        "The target a product owner set for a KPI, in the KPI's unit.", "value", KPI_LABELS,
    ),
    _evaluator_gauge(
        "valuewatch_kpi_score",
        "A KPI normalised to 0-100 against its target and direction.", "score",
        ("kpi", "dimension"),
    ),
    _evaluator_gauge(
        "valuewatch_value_score",
        "Value score from 0 to 100 per dimension for the current month to date; "
        'dimension="overall" is the weighted total.', "score", ("dimension",),
    ),
    _evaluator_gauge(
        "valuewatch_value_data_coverage_ratio",
        "Share of the current month's elapsed days with any call, feedback, grade or "
        "outcome: below 1 the value scores rest on a partial month.", "ratio", ("period",),
    ),
    _evaluator_gauge(
        "valuewatch_evaluator_last_success_timestamp_seconds",
        "Unix time at which each scheduled evaluator job last finished without error.",
        "seconds", ("evaluator",),
    ),
    *(MetricSpec(m.name, m.kind, m.help, m.unit, VLLM_LABELS, exported_by="external",
                 buckets=m.buckets) for m in VLLM_METRICS),
)


def spec(name: str) -> MetricSpec:
    """The catalog entry called `name`; KeyError names it when it is missing."""
    for entry in CATALOG:
        if entry.name == name:
            return entry
    raise KeyError(f"metric {name!r} is not in the catalog")
