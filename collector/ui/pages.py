"""Adds the /ui/ pages to the collector: their routes, stylesheet and error pages."""

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from collector.ui import assessments, kpis, reports, sign_in
from collector.ui.session import SignInRequired
from collector.ui.templating import page

STATIC = Path(__file__).parent / "static"


def add_pages(app: FastAPI) -> None:
    """Mount the pages on `app`; a request without a live session is sent to sign in."""
    for module in (sign_in, reports, kpis, assessments):
        app.include_router(module.router)
    # The stylesheet is the one thing served before sign-in, and it holds no data.
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/ui/", 303)

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> Response:
        if not request.url.path.startswith("/ui/"):
            return await http_exception_handler(request, exc)
        titles = {403: "Not allowed", 404: "Not found"}
        return page(request, "message.html", None, exc.status_code,
                    title=titles.get(exc.status_code, "Refused"), message=str(exc.detail))
