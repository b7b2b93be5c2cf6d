"""The quality and drift summary: accuracy from the daily rollups, and what the drift and
accuracy evaluators found in the month's windows (evaluation_result)."""

from collections import defaultdict

from sqlalchemy import Connection, case, func, select

from evaluators.results import EVALUATION_RESULTS
from evaluators.value.days import DailyRows
from evaluators.value.report.document import AccuracyLine, DriftLine
from metrics.value.periods import Month

_r = EVALUATION_RESULTS.c
JUDGE_CORRECTION = (
    "Where an app grades its answers with an AI judge and has a person check some of them, "
    "the accuracy alert and dashboard use the judge's grades corrected by the person's: "
    "on the answers graded both ways we measure how far the judge is off, and remove that "
    "gap from the judge's score on all its answers. The result is as trustworthy as the "
    "human grades alone but more precise, because the judge has seen many more answers; "
    "the judge's own score is not used as is, since a lenient or strict judge is "
    "consistently off."
)


def accuracy_lines(connection: Connection, month: Month, days: DailyRows) -> list[AccuracyLine]:
    """Per app × model × task: samples graded, the share correct, and how many of the
    accuracy evaluator's windows were below target with 95% confidence."""
    graded: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in days.accuracy:
        totals = graded[(row["app"], row["model"], row["task"])]
        totals[0] += row["graded"]
        totals[1] += row["correct"]
    below = {
        (app, model, task): count
        for app, model, task, count in connection.execute(
            select(_r.app, _r.model, _r.subject, func.count())
            .where(_r.evaluator == "accuracy", _r.statistic == "correct_ratio",
                   _r.detected.is_(True), _r.window_end > month.start,
                   _r.window_end <= month.end)
            .group_by(_r.app, _r.model, _r.subject)
        )
    }
    return [
        AccuracyLine(
            app=app, model=model, task=task, graded=n, ratio=correct / n if n else None,
            windows_below_target=below.get((app, model, task), 0),
        )
        for (app, model, task), (n, correct) in sorted(graded.items())
    ]


def drift_lines(connection: Connection, month: Month) -> list[DriftLine]:
    """Per app × model × signal × method: windows evaluated in the month, windows where
    drift was detected, and the largest score; drifted signals first."""
    detected = func.sum(case((_r.detected.is_(True), 1), else_=0))
    rows = connection.execute(
        select(_r.app, _r.model, _r.subject, _r.statistic, func.count(), detected,
               func.max(_r.value))
        .where(_r.evaluator == "drift", _r.window_end > month.start, _r.window_end <= month.end)
        .group_by(_r.app, _r.model, _r.subject, _r.statistic)
    )
    lines = [
        DriftLine(app=app, model=model, signal=signal, method=method, windows=windows,
                  detected=int(found or 0), max_score=float(top))
        for app, model, signal, method, windows, found, top in rows
    ]
    lines.sort(key=lambda line: (-line.detected, line.app, line.model, line.signal))
    return lines
