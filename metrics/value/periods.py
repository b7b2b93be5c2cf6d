"""Calendar months in UTC, the period every KPI, score and report is kept for."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

MONTH_FORMAT = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month, [start, end) in UTC, written `YYYY-MM`."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """The month `text` names; ValueError when it is not `YYYY-MM`."""
        found = MONTH_FORMAT.match(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a month: write it YYYY-MM, e.g. 2026-03")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, moment: datetime) -> "Month":
        """The month `moment` falls in (in UTC)."""
        moment = moment.astimezone(UTC) if moment.tzinfo else moment
        return cls(moment.year, moment.month)

    @property
    def start(self) -> datetime:
        """Midnight UTC on the first day."""
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Midnight UTC on the first day of the next month."""
        return self.shifted(1).start

    def shifted(self, months: int) -> "Month":
        """The month `months` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> "Month":
        """The month before."""
        return self.shifted(-1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
