"""The scheduled report job: a draft of the month every day, the final report as it closes."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from evaluators.report.build import build_report
from evaluators.report.document import Report
from evaluators.report.render import render
from evaluators.windows import Window
from metrics.store import Store
from metrics.value_config import ValueConfig
from metrics.value_periods import Month
from metrics.value_store import save_report, stored_report


def publish_report(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    report_dir: Path,
) -> Report:
    """Build the report of `month`, store it in every format, and once the month has
    closed with data in it, write the files `report_dir/YYYY-MM.{html,pdf,json,md}`."""
    report = build_report(connection, config, month, now=now)
    rendered = render(report)
    save_report(connection, month, rendered, final=report.final, at=now)
    if report.final and report.has_data:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name, (_, content) in rendered.items():
            (report_dir / f"{month}.{name}").write_bytes(content)
    return report


def evaluate_report(
    store: Store, connection: Connection, day: Window, *, config: ValueConfig,
    report_dir: Path,
) -> int:
    """Publish the report of the month `day` falls in, up to the day's end: the final
    report when the day was the month's last. A month before it whose final report was
    missed (the service was down as it closed) and that has data is published first."""
    month = Month.containing(day.start)
    published = 0
    previous = month.previous()
    stored = stored_report(connection, previous, "json")
    if stored is not None and not stored.final:
        publish_report(connection, config, previous, now=day.end, report_dir=report_dir)
        published += 1
    publish_report(connection, config, month, now=day.end, report_dir=report_dir)
    return published + 1
