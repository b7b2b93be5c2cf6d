"""A full or read-only SQLite file: a clear 503, nothing acknowledged lost, no corruption."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import event, text

from collector.app import create_app
from collector.keys import create_key
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope

PADDING = "x" * 1000


def batch(start: int) -> list[dict[str, Any]]:
    return [
        {"id": f"r{i}", "app": "a", "model": "m", "latency_s": 1.0,
         "attributes": {"padding": PADDING}}
        for i in range(start, start + 50)
    ]


def test_a_full_database_answers_503_saying_so_and_keeps_what_it_acknowledged(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'valuewatch.db'}")
    store.migrate()
    key = create_key(store, name="app", scope=Scope.ingest)

    @event.listens_for(store.engine, "connect")
    def cap_size(dbapi_connection: Any, _record: Any) -> None:
        # SQLite then fails writes past the cap exactly as it does on a full disk.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 60}")

    store.engine.dispose()
    settings = Settings(database_url=str(store.engine.url), resource_sampler_enabled=False)
    acknowledged: list[str] = []
    with TestClient(create_app(settings, store, CollectorRegistry())) as client:
        for start in range(0, 10_000, 50):
            records = batch(start)
            answer = client.post("/api/v1/inferences", json=records,
                                 headers={"Authorization": f"Bearer {key}"})
            if answer.status_code != 200:
                break
            acknowledged += [r["id"] for r in records]

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["detail"] == (
        "database unavailable (database or disk full); nothing was stored, retry later"
    )
    assert acknowledged
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        stored = {row[0] for row in connection.execute(text("SELECT id FROM inference"))}
    assert stored == set(acknowledged)


def test_a_read_only_database_answers_503_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "valuewatch.db"
    writable = Store.open(f"sqlite:///{path}")
    writable.migrate()
    key = create_key(writable, name="app", scope=Scope.ingest)
    writable.installation_secret("user_hash_salt")  # made on the first start, when writable
    store = Store.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    settings = Settings(database_url=str(store.engine.url), resource_sampler_enabled=False)
    with TestClient(create_app(settings, store, CollectorRegistry())) as client:
        answer = client.post("/api/v1/inferences", json=batch(0),
                             headers={"Authorization": f"Bearer {key}"})
        ready = client.get("/healthz")
    assert answer.status_code == 503
    assert "database is read-only" in answer.json()["detail"]
    assert ready.status_code == 200
