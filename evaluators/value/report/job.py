"""The scheduled report job: a draft of the month every day, the final report as it closes.

Every closed month with data and no final report is published, so a fresh install
publishes last month's report on its first run. A month's first final report is queued
for delivery on the configured channels (see `delivery`), sent by a job of its own.

Everything is read, computed and rendered before the first write, and the scorecard and
report are then stored together: on SQLite the write lock is held only for those writes,
not while charts and the PDF are drawn.
"""

from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Table, exists, func, select

from evaluators.value.report.build import gather_report
from evaluators.value.report.document import Report
from evaluators.value.report.render import render
from evaluators.value.scorecard import months_rolled_again
from evaluators.windows import Window
from metrics.store.rollups import DailyAccuracy, DailyFeedback, DailyOutcome, DailyUsage
from metrics.store.tables import AccuracySample, Feedback, Inference, Outcome
from metrics.types import utc_now
from metrics.value.config import ValueConfig
from metrics.value.periods import Month
from metrics.value.scorecard import VALUE_MONTHS, save_scorecard
from metrics.value.store import REPORTS, queue_deliveries, save_report, stored_report

# Where a month's data is: the daily rollups, and raw records of days not rolled up yet.
_DAILY: tuple[Table, ...] = tuple(model.__table__ for model in (  # type: ignore[attr-defined]
    DailyUsage, DailyFeedback, DailyAccuracy, DailyOutcome))
_RAW: tuple[Table, ...] = tuple(model.__table__ for model in (  # type: ignore[attr-defined]
    Inference, Feedback, AccuracySample, Outcome))


def publish_report(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    report_dir: Path, channels: tuple[str, ...] = (),
) -> Report | None:
    """Build the report of `month`, store it in every format, and once the month has
    closed with data in it, write the files `report_dir/YYYY-MM.{html,pdf,json,md}`; the
    first final report is queued for delivery on `channels` ("email", "webhook").

    A final month whose scorecard is unchanged keeps its stored report: None."""
    report, card, changed = gather_report(connection, config, month, now=now)
    stored = stored_report(connection, month, "json")
    was_final = stored is not None and stored.final
    if report.final and not changed and was_final:
        return None
    rendered = render(report)
    if changed:
        save_scorecard(connection, card, at=utc_now())
    save_report(connection, month, rendered, final=report.final, at=now)
    if report.final and report.has_data:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name, (_, content) in rendered.items():
            (report_dir / f"{month}.{name}").write_bytes(content)
        if not was_final:
            queue_deliveries(connection, month, channels, at=utc_now())
    return report


def evaluate_report(
    connection: Connection, day: Window, *, config: ValueConfig, report_dir: Path,
    channels: tuple[str, ...] = (),
) -> int:
    """Publish the report of the month `day` falls in, up to the day's end: the final
    report when the day was the month's last. Before it, every closed month with data and
    no final report (a fresh install, or the service was down as the month closed), and
    final months with days rolled up again since (late records), are published: the
    latter as a new revision when the figures changed."""
    month = Month.containing(day.start)
    earlier = unpublished_months(connection, before=month)
    if _draft(connection, month.previous()) and month.previous() not in earlier:
        earlier.append(month.previous())
    earlier += [found for found in months_rolled_again(connection, _finals(connection))
                if found not in earlier and found < month]
    published = 0
    for shown in [*sorted(earlier), month]:
        if publish_report(connection, config, shown, now=day.end, report_dir=report_dir,
                          channels=channels) is not None:
            published += 1
    return published


def unpublished_months(connection: Connection, *, before: Month) -> list[Month]:
    """The months before `before` that have data and no final report, oldest first."""
    starts = [connection.execute(select(func.min(t.c.day))).scalar() for t in _DAILY]
    starts += [connection.execute(select(func.min(t.c.timestamp))).scalar() for t in _RAW]
    earliest = min((moment for moment in starts if moment is not None), default=None)
    if earliest is None:
        return []
    r = REPORTS.c
    finals = set(connection.execute(
        select(r.period).where(r.format == "json", r.final.is_(True))).scalars())
    months, month = [], Month.containing(earliest)
    while month < before:
        if str(month) not in finals and _has_data(connection, month):
            months.append(month)
        month = month.shifted(1)
    return months


def _has_data(connection: Connection, month: Month) -> bool:
    found = [exists().where(t.c.day >= month.start, t.c.day < month.end) for t in _DAILY]
    found += [exists().where(t.c.timestamp >= month.start, t.c.timestamp < month.end)
              for t in _RAW]
    return any(connection.execute(select(test)).scalar() for test in found)


def _draft(connection: Connection, month: Month) -> bool:
    stored = stored_report(connection, month, "json")
    return stored is not None and not stored.final


def _finals(connection: Connection) -> list[tuple[Month, datetime]]:
    m = VALUE_MONTHS.c
    rows = connection.execute(select(m.period, m.stored_at).where(m.final.is_(True)))
    return [(Month.parse(row.period), row.stored_at) for row in rows]
