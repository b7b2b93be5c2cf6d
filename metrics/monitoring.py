"""The one config object that the generated alerts, recording rules and dashboards share.

Built from the settings by `load_monitoring` and checked by `validate_monitoring`, which
refuses, naming the setting, anything that would make a rule silently never fire.
"""

from dataclasses import dataclass, field

from metrics.catalog import OPERATION_DURATION_BUCKETS
from metrics.conventions import SCRAPE_JOB_NAME
from metrics.settings import Settings
from metrics.slo import SLO
from metrics.value.config import load_value_config


@dataclass(frozen=True)
class Thresholds:
    """Where the alerts that are not SLOs draw the line. Defaults are the runbook's."""

    cost_spike_factor: float = 2.0  # cost per hour against the same hour a week ago
    cost_spike_min_usd_per_hour: float = 1.0  # below this, a doubling is noise
    thumbs_up_drop: float = 0.2  # relative drop of the thumbs-up ratio from its 7-day mean
    gpu_memory_saturation: float = 0.95
    ingest_rejected_ratio: float = 0.05
    auth_failures_per_s: float = 1.0  # refused keys a second: a guessing or misconfigured client
    evaluator_stale_intervals: int = 3  # missed runs before an evaluator is stale
    vllm_waiting_requests: float = 10  # requests queued in one vLLM server, and not shrinking
    vllm_kv_cache_saturation: float = 0.9  # share of a vLLM engine's KV cache in use


@dataclass(frozen=True)
class MonitoringConfig:
    """SLOs, targets, scrape job names and links for everything generated."""

    slos: tuple[SLO, ...]
    period_days: int
    accuracy_target: float
    runbook_url: str  # docs/runbook.md as served somewhere; alerts link to its anchors
    collector_job: str  # the Prometheus scrape job of the collector
    evaluator_job: str  # of `valuewatch evaluate`; "" when `serve` runs the evaluators
    incident_webhook_url: str  # valuewatch's POST /api/v1/alertmanager
    evaluator_intervals_s: tuple[tuple[str, float], ...]  # (job, seconds between runs)
    evaluation_lateness_s: float
    currency: str = "USD"  # of the money KPIs, from the value config
    fairness_alpha: float = 0.01  # a segment gap's corrected p-value must be under this
    thresholds: Thresholds = field(default_factory=Thresholds)

    def slo(self, kind: str) -> SLO:
        """The SLO of `kind`; KeyError names it when missing."""
        for slo in self.slos:
            if slo.kind == kind:
                return slo
        raise KeyError(f"no {kind} SLO")

    def stale_after_s(self) -> tuple[tuple[str, float], ...]:
        """Per evaluator job, the age of its last success past which it is stale."""
        runs = self.thresholds.evaluator_stale_intervals
        return tuple(
            (job, runs * interval + self.evaluation_lateness_s)
            for job, interval in self.evaluator_intervals_s
        )


def load_monitoring(settings: Settings) -> MonitoringConfig:
    """The config the settings describe, not yet validated (the value config is read and
    checked here: ValueConfigError names a bad key)."""
    s = settings
    return MonitoringConfig(
        slos=(
            SLO("availability", s.slo_availability_target),
            SLO("latency", s.slo_latency_target, latency_threshold_s=s.slo_latency_threshold_s),
            SLO("accuracy", s.slo_accuracy_target),
            SLO("positive_feedback", s.slo_positive_feedback_target),
        ),
        period_days=s.slo_period_days,
        accuracy_target=s.accuracy_target,
        runbook_url=s.alerts_runbook_url,
        collector_job=s.alerts_collector_job,
        evaluator_job=s.alerts_evaluator_job,
        incident_webhook_url=s.alerts_incident_webhook_url,
        evaluator_intervals_s=(
            ("drift", s.drift_interval_s), ("accuracy", s.accuracy_interval_s),
            ("feedback", s.feedback_interval_s), ("rollup", s.rollup_interval_s),
            ("retention", s.retention_interval_s), ("kpis", s.kpi_interval_s),
            ("report", s.report_interval_s),
        ),
        evaluation_lateness_s=s.evaluation_lateness_s,
        currency=load_value_config(s.value_config).currency,
        fairness_alpha=s.fairness_alpha,
    )


def validate_monitoring(config: MonitoringConfig) -> MonitoringConfig:
    """`config` itself when every value makes sense; ValueError naming the setting if not."""
    problems = []
    for slo in config.slos:
        if not 0 < slo.objective < 1:
            problems.append(f"VALUEWATCH_SLO_{slo.kind.upper()}_TARGET must be between 0 and 1")
        threshold = slo.latency_threshold_s
        if slo.kind == "latency" and threshold not in OPERATION_DURATION_BUCKETS:
            bounds = ", ".join(f"{b:g}" for b in OPERATION_DURATION_BUCKETS)
            problems.append(
                f"VALUEWATCH_SLO_LATENCY_THRESHOLD_S={threshold} is not a bucket boundary of "
                f"gen_ai_client_operation_duration_seconds; pick one of {bounds}"
            )
    if not config.runbook_url:
        problems.append("VALUEWATCH_ALERTS_RUNBOOK_URL is required: every alert links to it")
    if not config.collector_job:
        problems.append("VALUEWATCH_ALERTS_COLLECTOR_JOB is required")
    for name, job in (("COLLECTOR", config.collector_job), ("EVALUATOR", config.evaluator_job)):
        if not SCRAPE_JOB_NAME.match(job):
            problems.append(f"VALUEWATCH_ALERTS_{name}_JOB={job!r} has characters a "
                            "label matcher cannot hold")
    if problems:
        raise ValueError("; ".join(problems))
    return config
