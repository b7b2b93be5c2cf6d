"""Closed evaluation windows: which ones are due, aligned to the Unix epoch."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Window:
    """The half-open time range [start, end), in UTC, and which evaluation of it this is
    (`revision` 2 and more: evaluated again because late records arrived)."""

    start: datetime
    end: datetime
    revision: int = field(default=1, compare=False)

    @property
    def length(self) -> timedelta:
        """end - start."""
        return self.end - self.start

    def previous(self) -> "Window":
        """The window of the same length that ends where this one starts."""
        return Window(self.start - self.length, self.start)

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


def floor_time(moment: datetime, step: timedelta) -> datetime:
    """The latest multiple of `step` since the epoch at or before `moment`."""
    return EPOCH + step * ((moment - EPOCH) // step)


def due_windows(
    *,
    now: datetime,
    step: timedelta,
    length: timedelta,
    lateness: timedelta,
    last_end: datetime | None,
    limit: int,
    earliest: datetime | None = None,
) -> list[Window]:
    """Windows that have closed since `last_end`, oldest first, at most `limit` of them.

    Window ends are multiples of `step`; a window covers [end - length, end) and is
    closed once `lateness` has passed after its end, so late records are still in it.
    With no `last_end` (a job's first run) the first window is the one after `earliest`
    or, without it, the last `limit` closed windows are due. After a long downtime only
    the most recent `limit` windows are evaluated: older ones are skipped, not queued.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    newest_end = floor_time(now - lateness, step)
    oldest_end = newest_end - step * (limit - 1)
    if last_end is not None:
        first_end = floor_time(last_end, step) + step
    elif earliest is not None:
        first_end = floor_time(earliest, step) + step
    else:
        first_end = oldest_end
    end = max(first_end, oldest_end)
    windows = []
    while end <= newest_end:
        windows.append(Window(end - length, end))
        end += step
    return windows
