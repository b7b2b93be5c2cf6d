"""Migration 0008 keys records by (id, app) and keeps every row stored before it."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from metrics.store.database import MIGRATIONS
from tests.conftest import POSTGRES_URL, skip_or_fail

OLD_ROWS = """
INSERT INTO inference (id, app, model, operation, latency_s, input_tokens, output_tokens,
                       status, timestamp, received_at, attributes)
VALUES ('call-1', 'support', 'gpt-4o-mini', 'chat', 1.3, 812, 164, 'ok',
        '2026-11-30 10:00:00', '2026-11-30 10:00:01', '{}');
INSERT INTO feedback (id, inference_id, app, kind, value, timestamp)
VALUES ('fb-1', 'call-1', NULL, 'thumbs', 1.0, '2026-11-30 10:01:00');
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: the test migrates it step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        skip_or_fail(f"no PostgreSQL at {POSTGRES_URL}: {exc}")
    name = f"valuewatch_migration_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(database_url: str, revision: str) -> None:
    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_rows_stored_before_0008_are_kept_and_a_second_app_may_reuse_their_id(
    database_url: str,
) -> None:
    migrate(database_url, "0005")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for statement in OLD_ROWS.split(";")[:-1]:
            connection.execute(text(statement))

    migrate(database_url, "0008")

    with engine.begin() as connection:
        connection.execute(text(OLD_ROWS.split(";")[0].replace("'support'", "'search'")))
        calls = connection.execute(text("SELECT app, id FROM inference ORDER BY app")).all()
        feedback = connection.execute(text("SELECT app, inference_id FROM feedback")).all()
    keys = {table: inspect(engine).get_pk_constraint(table)["constrained_columns"]
            for table in ("inference", "feedback", "accuracy_sample", "outcome")}
    engine.dispose()
    assert [tuple(row) for row in calls] == [("search", "call-1"), ("support", "call-1")]
    assert [tuple(row) for row in feedback] == [("", "call-1")]
    assert keys == dict.fromkeys(keys, ["id", "app"])
