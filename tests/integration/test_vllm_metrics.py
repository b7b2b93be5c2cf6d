"""vLLM's metrics beside ours, through a real Prometheus: it scrapes two fake vLLMs, one
current and one from before 0.9 (KV-cache usage only under its older name), with the
generated rules loaded. The "Model server (vLLM)" row and the vLLM alerts read both."""

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts.pipeline import alert_files
from dashboards.build import dashboard_files, panel_queries
from metrics.conventions import RULES_FILE
from metrics.monitoring import load_monitoring, validate_monitoring
from metrics.queries import model_server
from tests.golden.compare import settings_without_environment
from tests.integration.fake_vllm import BEFORE_0_9, CURRENT, FakeVllm
from tests.integration.prometheus_stack import query, start_prometheus, wait_until

MODELS = {CURRENT: "meta-llama/Llama-3.1-8B-Instruct",
          BEFORE_0_9: "meta-llama/Meta-Llama-3-8B-Instruct"}
VARIANTS = [(CURRENT, "a current vLLM"), (BEFORE_0_9, "a vLLM before 0.9")]
ROW = "Model server (vLLM)"
pytestmark = pytest.mark.slow


def row_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every panel in the health dashboard's vLLM row."""
    document = json.loads(dashboard_files(settings_without_environment())["llm-health.json"])
    titles, inside = [], False
    for panel in document["panels"]:
        if panel["type"] == "row":
            inside = panel["title"] == ROW
        elif inside:
            titles.append(panel["title"])
    return [(title, expr) for title, expr in panel_queries(document) if title in titles]


def vllm_alerts() -> dict[str, str]:
    """Alert name → expression of the vLLM alerts of the default config."""
    config = validate_monitoring(load_monitoring(settings_without_environment()))
    return {"ValuewatchVllmQueueGrowing": model_server.queue_growing(
                config.thresholds.vllm_waiting_requests),
            "ValuewatchVllmKvCacheSaturated": model_server.kv_cache_saturated(
                config.thresholds.vllm_kv_cache_saturation)}


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("vllm")
    servers = {fixture: FakeVllm(fixture) for fixture in MODELS}
    rules = directory / RULES_FILE
    rules.write_text(alert_files(settings_without_environment())[RULES_FILE])
    prometheus, url = start_prometheus(directory, {
        f"vllm-{fixture.stem}": server.target for fixture, server in servers.items()
    }, [rules])
    try:
        wait_until(lambda: len(query(url, "up == 1")) == 2, 20, "both fake vLLMs were up")
        # Enough scrapes for rates over a minute, and two points for the queue's trend.
        wait_until(lambda: all(s.scrapes >= 4 for s in servers.values()), 20, "four scrapes")
        yield url
    finally:
        prometheus.stop()
        for server in servers.values():
            server.stop()


def numbers(url: str, expr: str) -> list[float]:
    return [float(s["value"][1]) for s in query(url, expr) if math.isfinite(float(s["value"][1]))]


def for_model(expr: str, model: str) -> str:
    return expr.replace("$__rate_interval", "1m").replace("$model", model)


def test_the_row_has_a_panel_for_each_thing_an_sre_reads() -> None:
    assert [title for title, _ in row_queries()] == [
        "vLLM requests running and waiting", "vLLM requests running and waiting",
        "vLLM KV cache in use", "vLLM preemptions per second", "vLLM queue time p50 / p95",
        "vLLM queue time p50 / p95", "vLLM time to first token p50 / p95",
        "vLLM time to first token p50 / p95", "vLLM end-to-end latency p50 / p95 / p99",
        "vLLM end-to-end latency p50 / p95 / p99", "vLLM end-to-end latency p50 / p95 / p99",
        "vLLM prefix cache hit ratio",
    ]


@pytest.mark.parametrize(("fixture", "variant"), VARIANTS, ids=[
    f"the KV cache panel shows {v}'s usage" for _, v in VARIANTS])
def test_the_kv_cache_panel_shows_data_under_either_name(
    prometheus_url: str, fixture: Path, variant: str
) -> None:
    (expr,) = [e for t, e in row_queries() if t == "vLLM KV cache in use"]
    result = query(prometheus_url, for_model(expr, MODELS[fixture]))
    assert [(s["metric"]["model_name"], s["metric"]["engine"], float(s["value"][1]))
            for s in result] == [(MODELS[fixture], "0", 0.934)]


@pytest.mark.parametrize(("title", "expr"), row_queries(),
                         ids=[f"{t} shows a current vLLM" for t, _ in row_queries()])
def test_every_row_query_returns_a_number_for_a_current_vllm(
    prometheus_url: str, title: str, expr: str
) -> None:
    promql = for_model(expr, MODELS[CURRENT])
    assert wait_until(lambda: numbers(prometheus_url, promql), 10, f"{title}: {promql}")


def test_a_vllm_before_0_9_shows_on_every_panel_but_the_prefix_cache(prometheus_url: str) -> None:
    empty = {title for title, expr in row_queries()
             if not numbers(prometheus_url, for_model(expr, MODELS[BEFORE_0_9]))}
    assert empty == {"vLLM prefix cache hit ratio"}


@pytest.mark.parametrize(("name", "fixture"), [
    (name, fixture) for name in vllm_alerts() for fixture, _ in VARIANTS
], ids=[f"{name} reads {variant}" for name in vllm_alerts() for _, variant in VARIANTS])
def test_the_alert_expressions_find_the_busy_fake_vllms(
    prometheus_url: str, name: str, fixture: Path
) -> None:
    # Both fixtures hold 14 waiting requests (over 10) and a KV cache 93.4% full (over 90%).
    found: list[dict[str, Any]] = wait_until(
        lambda: [s for s in query(prometheus_url, vllm_alerts()[name])
                 if s["metric"]["model_name"] == MODELS[fixture]], 10, name)
    assert float(found[0]["value"][1]) == {"ValuewatchVllmQueueGrowing": 14.0,
                                           "ValuewatchVllmKvCacheSaturated": 0.934}[name]


def test_the_loaded_rules_hold_both_vllm_alerts_pending(prometheus_url: str) -> None:
    pending = query(prometheus_url, 'ALERTS{alertname=~"ValuewatchVllm.*", alertstate="pending"}')
    assert {s["metric"]["alertname"] for s in pending} == set(vllm_alerts())
