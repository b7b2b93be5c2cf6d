"""GET /ui/reports, /ui/reports/YYYY-MM and the stored report files, with the session's
authority (read)."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response
from markupsafe import Markup

from collector.audit import client_address, query_details, write_entry
from collector.ui.months import stored_months
from collector.ui.session import ViewerDep
from collector.ui.templating import page
from metrics.types import as_utc
from metrics.value.periods import MONTH_FORMAT, Month
from metrics.value.scorecard import load_scorecard
from metrics.value.store import latest_assessments, stored_report
from metrics.value.tables import ReportFormat

router = APIRouter(prefix="/ui/reports", include_in_schema=False)
MonthPath = Annotated[str, Path(pattern=MONTH_FORMAT.pattern, description="YYYY-MM")]
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "md": "Markdown", "json": "JSON"}
# The stored report's own page sends this; the /ui/ pages' policy forbids its inline style.
REPORT_FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
                     "frame-ancestors 'none'"


@router.get("")
def report_list(request: Request, viewer: ViewerDep) -> Response:
    """Every month with a stored report: final, draft or revised, and its coverage."""
    with request.app.state.store.engine.connect() as connection:
        months = stored_months(connection)
    return page(request, "reports.html", viewer, months=months)


@router.get("/{month}")
def report_page(request: Request, viewer: ViewerDep, month: MonthPath) -> Response:
    """A month's report: its KPIs, the assessments entered, and the stored report's body
    with its charts; links to each stored format."""
    wanted = Month.parse(month)
    with request.app.state.store.engine.connect() as connection:
        stored = stored_report(connection, wanted, "html")
        card = load_scorecard(connection, wanted)
        assessments = latest_assessments(connection, wanted)
        listed = [found for found in stored_months(connection) if found.period == month]
    if stored is None:
        return page(request, "message.html", viewer, 404, title=f"No report for {wanted}",
                    message="The report job stores a draft every day and the final report "
                            "when the month closes.")
    made = as_utc(stored.generated_at)
    late = {name for name, entry in assessments.items() if as_utc(entry["created_at"]) > made}
    return page(request, "report.html", viewer, month=str(wanted), card=card,
                stored=listed[0] if listed else None, assessments=assessments, late=late,
                body=Markup(_body(stored.content)), formats=FORMAT_NAMES)


def _body(content: bytes) -> str:
    # The stored page is our own renderer's: every text in it was escaped as it was made,
    # and its charts are data: images. Its <head> (title, inline style) is left out.
    text = content.decode("utf-8")
    start, end = text.find("<body>"), text.rfind("</body>")
    return text[start + len("<body>"):end] if start >= 0 and end > start else ""


@router.get("/{month}/report.{format}")
def report_file(viewer: ViewerDep, request: Request, month: MonthPath,
                format: ReportFormat) -> Response:
    """The stored report of `month` in `format`, as GET /api/v1/reports serves it."""
    wanted = Month.parse(month)
    with request.app.state.store.engine.connect() as connection:
        found: Any = stored_report(connection, wanted, format)
    if found is None:
        raise HTTPException(404, f"no {format} report stored for {wanted}")
    # A plain def runs in a worker thread already, so the entry is written here directly.
    write_entry(request.app.state.store, actor=viewer.key_name, action="report.download",
                target=request.url.path, client=client_address(request),
                details=query_details(request))
    headers = {"Content-Disposition": f'inline; filename="valuewatch-report-{wanted}.{format}"',
               "Content-Security-Policy": REPORT_FILE_POLICY}
    return Response(found.content, media_type=found.media_type, headers=headers)
