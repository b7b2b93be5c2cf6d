"""Writing results: a window's rows replace whatever an earlier evaluation stored for it."""

import math
from typing import Any

from sqlalchemy import Connection, Table, delete

from evaluators.windows import Window
from metrics.store.tables import EvaluationResult
from metrics.store.upsert import insert_new
from metrics.types import utc_now

EVALUATION_RESULTS: Table = EvaluationResult.__table__  # type: ignore[attr-defined]


def replace_results(
    connection: Connection, evaluator: str, window: Window, rows: list[dict[str, Any]]
) -> int:
    """Store `rows` as `evaluator`'s results for `window`, deleting what an earlier
    evaluation of the window stored, in the caller's transaction. Returns len(rows)."""
    r = EVALUATION_RESULTS.c
    connection.execute(delete(EVALUATION_RESULTS).where(
        r.evaluator == evaluator, r.window_start == window.start, r.window_end == window.end
    ))
    return insert_new(connection, EVALUATION_RESULTS, rows)


def finite_or_none(value: float | None) -> float | None:
    """`value`, or None where it is missing, NaN or infinite (JSON and SQL want no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def result_row(
    evaluator: str,
    window: Window,
    *,
    app: str,
    model: str,
    subject: str,
    statistic: str,
    value: float,
    lower: float | None = None,
    upper: float | None = None,
    p_value: float | None = None,
    threshold: float | None = None,
    detected: bool | None = None,
    sample_count: int = 0,
    reference_count: int | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One row of `evaluation_result`, with every column set."""
    return {
        "evaluator": evaluator,
        "window_start": window.start,
        "window_end": window.end,
        "app": app,
        "model": model,
        "subject": subject,
        "statistic": statistic,
        "value": float(value),
        "lower": finite_or_none(lower),
        "upper": finite_or_none(upper),
        "p_value": finite_or_none(p_value),
        "threshold": threshold,
        "detected": detected,
        "sample_count": int(sample_count),
        "reference_count": reference_count,
        "details": details or {},
        "created_at": utc_now(),
        "revision": window.revision,
    }
