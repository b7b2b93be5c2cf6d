"""Adding late records to a day whose raw records retention already deleted.

Such a day's aggregates cannot be recomputed, but they can be added to: counts and sums
add, maxima take the larger, histogram buckets add element by element, user sketches
are united, and the p95 and the distinct users are estimated again from the merged rows.
"""

from typing import Any

from sqlalchemy import Connection, Table, UniqueConstraint, select

from evaluators.upkeep.user_sketch import distinct_estimate, merged_sketch

MAXIMA = frozenset({"latency_s_max", "value_max"})
DERIVED = frozenset({"id", "day", "latency_p95_s", "users"})


def key_columns(table: Table) -> tuple[str, ...]:
    """The columns of `table`'s unique key other than the day."""
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            return tuple(c.name for c in constraint.columns if c.name != "day")
    raise ValueError(f"{table.name} has no unique key")


def merged_with_stored(
    connection: Connection, table: Table, day_start: Any, found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows of `table` for the day: those stored, with `found` added to them."""
    keys = key_columns(table)
    stored = connection.execute(select(table).where(table.c.day == day_start)).mappings()
    merged: dict[tuple[Any, ...], dict[str, Any]] = {
        tuple(row[k] for k in keys): {n: v for n, v in row.items() if n != "id"}
        for row in stored
    }
    for row in found:
        key = tuple(row[k] for k in keys)
        merged[key] = add_rows(merged[key], row) if key in merged else row
    return list(merged.values())


def add_rows(stored: dict[str, Any], late: dict[str, Any]) -> dict[str, Any]:
    """One aggregate row from two of the same day and key."""
    total = dict(stored)
    for name, value in late.items():
        if name in DERIVED or name not in stored or isinstance(value, str):
            continue
        old = stored[name]
        if old is None or value is None:
            total[name] = value if old is None else old
        elif isinstance(value, bytes):
            total[name] = merged_sketch([old, value])
        elif name in MAXIMA:
            total[name] = max(old, value)
        elif isinstance(value, list):
            total[name] = [a + b for a, b in zip(old, value, strict=True)]
        else:
            total[name] = old + value
    if "sketch" in total:
        total["users"] = distinct_estimate([total["sketch"]])
    return total
