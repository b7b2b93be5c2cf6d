"""The generated rules, PrometheusRule and Alertmanager example against their golden files,
and the Helm chart's copy of the rules against the generator."""

from pathlib import Path
from typing import Any

import pytest

from alerts.pipeline import alert_files
from metrics.conventions import ALERTMANAGER_FILE, PROMETHEUS_RULE_FILE, RULES_FILE
from tests.golden.compare import (
    GOLDEN,
    HELM_FILES,
    check_generated_file,
)

STRICT: dict[str, Any] = {
    "slo_availability_target": 0.999, "slo_latency_target": 0.99,
    "slo_latency_threshold_s": 1.28, "slo_period_days": 28, "accuracy_target": 0.95,
    "alerts_evaluator_job": "", "alerts_runbook_url": "https://runbooks.example.com/valuewatch",
    "alerts_incident_webhook_url": "https://valuewatch.example.com/api/v1/alertmanager",
}

CASES = [
    ("the default settings give recording rules for two SLOs and every alert",
     {}, GOLDEN / "default" / RULES_FILE, RULES_FILE),
    ("the default settings give the same groups as a PrometheusRule",
     {}, GOLDEN / "default" / PROMETHEUS_RULE_FILE, PROMETHEUS_RULE_FILE),
    ("the default settings give an Alertmanager example that pages, files tickets and "
     "tells valuewatch", {}, GOLDEN / "default" / ALERTMANAGER_FILE, ALERTMANAGER_FILE),
    ("a 99.9% objective over 28 days, a 1.28 s threshold and in-process evaluators give "
     "rescaled burn rates and no evaluator-absent alert",
     STRICT, GOLDEN / "strict" / RULES_FILE, RULES_FILE),
    ("a custom incident URL reaches the Alertmanager example",
     STRICT, GOLDEN / "strict" / ALERTMANAGER_FILE, ALERTMANAGER_FILE),
    ("the Helm chart ships the rules the default settings give",
     {}, HELM_FILES / "rules" / RULES_FILE, RULES_FILE),
]


@pytest.mark.parametrize(("overrides", "golden", "name"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_generated_files_match_their_golden_files(
    overrides: dict[str, Any], golden: Path, name: str
) -> None:
    check_generated_file(alert_files, overrides, golden, name)
