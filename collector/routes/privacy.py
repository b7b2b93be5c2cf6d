"""GET /api/v1/privacy/users/{user}/export and DELETE /api/v1/privacy/users/{user}: one end
user's rows, exported with an export key or deleted with an admin key; each request is
audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlmodel import Session

from collector.auth import require
from collector.deps import StoreDep
from collector.routes.assessments import key_name
from metrics.store.tables import Scope
from metrics.subject_rights import delete_user, export_user, user_pseudonym

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
UserPath = Annotated[str, Path(min_length=1, max_length=200,
                               description="the user id the apps send, not its hash")]


class UserDeleted(BaseModel):
    """How many rows of the user went, by table."""

    user_hash: str
    deleted: dict[str, int]


@router.get("/users/{user}/export", dependencies=[Depends(require(Scope.export))])
def export_user_rows(user: UserPath, request: Request, store: StoreDep) -> dict[str, Any]:
    """Every row tied to the user: calls, feedback, graded samples and outcomes."""
    user_hash = user_pseudonym(request.app.state.settings, store, user)
    return export_user(store, user_hash, actor=_actor(store, request))


@router.delete("/users/{user}", dependencies=[Depends(require(Scope.admin))])
def delete_user_rows(user: UserPath, request: Request, store: StoreDep) -> UserDeleted:
    """Delete every row tied to the user in one transaction; aggregates are kept."""
    user_hash = user_pseudonym(request.app.state.settings, store, user)
    return UserDeleted(user_hash=user_hash,
                       deleted=delete_user(store, user_hash, actor=_actor(store, request)))


def _actor(store: StoreDep, request: Request) -> str:
    with Session(store.engine) as session:
        return key_name(session, request)
