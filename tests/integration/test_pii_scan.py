"""Personal data sent through every ingest path is not in the database afterwards: not in
its tables as PostgreSQL reads them, not in SQLite's file or its write-ahead log.

Content storage is off (the default), so content goes; every other string is redacted.
"""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from metrics.store.database import Store
from metrics.store.tables import Scope
from tests.unit.collector.test_traces_route import PROTOBUF, chat_span, export

Headers = dict[Scope, dict[str, str]]
EMAIL, PHONE, CARD = "carol.doe@example.com", "+44 20 7946 0958", "4111 1111 1111 1111"
PII = (EMAIL, PHONE, CARD, "carol.doe")
SAID = f"write to {EMAIL} or call {PHONE}, card {CARD}"


def send_everything(client: TestClient, auth: Headers) -> None:
    """PII in a JSON call (content and other attributes), feedback, a graded sample, an
    outcome, and an OTLP span (content and other attributes)."""
    ingest = auth[Scope.ingest]
    calls: list[dict[str, Any]] = [{
        "id": "c1", "app": "support", "model": "gpt-4o", "latency_s": 0.8, "user": EMAIL,
        "attributes": {"prompt": SAID, "completion": SAID, "note": SAID,
                       "gen_ai.input.messages": [{"role": "user", "content": SAID}]},
    }]
    answers = [
        client.post("/api/v1/inferences", json=calls, headers=ingest),
        client.post("/api/v1/feedback", headers=ingest, json={
            "inference_id": "c1", "app": "support", "kind": "comment", "comment": SAID,
            "user": EMAIL}),
        client.post("/api/v1/accuracy", headers=ingest, json={
            "inference_id": "c1", "app": "support", "model": "gpt-4o", "task": "refunds",
            "correct": True, "grader": "human"}),
        client.post("/api/v1/outcomes", headers=ingest, json={
            "inference_id": "c1", "app": "support", "name": "ticket_resolved", "value": 1}),
        client.post("/v1/traces", headers=ingest | PROTOBUF, content=export(chat_span(**{
            "gen_ai.input.messages": SAID, "gen_ai.output.messages": SAID,
            "user.id": EMAIL, "support.ticket": SAID}))),
    ]
    assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]


def table_text(store: Store) -> str:
    """Every row of every table, as the database itself writes it out as text."""
    with store.engine.connect() as connection:
        if store.dialect == "sqlite":
            tables = [r[0] for r in connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
            rows = [repr(tuple(r)) for t in tables
                    for r in connection.execute(text(f'SELECT * FROM "{t}"'))]
        else:
            tables = [r[0] for r in connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
            rows = [r[0] for t in tables
                    for r in connection.execute(text(f'SELECT t::text FROM "{t}" t'))]
    return "\n".join(rows)


def test_no_personal_data_sent_by_any_path_is_stored(
    client: TestClient, auth: Headers, store: Store
) -> None:
    send_everything(client, auth)

    stored = table_text(store)
    assert "support" in stored and "[EMAIL]" in stored  # what was kept was read
    assert [pii for pii in PII if pii in stored] == []
    if store.dialect == "sqlite":
        database = Path(store.engine.url.database or "")
        files = [p for p in database.parent.glob(database.name + "*") if p.is_file()]
        assert database in files
        raw = b"".join(p.read_bytes() for p in files)
        assert [pii for pii in PII if pii.encode() in raw] == []
