"""Which evaluated windows late records have made stale, and noting each evaluation.

A window's evaluation notes the sum of the versions of its hours' touches (see
`metrics.store.freshness`) as it began, read before the records themselves; the window is stale
when that sum has grown since, or when it holds touched hours and was never evaluated.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, delete, func, select

from evaluators.windows import Window, floor_time
from metrics.store.database import Store
from metrics.store.freshness import IngestTouch, WindowEvaluation
from metrics.store.upsert import upsert
from metrics.types import utc_now

HOUR = timedelta(hours=1)
TOUCHES: Table = IngestTouch.__table__  # type: ignore[attr-defined]
EVALUATIONS: Table = WindowEvaluation.__table__  # type: ignore[attr-defined]


def stale_windows(
    store: Store,
    *,
    job: str,
    sources: tuple[str, ...],
    step: timedelta,
    length: timedelta,
    last_end: datetime | None,
    since: datetime,
) -> list[Window]:
    """Windows of `job` ending by `last_end` and starting at or after `since` whose
    touched hours changed since their last evaluation (or that were never evaluated),
    newest first, each with the revision its next evaluation will be."""
    if not sources or last_end is None:
        return []
    t, e = TOUCHES.c, EVALUATIONS.c
    with store.engine.connect() as connection:
        touches = connection.execute(
            select(t.hour, func.sum(t.version))
            .where(t.source.in_(sources), t.hour > since - HOUR, t.hour < last_end)
            .group_by(t.hour)
        ).all()
        if not touches:
            return []
        evaluated = {
            end: (seen, revision) for end, seen, revision in connection.execute(
                select(e.window_end, e.seen, e.revision)
                .where(e.job == job, e.window_end > since)
            )
        }
    sums: dict[datetime, int] = defaultdict(int)
    for hour, versions in touches:
        end = floor_time(hour, step) + step  # the first window end after the hour starts
        while end - length < hour + HOUR and end <= last_end:
            if end - length >= since:
                sums[end] += int(versions)
            end += step
    stale = []
    for end, now_seen in sums.items():
        seen, revision = evaluated.get(end, (None, 0))
        if seen is None or now_seen > seen:
            stale.append(Window(end - length, end, revision + 1))
    return sorted(stale, reverse=True)


def touch_sum(connection: Connection, sources: tuple[str, ...], window: Window) -> int:
    """The sum of the versions of the touched hours of `sources` that overlap `window`."""
    t = TOUCHES.c
    found = connection.execute(select(func.coalesce(func.sum(t.version), 0)).where(
        t.source.in_(sources), t.hour > window.start - HOUR, t.hour < window.end
    ))
    return int(found.scalar_one())


def record_evaluation(connection: Connection, job: str, window: Window, *, seen: int) -> None:
    """Note, in the window's own transaction, that `job` evaluated `window` having seen
    touches summing to `seen`."""
    values = {
        "window_start": window.start, "evaluated_at": utc_now(), "seen": seen,
        "revision": window.revision,
    }
    row = {"job": job, "window_end": window.end, **values}
    upsert(connection, EVALUATIONS, [row], ("job", "window_end"), list(values))


def evaluated_current(
    connection: Connection, job: str, sources: tuple[str, ...], window: Window
) -> bool:
    """Whether `job`'s last evaluation of `window` saw every record it has now (a window
    evaluated before touches were kept, and touched by nothing since, counts as seen)."""
    e = EVALUATIONS.c
    seen = connection.execute(
        select(e.seen).where(e.job == job, e.window_end == window.end)
    ).scalar_one_or_none()
    return (seen or 0) >= touch_sum(connection, sources, window)


def forget_before(connection: Connection, moment: datetime) -> int:
    """Delete touches and evaluation notes older than `moment`; returns how many."""
    deleted = connection.execute(delete(TOUCHES).where(TOUCHES.c.hour < moment)).rowcount
    deleted += connection.execute(
        delete(EVALUATIONS).where(EVALUATIONS.c.window_end < moment)
    ).rowcount
    return max(deleted, 0)
