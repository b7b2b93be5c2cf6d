"""Tables of the value model: KPIs and scores per month, assessments, incidents, reports."""

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import field_validator
from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime
from metrics.value.config import AssessmentName
from metrics.value.periods import Month

PERIOD_FIELD = {"min_length": 7, "max_length": 7}  # YYYY-MM
ReportFormat = Literal["html", "pdf", "json", "md"]
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)


class KpiValue(SQLModel, table=True):
    """One KPI of one month: its value, target and score, as last computed.

    `through` is how far the data went (the month's end once it has closed); `final`
    says the month had closed when the values were computed.
    """

    __tablename__ = "kpi_value"
    __table_args__ = (UniqueConstraint("period", "kpi", name="uq_kpi_value_period_kpi"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(index=True, **PERIOD_FIELD)
    kpi: str = Field(max_length=100)
    dimension: str = Field(max_length=100)
    unit: str = Field(max_length=50)
    direction: str = Field(max_length=10)
    value: float | None = None
    target: float
    weight: float
    score: float | None = None
    definition: str = Field(default="", max_length=1000)
    through: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    final: bool = False
    computed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ValueScore(SQLModel, table=True):
    """The score of one dimension of one month; dimension "overall" is the weighted total."""

    __tablename__ = "value_score"
    __table_args__ = (
        UniqueConstraint("period", "dimension", name="uq_value_score_period_dimension"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(index=True, **PERIOD_FIELD)
    dimension: str = Field(max_length=100)
    score: float | None = None
    weight: float


class AssessmentBase(SQLModel):
    """A qualitative input for one month: a score from 0 to 100 and a note."""

    period: str = Field(index=True, **PERIOD_FIELD)
    name: AssessmentName
    score: float = Field(ge=0, le=100)
    note: str = Field(default="", max_length=5000)


class AssessmentCreate(AssessmentBase):
    """An assessment as an assessor or admin posts it."""

    @field_validator("period")
    @classmethod
    def _is_a_month(cls, period: str) -> str:
        return str(Month.parse(period))


class Assessment(AssessmentBase, table=True):
    """A stored assessment; the latest for a month and name counts."""

    __tablename__ = "assessment"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    actor: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AssessmentPublic(AssessmentBase):
    """A stored assessment as GET /api/v1/assessments returns it: who entered it, when."""

    id: int
    actor: str
    created_at: datetime


class Incident(SQLModel, table=True):
    """An alert Alertmanager sent: firing, then resolved (same fingerprint and start)."""

    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("fingerprint", "starts_at", name="uq_incident_fingerprint_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=200)
    alertname: str = Field(max_length=200)
    status: str = Field(max_length=20)  # firing or resolved
    severity: str = Field(default="", max_length=50)
    summary: str = Field(default="", max_length=2000)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    ends_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ValueReport(SQLModel, table=True):
    """A rendered monthly value report in one format, as the evaluators last made it."""

    __tablename__ = "value_report"
    __table_args__ = (UniqueConstraint("period", "format", name="uq_value_report_period_format"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(index=True, **PERIOD_FIELD)
    format: str = Field(max_length=10)  # html, pdf, json, md
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    final: bool = False
    generated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ValueMonth(SQLModel, table=True):
    """What a month's stored scorecard and report rest on: how much of the month has data,
    and, once the month is final, which revision they are and why it was made.

    A final month is not recomputed, except when some of its days were rolled up again
    after it was stored (late records): then revision goes up by one and `reason` names
    the days.
    """

    __tablename__ = "value_month"
    __table_args__ = (UniqueConstraint("period", name="uq_value_month_period"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(**PERIOD_FIELD)
    final: bool = False
    revision: int = 1
    reason: str = Field(default="", max_length=2000)
    stored_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    elapsed_days: int  # days of the month the figures cover
    data_days: int  # of those, days with any call, feedback, grade or outcome
    first_day: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_day: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ReportDelivery(SQLModel, table=True):
    """A closed month's final report to send on one channel (email, webhook): queued as
    the final report is first stored, sent once, retried on each run until it is."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("period", "channel", name="uq_report_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(**PERIOD_FIELD)
    channel: str = Field(max_length=20)
    queued_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)
