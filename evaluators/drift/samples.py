"""Samples of the drift signals for one window, read with bounded memory.

Categorical signals are counted in SQL (GROUP BY), so only the counts come back.
Numeric signals stream through one reservoir per signal, so at most `capacity` values
per signal are ever kept, whatever the window's size. When a window holds more rows than
the reservoir, rows are first thinned in SQL by a fixed hash of each row, keeping about
`capacity` of them: reading every row only to drop nine in ten in Python took twice as
long (see bench/drift.py). The hash is fixed, so a window read twice gives one sample.
"""

import math

import numpy as np
from sqlalchemy import func, select

from evaluators.drift.sql_stream import float_chunks
from evaluators.signals import HASH_MODULUS, Signal, Source
from evaluators.stats.reservoir import Reservoir
from evaluators.windows import Window
from metrics.store.database import Store

Group = tuple[str, str]  # (app, model)
MISSING = "(missing)"
# Keep a little more than the reservoir holds, so it is full after NULLs are dropped.
OVERSAMPLING = 1.1


def groups_in(store: Store, source: Source, window: Window) -> list[Group]:
    """The app × model pairs with rows of `source` in `window`, sorted."""
    statement = (
        select(source.app, source.model).distinct()
        .select_from(source.rows).where(source.in_window(window))
    )
    with store.engine.connect() as connection:
        return sorted((app, model) for app, model in connection.execute(statement))


def group_size(store: Store, source: Source, group: Group, window: Window) -> int:
    """How many rows of `source` one app × model has in `window` (from the index alone,
    for calls)."""
    statement = (
        select(func.count()).select_from(source.rows)
        .where(source.in_window(window), source.app == group[0], source.model == group[1])
    )
    with store.engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def numeric_samples(
    store: Store,
    source: Source,
    signals: tuple[Signal, ...],
    *,
    group: Group,
    window: Window,
    capacity: int,
    thin_in_sql: bool = True,
) -> dict[str, np.ndarray]:
    """A uniform sample of at most `capacity` finite values of each of `signals`, which
    are all read from `source`, for one app × model, in one pass."""
    app, model = group
    statement = (
        select(*(signal.value for signal in signals))
        .select_from(source.rows)
        .where(source.in_window(window), source.app == app, source.model == model)
    )
    rows = group_size(store, source, group, window) if thin_in_sql else 0
    if rows > capacity:
        kept = math.ceil(HASH_MODULUS * OVERSAMPLING * capacity / rows)
        statement = statement.where(source.row_hash(store.dialect) < kept)
    reservoirs = [Reservoir(capacity) for _ in signals]
    for chunk in float_chunks(store.engine, statement):
        for column, reservoir in zip(chunk.T, reservoirs, strict=True):
            reservoir.extend(column[np.isfinite(column)])
    return {
        signal.name: reservoir.values()
        for signal, reservoir in zip(signals, reservoirs, strict=True)
    }


def category_counts(
    store: Store, source: Source, signals: tuple[Signal, ...], window: Window
) -> dict[str, dict[Group, dict[str, int]]]:
    """Per signal and app × model, how many rows of `window` have each value; NULL is
    counted as "(missing)". One GROUP BY over every signal of `source` at once."""
    statement = (
        select(source.app, source.model, *(s.value for s in signals), func.count())
        .select_from(source.rows)
        .where(source.in_window(window))
        .group_by(source.app, source.model, *(s.value for s in signals))
    )
    counts: dict[str, dict[Group, dict[str, int]]] = {s.name: {} for s in signals}
    with store.engine.connect() as connection:
        for row in connection.execute(statement):
            group, values, count = (row[0], row[1]), row[2:-1], row[-1]
            for signal, value in zip(signals, values, strict=True):
                category = MISSING if value is None else str(value)
                per_group = counts[signal.name].setdefault(group, {})
                per_group[category] = per_group.get(category, 0) + count
    return counts
