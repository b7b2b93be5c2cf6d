"""The three dashboards as Grafana JSON, and the queries their panels and variables run."""

import json
from typing import Any

from grafanalib._gen import DashboardEncoder
from grafanalib.core import Dashboard

from dashboards.health import health_dashboard
from dashboards.quality import quality_dashboard
from dashboards.value import value_dashboard
from metrics.conventions import dashboard_file
from metrics.monitoring import MonitoringConfig, load_monitoring, validate_monitoring
from metrics.settings import Settings


def all_dashboards(config: MonitoringConfig) -> tuple[Dashboard, ...]:
    """LLM production health, quality and drift, business value."""
    return health_dashboard(config), quality_dashboard(config), value_dashboard(config)


def dashboard_json(dashboard: Dashboard) -> str:
    """Grafana's JSON for `dashboard`, keys sorted so that output is stable."""
    document = json.loads(json.dumps(dashboard.to_json_data(), cls=DashboardEncoder))
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def dashboard_files(settings: Settings) -> dict[str, str]:
    """File name → JSON of every dashboard."""
    config = validate_monitoring(load_monitoring(settings))
    return {dashboard_file(d.uid): dashboard_json(d) for d in all_dashboards(config)}


def panel_queries(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query of every panel of a dashboard's JSON."""
    found = []
    for panel in document["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            found += [(inner["title"], target["expr"]) for target in inner.get("targets", [])]
    return found


def variable_queries(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(variable name, query) for every query variable of a dashboard's JSON."""
    return [(v["name"], v["query"]) for v in document["templating"]["list"]
            if v["type"] == "query"]
