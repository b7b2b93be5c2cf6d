"""Who may do what: keys by scope, revoked keys, open health and metrics."""

import pytest
from fastapi.testclient import TestClient

from collector.keys import create_key, revoke_key
from metrics.store.database import Store
from metrics.store.tables import Scope

ROUTES = [
    ("POST", "/api/v1/inferences", Scope.ingest),
    ("POST", "/api/v1/feedback", Scope.ingest),
    ("POST", "/api/v1/accuracy", Scope.ingest),
    ("POST", "/api/v1/outcomes", Scope.ingest),
    ("GET", "/api/v1/inferences", Scope.read),
]


@pytest.mark.parametrize(("method", "path", "needed"), ROUTES)
def test_each_route_needs_a_key_with_its_scope(
    client: TestClient, keys: dict[Scope, str], method: str, path: str, needed: Scope
) -> None:
    def status(headers: dict[str, str]) -> int:
        return client.request(method, path, json=[], headers=headers).status_code

    assert status({}) == 401
    assert status({"Authorization": "Bearer not-a-key"}) == 401
    assert status({"Authorization": "Bearer vw_unknown"}) == 401
    other = Scope.read if needed == Scope.ingest else Scope.ingest
    assert status({"Authorization": f"Bearer {keys[other]}"}) == 403
    assert status({"Authorization": f"Bearer {keys[needed]}"}) == 200
    assert status({"Authorization": f"Bearer {keys[Scope.admin]}"}) == 200


def test_a_revoked_key_is_refused(client: TestClient, store: Store) -> None:
    key = create_key(store, name="leaked", scope=Scope.ingest)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/inferences", json=[], headers=headers).status_code == 200
    assert revoke_key(store, name="leaked") == 1
    client.app.state.keyring.refresh()  # what the app does every VALUEWATCH_KEY_CACHE_TTL_S
    assert client.post("/api/v1/inferences", json=[], headers=headers).status_code == 401


def test_keys_are_stored_only_as_hashes(store: Store) -> None:
    key = create_key(store, name="k", scope=Scope.read)
    with store.engine.connect() as connection:
        dump = "\n".join(str(row) for row in connection.exec_driver_sql("SELECT * FROM api_key"))
    assert key not in dump


def test_health_and_metrics_are_open_by_default(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
    assert client.get("/metrics").status_code == 200
