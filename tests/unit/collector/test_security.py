"""Every route against every kind of credential, rate limits, headers, CORS, audit, logs."""

import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.app import create_app
from collector.keys import create_key, revoke_key
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AuditEntry, Scope

# Who may call what. A route missing here fails the completeness test below.
ACCESS: dict[tuple[str, str], Scope | None] = {
    ("POST", "/api/v1/inferences"): Scope.ingest,
    ("GET", "/api/v1/inferences"): Scope.read,
    ("GET", "/api/v1/accuracy"): Scope.read,
    ("GET", "/api/v1/feedback"): Scope.read,
    ("POST", "/api/v1/feedback"): Scope.ingest,
    ("POST", "/api/v1/accuracy"): Scope.ingest,
    ("POST", "/api/v1/outcomes"): Scope.ingest,
    ("POST", "/v1/traces"): Scope.ingest,
    ("POST", "/v1/logs"): Scope.ingest,
    ("GET", "/api/v1/evaluations"): Scope.read,
    ("GET", "/api/v1/kpis"): Scope.read,
    ("GET", "/api/v1/reports/{month}"): Scope.read,
    ("POST", "/api/v1/assessments"): Scope.assessor,
    ("GET", "/api/v1/assessments"): Scope.read,
    ("POST", "/api/v1/alertmanager"): Scope.ingest,
    ("GET", "/api/v1/audit"): Scope.admin,
    ("GET", "/api/v1/privacy/users/{user}/export"): Scope.export,
    ("DELETE", "/api/v1/privacy/users/{user}"): Scope.admin,
    ("GET", "/healthz"): None,
    ("GET", "/readyz"): None,
    ("GET", "/metrics"): None,
}
WRONG = {Scope.ingest: Scope.read, Scope.read: Scope.export, Scope.admin: Scope.assessor,
         Scope.assessor: Scope.read, Scope.export: Scope.read}


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]
    return {(method.upper(), path) for path, methods in paths.items() for method in methods}


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    path = path.replace("{month}", "2026-01").replace("{user}", "alice")
    return client.request(method, path, json=[],
                          headers=headers).status_code


def test_every_route_declares_who_may_call_it(client: TestClient) -> None:
    assert app_routes(client) == set(ACCESS)


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
def test_each_route_answers_each_kind_of_credential_as_it_should(
    client: TestClient, store: Store, keys: dict[Scope, str], method: str, path: str
) -> None:
    revoked = create_key(store, name="revoked", scope=Scope.admin)
    revoke_key(store, name="revoked")
    client.app.state.keyring.refresh()
    needed = ACCESS[(method, path)]
    answers = {
        "no key": call(client, method, path, {}),
        "malformed key": call(client, method, path, {"Authorization": "Bearer x y z"}),
        "revoked key": call(client, method, path, {"Authorization": f"Bearer {revoked}"}),
    }
    if needed is None:
        assert set(answers.values()) == {200}
        return
    answers["wrong scope"] = call(
        client, method, path, {"Authorization": f"Bearer {keys[WRONG[needed]]}"}
    )
    right = call(client, method, path, {"Authorization": f"Bearer {keys[needed]}"})
    assert answers == {"no key": 401, "malformed key": 401, "revoked key": 401,
                       "wrong scope": 403}
    assert right not in (401, 403, 429, 500)


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
def test_a_key_is_let_through_only_where_its_scope_grants(
    client: TestClient, keys: dict[Scope, str], method: str, path: str
) -> None:
    needed = ACCESS[(method, path)]
    if needed is None:
        return
    let_through = {
        scope for scope, key in keys.items()
        if call(client, method, path, {"Authorization": f"Bearer {key}"}) != 403
    }
    # Least privilege: only admin, the scope itself, and assessor for reads.
    expected = {Scope.admin, needed} | ({Scope.assessor} if needed is Scope.read else set())
    assert let_through == expected


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(store: Store) -> None:
    settings = Settings(database_url=str(store.engine.url), rate_limit_per_s=0.5,
                        rate_limit_burst=2)
    key = create_key(store, name="busy", scope=Scope.ingest)
    other = create_key(store, name="quiet", scope=Scope.ingest)
    with TestClient(create_app(settings, store, CollectorRegistry())) as client:
        statuses = [
            client.post("/api/v1/inferences", json=[], headers={"Authorization": f"Bearer {key}"})
            for _ in range(3)
        ]
        quiet = client.post("/api/v1/inferences", json=[],
                            headers={"Authorization": f"Bearer {other}"})
    assert [s.status_code for s in statuses] == [200, 200, 429]
    assert statuses[2].headers["retry-after"] == "2"
    assert quiet.status_code == 200  # the limit is per key


def test_responses_carry_security_headers(client: TestClient) -> None:
    api = client.get("/healthz").headers
    assert api["x-content-type-options"] == "nosniff"
    assert api["x-frame-options"] == "DENY"
    assert api["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    docs = client.get("/docs").headers
    assert docs["x-frame-options"] == "DENY"
    assert "content-security-policy" not in docs  # Swagger UI loads its own script


def test_cors_is_off_unless_an_origin_is_configured(store: Store) -> None:
    preflight = {"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"}
    closed = Settings(database_url=str(store.engine.url))
    opened = Settings(database_url=str(store.engine.url),
                      cors_origins=["https://shop.example.com"])
    with TestClient(create_app(closed, store, CollectorRegistry())) as client:
        answer = client.options("/api/v1/feedback", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
    with TestClient(create_app(opened, store, CollectorRegistry())) as client:
        answer = client.options("/api/v1/feedback", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://shop.example.com"


def test_a_wildcard_cors_origin_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="CORS"):
        Settings(environment="production", cors_origins=["*"])


def test_creating_and_revoking_keys_is_audited(store: Store) -> None:
    key = create_key(store, name="ci", scope=Scope.read)
    revoke_key(store, name="ci")
    with Session(store.engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("cli", "key.create", "ci"), ("cli", "key.revoke", "ci"),
    ]
    assert entries[0].details == {"scope": "read", "prefix": key[:10]}
    assert key not in str(entries[0].details)


def test_no_key_appears_in_the_logs(
    client: TestClient, keys: dict[Scope, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    guessed = "vw_" + "A" * 43
    for key in (*keys.values(), guessed):
        headers = {"Authorization": f"Bearer {key}"}
        client.post("/api/v1/inferences", headers=headers,
                    json={"id": "l1", "app": "a", "model": "m", "latency_s": 1})
        client.get("/api/v1/inferences", headers=headers)
    assert caplog.records  # something was logged, so the scan means something
    for key in (*keys.values(), guessed):
        assert key not in caplog.text
