"""POST and GET /api/v1/assessments: qualitative scores per month, entered by an assessor
or an admin, read with a read key."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlmodel import Session, select

from collector.acknowledge import one_or_many
from collector.assessment_entry import add_assessments, assessment_history, check_names
from collector.auth import require
from collector.deps import StoreDep, audited_read
from collector.keys import hash_key
from metrics.store.tables import ApiKey, Scope
from metrics.types import utc_now
from metrics.value.config import KPI_NAME
from metrics.value.periods import MONTH_FORMAT
from metrics.value.tables import AssessmentCreate, AssessmentPublic

router = APIRouter(prefix="/api/v1/assessments", tags=["assessments"])


class AssessmentResult(BaseModel):
    """How many assessments were stored."""

    accepted: int


def key_name(session: Session, request: Request) -> str:
    """The name of the key that made `request`, or "api" when it cannot be found."""
    _, _, key = request.headers.get("authorization", "").partition(" ")
    found = session.exec(select(ApiKey.name).where(ApiKey.key_hash == hash_key(key.strip())))
    return found.first() or "api"


@router.post("", dependencies=[Depends(require(Scope.assessor))])
def post_assessments(
    body: one_or_many(AssessmentCreate),  # type: ignore[valid-type]
    request: Request,
    store: StoreDep,
) -> AssessmentResult:
    """Store scores (0-100) with notes for the assessments the value config declares (any
    well-formed name when it declares none); each is written to the audit log too."""
    entries: list[AssessmentCreate] = body if isinstance(body, list) else [body]
    check_names(request.app.state.value_config, entries)
    with Session(store.engine) as session:
        add_assessments(session=session, entries=entries, actor=key_name(session, request),
                        at=utc_now())
        session.commit()
    return AssessmentResult(accepted=len(entries))


@router.get("", dependencies=[audited_read("assessments.read")])
def get_assessments(
    store: StoreDep,
    period: Annotated[str | None, Query(pattern=MONTH_FORMAT.pattern,
                                        description="YYYY-MM")] = None,
    name: Annotated[str | None, Query(pattern=KPI_NAME, max_length=100)] = None,
) -> list[AssessmentPublic]:
    """Every stored assessment, newest first, with who entered it and when; the latest of
    a month and name is the one that counts."""
    with store.engine.connect() as connection:
        return assessment_history(connection, period=period, name=name)
