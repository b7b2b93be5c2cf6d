"""The admin privacy routes: one user's rows exported, or deleted leaving the other's and
the aggregates, each request audited under the user's hash."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from metrics.store.database import Store
from metrics.store.freshness import IngestTouch
from metrics.store.tables import AuditEntry, Scope
from tests.privacy_seed import (
    ALICE_ROWS,
    BOB_ROWS,
    Headers,
    daily_calls,
    row_ids,
    seed_two_users,
)


def audit(store: Store, action: str) -> list[AuditEntry]:
    """The audit entries of `action`."""
    with Session(store.engine) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action))
                    .scalars())


def touch_versions(store: Store) -> int:
    """The sum of every ingest touch's version: what re-evaluation goes by."""
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.sum(IngestTouch.version))).scalar() or 0)


def test_an_export_holds_exactly_the_users_rows_and_is_audited(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed_two_users(client, auth, store)

    answer = client.get("/api/v1/privacy/users/alice/export", headers=auth[Scope.admin])

    assert answer.status_code == 200
    tables = answer.json()["tables"]
    assert {name: len(rows) for name, rows in tables.items()} == ALICE_ROWS
    assert [(r["id"], r["app"]) for r in tables["inference"]] == [
        ("a1", "support"), ("shared", "support")]
    assert tables["inference"][0]["attributes"] == {"tier": "gold"}
    assert [r["id"] for r in tables["feedback"]] == ["fa1", "fa2"]
    assert tables["feedback"][0]["comment"] == "it forgot my order"
    assert [(r["id"], r["app"]) for r in tables["accuracy_sample"]] == [("sa1", "support")]
    assert [r["id"] for r in tables["outcome"]] == ["oa1"]
    user_hash = answer.json()["user_hash"]
    assert {r["user_hash"] for r in tables["inference"]} == {user_hash}
    [entry] = audit(store, "privacy.export")
    assert (entry.target, entry.actor) == (user_hash, "test-admin")
    assert "alice" not in str(entry.details)


def test_deleting_a_user_leaves_the_other_user_and_the_aggregates(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed_two_users(client, auth, store)
    touched = touch_versions(store)

    answer = client.delete("/api/v1/privacy/users/alice", headers=auth[Scope.admin])

    assert answer.status_code == 200
    assert answer.json()["deleted"] == ALICE_ROWS
    assert row_ids(store, "inference") == [("b1", "support"), ("shared", "search")]
    assert row_ids(store, "feedback") == [("fb1", "support")]
    assert row_ids(store, "accuracy_sample") == [("sb1", "search")]
    assert row_ids(store, "outcome") == [("ob1", "support")]
    assert daily_calls(store) == 3
    assert touch_versions(store) == touched  # nothing is evaluated again
    [entry] = audit(store, "privacy.delete")
    assert entry.target == answer.json()["user_hash"]
    assert entry.details == {"rows": ALICE_ROWS}
    again = client.get("/api/v1/privacy/users/alice/export", headers=auth[Scope.admin])
    assert {name: len(rows) for name, rows in again.json()["tables"].items()} == {
        name: 0 for name in ALICE_ROWS}
    bob = client.get("/api/v1/privacy/users/bob/export", headers=auth[Scope.admin])
    assert {name: len(rows) for name, rows in bob.json()["tables"].items()} == BOB_ROWS


def test_the_privacy_routes_need_an_admin_key(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed_two_users(client, auth, store)

    export = client.get("/api/v1/privacy/users/alice/export", headers=auth[Scope.read])
    deleted = client.delete("/api/v1/privacy/users/alice", headers=auth[Scope.read])

    assert (export.status_code, deleted.status_code) == (403, 403)
    assert len(row_ids(store, "inference")) == 4
    assert audit(store, "privacy.export") == []
