"""How a failure is named in logs and answers: its type, and its message's first line."""


def describe(exc: BaseException) -> str:
    """`exc` in one line, such as "TimeoutError" or "OperationalError: disk I/O error"; an
    exception with an empty message is named by its type alone."""
    lines = str(exc).strip().splitlines()
    name = type(exc).__name__
    return f"{name}: {lines[0]}" if lines else name
