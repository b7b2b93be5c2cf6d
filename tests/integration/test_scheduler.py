"""The scheduler for real: replicas started together, `valuewatch evaluate` and `serve`."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from collector.periodic import Periodic
from evaluators.jobs import build_jobs, job_named
from evaluators.results import EVALUATION_RESULTS
from evaluators.scheduler import EvaluatorScheduler
from evaluators.staleness import EVALUATIONS
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AccuracySample
from metrics.types import utc_now
from tests.integration.conftest import Server, free_port, valuewatch
from valuewatch.evaluate import in_process_evaluators


def seed_graded_samples(store: Store) -> None:
    """A graded sample every five minutes over the last three hours and more."""
    now = utc_now()
    store.insert_new([(AccuracySample.__table__, [  # type: ignore[attr-defined]
        {"id": f"s{i}", "inference_id": None, "app": "support", "model": "gpt-4o-mini",
         "task": "qa", "correct": i % 4 > 0, "score": None, "grader": "exact",
         "timestamp": now - timedelta(minutes=5 * i + 3)}
        for i in range(40)
    ])])


def evaluated_windows(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(
            select(func.count(func.distinct(EVALUATION_RESULTS.c.window_end)))
        ).scalar_one()


def noted_windows(store: Store, job: str) -> int:
    e = EVALUATIONS.c
    with store.engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(EVALUATIONS).where(e.job == job)
        ).scalar_one()


def url_of(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_two_schedulers_started_together_evaluate_each_window_once(
    store: Store, settings: Settings
) -> None:
    seed_graded_samples(store)
    jobs = (job_named(build_jobs(settings), "accuracy"),)
    replicas = [EvaluatorScheduler(store, jobs), EvaluatorScheduler(store, jobs)]

    async def run_both() -> None:
        async with replicas[0], replicas[1]:
            deadline = time.monotonic() + 20
            while any(not replica.runs for replica in replicas):
                assert time.monotonic() < deadline, "the first runs did not finish"
                await asyncio.sleep(0.05)

    asyncio.run(run_both())

    windows = [w for replica in replicas for run in replica.runs for w in run.windows]
    assert len(windows) == len(set(windows)) >= 24
    assert evaluated_windows(store) == len(windows)


@pytest.mark.slow
def test_two_evaluate_processes_started_together_evaluate_each_window_once(store: Store) -> None:
    seed_graded_samples(store)
    command = [sys.executable, "-m", "valuewatch", "evaluate", "--once", "--job", "accuracy",
               "--log-level", "warning"]
    environment = os.environ | {"VALUEWATCH_DATABASE_URL": url_of(store)}
    processes = [
        subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0]
    counted = [
        int(line.split()[1]) for output in outputs for line in output.splitlines()
        if line.startswith("accuracy:") and "window(s)" in line
    ]
    # Each window evaluated once, by one process or the other; windows that overlap a
    # touched hour without holding a sample are evaluated too, and store no result.
    assert sum(counted) == noted_windows(store, "accuracy")
    assert evaluated_windows(store) >= 24


@pytest.mark.slow
def test_evaluate_serves_its_own_metrics_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    environment = os.environ | {"VALUEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'vw.db'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "valuewatch", "evaluate", "--metrics-host", "127.0.0.1",
         "--metrics-port", str(port), "--log-level", "warning"],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/metrics",
                         'valuewatch_evaluator_last_success_timestamp_seconds{evaluator="retention"}')
        assert "# TYPE valuewatch_drift_detected gauge" in body
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors


@pytest.mark.slow
def test_serve_runs_the_scheduler_and_exports_its_results(server: Server) -> None:
    body = _wait_for(f"{server.url}/metrics",
                     'valuewatch_evaluator_last_success_timestamp_seconds{evaluator="drift"}')
    assert "gen_ai_client_operation_duration_seconds" in body


@pytest.mark.slow
def test_records_posted_after_serves_first_runs_are_evaluated_by_evaluate_once(
    server: Server,
) -> None:
    """A fresh `serve` (scheduler on) evaluates the last 24 windows while they are empty;
    a client's retry queue then flushes two closed hours of calls with shifted latency."""
    _wait_for(f"{server.url}/metrics",
              'valuewatch_evaluator_last_success_timestamp_seconds{evaluator="drift"}')
    hour = utc_now().replace(minute=0, second=0, microsecond=0)
    rng = np.random.default_rng(11)
    calls = [
        {"id": f"late-{start.hour}-{i}", "app": "support", "model": "gpt-4o-mini",
         "latency_s": float(latency), "timestamp": (start + timedelta(seconds=6 * i)).isoformat()}
        for start, mean in ((hour - timedelta(hours=3), 1.0), (hour - timedelta(hours=2), 1.6))
        for i, latency in enumerate(rng.normal(mean, 0.1, 200))
    ]
    headers = {"Authorization": f"Bearer {server.key('ingest')}"}
    posted = httpx.post(f"{server.url}/api/v1/inferences", json=calls, headers=headers)
    assert posted.status_code == 200, posted.text

    once = valuewatch(["evaluate", "--once", "--job", "drift"], server.env)
    read = {"Authorization": f"Bearer {server.key('read')}"}
    found = httpx.get(f"{server.url}/api/v1/evaluations", params={"kind": "drift"},
                      headers=read).json()["items"]

    assert "drift: 2 window(s) (2 revised)" in once.stdout
    latency = [item for item in found if item["subject"] == "latency_s"]
    assert len(latency) == 1, found
    assert latency[0]["window_end"].startswith((hour - timedelta(hours=1)).isoformat()[:13])
    assert latency[0]["statistic"] == "ks" and latency[0]["value"] > 0.9
    assert latency[0]["revision"] == 2


def test_a_sidecar_without_the_scheduler_exports_no_evaluator_metrics(store: Store) -> None:
    registry = CollectorRegistry()
    sidecar = Settings(database_url=url_of(store), scheduler_enabled=False)
    assert in_process_evaluators(sidecar, store, registry) == []
    assert list(registry.collect()) == []
    work = in_process_evaluators(Settings(database_url=url_of(store)), store, registry)
    assert [type(each) for each in work] == [Periodic, EvaluatorScheduler]
    assert registry.get_sample_value("valuewatch_drift_score") is None
    assert "valuewatch_drift_score" in {family.name for family in registry.collect()}


def _wait_for(url: str, text: str, seconds: float = 30) -> str:
    """The body of `url` once it contains `text`."""
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        try:
            body = httpx.get(url, timeout=2).text
            if text in body:
                return body
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}; last body:\n{body[-2000:]}")
