"""`valuewatch privacy export|delete --user ID` on both databases, and `privacy docs`."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from metrics.privacy import privacy_docs
from metrics.store.database import Store
from metrics.store.tables import AuditEntry
from tests.privacy_seed import ALICE_ROWS, Headers, daily_calls, row_ids, seed_two_users
from valuewatch.cli import main


@pytest.fixture
def database_env(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI opens the store under test."""
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL",
                       store.engine.url.render_as_string(hide_password=False))


def test_the_cli_exports_then_deletes_one_user(
    client: TestClient, auth: Headers, store: Store, database_env: None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_two_users(client, auth, store)

    assert main(["privacy", "export", "--user", "alice", "--out", str(tmp_path / "a.json")]) == 0
    exported = json.loads((tmp_path / "a.json").read_text())
    assert {name: len(rows) for name, rows in exported["tables"].items()} == ALICE_ROWS

    assert main(["privacy", "delete", "--user", "alice"]) == 0
    printed = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert {name: int(count) for name, count in printed.items()} == ALICE_ROWS
    assert row_ids(store, "inference") == [("b1", "support"), ("shared", "search")]
    assert daily_calls(store) == 3
    with Session(store.engine) as session:
        entries = session.exec(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target)
                               .order_by(AuditEntry.id)).all()
    assert [tuple(e) for e in entries if e[1].startswith("privacy.")] == [
        ("cli", "privacy.export", exported["user_hash"]),
        ("cli", "privacy.delete", exported["user_hash"]),
    ]


def test_privacy_docs_writes_the_generated_document(tmp_path: Path) -> None:
    assert main(["privacy", "docs", "--out", str(tmp_path / "privacy.md")]) == 0
    assert (tmp_path / "privacy.md").read_text() == privacy_docs()
