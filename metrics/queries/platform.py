"""Queries on valuewatch and its host: resources, GPUs, the collector, the evaluators."""

from metrics.catalog import spec
from metrics.conventions import EVALUATOR_JOB_LABEL
from metrics.queries.promql import any_of, equals, gauge, quantile, ratio_or_zero, series, sum_rate

INGEST_RECORDS = spec("valuewatch_ingest_records_total").name
INGEST_OVERLOAD = spec("valuewatch_ingest_overload_total").name
AUTH_FAILURES = spec("valuewatch_auth_failures_total").name
EVALUATOR_LAST_SUCCESS = spec("valuewatch_evaluator_last_success_timestamp_seconds").name
BY_GPU = "instance, gpu"


def per_instance(metric: str) -> str:
    """A host or process gauge (CPU, memory, the write queue) per scraped instance."""
    return gauge(spec(metric).name, by="instance")


def per_gpu(metric: str) -> str:
    """A GPU gauge (busy ratio, power, temperature) per GPU of each scraped instance."""
    return gauge(spec(metric).name, by=BY_GPU)


def gpu_memory_ratio() -> str:
    """Share of each GPU's memory in use."""
    used = gauge(spec("valuewatch_gpu_memory_used_bytes").name, by=BY_GPU)
    return f"{used}\n/\n{gauge(spec('valuewatch_gpu_memory_total_bytes').name, by=BY_GPU)}"


def process_gpu_memory_ratio() -> str:
    """Share of each GPU's memory held by the watched (model server) process."""
    held = gauge(spec("valuewatch_process_gpu_memory_used_bytes").name, by=BY_GPU)
    return f"{held}\n/\n{gauge(spec('valuewatch_gpu_memory_total_bytes').name, by=BY_GPU)}"


def ingest_by_result(window: str) -> str:
    """Records received per second by kind and result (accepted, duplicate, rejected)."""
    return sum_rate("kind, result", INGEST_RECORDS, window=window)


def otlp_span_rate(window: str) -> str:
    """Spans received on /v1/traces per second by result (accepted, ..., ignored)."""
    return sum_rate("result", spec("valuewatch_otlp_spans_total").name, window=window)


def otlp_log_record_rate(window: str) -> str:
    """Log records received on /v1/logs (and gRPC) per second by result: evaluation events
    accepted, duplicate or rejected; other records ignored."""
    return sum_rate("result", spec("valuewatch_otlp_log_records_total").name, window=window)


def label_overflow_rate(window: str) -> str:
    """Label values folded into `other` per second, by label, once a label hits its cap."""
    return sum_rate("label", spec("valuewatch_label_overflow_total").name, window=window)


def ingest_rejected_ratio(window: str) -> str:
    """Share of received records the collector rejected, by record kind."""
    return ratio_or_zero("kind", INGEST_RECORDS, 'result="rejected"', window=window)


def ingest_overload_rate(window: str) -> str:
    """Requests refused with 503 per second, by reason (queue full, database down)."""
    return sum_rate("reason", INGEST_OVERLOAD, window=window)


def commit_duration_quantile(q: float, window: str) -> str:
    """The q-quantile of the time to commit one group of rows."""
    return quantile(q, spec("valuewatch_ingest_commit_duration_seconds").name, window=window)


def targets_up(jobs: tuple[str, ...]) -> str:
    """1 for each scrape target of `jobs` that answered its last scrape, 0 otherwise."""
    return gauge("up", f'job=~"{"|".join(filter(None, jobs))}"', by="job, instance")


def target_down(job: str) -> str:
    """Alert: a series only when no target of the scrape job `job` is up."""
    return f"absent({series('up', equals('job', job))} == 1)"


def evaluator_age(*matchers: str) -> str:
    """Seconds since each evaluator job last finished without error."""
    return f"time() - {gauge(EVALUATOR_LAST_SUCCESS, *matchers, by=EVALUATOR_JOB_LABEL)}"


def evaluator_stale(stale_after_s: tuple[tuple[str, float], ...]) -> str:
    """Alert: the age of each evaluator job whose last success is older than its limit."""
    return any_of(*(
        f"{evaluator_age(equals(EVALUATOR_JOB_LABEL, job))} > {limit:g}"
        for job, limit in stale_after_s
    ))


def gpu_memory_saturated(limit: float) -> str:
    """Alert: share of memory in use on each GPU, where over `limit`."""
    return f"{gpu_memory_ratio()} > {limit:g}"


def ingest_rejections(limit: float) -> str:
    """Alert: share of records rejected per kind over 15 minutes, where over `limit`."""
    return f"{ingest_rejected_ratio('15m')} > {limit:g}"


def ingest_overloaded() -> str:
    """Alert: 503s per second by reason over 5 minutes, where there are any."""
    return f"{ingest_overload_rate('5m')} > 0"


def auth_failure_rate(window: str) -> str:
    """Requests refused for their key per second, by reason."""
    return sum_rate("reason", AUTH_FAILURES, window=window)


def auth_failure_burst(limit: float) -> str:
    """Alert: refused keys per second by reason over 5 minutes, where over `limit`."""
    return f"{auth_failure_rate('5m')} > {limit:g}"
