"""The evaluators' /metrics: the latest results as last refreshed, names promtool accepts."""

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from prometheus_client import CollectorRegistry, generate_latest
from pytest import approx
from sqlalchemy import event

from evaluators.exporter import EvaluationCollector, evaluator_specs
from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
CURRENT = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))
MODEL = {"app": "support", "gen_ai_response_model": "gpt-4o-mini"}


def evaluated_store(store: Store, insert: Callable, call_rows: Callable, jobs: Callable) -> None:
    """Two hours of calls with a latency shift, and feedback and grades in the last one."""
    rng = np.random.default_rng(2)
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.0, 0.1, 300)))
    calls = call_rows(CURRENT, rng.normal(1.6, 0.1, 300))
    insert(Inference, calls)
    insert(AccuracySample, [
        {"id": f"a{i}", "inference_id": call["id"], "app": "support", "model": "gpt-4o-mini",
         "task": "qa", "correct": i % 4 > 0, "score": 0.6, "grader": "judge",
         "timestamp": call["timestamp"]}
        for i, call in enumerate(calls[:100])
    ])
    insert(Feedback, [
        {"id": f"f{i}", "inference_id": call["id"], "app": "", "kind": kind, "value": value,
         "label": None, "comment": None, "timestamp": call["timestamp"], "user_hash": None}
        for i, (call, kind, value) in enumerate(
            (calls[i], "thumbs" if i % 2 else "rating", float(i % 2 or 1 + i % 5))
            for i in range(40)
        )
    ])
    for name in ("drift", "accuracy", "feedback"):
        run_job(store, jobs(name), NOW)


def scrape(store: Store) -> tuple[CollectorRegistry, bytes]:
    registry = CollectorRegistry()
    results = EvaluationCollector(store)
    results.refresh()
    registry.register(results)
    return registry, generate_latest(registry)


def test_the_latest_results_are_exported_as_gauges(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    evaluated_store(store, insert, call_rows, jobs)

    registry, _ = scrape(store)

    def value(name: str, **labels: Any) -> float | None:
        return registry.get_sample_value(name, {**MODEL, **labels})

    latency = {"signal": "latency_s", "method": "ks"}
    assert value("valuewatch_drift_detected", **latency) == 1.0
    assert value("valuewatch_drift_threshold", **latency) == 0.05
    assert value("valuewatch_drift_p_value", **latency) < 1e-10
    assert value("valuewatch_drift_score", **latency) > 0.9
    assert value("valuewatch_accuracy_ratio", task="qa") == 0.75
    assert value("valuewatch_accuracy_ratio_lower", task="qa") < 0.75
    assert value("valuewatch_accuracy_ratio_upper", task="qa") > 0.75
    assert value("valuewatch_accuracy_score", task="qa") == approx(0.6)
    assert value("valuewatch_feedback_thumbs_up_ratio") == 1.0
    assert value("valuewatch_feedback_rating_mean") == approx(3.0)
    assert value("valuewatch_feedback_csat_ratio") == 0.4
    samples = {"evaluator": "accuracy", "subject": "qa", "statistic": "correct_ratio"}
    assert value("valuewatch_evaluation_samples", **samples) == 100
    last_drift = registry.get_sample_value(
        "valuewatch_evaluator_last_success_timestamp_seconds", {"evaluator": "drift"}
    )
    assert last_drift is not None and last_drift > NOW.timestamp()


def test_the_exposition_passes_promtool_and_names_exactly_the_evaluator_catalog(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job], promtool: str
) -> None:
    evaluated_store(store, insert, call_rows, jobs)

    _, body = scrape(store)

    checked = subprocess.run(
        [promtool, "check", "metrics"], input=body, capture_output=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    families = {
        line.split()[2] for line in body.decode().splitlines() if line.startswith("# TYPE")
    }
    assert families == {spec.name for spec in evaluator_specs()}


def test_an_empty_database_exports_the_families_without_samples(store: Store) -> None:
    _, body = scrape(store)
    text = body.decode()
    assert "# TYPE valuewatch_drift_score gauge" in text
    assert "valuewatch_drift_score{" not in text



def test_a_scrape_serves_the_last_refresh_and_sends_no_query(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    registry = CollectorRegistry()
    results = EvaluationCollector(store)
    registry.register(results)
    evaluated_store(store, insert, call_rows, jobs)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    ratio = {**MODEL, "task": "qa"}

    before_refresh = registry.get_sample_value("valuewatch_accuracy_ratio", ratio)
    assert (before_refresh, statements) == (None, [])
    results.refresh()
    assert statements
    statements.clear()
    assert registry.get_sample_value("valuewatch_accuracy_ratio", ratio) == 0.75
    assert b"valuewatch_drift_score{" in generate_latest(registry)
    assert statements == []


def test_evaluator_gauges_cap_distinct_apps_as_the_collector_caps_labels(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(2)
    for index in range(5):  # a client sending a fresh app name per batch
        app = f"app-{index}"
        insert(Inference, call_rows(CURRENT.previous(), rng.normal(1, 0.1, 50), app=app))
        insert(Inference, call_rows(CURRENT, rng.normal(1, 0.1, 50), app=app))
    run_job(store, jobs("drift"), NOW)
    results = EvaluationCollector(store, label_limit=3)
    results.refresh()
    registry = CollectorRegistry()
    registry.register(results)

    exported = {sample.labels["app"] for family in registry.collect()
                for sample in family.samples if family.name == "valuewatch_drift_score"}
    assert exported == {"app-0", "app-1", "app-2"}
