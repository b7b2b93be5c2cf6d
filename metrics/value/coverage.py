"""How much of a month has data: shown beside every score so that partial months read so."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, computed_field


class Coverage(BaseModel):
    """The days of a month the figures cover, and which of them have data."""

    model_config = ConfigDict(frozen=True)

    elapsed_days: int
    data_days: int
    first_day: datetime | None
    last_day: datetime | None
    month_start: datetime
    final: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        """Days with data ÷ days covered; None before the month has begun."""
        return self.data_days / self.elapsed_days if self.elapsed_days else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def partial(self) -> bool:
        """Whether the figures are not a whole month: the month is still open, or its data
        begins after the first day."""
        late_start = self.first_day is not None and self.first_day > self.month_start
        return not self.final or late_start

    def label(self) -> str:
        """In words: "data from 21 Nov", "month to date", "no data", or ""."""
        if self.first_day is None:
            return "no data"
        if self.first_day > self.month_start:
            return f"data from {self.first_day:%-d %b}"
        return "" if self.final else "month to date"
