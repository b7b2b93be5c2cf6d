"""A SQLite database, its WAL and its shared memory are readable by their owner only."""

import os
import stat
from pathlib import Path

from metrics.store.database import Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask, which would leave the files world-readable
    try:
        store = Store.open(f"sqlite:///{tmp_path / 'valuewatch.db'}")
        store.migrate()
        with store.engine.connect() as connection:  # holds the WAL and SHM open
            connection.exec_driver_sql("SELECT 1")
            files = {path.name: mode(path) for path in tmp_path.iterdir()}
        store.engine.dispose()
    finally:
        os.umask(old)
    assert files == {"valuewatch.db": 0o600, "valuewatch.db-wal": 0o600,
                     "valuewatch.db-shm": 0o600}


def test_an_existing_database_keeps_the_mode_its_operator_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "valuewatch.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    Store.open(f"sqlite:///{path}").engine.dispose()
    assert mode(path) == 0o640
