"""Reads and writes of the value tables shared by the collector and the evaluators."""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, update

from metrics.store.upsert import insert_new, upsert
from metrics.value.periods import Month
from metrics.value.tables import Assessment, Incident, ReportDelivery, ValueReport

ASSESSMENTS: Table = Assessment.__table__  # type: ignore[attr-defined]
INCIDENTS: Table = Incident.__table__  # type: ignore[attr-defined]
REPORTS: Table = ValueReport.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = ReportDelivery.__table__  # type: ignore[attr-defined]


def latest_assessments(connection: Connection, month: Month) -> dict[str, dict[str, Any]]:
    """Per assessment name, the latest score and note entered for `month`."""
    a = ASSESSMENTS.c
    newest = (
        select(a.name, func.max(a.id).label("id")).where(a.period == str(month))
        .group_by(a.name).subquery()
    )
    rows = connection.execute(
        select(a.name, a.score, a.note, a.actor, a.created_at)
        .join(newest, a.id == newest.c.id).order_by(a.name)
    )
    return {row.name: row._asdict() for row in rows}


def incidents_between(connection: Connection, start: datetime, end: datetime) -> list[Any]:
    """Alerts that started in [start, end), oldest first."""
    i = INCIDENTS.c
    query = select(INCIDENTS).where(i.starts_at >= start, i.starts_at < end)
    return list(connection.execute(query.order_by(i.starts_at, i.id)))


def save_report(
    connection: Connection, month: Month, rendered: dict[str, tuple[str, bytes]],
    *, final: bool, at: datetime,
) -> int:
    """Store each format's media type and content for `month`, replacing older ones."""
    rows = [
        {"period": str(month), "format": name, "media_type": media_type, "content": content,
         "final": final, "generated_at": at}
        for name, (media_type, content) in rendered.items()
    ]
    update = ("media_type", "content", "final", "generated_at")
    return upsert(connection, REPORTS, rows, ("period", "format"), update)


def stored_report(connection: Connection, month: Month, format: str) -> Any | None:
    """The stored report of `month` in `format`, or None."""
    r = REPORTS.c
    query = select(REPORTS).where(r.period == str(month), r.format == format)
    return connection.execute(query).first()


def queue_deliveries(
    connection: Connection, month: Month, channels: tuple[str, ...], *, at: datetime
) -> int:
    """Queue `month`'s final report on each channel once; a queued one is left as it is."""
    rows = [{"period": str(month), "channel": channel, "queued_at": at, "attempts": 0,
             "last_error": ""} for channel in channels]
    return insert_new(connection, DELIVERIES, rows)


def pending_deliveries(connection: Connection) -> list[tuple[Month, str]]:
    """(month, channel) of every queued report not delivered yet, oldest month first."""
    d = DELIVERIES.c
    query = select(d.period, d.channel).where(d.delivered_at.is_(None))
    return [(Month.parse(row.period), row.channel)
            for row in connection.execute(query.order_by(d.period, d.channel))]


def record_delivery(
    connection: Connection, month: Month, channel: str, *, at: datetime, error: str | None
) -> None:
    """Count one attempt; without `error` the report counts as delivered."""
    d = DELIVERIES.c
    connection.execute(
        update(DELIVERIES).where(d.period == str(month), d.channel == channel).values(
            attempts=d.attempts + 1, last_error=(error or "")[:2000],
            delivered_at=None if error else at)
    )
