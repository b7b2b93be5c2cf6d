"""values.schema.json, the refusals in the templates, and a strict `helm lint`."""

from pathlib import Path
from typing import Any

import helm_python
import pytest

from tests.unit.helm.chart import CASES, CHART, KUBERNETES_VERSION, Case, chart_with_files, render

WARNING = 2


def lint_findings(chart: Path, values: dict[str, Any]) -> list[str]:
    """Lint warnings and errors of a strict `helm lint`; infos (icon is recommended) pass."""
    report = helm_python.lint(chart, values, strict=True,
                              kube_version=f"v{KUBERNETES_VERSION}")
    return [f"{m['path']}: {m['error']}" for m in report["messages"]
            if m["severity"] >= WARNING] + report["errors"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_strict_lint_finds_nothing_to_warn_about(case: Case, tmp_path: Path) -> None:
    assert lint_findings(CHART, case.values) == []
    assert lint_findings(chart_with_files(tmp_path), case.values) == []


def test_strict_lint_reports_a_bad_environment() -> None:
    findings = lint_findings(CHART, {"environment": "staging"})
    assert any("/environment" in finding for finding in findings)


@pytest.mark.parametrize(("values", "where"), [
    pytest.param({"environment": "staging"}, "/environment",
                 id="an environment other than development or production"),
    pytest.param({"logLevel": "verbose"}, "/logLevel", id="an unknown log level"),
    pytest.param({"collector": {"replicas": 0}}, "/collector/replicas", id="no collector replica"),
    pytest.param({"database": {"userHashSalt": "too-short"}}, "/database/userHashSalt",
                 id="a salt under 16 characters"),
    pytest.param({"database": {"url": "mysql://vw@db/vw"}}, "/database/url",
                 id="a database other than PostgreSQL or SQLite"),
    pytest.param({"settings": {"VALUEWATCH_DATABASE_URL": "sqlite:///x.db"}},
                 "VALUEWATCH_DATABASE_URL", id="a setting the chart manages itself"),
    pytest.param({"settings": {"RETENTION_DAYS": "30"}}, "RETENTION_DAYS",
                 id="a setting without the VALUEWATCH_ prefix"),
    pytest.param({"serviceMonitor": {"interval": "often"}}, "/serviceMonitor/interval",
                 id="a scrape interval that is no duration"),
    pytest.param({"replicas": 3}, "replicas", id="a misspelt top-level key"),
])
def test_the_schema_refuses(values: dict[str, Any], where: str) -> None:
    with pytest.raises(helm_python.HelmValuesError, match=where):
        render(values)


SQLITE = {"database": {"sqlite": {"enabled": True}}}


@pytest.mark.parametrize(("values", "message"), [
    pytest.param(SQLITE, "allows one collector replica, not collector.replicas=2",
                 id="SQLite with the default two replicas"),
    pytest.param({**SQLITE, "collector": {"replicas": 3}}, "not collector.replicas=3",
                 id="SQLite with three replicas"),
    pytest.param({**SQLITE, "collector": {"replicas": 1}, "sidecar": {"enabled": True}},
                 "sidecar.enabled needs PostgreSQL", id="SQLite with sidecars in other pods"),
    pytest.param({"sidecar": {"enabled": True}, "evaluator": {"enabled": False}},
                 "sidecar.enabled needs evaluator.enabled",
                 id="sidecars with no evaluator to run the jobs"),
    pytest.param({"database": {"url": ""}}, "set database.url",
                 id="PostgreSQL with no URL and no existing secret"),
])
def test_the_templates_refuse(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm_python.HelmRenderError, match=message):
        render(values)


def test_the_default_values_satisfy_the_schema() -> None:
    with helm_python.Chart.load(CHART) as chart:
        chart.validate_schema(chart.values)
        assert chart.metadata["apiVersion"] == "v2"
        assert chart.metadata["appVersion"] == "0.1.0"
