"""Names, prefixes and patterns that generated rules, alerts and dashboards agree on.

As in Sloth's conventions module, they live here and nowhere else: the recording-rule
names, the labels the rules add, the alert prefix, the dashboard uids and the files written.
"""

import re

# Alerts.
ALERT_PREFIX = "Valuewatch"
ALERT_NAME = re.compile(r"^Valuewatch[A-Z][A-Za-z0-9]+$")
OUR_ALERTS_MATCHER = f'alertname=~"{ALERT_PREFIX}.+"'  # for Alertmanager routes
SEVERITY_LABEL = "severity"
PAGE = "page"
TICKET = "ticket"

# Recording rules are named level:metric:operations (Prometheus' naming practice); the
# SLO ones take Sloth's names with an `slo` label in place of Sloth's `sloth_*` labels.
RECORDING_RULE_NAME = re.compile(r"^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$")
SLO_LABEL = "slo"
SLI_ERROR_PREFIX = "slo:sli_error:ratio_rate"
# Every SLI window is a ratio of sums of these two per-second rates, not a mean of ratios.
SLI_ERROR_EVENTS_PREFIX = "slo:sli_error_events:rate"
SLI_TOTAL_EVENTS_PREFIX = "slo:sli_total_events:rate"
SLO_OBJECTIVE = "slo:objective:ratio"
SLO_ERROR_BUDGET = "slo:error_budget:ratio"
SLO_PERIOD_DAYS = "slo:time_period:days"
SLO_CURRENT_BURN_RATE = "slo:current_burn_rate:ratio"
SLO_PERIOD_BURN_RATE = "slo:period_burn_rate:ratio"
SLO_BUDGET_REMAINING = "slo:period_error_budget_remaining:ratio"

# The label naming the job of valuewatch_evaluator_last_success_timestamp_seconds; not
# `job`, which Prometheus keeps for the scrape job (it would store ours as exported_job).
EVALUATOR_JOB_LABEL = "evaluator"

SCRAPE_JOB_NAME = re.compile(r"^[A-Za-z0-9_.:/-]*$")  # no quotes or backslashes in matchers

# Files written by `valuewatch alerts build` and `valuewatch dashboards build`.
RULES_FILE = "valuewatch.rules.yaml"
PROMETHEUS_RULE_FILE = "valuewatch.prometheusrule.yaml"
ALERTMANAGER_FILE = "alertmanager.example.yaml"
RULES_MANIFEST_NAME = "valuewatch"
DASHBOARD_UID_PREFIX = "valuewatch-"
DASHBOARD_TAG = "valuewatch"


def sli_error_ratio(window: str) -> str:
    """The recording rule holding an SLO's error ratio over `window` (e.g. `5m`)."""
    return f"{SLI_ERROR_PREFIX}{window}"


def sli_error_events(window: str) -> str:
    """The recording rule holding an SLO's bad events per second over `window`."""
    return f"{SLI_ERROR_EVENTS_PREFIX}{window}"


def sli_total_events(window: str) -> str:
    """The recording rule holding an SLO's events (good and bad) per second over `window`."""
    return f"{SLI_TOTAL_EVENTS_PREFIX}{window}"


def runbook_anchor(alert: str) -> str:
    """The anchor of an alert's section in docs/runbook.md (its heading, lower-cased)."""
    return alert.lower()


def dashboard_file(uid: str) -> str:
    """The file a dashboard is written to, named after its uid."""
    return f"{uid.removeprefix(DASHBOARD_UID_PREFIX)}.json"
