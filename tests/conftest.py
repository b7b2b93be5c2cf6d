"""Fixtures shared by every test: stores on SQLite and PostgreSQL, apps, keys."""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from collector.app import create_app
from collector.keys import create_key
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope

POSTGRES_URL = os.environ.get(
    "VALUEWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_INTEGRATION = os.environ.get("VALUEWATCH_REQUIRE_INTEGRATION") == "1"
TABLES = (
    "inference", "feedback", "accuracy_sample", "outcome", "api_key", "installation_secret",
    "resource_sample", "evaluation_result", "evaluator_run", "rollup_day", "daily_usage",
    "daily_feedback", "daily_accuracy", "daily_outcome", "daily_resource", "audit_log",
    "kpi_value", "value_score", "assessment", "incident", "value_report", "ingest_touch",
    "window_evaluation", "daily_users", "daily_feedback_label", "value_month", "ui_session",
    "report_delivery", "topic_theme",
    # PostgreSQL only: the record keys of the partitioned raw tables
    "inference_key", "feedback_key", "accuracy_sample_key", "outcome_key",
)


def skip_or_fail(reason: str) -> None:
    """Skip, unless CI said integration tests must run: then fail."""
    if REQUIRE_INTEGRATION:
        pytest.fail(f"{reason} (VALUEWATCH_REQUIRE_INTEGRATION=1 forbids skipping)")
    pytest.skip(reason)


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database named `prefix`_…, dropped afterwards."""
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        skip_or_fail(f"no PostgreSQL at {POSTGRES_URL}: {exc}")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    finally:
        # A new connection: a test may have restarted the server since.
        with psycopg.connect(plain, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    with fresh_postgres_database("valuewatch_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_store(postgres_url: str) -> Store:
    """A migrated store on the session's PostgreSQL database."""
    store = Store.open(postgres_url)
    store.migrate()
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        store = Store.open(f"sqlite:///{tmp_path / 'valuewatch.db'}")
        store.migrate()
        yield store
        store.engine.dispose()
        return
    store = request.getfixturevalue("postgres_store")
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    yield store


@pytest.fixture
def settings(store: Store) -> Settings:
    """Settings for the store under test."""
    return Settings(database_url=str(store.engine.url))


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh registry per test."""
    return CollectorRegistry()


@pytest.fixture
def keys(store: Store) -> dict[Scope, str]:
    """One live key per scope."""
    return {scope: create_key(store, name=f"test-{scope.value}", scope=scope) for scope in Scope}


@pytest.fixture
def client(settings: Settings, store: Store, registry: CollectorRegistry) -> Iterator[TestClient]:
    """The collector app with its lifespan running."""
    with TestClient(create_app(settings, store, registry)) as client:
        yield client


@pytest.fixture
def auth(keys: dict[Scope, str]) -> dict[Scope, dict[str, str]]:
    """The Authorization header for each scope's key."""
    return {scope: {"Authorization": f"Bearer {key}"} for scope, key in keys.items()}


@pytest.fixture
def promtool() -> str:
    """The path of promtool (Debian's `prometheus` package)."""
    path = shutil.which("promtool")
    if path is None:
        skip_or_fail("promtool is not installed (apt-get install prometheus)")
    return str(path)
