"""Fixtures of the metrics tests: a database of a test's own, migrated step by step."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: the test migrates it step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with fresh_postgres_database("valuewatch_migration") as url:
        yield url
