"""One replica at a time per job: a PostgreSQL advisory lock, or a file lock beside SQLite.

Both are released by the operating system or the database when the holder dies, so a
crashed replica never leaves a job locked.
"""

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text

from metrics.store.database import Store

log = logging.getLogger("valuewatch.evaluators")


@contextmanager
def job_lock(store: Store, job: str) -> Iterator[bool]:
    """Try to take `job`'s lock without waiting; yields whether this caller holds it."""
    if store.dialect == "postgresql":
        with _advisory_lock(store, job) as held:
            yield held
    else:
        with _file_lock(lock_path(store, job)) as held:
            yield held


def advisory_key(job: str) -> int:
    """A stable signed 64-bit key for `job` (Python's hash() differs between processes)."""
    digest = hashlib.sha256(f"valuewatch evaluator {job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_path(store: Store, job: str) -> Path:
    """The lock file of `job`: beside the SQLite file, or in the temp folder for :memory:."""
    database = store.engine.url.database
    if not database or database == ":memory:":
        return Path(tempfile.gettempdir()) / f"valuewatch-{os.getpid()}.{job}.lock"
    return Path(f"{database}.{job}.lock")


@contextmanager
def _advisory_lock(store: Store, job: str) -> Iterator[bool]:
    key = advisory_key(job)
    # A session-level lock on a connection of its own, held only for the job's run;
    # committing at once keeps that connection from idling inside a transaction.
    with store.engine.connect() as connection:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
                    .scalar())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                _advisory_unlock(connection, key)


def _advisory_unlock(connection: Connection, key: int) -> None:
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except Exception:
        # Closing the session is what frees the lock for certain: drop the connection.
        log.warning("could not release advisory lock %s; closing its connection", key)
        connection.invalidate()
        raise


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    # flock belongs to the open file description, so it excludes other processes and
    # also other threads of this process that open the file themselves.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)
