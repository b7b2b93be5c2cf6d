"""Daily aggregates of the raw records, kept after retention deletes the records themselves.

One row per UTC day and subject. Missing optional names (a call without `use_case`,
feedback whose call is unknown) are stored as "" so that the unique keys hold: SQL
treats NULLs as distinct, which would let the same day be rolled up twice.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime


class DailyRow(SQLModel):
    """What every daily aggregate has: a surrogate key and the UTC day it covers."""

    id: int | None = Field(default=None, primary_key=True)
    day: datetime = Field(sa_type=UTCDateTime, nullable=False)  # midnight UTC


class DailyUsage(DailyRow, table=True):
    """Calls, errors, tokens, cost and latency per day × app × model × use case.

    `latency_buckets` holds cumulative counts at the GenAI duration bucket bounds of the
    catalog (`le` semantics, as a Prometheus histogram), so percentiles of any group of
    days can be estimated later; `latency_p95_s` is that estimate for this row.
    """

    __tablename__ = "daily_usage"
    __table_args__ = (UniqueConstraint("day", "app", "model", "use_case", name="uq_daily_usage"),)

    app: str = Field(max_length=200)
    model: str = Field(max_length=200)
    use_case: str = Field(default="", max_length=200)
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    unpriced_calls: int
    latency_s_sum: float
    latency_s_max: float
    latency_p95_s: float | None = None
    latency_buckets: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    ttft_count: int
    ttft_s_sum: float


class DailyFeedback(DailyRow, table=True):
    """Feedback per day × app × model × kind: counts, value sums, positive and negative."""

    __tablename__ = "daily_feedback"
    __table_args__ = (UniqueConstraint("day", "app", "model", "kind", name="uq_daily_feedback"),)

    app: str = Field(max_length=200)
    model: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    count: int
    value_count: int
    value_sum: float
    positive: int  # thumbs up, score >= 0.5, rating 4 or 5
    negative: int  # thumbs down, score < 0.5, rating 1 or 2


class DailyAccuracy(DailyRow, table=True):
    """Graded samples per day × app × model × task."""

    __tablename__ = "daily_accuracy"
    __table_args__ = (UniqueConstraint("day", "app", "model", "task", name="uq_daily_accuracy"),)

    app: str = Field(max_length=200)
    model: str = Field(max_length=200)
    task: str = Field(max_length=200)
    samples: int
    graded: int  # samples with `correct` set
    correct: int
    score_count: int
    score_sum: float


class DailyOutcome(DailyRow, table=True):
    """Business outcomes per day × app × name × unit."""

    __tablename__ = "daily_outcome"
    __table_args__ = (UniqueConstraint("day", "app", "name", "unit", name="uq_daily_outcome"),)

    app: str = Field(max_length=200)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=50)
    count: int
    value_sum: float


class DailyUsers(DailyRow, table=True):
    """Distinct users of one day as a HyperLogLog sketch, so that a month's active users
    and the users it kept from the month before outlive the raw calls.

    The sketch is Apache DataSketches' HLL (lg_k 12, HLL_4: about 1.6% relative error and
    at most 2.2 kB a day, however many users); `users` is its estimate for the day.
    """

    __tablename__ = "daily_users"
    __table_args__ = (UniqueConstraint("day", name="uq_daily_users"),)

    users: float
    sketch: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DailyFeedbackLabel(DailyRow, table=True):
    """Feedback per day × label: the risk incidents KPI counts the configured labels."""

    __tablename__ = "daily_feedback_label"
    __table_args__ = (UniqueConstraint("day", "label", name="uq_daily_feedback_label"),)

    label: str = Field(max_length=200)
    count: int


class DailyResource(DailyRow, table=True):
    """Resource readings per day × host × metric × device: count, sum and maximum."""

    __tablename__ = "daily_resource"
    __table_args__ = (
        UniqueConstraint("day", "host", "name", "device", name="uq_daily_resource"),
    )

    host: str = Field(max_length=200)
    name: str = Field(max_length=200)
    device: str = Field(max_length=200)
    samples: int
    value_sum: float
    value_max: float


class RollupDay(SQLModel, table=True):
    """A UTC day whose raw records are rolled up; retention deletes only such days' records."""

    __tablename__ = "rollup_day"

    day_start: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    day_end: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    rolled_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Set when retention deleted the day's raw records: late records for the day are then
    # added to its aggregates (and deleted) instead of replacing them.
    pruned_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
