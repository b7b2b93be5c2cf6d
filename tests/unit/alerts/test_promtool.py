"""The generated rules through Prometheus' own tools: `promtool check rules`, the unit tests
in tests/promtool/ (every alert fires in one case and stays quiet in another), and
`amtool check-config` on the Alertmanager example."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.rules import AlertRule
from metrics.conventions import ALERTMANAGER_FILE, RULES_FILE
from tests.golden.compare import GOLDEN, ROOT

PROMTOOL_TESTS = sorted((ROOT / "tests" / "promtool").glob("*.yaml"))
CONFIGS = ("default", "strict")


def run(command: list[str]) -> tuple[int, str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("config", CONFIGS,
                         ids=[f"promtool accepts the {c} rules" for c in CONFIGS])
def test_promtool_check_rules_accepts_the_generated_rules(promtool: str, config: str) -> None:
    code, output = run([promtool, "check", "rules", str(GOLDEN / config / RULES_FILE)])
    assert code == 0, output
    assert "SUCCESS" in output


@pytest.mark.parametrize("path", PROMTOOL_TESTS, ids=[
    f"the {p.stem.replace('_', ' ')} alerts fire and stay quiet as promtool's cases expect"
    for p in PROMTOOL_TESTS
])
def test_promtool_unit_tests_pass_on_the_generated_rules(promtool: str, path: Path) -> None:
    code, output = run([promtool, "test", "rules", str(path)])
    assert code == 0, output


def alert_cases() -> list[dict[str, Any]]:
    """Every alert_rule_test case of tests/promtool/."""
    return [
        case
        for path in PROMTOOL_TESTS
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]


def test_every_alert_fires_in_one_promtool_case_and_stays_quiet_in_another(
    alerts: list[AlertRule],
) -> None:
    cases = alert_cases()
    fires = {c["alertname"] for c in cases if c.get("exp_alerts")}
    quiet = {c["alertname"] for c in cases if not c.get("exp_alerts")}
    names = {alert.alert for alert in alerts}
    assert (names - fires, names - quiet) == (set(), set())
    assert PROMTOOL_TESTS, "no promtool tests found"


@pytest.mark.parametrize("config", CONFIGS,
                         ids=[f"amtool accepts the {c} Alertmanager example" for c in CONFIGS])
def test_amtool_accepts_the_alertmanager_example(amtool: str, config: str) -> None:
    code, output = run([amtool, "check-config", str(GOLDEN / config / ALERTMANAGER_FILE)])
    assert code == 0, output
    assert "SUCCESS" in output


@pytest.mark.parametrize(("labels", "receivers"), [
    (["severity=page", "alertname=ValuewatchAvailabilityFastBurn"], "valuewatch-incidents,pager"),
    (["severity=ticket", "alertname=ValuewatchDriftDetected"], "valuewatch-incidents,tickets"),
    (["severity=page", "alertname=KubeNodeNotReady"], "pager"),
], ids=["a valuewatch page goes to the pager and to valuewatch's incident endpoint",
        "a valuewatch ticket goes to the ticket queue and to valuewatch",
        "another system's page goes only to the pager"])
def test_the_alertmanager_example_routes_by_severity(
    amtool: str, labels: list[str], receivers: str
) -> None:
    code, output = run([amtool, "config", "routes", "test",
                        f"--config.file={GOLDEN / 'default' / ALERTMANAGER_FILE}", *labels])
    assert code == 0, output
    assert output.splitlines()[0] == receivers
