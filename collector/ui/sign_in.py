"""GET /ui/ (the sign-in form), POST /ui/sign-in and POST /ui/sign-out."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from collector.audit import UNKNOWN_ACTOR, audit_request
from collector.ui.session import (
    COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_MINUTES,
    SignInRequired,
    ViewerDep,
    check_csrf,
    close_session,
    current_viewer,
    forget_cookie,
    open_session,
    set_cookie,
)
from collector.ui.templating import page

router = APIRouter(prefix="/ui", include_in_schema=False)
HOME = "/ui/reports"


@router.get("/")
async def sign_in_page(request: Request) -> Response:
    """The sign-in form; a browser already signed in goes on to the reports."""
    try:
        await current_viewer(request)
        return RedirectResponse(HOME, 303)
    except SignInRequired:
        pass
    return _form(request)


def _form(request: Request, problem: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "sign_in.html", None, status_code, csrf=token, problem=problem)
    set_cookie(response, request, SIGN_IN_COOKIE, token, SIGN_IN_MINUTES * 60)
    return response


@router.post("/sign-in")
async def sign_in(
    request: Request, key: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Open a session for a live read, assessor or admin key pasted into the form."""
    check_csrf(request.cookies.get(SIGN_IN_COOKIE, ""), csrf)
    hours = request.app.state.settings.ui_session_hours
    opened = await run_in_threadpool(open_session, request.app.state.store, key, hours)
    if opened is None:
        request.app.state.instruments["valuewatch_auth_failures_total"].labels(
            reason="unknown").inc()
        await audit_request(request, UNKNOWN_ACTOR, "ui.sign_in_failure")
        return _form(request, "That key is unknown, revoked, or may not read reports.", 401)
    token, name = opened
    await audit_request(request, name, "ui.sign_in")
    response = RedirectResponse(HOME, 303)
    set_cookie(response, request, COOKIE, token, int(hours * 3600))
    forget_cookie(response, request, SIGN_IN_COOKIE)
    return response


@router.post("/sign-out")
async def sign_out(
    request: Request, viewer: ViewerDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """End the session: its row is deleted and the cookie with it."""
    check_csrf(viewer.csrf, csrf)
    await run_in_threadpool(close_session, request.app.state.store, request.cookies[COOKIE])
    response = RedirectResponse("/ui/", 303)
    forget_cookie(response, request, COOKIE)
    return response
