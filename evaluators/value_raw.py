"""What only raw records hold: distinct users and risk labels.

Distinct counts do not add up across days and feedback labels are not rolled up, so
these read the raw tables, which keep the last 90 days. A closed month's scorecard is
stored when the month closes, so these values outlive the raw records.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Table, func, select

from metrics.tables import Feedback, Inference

_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
UserCache = dict[tuple[datetime, datetime], frozenset[str] | None]


def distinct_users(
    connection: Connection, start: datetime, end: datetime, cache: UserCache
) -> frozenset[str] | None:
    """The hashed users with a call in [start, end); None when no raw call of the period
    is left (retention deleted them), since zero would then be wrong."""
    if (start, end) not in cache:
        i = _inference.c
        in_period = (i.timestamp >= start) & (i.timestamp < end)
        # SELECT DISTINCT, not COUNT(DISTINCT): PostgreSQL runs it in parallel, and the
        # set also gives retention against the month before without another scan.
        users = frozenset(connection.execute(
            select(i.user_hash).where(in_period, i.user_hash.is_not(None)).distinct()
        ).scalars())
        if not users:
            any_call = connection.execute(select(i.id).where(in_period).limit(1)).first()
            cache[(start, end)] = None if any_call is None else users
        else:
            cache[(start, end)] = users
    return cache[(start, end)]


def risk_labelled_feedback(
    connection: Connection, start: datetime, end: datetime, labels: Iterable[str]
) -> int:
    """Feedback in [start, end) whose label is one of `labels`."""
    wanted = list(labels)
    if not wanted:
        return 0
    f = _feedback.c
    query = select(func.count()).where(
        f.timestamp >= start, f.timestamp < end, f.label.in_(wanted)
    )
    return int(connection.execute(query).scalar_one())
