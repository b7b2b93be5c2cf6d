"""Settings, read from `VALUEWATCH_*` environment variables by the CLI and passed down."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from metrics.types import as_utc

# What a drift window is compared with, unless a fixed baseline period is set: the
# window before it, the same window a week earlier (LLM traffic follows the hour of the
# day and the day of the week), or the 7 days before it.
DriftReference = Literal["previous_window", "last_week", "previous_7_days"]


class DriftOverride(BaseModel):
    """A drift method and/or threshold for one signal, instead of Evidently's default."""

    method: str | None = None
    threshold: float | None = Field(default=None, gt=0)


class Settings(BaseSettings):
    """Everything an operator can set. Built once in the CLI, never at import."""

    model_config = SettingsConfigDict(env_prefix="VALUEWATCH_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./valuewatch.db"

    # Ingest limits.
    max_body_bytes: int = 5 * 1024 * 1024
    # OTLP/gRPC (trace and logs services) beside the HTTP port; 0 turns it off.
    otlp_grpc_port: int = Field(default=4317, ge=0, le=65535)
    # PEM certificate (chain) and private key: HTTPS and gRPC over TLS on both ports.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # The rest of an over-limit body is read and dropped, up to these bounds, so that
    # clients that send before they read get the 413 rather than a connection reset.
    max_body_drain_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    max_body_drain_s: float = Field(default=10.0, ge=0)
    max_records_per_request: int = 5000
    max_queue_rows: int = 50_000
    max_requests_in_progress: int = Field(default=64, ge=1)  # ingest POSTs; more get 503
    max_batch_rows: int = 10_000
    max_clock_skew_s: float = 300.0
    max_record_age_days: int = 400
    label_value_limit: int = 100

    # Security and privacy.
    metrics_require_key: bool = False
    rate_limit_per_s: float = Field(default=1000.0, ge=0)  # requests a second per key; 0: off
    rate_limit_burst: float = Field(default=2000.0, ge=1)
    cors_origins: list[str] = []  # e.g. ["https://app.example.com"] for a feedback widget
    key_refresh_s: float = 5.0
    ui_session_hours: float = Field(default=8.0, gt=0)  # a /ui/ sign-in lasts this long
    user_hash_salt: SecretStr | None = None
    store_content: bool = False
    # More attribute keys that carry content (e.g. ["ticket_body"]): dropped or redacted
    # like prompts, and blanked with them.
    content_keys: list[str] = []
    # Content (with store_content) is blanked this long after it arrived; none: kept as
    # long as its record (retention_days).
    content_retention_hours: float | None = Field(default=None, gt=0)

    price_table: Path | None = None

    # Resource sampler: CPU, memory and NVIDIA GPUs.
    resource_sampler_enabled: bool = True
    resource_sample_interval_s: float = Field(default=15.0, gt=0)
    resource_persist_interval_s: float = Field(default=60.0, gt=0)
    watched_pid: int | None = None  # the process whose CPU and memory are sampled; default: self
    # Or the model server's process by name (e.g. vllm), found again when it restarts; its
    # and its children's GPU memory are sampled too. watched_pid wins when both are set.
    watched_process: str | None = Field(default=None, min_length=1, max_length=200)

    # Evaluators: scheduled jobs over closed windows (intervals and windows in seconds).
    scheduler_enabled: bool = True  # false for sidecars; `valuewatch evaluate` runs them apart
    evaluation_lateness_s: float = Field(default=120.0, ge=0)  # wait this long after a window ends
    catch_up_windows: int = Field(default=24, ge=1)  # most windows evaluated after downtime
    # How often the evaluator gauges are re-read from the database (also after each job),
    # so that one replica shows what another computed.
    evaluator_metrics_refresh_s: float = Field(default=15.0, gt=0)
    drift_interval_s: float = Field(default=3600.0, gt=0)  # also the drift window's length
    accuracy_interval_s: float = Field(default=300.0, gt=0)
    accuracy_window_s: float = Field(default=3600.0, gt=0)
    accuracy_target: float = Field(default=0.9, gt=0, le=1)
    feedback_interval_s: float = Field(default=300.0, gt=0)
    feedback_window_s: float = Field(default=3600.0, gt=0)
    rollup_interval_s: float = Field(default=86_400.0, gt=0)  # rolls up every closed UTC day
    retention_interval_s: float = Field(default=86_400.0, gt=0)
    # PostgreSQL: raw tables have a partition a day, made this many days ahead.
    partition_days_ahead: int = Field(default=7, ge=1, le=366)
    retention_days: int = Field(default=90, ge=1)  # raw records kept; daily rollups are kept
    # Windows that receive late records are evaluated again for this long (default: the
    # retention period, at most that: older raw records may be gone), a bounded number a run.
    reevaluation_horizon_days: int | None = Field(default=None, ge=1)
    reevaluation_windows_per_run: int = Field(default=500, ge=1)
    drift_sample_size: int = Field(default=100_000, ge=100)  # reservoir per signal and window
    drift_reference: DriftReference = "last_week"  # the previous window until a week is stored
    drift_baseline_start: datetime | None = None  # a fixed reference period, instead of
    drift_baseline_end: datetime | None = None  # drift_reference
    drift_overrides: dict[str, DriftOverride] = {}  # e.g. {"latency_s": {"method": "psi"}}
    drift_config: Path | None = None  # YAML: {signal: {method, threshold}}; drift_overrides win

    # Fairness: accuracy, positive feedback and latency compared across segments of calls,
    # a segment being the value of a call attribute (e.g. "language,tier"; "": none).
    segments: str = Field(default="", pattern=r"^[A-Za-z0-9_.\-]*(,[A-Za-z0-9_.\-]+)*$")
    segment_values_max: int = Field(default=20, ge=2, le=100)  # the rest fold into "other"
    fairness_interval_s: float = Field(default=3600.0, gt=0)
    fairness_window_s: float = Field(default=86_400.0, gt=0)
    fairness_alpha: float = Field(default=0.01, gt=0, lt=1)  # after the Holm correction
    fairness_min_samples: int = Field(default=30, ge=2)  # a segment with fewer is left out
    fairness_gap_min_ratio: float = Field(default=0.05, ge=0, le=1)  # accuracy, feedback
    fairness_gap_min_latency_s: float = Field(default=0.5, ge=0)  # mean latency

    # Value: KPIs and scorecard (month to date, hourly) and the monthly value report.
    value_config: Path | None = None  # YAML (see examples/value.yaml); default: the shipped one
    kpi_interval_s: float = Field(default=3600.0, gt=0)
    report_interval_s: float = Field(default=86_400.0, gt=0)  # a draft daily, final at month end
    report_dir: Path = Path("reports")  # where closed months' reports are written
    # Delivery of each closed month's final report, once per channel, retried every run.
    public_base_url: str | None = None  # e.g. https://valuewatch.example.com: report links
    delivery_interval_s: float = Field(default=300.0, gt=0)
    delivery_timeout_s: float = Field(default=30.0, gt=0)
    report_webhook_url: str | None = None  # POST {"text": summary and link}, Slack-compatible
    smtp_host: str | None = None  # e-mail the HTML report with the PDF attached
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_from: str | None = None
    smtp_to: list[str] = []  # JSON list: ["cfo@example.com", "ops@example.com"]
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None

    # Topics: themes in prompt text, found only where the operator opts in. Once a day's
    # themes are found its calls' content is blanked, and no content is kept longer than
    # topics_content_hours after it arrived (the preferences export sees none after that).
    topics_enabled: bool = False
    topics_interval_s: float = Field(default=86_400.0, gt=0)  # one window a day
    topics_content_hours: float = Field(default=24.0, gt=0, le=24 * 7)
    topics_min_users: int = Field(default=5, ge=2)  # k: fewer distinct users, no terms kept
    topics_max_themes: int = Field(default=8, ge=2, le=30)

    # SLOs and alerts: `valuewatch alerts build` and `valuewatch dashboards build`.
    slo_period_days: int = Field(default=30, ge=1)
    slo_availability_target: float = 0.99  # share of calls that do not fail
    slo_latency_target: float = 0.95  # share of successful calls under the threshold
    slo_latency_threshold_s: float = 2.56  # a gen_ai_client_operation_duration_seconds bucket
    slo_accuracy_target: float = 0.9  # share of graded calls (right or wrong) judged correct
    slo_positive_feedback_target: float = 0.8  # share of positive and negative feedback positive
    alerts_runbook_url: str = "https://github.com/valuewatch/valuewatch/blob/main/docs/runbook.md"
    alerts_collector_job: str = "valuewatch"  # Prometheus scrape job names
    alerts_evaluator_job: str = "valuewatch-evaluator"  # "" when `serve` runs the evaluators
    alerts_incident_webhook_url: str = "http://valuewatch:8000/api/v1/alertmanager"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production":
            salt = self.user_hash_salt
            if salt is not None and len(salt.get_secret_value()) < 16:
                raise ValueError("VALUEWATCH_USER_HASH_SALT must be at least 16 characters")
            if "*" in self.cors_origins:
                raise ValueError("VALUEWATCH_CORS_ORIGINS may not be * in production")
            if self.max_body_bytes > 64 * 1024 * 1024:
                raise ValueError("VALUEWATCH_MAX_BODY_BYTES above 64 MiB is unsafe in production")
        return self

    @property
    def segment_keys(self) -> tuple[str, ...]:
        """The call attributes fairness compares segments by, in the order given."""
        return tuple(dict.fromkeys(key for key in self.segments.split(",") if key))

    @property
    def report_channels(self) -> tuple[str, ...]:
        """Where final reports are sent: "email", "webhook", both or neither."""
        email = ("email",) if self.smtp_host else ()
        return (*email, *(("webhook",) if self.report_webhook_url else ()))

    @model_validator(mode="after")
    def _email_has_sender_and_recipients(self) -> "Settings":
        if self.smtp_host and (not self.smtp_from or not self.smtp_to):
            raise ValueError("VALUEWATCH_SMTP_HOST needs VALUEWATCH_SMTP_FROM and _SMTP_TO")
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("set both VALUEWATCH_SMTP_USERNAME and _PASSWORD, or neither")
        return self

    @property
    def reevaluation_horizon(self) -> timedelta:
        """How far back late records make evaluated windows stale."""
        return timedelta(days=self.reevaluation_horizon_days or self.retention_days)

    @model_validator(mode="after")
    def _horizon_within_retention(self) -> "Settings":
        horizon = self.reevaluation_horizon_days
        if horizon is not None and horizon > self.retention_days:
            raise ValueError(
                "VALUEWATCH_REEVALUATION_HORIZON_DAYS may not exceed VALUEWATCH_RETENTION_DAYS: "
                "windows older than the retention period lack their raw records"
            )
        return self

    @model_validator(mode="after")
    def _baseline_is_a_period(self) -> "Settings":
        start, end = self.drift_baseline_start, self.drift_baseline_end
        if (start is None) != (end is None):
            raise ValueError("set both VALUEWATCH_DRIFT_BASELINE_START and _END, or neither")
        if start is not None and end is not None and as_utc(start) >= as_utc(end):
            raise ValueError("VALUEWATCH_DRIFT_BASELINE_START must be before _END")
        return self

    def tls_pair(self) -> tuple[Path, Path] | None:
        """(certificate, private key) when TLS is on, else None."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        return self.tls_cert, self.tls_key

    @model_validator(mode="after")
    def _tls_pair(self) -> "Settings":
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("set both VALUEWATCH_TLS_CERT and VALUEWATCH_TLS_KEY, or neither")
        return self
