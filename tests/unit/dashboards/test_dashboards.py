"""What makes a dashboard usable: a data source variable, app and model variables, a unit
and a no-data text on every panel, `$__rate_interval` in rates, stable uids, a current
schema, and panels that fit the grid without overlapping."""

import json
import re
from typing import Any

from dashboards.build import dashboard_files, panel_queries
from tests.golden.compare import settings_without_environment

UIDS = {"valuewatch-llm-health", "valuewatch-quality-drift", "valuewatch-business-value"}


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def test_every_dashboard_has_a_prometheus_datasource_then_app_and_model_variables(
    dashboard: dict[str, Any],
) -> None:
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert [v["name"] for v in dashboard["templating"]["list"]][:3] == [
        "datasource", "app", "model"]
    assert (variables["datasource"]["type"], variables["datasource"]["query"]) == (
        "datasource", "prometheus")
    assert variables["app"]["query"] == (
        "label_values(gen_ai_client_operation_duration_seconds_count, app)")
    assert variables["model"]["query"] == (
        'label_values(gen_ai_client_operation_duration_seconds_count{app=~"$app"}, '
        "gen_ai_response_model)")
    for name in ("app", "model"):
        assert variables[name]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert (variables[name]["includeAll"], variables[name]["allValue"]) == (True, ".*")


def test_every_panel_reads_the_datasource_variable_and_has_a_unit_and_a_no_data_text(
    dashboard: dict[str, Any],
) -> None:
    for panel in panels(dashboard):
        defaults = panel["fieldConfig"]["defaults"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert defaults["unit"] not in ("", None), panel["title"]
        assert defaults["noValue"], panel["title"]
        assert panel["description"], panel["title"]
        assert all(t["datasource"] == panel["datasource"] for t in panel["targets"])


def test_every_rate_uses_grafanas_rate_interval(dashboard: dict[str, Any]) -> None:
    for title, expr in panel_queries(dashboard):
        ranges = re.findall(r"rate\([^\[]*\[([^\]]+)\]", expr)
        assert all(r == "$__rate_interval" for r in ranges), (title, expr)


def test_the_uids_are_stable_and_the_schema_current() -> None:
    documents = [json.loads(t) for t in dashboard_files(settings_without_environment()).values()]
    assert {d["uid"] for d in documents} == UIDS
    assert all(d["schemaVersion"] >= 39 for d in documents)
    assert all("valuewatch" in d["tags"] for d in documents)


def test_the_json_is_written_with_sorted_keys() -> None:
    for text in dashboard_files(settings_without_environment()).values():
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=2,
                                  ensure_ascii=False) + "\n"


def test_panels_fit_the_24_column_grid_without_overlapping(dashboard: dict[str, Any]) -> None:
    taken: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {(grid["x"] + dx, grid["y"] + dy)
                 for dx in range(grid["w"]) for dy in range(grid["h"])}
        assert not cells & taken, panel["title"]
        taken |= cells
    ids = [p["id"] for p in dashboard["panels"]]
    assert ids == list(range(1, len(ids) + 1))


def test_the_drift_panel_repeats_per_signal_with_its_threshold_dashed() -> None:
    quality = json.loads(dashboard_files(settings_without_environment())["quality-drift.json"])
    drift = next(p for p in quality["panels"] if p["title"].startswith("Drift of $signal"))
    assert (drift["repeat"], drift["repeatDirection"]) == ("signal", "h")
    assert [t["legendFormat"].endswith("threshold") for t in drift["targets"]] == [False, True]
    assert drift["fieldConfig"]["overrides"][0]["matcher"] == {
        "id": "byFrameRefID", "options": "B"}


def test_only_the_duration_and_time_to_first_token_panels_ask_for_exemplars() -> None:
    with_exemplars = {
        (name, panel["title"])
        for name, text in dashboard_files(settings_without_environment()).items()
        for panel in panels(json.loads(text))
        if any(target.get("exemplar") for target in panel.get("targets", []))
    }
    assert with_exemplars == {
        ("llm-health.json", "Call duration p50 / p95 / p99"),
        ("llm-health.json", "Time to first token p50 / p95"),
    }
