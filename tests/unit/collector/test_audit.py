"""The audit log: reads, downloads, sign-ins and refused keys; GET /api/v1/audit."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.keys import create_key, revoke_key
from metrics.store.database import Store
from metrics.store.tables import AuditEntry, Scope
from metrics.value.periods import Month
from metrics.value.store import save_report
from tests.unit.collector.test_ui_session import sign_in

Headers = dict[Scope, dict[str, str]]


def entries(store: Store, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)  # type: ignore[arg-type]
    if action is not None:
        query = query.where(AuditEntry.action == action)
    with Session(store.engine) as session:
        return list(session.exec(query).all())


def test_a_read_is_audited_with_its_key_name_query_and_address(
    client: TestClient, store: Store, keys: dict[Scope, str], auth: Headers
) -> None:
    client.get("/api/v1/inferences", params={"app": "shop", "limit": "5"},
               headers=auth[Scope.read])
    client.get("/api/v1/feedback", headers=auth[Scope.assessor])
    reads = [e for e in entries(store) if e.action.endswith(".read")]
    assert [(e.actor, e.action, e.target) for e in reads] == [
        ("test-read", "inferences.read", "/api/v1/inferences"),
        ("test-assessor", "feedback.read", "/api/v1/feedback"),
    ]
    assert reads[0].details == {"query": {"app": "shop", "limit": "5"}}
    assert reads[0].client == "testclient:50000"
    for key in keys.values():
        assert key not in str([(e.target, e.details) for e in entries(store)])


def test_ingest_writes_no_audit_entry(client: TestClient, store: Store, auth: Headers) -> None:
    before = len(entries(store))
    answer = client.post("/api/v1/inferences", headers=auth[Scope.ingest],
                         json={"id": "a1", "app": "a", "model": "m", "latency_s": 1})
    assert answer.status_code == 200
    assert len(entries(store)) == before


def test_refused_keys_are_audited_as_unknown_and_counted_by_reason(
    client: TestClient, store: Store, registry: CollectorRegistry, keys: dict[Scope, str]
) -> None:
    revoked = create_key(store, name="old", scope=Scope.read)
    revoke_key(store, name="old")
    client.app.state.keyring.refresh()  # type: ignore[attr-defined]
    for headers in ({}, {"Authorization": "Bearer vw_" + "A" * 43},
                    {"Authorization": f"Bearer {revoked}"},
                    {"Authorization": f"Bearer {keys[Scope.ingest]}"}):
        client.get("/api/v1/inferences", headers=headers)
    failures = entries(store, "auth.failure")
    assert [(e.actor, e.details["reason"], e.target) for e in failures] == [
        ("unknown", "missing", "read"), ("unknown", "unknown", "read"),
        ("unknown", "revoked", "read"), ("test-ingest", "scope", "read"),
    ]
    assert revoked not in str([(e.target, e.details) for e in failures])
    counted = {reason: registry.get_sample_value("valuewatch_auth_failures_total",
                                                 {"reason": reason})
               for reason in ("missing", "unknown", "revoked", "scope")}
    assert counted == {"missing": 1.0, "unknown": 1.0, "revoked": 1.0, "scope": 1.0}


def test_admins_page_through_the_audit_log_filtered(
    client: TestClient, store: Store, auth: Headers
) -> None:
    for _ in range(3):
        client.get("/api/v1/inferences", headers=auth[Scope.read])
    client.get("/api/v1/kpis", headers=auth[Scope.read])
    first = client.get("/api/v1/audit", params={"action": "inferences.read", "limit": 2},
                       headers=auth[Scope.admin]).json()
    assert [e["actor"] for e in first["items"]] == ["test-read", "test-read"]
    rest = client.get("/api/v1/audit", params={"action": "inferences.read", "limit": 2,
                                               "cursor": first["next_cursor"]},
                      headers=auth[Scope.admin]).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    by_actor = client.get("/api/v1/audit", params={"actor": "test-read"},
                          headers=auth[Scope.admin]).json()["items"]
    assert {e["action"] for e in by_actor} == {"inferences.read", "kpis.read"}
    later = client.get("/api/v1/audit", params={"since": "2999-01-01T00:00:00Z"},
                       headers=auth[Scope.admin]).json()
    assert later == {"items": [], "next_cursor": None}
    assert client.get("/api/v1/audit", headers=auth[Scope.read]).status_code == 403


def test_ui_sign_ins_and_report_downloads_are_audited(
    client: TestClient, store: Store, keys: dict[Scope, str]
) -> None:
    with store.engine.begin() as connection:
        save_report(connection, Month.parse("2026-03"),
                    {"json": ("application/json", b"{}")}, final=True,
                    at=datetime(2026, 4, 1, tzinfo=UTC))
    assert sign_in(client, "vw_wrong")[0] == 401
    assert sign_in(client, keys[Scope.read])[0] == 303
    assert client.get("/ui/reports/2026-03/report.json").status_code == 200
    assert [(e.actor, e.action, e.target) for e in entries(store)
            if e.action.startswith(("ui.", "report."))] == [
        ("unknown", "ui.sign_in_failure", "/ui/sign-in"),
        ("test-read", "ui.sign_in", "/ui/sign-in"),
        ("test-read", "report.download", "/ui/reports/2026-03/report.json"),
    ]
