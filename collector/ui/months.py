"""The months with a stored report, as the reports page lists them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from metrics.value.scorecard import VALUE_MONTHS
from metrics.value.store import REPORTS


@dataclass(frozen=True)
class StoredMonth:
    """One month's stored report: its state, when it was made, and how much data it has."""

    period: str
    final: bool
    revision: int
    generated_at: datetime
    formats: tuple[str, ...]
    data_days: int | None  # None when no scorecard was stored with it
    elapsed_days: int | None

    @property
    def state(self) -> str:
        """final, revised (a final month changed by late records) or draft."""
        if not self.final:
            return "draft"
        return "revised" if self.revision > 1 else "final"

    @property
    def coverage(self) -> str:
        """In words: "31 of 31 days with data"."""
        if self.elapsed_days is None:
            return "coverage not stored"
        return f"{self.data_days} of {self.elapsed_days} days with data"


def stored_months(connection: Connection) -> list[StoredMonth]:
    """Every month with a stored report, newest first."""
    r = REPORTS.c
    reports: dict[str, list[Any]] = {}
    rows = connection.execute(select(r.period, r.format, r.final, r.generated_at))
    for row in rows:
        reports.setdefault(row.period, []).append(row)
    months = {row.period: row for row in connection.execute(select(VALUE_MONTHS))}
    found = []
    for period in sorted(reports, reverse=True):
        formats = reports[period]
        first = formats[0]
        month = months.get(period)
        found.append(StoredMonth(
            period=period, final=bool(first.final),
            revision=month.revision if month is not None else 1,
            generated_at=max(row.generated_at for row in formats),
            formats=tuple(sorted(row.format for row in formats)),
            data_days=None if month is None else month.data_days,
            elapsed_days=None if month is None else month.elapsed_days,
        ))
    return found
