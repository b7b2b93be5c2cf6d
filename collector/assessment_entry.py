"""Assessments entered through the API or the /ui/ pages: names checked against the value
config, each stored with who entered it and written to the audit log."""

from datetime import datetime

from fastapi import HTTPException
from sqlalchemy import Connection, select
from sqlmodel import Session

from metrics.store.tables import AuditEntry
from metrics.value.config import ValueConfig
from metrics.value.store import ASSESSMENTS
from metrics.value.tables import Assessment, AssessmentCreate, AssessmentPublic


def check_names(config: ValueConfig, entries: list[AssessmentCreate]) -> None:
    """422 naming the field when an entry's name is not one the config declares; a config
    that declares none takes any well-formed name."""
    allowed = config.assessment_names()
    if not allowed:
        return
    for index, entry in enumerate(entries):
        if entry.name not in allowed:
            raise HTTPException(422, [{
                "loc": ["body", index, "name"] if len(entries) > 1 else ["body", "name"],
                "msg": f"{entry.name!r} is not an assessment of the value config; "
                       f"one of: {', '.join(allowed)}",
                "type": "assessment_name",
            }])


def add_assessments(
    *, session: Session, entries: list[AssessmentCreate], actor: str, at: datetime
) -> None:
    """Store `entries` as entered by `actor`, each with its audit log entry (not committed)."""
    for entry in entries:
        session.add(Assessment(**entry.model_dump(), actor=actor, created_at=at))
        session.add(AuditEntry(
            timestamp=at, actor=actor, action="assessment.create",
            target=f"{entry.period}/{entry.name}",
            details={"score": entry.score, "note": entry.note},
        ))


def assessment_history(
    connection: Connection, *, period: str | None = None, name: str | None = None,
    limit: int = 1000,
) -> list[AssessmentPublic]:
    """Stored assessments, newest first, of `period` and `name` when given."""
    a = ASSESSMENTS.c
    query = select(ASSESSMENTS)
    if period is not None:
        query = query.where(a.period == period)
    if name is not None:
        query = query.where(a.name == name)
    rows = connection.execute(query.order_by(a.id.desc()).limit(limit))
    return [AssessmentPublic.model_validate(row._asdict()) for row in rows]
