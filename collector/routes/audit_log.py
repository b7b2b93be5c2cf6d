"""GET /api/v1/audit: the audit log, for admin keys."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session, col, select

from collector.deps import AdminKey, StoreDep
from metrics.store.tables import AuditEntry
from metrics.types import UtcDatetime, as_utc

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditEntryPublic(BaseModel):
    """One audit entry as the API returns it."""

    id: int
    timestamp: datetime
    actor: str
    action: str
    target: str
    client: str
    details: dict[str, Any]


class AuditPage(BaseModel):
    """One page of audit entries, newest first, and the cursor (an entry id) for the next."""

    items: list[AuditEntryPublic]
    next_cursor: str | None


@router.get("", dependencies=[AdminKey])
def list_audit(
    store: StoreDep,
    action: str | None = None,
    actor: str | None = None,
    since: UtcDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,9}$")] = None,  # ids are int4
) -> AuditPage:
    """Audit entries filtered by action, actor and time, newest first, paginated."""
    query = select(AuditEntry)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if since is not None:
        query = query.where(col(AuditEntry.timestamp) >= as_utc(since))
    if cursor is not None:
        query = query.where(col(AuditEntry.id) < int(cursor))
    query = query.order_by(col(AuditEntry.id).desc()).limit(limit + 1)
    with Session(store.engine) as session:
        rows = session.exec(query).all()
    items = [AuditEntryPublic.model_validate(row, from_attributes=True) for row in rows[:limit]]
    next_cursor = str(items[-1].id) if len(rows) > limit else None
    return AuditPage(items=items, next_cursor=next_cursor)
