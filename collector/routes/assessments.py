"""POST /api/v1/assessments: qualitative scores per month, entered by an admin."""

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlmodel import Session, select

from collector.acknowledge import one_or_many
from collector.auth import require
from collector.deps import StoreDep
from collector.keys import hash_key
from metrics.store.tables import ApiKey, AuditEntry, Scope
from metrics.types import utc_now
from metrics.value.tables import Assessment, AssessmentCreate

router = APIRouter(prefix="/api/v1/assessments", tags=["assessments"])


class AssessmentResult(BaseModel):
    """How many assessments were stored."""

    accepted: int


def key_name(session: Session, request: Request) -> str:
    """The name of the key that made `request`, or "api" when it cannot be found."""
    _, _, key = request.headers.get("authorization", "").partition(" ")
    found = session.exec(select(ApiKey.name).where(ApiKey.key_hash == hash_key(key.strip())))
    return found.first() or "api"


@router.post("", dependencies=[Depends(require(Scope.admin))])
def post_assessments(
    body: one_or_many(AssessmentCreate),  # type: ignore[valid-type]
    request: Request,
    store: StoreDep,
) -> AssessmentResult:
    """Store scores (0-100) with notes for social evaluation, strategic fit, industry
    influence or employee experience; each is written to the audit log too."""
    entries: list[AssessmentCreate] = body if isinstance(body, list) else [body]
    now = utc_now()
    with Session(store.engine) as session:
        actor = key_name(session, request)
        for entry in entries:
            session.add(Assessment(**entry.model_dump(), actor=actor, created_at=now))
            session.add(AuditEntry(
                timestamp=now, actor=actor, action="assessment.create",
                target=f"{entry.period}/{entry.name}",
                details={"score": entry.score, "note": entry.note},
            ))
        session.commit()
    return AssessmentResult(accepted=len(entries))
