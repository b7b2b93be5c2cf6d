"""The scheduled report job: a draft of the month every day, the final report as it closes.

Everything is read, computed and rendered before the first write, and the scorecard and
report are then stored together: on SQLite the write lock is held only for those writes,
not while charts and the PDF are drawn.
"""

from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from evaluators.value.report.build import gather_report
from evaluators.value.report.document import Report
from evaluators.value.report.render import render
from evaluators.value.scorecard import months_rolled_again
from evaluators.windows import Window
from metrics.types import utc_now
from metrics.value.config import ValueConfig
from metrics.value.periods import Month
from metrics.value.scorecard import VALUE_MONTHS, save_scorecard
from metrics.value.store import save_report, stored_report


def publish_report(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    report_dir: Path,
) -> Report | None:
    """Build the report of `month`, store it in every format, and once the month has
    closed with data in it, write the files `report_dir/YYYY-MM.{html,pdf,json,md}`.

    A final month whose scorecard is unchanged keeps its stored report: None."""
    report, card, changed = gather_report(connection, config, month, now=now)
    stored = stored_report(connection, month, "json")
    if report.final and not changed and stored is not None and stored.final:
        return None
    rendered = render(report)
    if changed:
        save_scorecard(connection, card, at=utc_now())
    save_report(connection, month, rendered, final=report.final, at=now)
    if report.final and report.has_data:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name, (_, content) in rendered.items():
            (report_dir / f"{month}.{name}").write_bytes(content)
    return report


def evaluate_report(
    connection: Connection, day: Window, *, config: ValueConfig, report_dir: Path
) -> int:
    """Publish the report of the month `day` falls in, up to the day's end: the final
    report when the day was the month's last. Before it, a month whose final report was
    missed (the service was down as it closed), and final months with days rolled up
    again since (late records), are published: the latter as a new revision when the
    figures changed."""
    month = Month.containing(day.start)
    earlier = [month.previous()] if _draft(connection, month.previous()) else []
    earlier += [found for found in months_rolled_again(connection, _finals(connection))
                if found not in earlier and found < month]
    published = 0
    for shown in [*sorted(earlier), month]:
        if publish_report(connection, config, shown, now=day.end,
                          report_dir=report_dir) is not None:
            published += 1
    return published


def _draft(connection: Connection, month: Month) -> bool:
    stored = stored_report(connection, month, "json")
    return stored is not None and not stored.final


def _finals(connection: Connection) -> list[tuple[Month, datetime]]:
    m = VALUE_MONTHS.c
    rows = connection.execute(select(m.period, m.stored_at).where(m.final.is_(True)))
    return [(Month.parse(row.period), row.stored_at) for row in rows]
