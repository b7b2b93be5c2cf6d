"""ON CONFLICT writes behave alike on SQLite and PostgreSQL."""

from datetime import UTC, datetime

from sqlalchemy import select

from metrics.store.database import Store
from metrics.store.tables import EvaluatorRun
from metrics.store.upsert import insert_new, upsert

RUNS = EvaluatorRun.__table__  # type: ignore[attr-defined]
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, tzinfo=UTC)


def stored(store: Store) -> dict[str, tuple[datetime | None, datetime]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(RUNS.c.job, RUNS.c.last_window_end,
                                         RUNS.c.last_success_at))
        return {job: (window_end, success) for job, window_end, success in rows}


def test_an_upsert_overwrites_only_the_named_columns_of_a_stored_row(store: Store) -> None:
    with store.engine.begin() as connection:
        upsert(connection, RUNS, [{"job": "drift", "last_window_end": MONDAY,
                                   "last_success_at": MONDAY}], ("job",), ["last_success_at"])
        offered = upsert(connection, RUNS, [
            {"job": "drift", "last_window_end": TUESDAY, "last_success_at": TUESDAY},
            {"job": "rollup", "last_window_end": None, "last_success_at": TUESDAY},
        ], ("job",), ["last_success_at"])

    assert offered == 2
    assert stored(store) == {"drift": (MONDAY, TUESDAY), "rollup": (None, TUESDAY)}


def test_insert_new_keeps_the_stored_row_and_adds_the_others(store: Store) -> None:
    with store.engine.begin() as connection:
        insert_new(connection, RUNS, [{"job": "drift", "last_success_at": MONDAY}])
        offered = insert_new(connection, RUNS, [
            {"job": "drift", "last_success_at": TUESDAY},
            {"job": "feedback", "last_success_at": TUESDAY},
        ])
        assert upsert(connection, RUNS, [], ("job",), ["last_success_at"]) == 0

    assert offered == 2
    assert stored(store) == {"drift": (None, MONDAY), "feedback": (None, TUESDAY)}
