"""Which windows are due: closed ones, aligned to the epoch, bounded after downtime."""

from datetime import UTC, datetime, timedelta

import pytest

from evaluators.windows import Window, due_windows, floor_time

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ends(windows: list[Window]) -> list[str]:
    return [w.end.strftime("%d %H:%M") for w in windows]


@pytest.mark.parametrize(
    ("now", "last_end", "limit", "expected"),
    [
        pytest.param(at(11, 5), at(10), 24, ["02 11:00"], id="the window that just closed"),
        pytest.param(at(11, 1), at(10), 24, [], id="a window within its lateness is not due"),
        pytest.param(at(11, 5), at(11), 24, [], id="nothing new since the last run"),
        pytest.param(at(13, 5), at(10), 24, ["02 11:00", "02 12:00", "02 13:00"],
                     id="missed windows are caught up oldest first"),
        pytest.param(at(13, 5), at(10, day=1), 2, ["02 12:00", "02 13:00"],
                     id="a long downtime catches up only the latest windows"),
        pytest.param(at(11, 5), None, 3, ["02 09:00", "02 10:00", "02 11:00"],
                     id="a first run evaluates the last few windows"),
    ],
)
def test_due_windows(
    now: datetime, last_end: datetime | None, limit: int, expected: list[str]
) -> None:
    windows = due_windows(
        now=now, step=HOUR, length=HOUR, lateness=2 * MINUTE, last_end=last_end, limit=limit
    )
    assert ends(windows) == expected
    assert all(w.length == HOUR for w in windows)


def test_a_sliding_window_is_longer_than_its_step() -> None:
    [window] = due_windows(
        now=at(11, 7), step=5 * MINUTE, length=HOUR, lateness=2 * MINUTE, last_end=at(11),
        limit=24,
    )
    assert window == Window(at(10, 5), at(11, 5))


def test_a_first_run_from_the_earliest_record_starts_at_its_window() -> None:
    days = due_windows(
        now=at(0, 5, day=4), step=24 * HOUR, length=24 * HOUR, lateness=2 * MINUTE,
        last_end=None, limit=400, earliest=at(17, 30, day=1),
    )
    assert days == [Window(at(0, day=1), at(0, day=2)), Window(at(0, day=2), at(0, day=3)),
                    Window(at(0, day=3), at(0, day=4))]


def test_windows_are_aligned_to_the_epoch_whatever_the_time_of_the_run() -> None:
    assert floor_time(at(10, 59), 15 * MINUTE) == at(10, 45)
    assert Window(at(10), at(11)).previous() == Window(at(9), at(10))
