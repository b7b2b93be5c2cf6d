"""Migrating a database of a test's own (the `database_url` fixture) step by step."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from metrics.store.database import MIGRATIONS


def step(database_url: str, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with `down`, downgrade) the database to `revision`."""
    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()
