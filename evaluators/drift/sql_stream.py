"""Reading many rows fast: a Core select run on the raw DBAPI cursor, in chunks, into numpy.

SQLAlchemy's Row objects cost more than the query itself at a million rows, so large
windows are read on the driver's cursor: `fetchmany` returns plain tuples of the driver's
own floats and ints, and each chunk is flattened straight into one float array by
`np.fromiter` (no list of rows for numpy to inspect first); only a chunk holding a NULL
takes the slower `np.array`, which turns None into NaN. On PostgreSQL the cursor is a
server-side (named) one, so the window is never held in memory whole, on either side.
"""

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import Engine, Select
from sqlalchemy.engine import Dialect

CHUNK_ROWS = 65_536
DriverParameters = Sequence[Any] | Mapping[str, Any]


def driver_sql(statement: Select[Any], dialect: Dialect) -> tuple[str, DriverParameters]:
    """The SQL text and parameters the driver itself takes for `statement`.

    Parameters go through their column types' bind processors, as SQLAlchemy would pass
    them: timestamps become naive UTC (and text, on SQLite), enums their values.
    """
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    for name, bind in compiled.binds.items():
        # The dialect's own implementation: on SQLite it is what turns a timestamp into
        # the text SQLAlchemy stored, so that comparisons hold to the microsecond.
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None and name in values:
            values[name] = processor(values[name])
    if compiled.positional:
        return compiled.string, tuple(values[name] for name in compiled.positiontup or ())
    return compiled.string, values


def float_chunks(
    engine: Engine, statement: Select[Any], chunk_rows: int = CHUNK_ROWS
) -> Iterator[np.ndarray]:
    """Each chunk of rows of `statement` as a 2-D float array; NULL becomes NaN."""
    sql, parameters = driver_sql(statement, engine.dialect)
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            cursor = connection.cursor(name="valuewatch_float_chunks")
        else:
            cursor = connection.cursor()
        cursor.execute(sql, parameters)
        while rows := cursor.fetchmany(chunk_rows):
            yield float_array(rows)
        cursor.close()
    finally:
        connection.close()


def float_array(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    """Rows of numbers as a 2-D float array; None becomes NaN."""
    width = len(rows[0]) if rows else 0
    try:
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=len(rows) * width)
    except TypeError:  # a NULL: np.array turns None into NaN
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)
    return flat.reshape(len(rows), width)
