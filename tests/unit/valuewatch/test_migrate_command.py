"""`valuewatch migrate` makes the schema; `serve` runs it first, in a child process."""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from valuewatch.cli import main


def test_migrate_creates_the_schema_at_the_newest_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL", url)

    assert main(["migrate"]) == 0

    engine = create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    newest = max(p.name.split("_")[0] for p in
                 (Path(__file__).parents[3] / "metrics/migrations/versions").glob("0*.py"))
    assert version == newest
    assert {"inference", "feedback", "api_key"} <= set(inspect(engine).get_table_names())


def test_serve_stops_with_a_message_when_the_schema_cannot_be_migrated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL",
                       "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")

    assert main(["serve", "--port", "0"]) != 0
    assert "the schema could not be migrated" in capsys.readouterr().err
