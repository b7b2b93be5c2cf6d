"""The database: engine set-up, migrations, and the fast insert path used by ingest."""

import os
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, make_url, select, text
from sqlmodel import Session

from metrics.store.bulk_insert import BulkInsert, RecordKey, record_key
from metrics.store.freshness import IngestTouch
from metrics.store.partitions import KEY_TABLES, partitioned_tables
from metrics.store.tables import InstallationSecret
from metrics.store.upsert import dialect_insert
from metrics.types import as_utc, utc_now

MIGRATIONS = Path(__file__).parents[1] / "migrations"


def make_engine(database_url: str) -> Engine:
    """An engine for `database_url`; SQLite files get WAL and fully synced commits."""
    if database_url.startswith("sqlite"):
        create_private_file(make_url(database_url).database)
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def create_private_file(database: str | None) -> None:
    """Create a SQLite database file readable by its owner only (0600), when it is missing.

    SQLite gives the -wal and -shm files the mode of the database file, so they are
    private too. An existing file keeps its mode: an operator may have chosen it.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    os.chmod(database, 0o600)  # the umask may have taken bits off, never added: set them


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit survives power loss, not just a crash of the process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Commits never copy the WAL back into the database themselves (that took 50-250 ms
    # with fsync, and made the p99 of ingest); `Store.checkpoint` does it in the background.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def touched_hours(rows: list[dict[str, Any]], new: set[RecordKey]) -> set[datetime]:
    """The UTC hours that the `timestamp` of the rows whose key is in `new` fall in."""
    hours: dict[datetime, datetime] = {}  # each distinct time to its hour, once
    for row in rows:
        moment = row["timestamp"]
        if moment not in hours and record_key(row) in new:
            utc = moment if moment.tzinfo is UTC else as_utc(moment)
            hours[moment] = utc.replace(minute=0, second=0, microsecond=0)
    return set(hours.values())


class Store:
    """The SQL store behind the collector and the evaluators."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._bulk_inserts: dict[str, BulkInsert] = {}
        self._partitioned: set[str] | None = None

    @classmethod
    def open(cls, database_url: str) -> "Store":
        """Connect to `database_url` (nothing happens until first use)."""
        return cls(make_engine(database_url))

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision."""
        # Alembic (with Mako and Pygments, 11 MB) is loaded only by what migrates; see
        # `valuewatch migrate`, which `serve` runs in a child process.
        from alembic import command
        from alembic.config import Config

        self._partitioned = None  # the migration may partition the raw tables: read again
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def checkpoint(self) -> None:
        """Copy the SQLite WAL into the database file without blocking writers."""
        if self.dialect == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def insert_new(
        self, batches: Sequence[tuple[Table, list[dict[str, Any]]]]
    ) -> list[set[RecordKey]]:
        """Insert every batch in one transaction, skipping keys already stored.

        Returns, per batch, the keys that were new: (app, id) for records. Rows go to the
        driver as multi-row INSERT … ON CONFLICT (key) DO NOTHING RETURNING key statements,
        with values converted once per column: SQLAlchemy's per-row bind processing cost
        three times the database's own work on the ingest path.

        The hours the new rows fall in are noted in `ingest_touch` in the same transaction
        (one row per table and hour), so evaluations of those hours are redone.

        Where the table is partitioned (PostgreSQL), its (app, id) keys are claimed in its
        key table first, and only the rows whose key was claimed are inserted: a record
        sent again with another timestamp would land in another partition, where no
        unique index could see the first.
        """
        inserted: list[set[RecordKey]] = []
        touches: list[dict[str, Any]] = []
        with self.engine.begin() as connection:
            touched_at = utc_now()
            partitioned = self._partitioned_tables(connection)
            for table, rows in batches:
                new: set[RecordKey] = set()
                if table.name in partitioned and table.name in KEY_TABLES:
                    rows = self._claimed(connection, table.name, rows)
                for sql, params in self._bulk_insert(table, table.name in partitioned)\
                        .statements(rows):
                    new.update(tuple(row) for row in connection.exec_driver_sql(sql, params))
                inserted.append(new)
                if "app" not in table.primary_key.columns:
                    continue  # not a record the evaluators read by time (resource samples)
                touches += (
                    {"source": table.name, "hour": hour, "version": 1, "touched_at": touched_at}
                    for hour in touched_hours(rows, new)
                )
            for sql, params in self._touch_insert().statements(touches):
                connection.exec_driver_sql(sql, params)
        return inserted

    def _touch_insert(self) -> BulkInsert:
        found = self._bulk_inserts.get(IngestTouch.__tablename__)
        if found is None:
            found = self._bulk_inserts[IngestTouch.__tablename__] = BulkInsert(
                IngestTouch.__table__,  # type: ignore[attr-defined]
                self.dialect,
                "ON CONFLICT (source, hour) DO UPDATE SET version = ingest_touch.version + 1, "
                "touched_at = excluded.touched_at",
            )
        return found

    def _claimed(
        self, connection: Connection, table: str, rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The first of `rows` for each key that was not in `table`'s key table, and is now."""
        claimed: set[RecordKey] = set()
        for sql, params in self._bulk_insert(KEY_TABLES[table]).statements(rows):
            claimed.update(tuple(row) for row in connection.exec_driver_sql(sql, params))
        kept = []
        for row in rows:
            key = record_key(row)
            if key in claimed:
                claimed.discard(key)  # a key twice in one batch: its first row is the one
                kept.append(row)
        return kept

    def _partitioned_tables(self, connection: Connection) -> set[str]:
        if self._partitioned is None:
            self._partitioned = partitioned_tables(connection)
        return self._partitioned

    def _bulk_insert(self, table: Table, partitioned: bool = False) -> BulkInsert:
        name = f"{table.name} partitioned" if partitioned else table.name
        found = self._bulk_inserts.get(name)
        if found is None:
            # A partitioned table has no unique index on the key alone (it must hold the
            # time too), so its conflict clause names no index: the key table decided.
            found = self._bulk_inserts[name] = BulkInsert(table, self.dialect,
                                                          any_conflict=partitioned)
        return found

    def installation_secret(self, name: str) -> str:
        """A random secret made on first use and kept in the database thereafter."""
        with Session(self.engine) as session:
            found = session.get(InstallationSecret, name)
            if found is not None:
                return found.value
            secrets_table = InstallationSecret.__table__  # type: ignore[attr-defined]
            statement = dialect_insert(self.engine, secrets_table).on_conflict_do_nothing(
                index_elements=["name"]
            )
            session.execute(statement, {"name": name, "value": secrets.token_hex(32)})
            session.commit()
            # Another replica may have won the race: read back whatever is stored.
            stored = session.execute(
                select(InstallationSecret.value).where(InstallationSecret.name == name)
            )
            return str(stored.scalar_one())
