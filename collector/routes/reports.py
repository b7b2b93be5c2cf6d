"""GET /api/v1/reports/{YYYY-MM}: the monthly value report the evaluators stored."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from collector.deps import StoreDep, audited_read
from metrics.value.periods import MONTH_FORMAT, Month
from metrics.value.store import stored_report
from metrics.value.tables import ReportFormat

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


@router.get("/{month}", dependencies=[audited_read("report.download")], response_class=Response)
def get_report(
    store: StoreDep,
    month: Annotated[str, Path(pattern=MONTH_FORMAT.pattern, description="YYYY-MM")],
    format: ReportFormat = "html",
) -> Response:
    """The report of `month` in `format`: a daily draft while the month is open, the final
    report once it has closed."""
    wanted = Month.parse(month)
    with store.engine.connect() as connection:
        found = stored_report(connection, wanted, format)
    if found is None:
        raise HTTPException(404, (
            f"no report stored for {wanted}: the report job stores a draft every day and the "
            f"final report when the month closes; `valuewatch report --month {wanted} "
            f"--format {format} --out FILE` makes one now"))
    disposition = f'inline; filename="valuewatch-report-{wanted}.{format}"'
    return Response(found.content, media_type=found.media_type,
                    headers={"Content-Disposition": disposition})
