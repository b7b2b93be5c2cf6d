"""PostgreSQL stopped under load: 503 + Retry-After while it is down, /healthz up, /readyz
down, recovery with no restart, and nothing acknowledged lost."""

import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from metrics.store.database import Store
from tests.conftest import TABLES, skip_or_fail
from tests.integration.conftest import Server

OUTAGE_S = 8.0
CLIENTS = 4


def cluster_command(action: str) -> None:
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
    if not versions:
        skip_or_fail("no local PostgreSQL cluster to stop (pg_ctlcluster)")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", action,
                    *(["-m", "fast"] if action == "stop" else [])], check=True, timeout=60)


def accepting(url: str) -> bool:
    try:
        Store.open(url).ping()
        return True
    except Exception:  # noqa: BLE001 - down or still starting
        return False


def wait_until_accepting(url: str) -> None:
    deadline = time.monotonic() + 60
    while not accepting(url):
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.2)


@pytest.mark.postgres
def test_a_postgres_outage_sheds_load_and_recovers_without_a_restart(
    postgres_url: str, tmp_path: Path
) -> None:
    store = Store.open(postgres_url)
    store.migrate()
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    server = Server(postgres_url, tmp_path / "serve.log",
                    extra_env={"VALUEWATCH_SCHEDULER_ENABLED": "false",
                               "VALUEWATCH_RATE_LIMIT_PER_S": "0",
                               "VALUEWATCH_RESOURCE_SAMPLER_ENABLED": "false"})
    server.start()
    phase = "before"
    statuses: Counter[tuple[str, int]] = Counter()
    acknowledged: set[str] = set()
    unanswered: list[list[dict]] = []
    probes: list[tuple[str, int, float, int]] = []
    stop = threading.Event()
    lock = threading.Lock()
    key = server.key("ingest")

    def send(number: int) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            batch_number = 0
            while not stop.is_set():
                batch = [{"id": f"c{number}-{batch_number}-{i}", "app": "a", "model": "m",
                          "latency_s": 0.2} for i in range(10)]
                batch_number += 1
                answer = http.post(f"{server.url}/api/v1/inferences", json=batch)
                with lock:
                    statuses[(phase, answer.status_code)] += 1
                    if answer.status_code == 200:
                        acknowledged.update(record["id"] for record in batch)
                    else:
                        assert answer.headers["retry-after"] == "5"
                        unanswered.append(batch)
                time.sleep(0.02)

    def probe() -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                started = time.perf_counter()
                health = http.get(f"{server.url}/healthz").status_code
                seconds = time.perf_counter() - started
                ready = http.get(f"{server.url}/readyz").status_code
                probes.append((phase, health, seconds, ready))
                time.sleep(0.2)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=probe))
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        phase = "outage"
        cluster_command("stop")
        time.sleep(OUTAGE_S)
        cluster_command("start")
        wait_until_accepting(postgres_url)
        phase = "after"
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        if not accepting(postgres_url):  # never leave the suite without its database
            cluster_command("start")
            wait_until_accepting(postgres_url)
    try:
        with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as http:
            for batch in unanswered:  # a client retrying after Retry-After
                assert http.post(f"{server.url}/api/v1/inferences", json=batch).status_code == 200
    finally:
        server.stop()

    assert {status for _, status in statuses} <= {200, 503}
    assert statuses[("outage", 503)] > 0
    assert statuses[("after", 200)] > 0, "no recovery without a restart"
    assert {health for _, health, _, _ in probes} == {200}
    assert max(seconds for _, _, seconds, _ in probes) < 1.0
    assert 503 in {ready for p, _, _, ready in probes if p == "outage"}
    assert probes[-1][3] == 200
    with Store.open(postgres_url).engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT id FROM inference"))]
    assert len(stored) == len(set(stored))
    assert acknowledged <= set(stored)
    assert set(stored) == acknowledged | {r["id"] for batch in unanswered for r in batch}

