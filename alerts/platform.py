"""Alerts on valuewatch itself: targets gone, evaluators stale, GPUs full, ingest refused,
keys refused."""

from alerts.rules import AlertRule, RuleGroup, alert
from metrics.conventions import EVALUATOR_JOB_LABEL, PAGE, TICKET
from metrics.monitoring import MonitoringConfig
from metrics.queries import platform


def target_absent(name: str, job: str, severity: str, for_: str, blind_to: str) -> AlertRule:
    """Fires when no target of the scrape job `job` is up, or none is scraped at all."""
    return alert(
        f"{name}Absent", severity, platform.target_down(job), for_=for_,
        labels={"job": job},  # absent() of a comparison keeps no label of its own
        summary=f"Prometheus has no {name.lower()} target up in job {job}.",
        description=f"No target of scrape job {job} answered for {for_}, or the job has no "
        f"target at all: {blind_to}.",
    )


def platform_group(config: MonitoringConfig) -> RuleGroup:
    """Targets absent, evaluators stale, GPU memory saturated, ingest rejecting or refusing."""
    limits = config.thresholds
    absent = [target_absent(
        "Collector", config.collector_job, PAGE, "5m",
        "LLM calls may go unrecorded and every other valuewatch alert is blind",
    )]
    if config.evaluator_job:
        absent.append(target_absent(
            "Evaluator", config.evaluator_job, TICKET, "15m",
            "drift, accuracy and feedback results stop being exported",
        ))
    return RuleGroup("valuewatch-platform", (
        *absent,
        alert("EvaluatorStale", TICKET, platform.evaluator_stale(config.stale_after_s()),
              summary=f"Evaluator job {{{{ $labels.{EVALUATOR_JOB_LABEL} }}}} last succeeded "
              "{{ $value | humanizeDuration }} ago.",
              description=f"It has missed {limits.evaluator_stale_intervals} runs in a row, so "
              "the results it exports or writes (drift, accuracy, feedback, KPIs, rollups, "
              "reports) are out of date."),
        alert("GpuMemorySaturated", TICKET,
              platform.gpu_memory_saturated(limits.gpu_memory_saturation), for_="15m",
              summary="GPU {{ $labels.gpu }} on {{ $labels.instance }} has "
              "{{ $value | humanizePercentage }} of its memory in use.",
              description=f"Over {limits.gpu_memory_saturation * 100:.10g}% for 15 minutes: "
              "the next large batch or long context may fail with out-of-memory errors."),
        alert("IngestRejections", TICKET,
              platform.ingest_rejections(limits.ingest_rejected_ratio), for_="15m",
              summary="The collector rejects {{ $value | humanizePercentage }} of "
              "{{ $labels.kind }} records.",
              description=f"Over {limits.ingest_rejected_ratio * 100:.10g}% of records are "
              "refused as invalid (HTTP 4xx): a client sends bad fields, and those records "
              "are lost."),
        alert("IngestOverloaded", PAGE, platform.ingest_overloaded(), for_="10m",
              summary='The collector refuses {{ $value | printf "%.3g" }} requests a second '
              "with 503 ({{ $labels.reason }}).",
              description="For 10 minutes the write queue has been full (queue_full) or the "
              "database down (database). Clients that do not retry lose their records."),
        alert("AuthFailureBurst", TICKET, platform.auth_failure_burst(limits.auth_failures_per_s),
              for_="5m",
              summary='The collector refuses {{ $value | printf "%.3g" }} keys a second '
              "({{ $labels.reason }}).",
              description=f"Over {limits.auth_failures_per_s:g} a second for 5 minutes: a "
              "client with a wrong, revoked or under-scoped key, or someone guessing keys. "
              "GET /api/v1/audit?action=auth.failure says from where."),
    ))
