"""Raw-cursor reads: parameters bound as SQLAlchemy binds them, NULL as NaN, in chunks."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from evaluators.drift.sql_stream import driver_sql, float_array, float_chunks
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import Inference, Status

HOUR = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))


def test_a_window_is_read_in_chunks_with_its_bounds_as_sqlalchemy_compares_them(
    store: Store, insert: Callable, call_rows: Callable
) -> None:
    before = Window(HOUR.start - timedelta(microseconds=1), HOUR.start)
    insert(Inference, call_rows(before, [9.0]))  # one microsecond too early
    ttfts = [0.1, None, 0.3, None, 0.5]
    insert(Inference, call_rows(HOUR, [1.0, 2.0, 3.0, 4.0, 5.0], ttft_s=ttfts))
    insert(Inference, call_rows(Window(HOUR.end, HOUR.end + HOUR.length), [9.0]))  # at the end
    table = Inference.__table__  # type: ignore[attr-defined]
    statement = (
        select(table.c.latency_s, table.c.ttft_s, table.c.input_tokens)
        .where(table.c.timestamp >= HOUR.start, table.c.timestamp < HOUR.end)
        .order_by(table.c.latency_s)
    )

    chunks = list(float_chunks(store.engine, statement, chunk_rows=2))

    assert [chunk.shape for chunk in chunks] == [(2, 3), (2, 3), (1, 3)]
    rows = np.concatenate(chunks)
    assert rows[:, 0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert np.isnan(rows[:, 1]).tolist() == [False, True, False, True, False]
    assert rows[:, 2].tolist() == [800.0] * 5


def test_on_sqlite_a_timestamp_is_bound_as_the_text_sqlalchemy_stores() -> None:
    table = Inference.__table__  # type: ignore[attr-defined]
    statement = select(table.c.latency_s).where(
        table.c.timestamp >= HOUR.start, table.c.status == Status.error
    )

    sql, parameters = driver_sql(statement, sqlite.dialect())

    assert sql.endswith("WHERE inference.timestamp >= ? AND inference.status = ?")
    assert parameters == ("2026-03-02 10:00:00.000000", "error")


def test_rows_of_floats_and_ints_become_one_float_array() -> None:
    array = float_array([(1.5, 2), (3.0, 4)])
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, [[1.5, 2.0], [3.0, 4.0]])


def test_a_null_in_a_chunk_becomes_nan() -> None:
    array = float_array([(1.5, None), (None, 4)])
    np.testing.assert_array_equal(np.isnan(array), [[False, True], [True, False]])
    assert array[0, 0] == 1.5 and array[1, 1] == 4.0


def test_no_rows_is_an_empty_array() -> None:
    assert float_array([]).shape == (0, 0)
