"""Where each job has got to, kept in the database so that every replica sees the same."""

from datetime import datetime

from sqlalchemy import Connection, Table, select

from metrics.store.database import Store
from metrics.store.tables import EvaluatorRun
from metrics.store.upsert import upsert

EVALUATOR_RUNS: Table = EvaluatorRun.__table__  # type: ignore[attr-defined]


def last_window_end(store: Store, job: str) -> datetime | None:
    """The end of the last window `job` evaluated, or None before its first."""
    with store.engine.connect() as connection:
        found = connection.execute(
            select(EVALUATOR_RUNS.c.last_window_end).where(EVALUATOR_RUNS.c.job == job)
        )
        return found.scalar_one_or_none()


def record_success(
    connection: Connection, job: str, *, at: datetime, window_end: datetime | None
) -> None:
    """Note that `job` finished at `at`, and its new last window when it evaluated one."""
    changes: dict[str, datetime] = {"last_success_at": at}
    if window_end is not None:
        changes["last_window_end"] = window_end
    upsert(connection, EVALUATOR_RUNS, [{"job": job, **changes}], ("job",), list(changes))


def last_successes(store: Store) -> dict[str, datetime]:
    """When each job last finished without error."""
    query = select(EVALUATOR_RUNS.c.job, EVALUATOR_RUNS.c.last_success_at)
    with store.engine.connect() as connection:
        return {job: at for job, at in connection.execute(query)}
