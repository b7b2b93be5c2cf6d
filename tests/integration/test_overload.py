"""Flooded past its queue, the collector sheds load with 503 + Retry-After, never a 500,
and its health endpoint keeps answering."""

import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.integration.conftest import Server

CLIENTS = 24
SECONDS = 3.0


def test_a_flood_past_the_queue_gets_503_with_retry_after_and_health_stays_up(
    tmp_path: Path,
) -> None:
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log",
                    extra_env={"VALUEWATCH_MAX_QUEUE_ROWS": "300",
                               "VALUEWATCH_MAX_REQUESTS_IN_PROGRESS": "12",
                               "VALUEWATCH_RATE_LIMIT_PER_S": "0",
                               "VALUEWATCH_SCHEDULER_ENABLED": "false"})
    server.start()
    statuses: Counter[int] = Counter()
    missing_retry_after = 0
    health_seconds: list[float] = []
    stop = threading.Event()
    try:
        headers = {"Authorization": f"Bearer {server.key('ingest')}"}

        def flood(number: int) -> None:
            nonlocal missing_retry_after
            with httpx.Client(headers=headers, timeout=30) as http:
                batch_number = 0
                while not stop.is_set():
                    records = [{"id": f"c{number}-{batch_number}-{i}", "app": "a",
                                "model": "m", "latency_s": 0.1} for i in range(100)]
                    batch_number += 1
                    answer = http.post(f"{server.url}/api/v1/inferences", json=records)
                    statuses[answer.status_code] += 1
                    if answer.status_code == 503 and "retry-after" not in answer.headers:
                        missing_retry_after += 1

        def watch_health() -> None:
            with httpx.Client(timeout=30) as http:
                while not stop.is_set():
                    started = time.perf_counter()
                    assert http.get(f"{server.url}/healthz").status_code == 200
                    health_seconds.append(time.perf_counter() - started)
                    time.sleep(0.05)

        threads = [threading.Thread(target=flood, args=(n,)) for n in range(CLIENTS)]
        threads.append(threading.Thread(target=watch_health))
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        exposition = httpx.get(f"{server.url}/metrics").text
    finally:
        server.stop()

    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] > 0, "the flood never filled the queue"
    assert statuses[200] > 0
    assert missing_retry_after == 0
    assert len(health_seconds) >= 5
    assert max(health_seconds) < 1.0
    # Both ways of shedding load were used: a full write queue, and too many requests.
    for reason in ("queue_full", "in_progress"):
        assert f'valuewatch_ingest_overload_total{{reason="{reason}"}}' in exposition
