"""Every dashboard panel shows data from a real stack: `valuewatch serve` fed with calls
(errors and streaming included), feedback, graded samples and outcomes; `valuewatch
evaluate` over the same database; a fake vLLM serving the seeded model; a real Prometheus
scraping the three every second with the generated rules loaded. Each panel query runs
through /api/v1/query with the dashboard's variables filled in."""

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from alerts.pipeline import alert_files
from dashboards.build import dashboard_files, panel_queries
from metrics.conventions import RULES_FILE
from metrics.queries import error_budget
from metrics.queries.calls import CALLS
from metrics.queries.promql import APP_SELECTED
from metrics.slo import QUALITY_KINDS
from metrics.types import utc_now
from tests.golden.compare import ROOT, settings_without_environment
from tests.integration.conftest import Server, valuewatch
from tests.integration.fake_vllm import CURRENT, FakeVllm
from tests.integration.prometheus_stack import (
    Daemon,
    query,
    start_evaluator,
    start_prometheus,
    wait_until,
)

CALLS_SEEDED = {"support": "gpt-4o-mini", "search": "gpt-4o"}  # app → model
VARIABLES = {"$__rate_interval": "1m", "$app": "support", "$model": "gpt-4o-mini",
             "$signal": "latency_s"}
GPU_PANELS = ("GPU busy", "GPU memory in use", "GPU power", "GPU temperature")
EVALUATOR_ENV = {"VALUEWATCH_VALUE_CONFIG": str(ROOT / "examples" / "value.yaml"),
                 "VALUEWATCH_TOPICS_ENABLED": "true", "VALUEWATCH_SEGMENTS": "language"}
JOBS = ("drift", "accuracy", "feedback", "rollup", "retention", "kpis", "topics", "fairness")
PROMPTS = ("Where is my parcel? The courier tracking shows no delivery",
           "Please reset my password, the login says my account is locked")
pytestmark = pytest.mark.slow


def panels() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(dashboard, panel title, PromQL, panel) for every query of every dashboard."""
    found = []
    for name, text in dashboard_files(settings_without_environment()).items():
        document = json.loads(text)
        by_title = {p["title"]: p for p in document["panels"]}
        found += [(name, title, expr, by_title[title])
                  for title, expr in panel_queries(document)]
    return found


def calls(at: datetime, count: int, spacing: timedelta, prefix: str) -> list[dict[str, Any]]:
    """LLM calls of both apps: one in 8 fails, and streamed ones report time to first token."""
    rng = random.Random(prefix)
    return [
        {"id": f"{prefix}-{app}-{i}", "timestamp": (at - i * spacing).isoformat(), "app": app,
         "model": model, "provider": "openai", "latency_s": round(rng.uniform(0.3, 3.5), 3),
         "ttft_s": round(rng.uniform(0.05, 0.4), 3), "input_tokens": rng.randint(50, 900),
         "output_tokens": rng.randint(20, 400), "use_case": rng.choice(["billing", "refunds"]),
         "user": f"user-{i % 17}", "status": "error" if i % 8 == 0 else "ok",
         "error_type": "timeout" if i % 8 == 0 else None,
         "attributes": {"language": "de" if i % 3 == 0 else "en"}}
        for app, model in CALLS_SEEDED.items() for i in range(count)
    ]


def yesterdays_prompts(now: datetime) -> list[dict[str, Any]]:
    """Calls of the support app with prompts on two topics, at yesterday's noon: the day
    the topics job judges."""
    noon = (now - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    return [{"id": f"prompt-{i}", "timestamp": (noon + i * timedelta(minutes=1)).isoformat(),
             "app": "support", "model": CALLS_SEEDED["support"], "latency_s": 1.0,
             "user": f"user-{i % 17}", "attributes": {"prompt": PROMPTS[i % 2]}}
            for i in range(60)]


def reactions(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Feedback, graded samples and outcomes on some of `records`, at their times."""
    feedback, graded, outcomes = [], [], []
    for i, call in enumerate(records):
        at = call["timestamp"]
        feedback.append({"id": f"fb-{call['id']}", "inference_id": call["id"],
                         "app": call["app"], "timestamp": at,
                         "kind": "thumbs" if i % 2 else "rating",
                         "value": (i % 3 > 0) if i % 2 else 1 + i % 5})
        graded.append({"id": f"g-{call['id']}", "inference_id": call["id"], "app": call["app"],
                       "model": call["model"], "task": "qa", "correct": i % 5 > 0,
                       "score": (i % 4) / 4, "grader": "exact", "timestamp": at})
        outcomes.append({"id": f"o-{call['id']}", "inference_id": call["id"],
                         "app": call["app"], "name": "ticket_resolved", "timestamp": at})
    return {"inferences": records, "feedback": feedback, "accuracy": graded,
            "outcomes": outcomes}


def send(server: Server, headers: dict[str, str], records: list[dict[str, Any]]) -> None:
    """Post calls and their reactions; every post must be stored."""
    for route, batch in reactions(records).items():
        answer = httpx.post(f"{server.url}/api/v1/{route}", json=batch, headers=headers,
                            timeout=30)
        assert answer.status_code == 200, (route, answer.text)


@dataclass
class Stack:
    """The running stack the panel queries go to."""

    prometheus_url: str
    has_gpu: bool


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("stack")
    database = f"sqlite:///{directory / 'valuewatch.db'}"
    server = SidecarServer(database, directory / "serve.log")
    server.start()
    daemons: list[Daemon] = []
    # vLLM serving the model the app calls: its model_name is the calls' response model.
    vllm = FakeVllm(CURRENT, model=VARIABLES["$model"])
    try:
        headers = {"Authorization": f"Bearer {server.key('ingest')}"}
        # Four hours of history, so that every evaluator has closed windows to judge.
        send(server, headers, calls(utc_now(), 120, timedelta(minutes=2), "past"))
        answer = httpx.post(f"{server.url}/api/v1/inferences", headers=headers, timeout=30,
                            json=yesterdays_prompts(utc_now()))
        assert answer.status_code == 200, answer.text
        # Every job, the report job after the KPI job: its card of the open month stops
        # at midnight and must not replace the KPI job's newer one in the gauges.
        env = {**server.env, **EVALUATOR_ENV}
        valuewatch(["evaluate", "--once", "--log-level", "warning"], env)
        evaluator, evaluator_target = start_evaluator(directory, database, EVALUATOR_ENV)
        daemons.append(evaluator)
        rules = directory / RULES_FILE
        rules.write_text(alert_files(settings_without_environment())[RULES_FILE])
        prometheus, url = start_prometheus(directory, {
            "valuewatch": f"127.0.0.1:{server.port}", "valuewatch-evaluator": evaluator_target,
            "vllm": vllm.target,
        }, [rules])
        daemons.append(prometheus)
        wait_until(lambda: len(query(url, "up == 1")) == 3, 20, "the three targets were up")
        wait_until(lambda: evaluated_jobs(url) >= set(JOBS), 40, "every evaluator job ran")
        # Live traffic in two bursts, so that every rate sees counters move.
        for burst in ("now-1", "now-2"):
            send(server, headers, calls(utc_now(), 16, timedelta(milliseconds=50), burst))
            wait_until(lambda: query(url, f"increase({CALLS}[10s]) > 0"), 10, "a scrape")
        body = httpx.get(f"{server.url}/metrics").text
        yield Stack(url, "valuewatch_gpu_memory_used_bytes{" in body)
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        vllm.stop()
        server.stop()


class SidecarServer(Server):
    """`valuewatch serve` without its scheduler (the evaluator runs apart), sampling
    resources every second."""

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "VALUEWATCH_SCHEDULER_ENABLED": "false",
                "VALUEWATCH_RESOURCE_SAMPLE_INTERVAL_S": "1",
                "VALUEWATCH_STORE_CONTENT": "true"}  # the prompts the topics job reads


def evaluated_jobs(url: str) -> set[str]:
    """The evaluator jobs whose last success Prometheus has scraped."""
    found = query(url, "valuewatch_evaluator_last_success_timestamp_seconds")
    return {series["metric"]["evaluator"] for series in found}


def with_variables(expr: str) -> str:
    """The query as Grafana sends it with the seeded app, model and signal chosen."""
    for variable, value in VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def finite_values(result: list[dict[str, Any]]) -> list[float]:
    return [float(s["value"][1]) for s in result if math.isfinite(float(s["value"][1]))]


@pytest.mark.parametrize(("dashboard", "title", "expr", "panel"), panels(),
                         ids=[f"{d}: {t}" for d, t, _, _ in panels()])
def test_every_panel_query_returns_data_from_the_real_stack(
    stack: Stack, dashboard: str, title: str, expr: str, panel: dict[str, Any]
) -> None:
    promql = with_variables(expr)
    if title in GPU_PANELS and not stack.has_gpu:
        # No GPU here: the panel must say so rather than show a blank "No data".
        assert query(stack.prometheus_url, promql) == []
        assert panel["fieldConfig"]["defaults"]["noValue"].startswith("no GPU")
        return
    values = wait_until(lambda: finite_values(query(stack.prometheus_url, promql)), 10,
                        f"{dashboard} '{title}' returned a number for {promql}")
    assert values


def test_each_quality_slo_has_a_budget_from_the_seeded_grades_and_feedback(
    stack: Stack,
) -> None:
    promql = with_variables(error_budget.budget_left(
        APP_SELECTED, error_budget.slo_among(QUALITY_KINDS)))
    found = wait_until(lambda: {s["metric"]["slo"] for s in query(stack.prometheus_url, promql)
                                if math.isfinite(float(s["value"][1]))} >= set(QUALITY_KINDS),
                       10, f"a budget for accuracy and positive feedback from {promql}")
    assert found


@pytest.mark.parametrize(("label", "metric", "expected"), [
    ("app", CALLS, set(CALLS_SEEDED)),
    ("gen_ai_response_model", CALLS, set(CALLS_SEEDED.values())),
    ("signal", "valuewatch_drift_score", {"latency_s", "output_tokens", "use_case"}),
], ids=["the app variable lists the seeded apps", "the model variable lists the seeded models",
        "the signal variable lists the drift signals"])
def test_the_variables_list_the_seeded_values(
    stack: Stack, label: str, metric: str, expected: set[str]
) -> None:
    answer = httpx.get(f"{stack.prometheus_url}/api/v1/label/{label}/values",
                       params={"match[]": metric}).json()
    assert expected <= set(answer["data"])

