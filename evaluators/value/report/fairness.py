"""The fairness summary: per app × model × segment key × metric, what the fairness
evaluator found in the month's windows (evaluation_result)."""

from sqlalchemy import Connection, select

from evaluators.results import EVALUATION_RESULTS
from evaluators.value.report.document import FairnessLine
from metrics.value.periods import Month

_r = EVALUATION_RESULTS.c


def fairness_lines(connection: Connection, month: Month) -> list[FairnessLine]:
    """Windows evaluated, windows with a significant gap, and the largest gap with the
    segment then lowest; lines with significant gaps first."""
    lines: dict[tuple[str, str, str, str], FairnessLine] = {}
    rows = connection.execute(
        select(_r.app, _r.model, _r.subject, _r.statistic, _r.value, _r.detected, _r.details)
        .where(_r.evaluator == "fairness", _r.window_end > month.start,
               _r.window_end <= month.end)
        .order_by(_r.window_end)
    )
    for app, model, segment, metric, gap, detected, details in rows:
        line = lines.setdefault((app, model, segment, metric), FairnessLine(
            app=app, model=model, segment=segment, metric=metric, windows=0, significant=0,
            max_gap=gap, lowest=(details or {}).get("lowest", ""),
        ))
        line.windows += 1
        line.significant += bool(detected)
        if gap > line.max_gap:
            line.max_gap, line.lowest = gap, (details or {}).get("lowest", "")
    return sorted(lines.values(), key=lambda line: (
        -line.significant, line.app, line.model, line.segment, line.metric))
