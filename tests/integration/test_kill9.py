"""kill -9 under concurrent ingest: every acknowledged record is there exactly once."""

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from metrics.store.database import Store
from tests.conftest import TABLES
from tests.integration.conftest import Server

CLIENTS = 8
BATCH = 20


class Client(threading.Thread):
    """Sends batches of fresh ids until stopped, remembering which were acknowledged."""

    def __init__(self, prefix: str, server: Server, key: str) -> None:
        super().__init__(daemon=True)
        self.prefix, self.server, self.key = prefix, server, key
        self.acknowledged: list[str] = []
        self.unanswered: list[list[dict]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        batch_number = 0
        with httpx.Client(headers={"Authorization": f"Bearer {self.key}"}, timeout=10) as http:
            while not self.stop.is_set():
                batch = [
                    {"id": f"{self.prefix}-b{batch_number}-r{i}", "app": "kill9",
                     "model": "gpt-4o-mini", "latency_s": 0.4, "input_tokens": 10,
                     "output_tokens": 5}
                    for i in range(BATCH)
                ]
                batch_number += 1
                try:
                    answer = http.post(f"{self.server.url}/api/v1/inferences", json=batch)
                except httpx.TransportError:
                    self.unanswered.append(batch)
                    return
                if answer.status_code == 200:
                    self.acknowledged += [record["id"] for record in batch]
                else:
                    self.unanswered.append(batch)


def run_trial(server: Server, store: Store, key: str, trial: int) -> tuple[int, int]:
    clients = [Client(f"t{trial}-c{n}", server, key) for n in range(CLIENTS)]
    for client in clients:
        client.start()
    time.sleep(1.5)
    server.kill()
    for client in clients:
        client.stop.set()
        client.join(timeout=15)
    acknowledged = {i for client in clients for i in client.acknowledged}
    retried = [batch for client in clients for batch in client.unanswered]

    server.start()
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as http:
        for batch in retried:  # what a client with retries does after the restart
            assert http.post(f"{server.url}/api/v1/inferences", json=batch).status_code == 200
    expected = acknowledged | {record["id"] for batch in retried for record in batch}

    with store.engine.connect() as connection:
        query = text("SELECT id FROM inference WHERE id LIKE :trial")
        stored = [row[0] for row in connection.execute(query, {"trial": f"t{trial}-%"})]
    assert len(stored) == len(set(stored)), "a record was stored twice"
    assert acknowledged <= set(stored), "an acknowledged record was lost"
    assert set(stored) == expected
    return len(acknowledged), len(stored)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def killable(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Server, Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'valuewatch.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = Store.open(url)
    store.migrate()
    if request.param == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    return Server(url, tmp_path / "serve.log"), store


def test_killed_mid_ingest_no_acknowledged_record_is_lost_or_doubled(
    killable: tuple[Server, Store],
) -> None:
    server, store = killable
    server.start()
    key = server.key("ingest")
    try:
        for trial in range(2):
            acknowledged, stored = run_trial(server, store, key, trial)
            assert acknowledged > 0  # the kill really happened under load
            assert stored >= acknowledged
    finally:
        server.stop()
