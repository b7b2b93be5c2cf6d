"""GET /api/v1/evaluations: the results the scheduled evaluators stored."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session, col, select

from collector.deps import StoreDep, audited_read
from metrics.store.tables import EvaluationResult
from metrics.types import UtcDatetime, as_utc

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluations"])


class EvaluationPublic(BaseModel):
    """One statistic of one evaluator for one window and subject."""

    evaluator: str
    window_start: datetime
    window_end: datetime
    app: str
    model: str
    subject: str
    statistic: str
    value: float
    lower: float | None
    upper: float | None
    p_value: float | None
    threshold: float | None
    detected: bool | None
    sample_count: int
    reference_count: int | None
    details: dict[str, Any]
    revision: int  # 2 and more: evaluated again after late records reached the window


class EvaluationPage(BaseModel):
    """Results, newest window first."""

    items: list[EvaluationPublic]


@router.get("", dependencies=[audited_read("evaluations.read")])
def list_evaluations(
    store: StoreDep,
    kind: Literal["drift", "accuracy", "feedback"] | None = None,
    app: str | None = None,
    model: str | None = None,
    since: Annotated[UtcDatetime | None, Query(description="windows ending at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> EvaluationPage:
    """Stored results by evaluator, app, model and window end, newest window first."""
    query = select(EvaluationResult)
    wanted = {"evaluator": kind, "app": app, "model": model}
    for column, value in wanted.items():
        if value is not None:
            query = query.where(getattr(EvaluationResult, column) == value)
    if since is not None:
        query = query.where(col(EvaluationResult.window_end) >= as_utc(since))
    query = query.order_by(col(EvaluationResult.window_end).desc(), col(EvaluationResult.id))
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit)).all()
    return EvaluationPage(
        items=[EvaluationPublic.model_validate(row, from_attributes=True) for row in rows]
    )
