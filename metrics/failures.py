"""How a failure is named in logs and answers: its type, and its message's first line."""

import asyncio


def describe(exc: BaseException) -> str:
    """`exc` in one line, such as "TimeoutError" or "OperationalError: disk I/O error"; an
    exception with an empty message is named by its type alone."""
    lines = str(exc).strip().splitlines()
    name = type(exc).__name__
    return f"{name}: {lines[0]}" if lines else name


def cancelled_here(exc: BaseException) -> bool:
    """Whether `exc` is the running task's own cancellation, which must go on up.

    A `CancelledError` that work in a thread raised (or any other BaseException it let
    out) is a failure of that work like any other: background loops log it and go on.
    """
    task = asyncio.current_task()
    return isinstance(exc, asyncio.CancelledError) and task is not None and task.cancelling() > 0
