"""ServiceMonitors, the PodMonitor, the PrometheusRule and the dashboard ConfigMaps:
shaped as the Prometheus Operator and Grafana's sidecar in kube-prometheus-stack read them."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from metrics.settings import Settings
from tests.unit.helm.chart import (
    CHART,
    DEFAULT,
    EXISTING_SECRET,
    FIXTURE_FILES,
    SIDECAR,
    SQLITE_TRIAL,
    Case,
    Manifest,
    chart_with_files,
    manifests,
    named,
    of_kind,
    render,
)

MONITORING_API = "monitoring.coreos.com/v1"


def rules_groups(files: Path) -> list[dict[str, Any]]:
    """The groups of every rules file under files/rules, in file-name order."""
    groups: list[dict[str, Any]] = []
    for path in sorted((files / "rules").glob("*.yaml")):
        groups += (yaml.safe_load(path.read_text()) or {}).get("groups", [])
    return groups


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


@pytest.mark.parametrize(("case", "monitors"), [
    (DEFAULT, 2), (EXISTING_SECRET, 2), (SQLITE_TRIAL, 1), (SIDECAR, 1),
], ids=lambda x: x.name if isinstance(x, Case) else f"{x} ServiceMonitor(s)")
def test_each_service_monitor_selects_one_service_and_scrapes_a_port_it_has(
        case: Case, monitors: int) -> None:
    rendered = manifests(render(case.values))
    services = of_kind(rendered, "Service")
    found = of_kind(rendered, "ServiceMonitor")
    assert len(found) == monitors
    for monitor in found:
        assert monitor["apiVersion"] == MONITORING_API
        assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert set(monitor["spec"]) == {"selector", "endpoints"}
        selector = monitor["spec"]["selector"]["matchLabels"]
        (service,) = [s for s in services if selects(selector, s["metadata"]["labels"])]
        ports = {port["name"] for port in service["spec"]["ports"]}
        for endpoint in monitor["spec"]["endpoints"]:
            assert endpoint["port"] in ports
            assert endpoint["path"] == "/metrics"
            assert endpoint["interval"] == "30s"


def test_the_scrape_jobs_are_named_as_the_generated_alert_rules_expect() -> None:
    settings = Settings()
    rendered = manifests(render(DEFAULT.values))
    jobs = {monitor["metadata"]["name"]: monitor["spec"]["endpoints"][0]["relabelings"]
            for monitor in of_kind(rendered, "ServiceMonitor")}
    assert jobs == {
        "valuewatch": [{"action": "replace", "targetLabel": "job",
                        "replacement": settings.alerts_collector_job}],
        "valuewatch-evaluator": [{"action": "replace", "targetLabel": "job",
                                  "replacement": settings.alerts_evaluator_job}],
    }


def test_the_pod_monitor_scrapes_the_port_the_sidecar_snippet_names() -> None:
    rendered = render(SIDECAR.values)
    (monitor,) = of_kind(manifests(rendered), "PodMonitor")
    assert monitor["apiVersion"] == MONITORING_API
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert monitor["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/name": "vllm"}}
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] == "valuewatch"
    assert endpoint["relabelings"][0]["replacement"] == "valuewatch"
    snippet = yaml.safe_load((CHART / "sidecar-snippet.yaml").read_text())
    assert endpoint["port"] in {p["name"] for p in snippet["containers"][0]["ports"]}


def test_a_read_key_secret_authorizes_the_scrapes() -> None:
    values = {"serviceMonitor": {"authorization": {"secretName": "vw-read", "secretKey": "key"}}}
    for monitor in of_kind(manifests(render(values)), "ServiceMonitor"):
        assert monitor["spec"]["endpoints"][0]["authorization"] == {
            "type": "Bearer", "credentials": {"name": "vw-read", "key": "key"}}


def test_the_extra_labels_and_the_interval_are_configurable(tmp_path: Path) -> None:
    chart = chart_with_files(tmp_path)
    values = {"serviceMonitor": {"additionalLabels": {"release": "prometheus"}, "interval": "1m"},
              "prometheusRule": {"additionalLabels": {"release": "prometheus"}}}
    rendered = manifests(render(values, chart))
    monitors = of_kind(rendered, "ServiceMonitor") + of_kind(rendered, "PrometheusRule")
    assert [m["metadata"]["labels"]["release"] for m in monitors] == ["prometheus"] * 3
    assert {m["spec"]["endpoints"][0]["interval"]
            for m in of_kind(rendered, "ServiceMonitor")} == {"1m"}


def test_the_prometheus_rule_holds_every_group_of_the_rules_files_verbatim(
        tmp_path: Path) -> None:
    rendered = manifests(render({}, chart_with_files(tmp_path)))
    rule = named(rendered, "PrometheusRule", "valuewatch")
    assert rule["apiVersion"] == MONITORING_API
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert set(rule["spec"]) == {"groups"}
    assert rule["spec"]["groups"] == rules_groups(FIXTURE_FILES)
    alert = rule["spec"]["groups"][1]["rules"][0]
    assert alert["annotations"]["description"] == (
        "No target of scrape job {{ $labels.job }} answered for 5m (value {{ $value }}).")


def test_the_generated_rules_files_become_the_prometheus_rule() -> None:
    groups = rules_groups(CHART / "files")
    found = of_kind(manifests(render({})), "PrometheusRule")
    assert [rule["spec"]["groups"] for rule in found] == ([groups] if groups else [])


@pytest.mark.promtool
@pytest.mark.parametrize("source", ["fixture", "generated"])
def test_promtool_accepts_the_prometheus_rule_groups(
        source: str, promtool: str, tmp_path: Path) -> None:
    chart = chart_with_files(tmp_path) if source == "fixture" else CHART
    found = of_kind(manifests(render({}, chart)), "PrometheusRule")
    if source == "generated" and not found:
        assert rules_groups(CHART / "files") == []
        return
    (rule,) = found
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    checked = subprocess.run([promtool, "check", "rules", str(rules)],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def dashboard_maps(rendered: list[Manifest]) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in of_kind(rendered, "ConfigMap")
            if m["metadata"]["labels"].get("grafana_dashboard") == "1"}


@pytest.mark.parametrize("source", ["fixture", "generated"])
def test_each_dashboard_file_becomes_one_labelled_config_map_with_its_json(
        source: str, tmp_path: Path) -> None:
    chart = chart_with_files(tmp_path) if source == "fixture" else CHART
    maps = dashboard_maps(manifests(render({}, chart)))
    files = sorted((chart / "files" / "dashboards").glob("*.json"))
    assert len(maps) == len(files)
    embedded = {key: json.loads(text) for m in maps.values() for key, text in m["data"].items()}
    assert embedded == {path.name: json.loads(path.read_text()) for path in files}


def test_dashboard_config_maps_are_named_after_their_files(tmp_path: Path) -> None:
    maps = dashboard_maps(manifests(render({}, chart_with_files(tmp_path))))
    assert sorted(maps) == ["valuewatch-dashboard-overview", "valuewatch-dashboard-value-report"]


def test_the_dashboard_label_namespace_and_folder_are_configurable(tmp_path: Path) -> None:
    values = {"dashboards": {"label": "grafana_dashboard_valuewatch", "labelValue": "true",
                             "namespace": "monitoring",
                             "annotations": {"grafana_folder": "LLMs"}}}
    maps = of_kind(manifests(render(values, chart_with_files(tmp_path))), "ConfigMap")
    assert len(maps) == 2
    for each in maps:
        assert each["metadata"]["labels"]["grafana_dashboard_valuewatch"] == "true"
        assert each["metadata"]["namespace"] == "monitoring"
        assert each["metadata"]["annotations"] == {"grafana_folder": "LLMs"}


@pytest.mark.parametrize(("values", "kinds"), [
    ({"serviceMonitor": {"enabled": False}}, {"ServiceMonitor"}),
    ({"serviceMonitor": {"enabled": False}, **SIDECAR.values}, {"PodMonitor"}),
    ({"prometheusRule": {"enabled": False}}, {"PrometheusRule"}),
    ({"dashboards": {"enabled": False}}, {"ConfigMap"}),
], ids=["service monitors off", "pod monitor off", "rules off", "dashboards off"])
def test_each_monitoring_object_can_be_turned_off(
        values: dict[str, Any], kinds: set[str], tmp_path: Path) -> None:
    rendered = manifests(render(values, chart_with_files(tmp_path)))
    assert not kinds & {m["kind"] for m in rendered}
