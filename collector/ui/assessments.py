"""GET and POST /ui/assessments: the month's qualitative scores, entered and edited by an
assessor or admin, with their history and who entered them."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from collector.assessment_entry import add_assessments, assessment_history, check_names
from collector.ui.session import Viewer, ViewerDep, check_csrf
from collector.ui.templating import page
from metrics.types import utc_now
from metrics.value.periods import MONTH_FORMAT, Month
from metrics.value.store import ASSESSMENTS, latest_assessments
from metrics.value.tables import AssessmentCreate

router = APIRouter(prefix="/ui/assessments", include_in_schema=False)


@router.get("")
def assessment_page(
    request: Request, viewer: ViewerDep,
    period: Annotated[str | None, Query(pattern=MONTH_FORMAT.pattern)] = None,
    saved: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """A form per assessment of the month, prefilled with the latest score, and the
    month's history."""
    month = Month.parse(period) if period else Month.containing(utc_now())
    return _page(request, viewer, month, saved=saved)


def _page(request: Request, viewer: Viewer, month: Month, *, saved: str | None = None,
          problem: str = "", status_code: int = 200) -> Response:
    declared = request.app.state.value_config.assessment_names()
    with request.app.state.store.engine.connect() as connection:
        latest = latest_assessments(connection, month)
        history = assessment_history(connection, period=str(month))
        names = declared or sorted(connection.execute(
            select(ASSESSMENTS.c.name).distinct()).scalars())
    return page(request, "assessments.html", viewer, status_code, month=str(month),
                names=names, declared=bool(declared), latest=latest, history=history,
                saved=saved, problem=problem)


@router.post("")
def enter_assessment(
    request: Request, viewer: ViewerDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    period: Annotated[str, Form(max_length=7)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    score: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Store one score and note, as the key's name, in the audit log too."""
    check_csrf(viewer.csrf, csrf)
    if not viewer.may_assess:
        raise HTTPException(403, f"a {viewer.scope.value} key may read assessments but not "
                                 "enter them; sign in with an assessor key")
    month = Month.containing(utc_now())
    try:
        entry = AssessmentCreate.model_validate(
            {"period": period, "name": name.strip(), "score": score, "note": note}
        )
        month = Month.parse(entry.period)
        check_names(request.app.state.value_config, [entry])
    except (ValidationError, ValueError) as exc:
        return _page(request, viewer, month, problem=_problem(exc), status_code=422)
    except HTTPException as exc:
        return _page(request, viewer, month, problem=str(exc.detail[0]["msg"]), status_code=422)
    with Session(request.app.state.store.engine) as session:
        add_assessments(session=session, entries=[entry], actor=viewer.key_name, at=utc_now())
        session.commit()
    return RedirectResponse(f"/ui/assessments?period={entry.period}&saved={entry.name}", 303)


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return str(exc)
