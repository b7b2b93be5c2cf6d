"""SQL tables and the API shapes around them: XBase -> XCreate -> X(table) -> XPublic."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import FiniteFloat
from sqlalchemy import JSON, Column, ColumnElement, FromClause, Index, UniqueConstraint, and_, or_
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime, utc_now

ID_FIELD = {"min_length": 1, "max_length": 200}
NAME_FIELD = {"min_length": 1, "max_length": 200}
MAX_ATTRIBUTES = 64


class Status(StrEnum):
    """Whether an LLM call succeeded."""

    ok = "ok"
    error = "error"


class FeedbackKind(StrEnum):
    """What a piece of user feedback is."""

    thumbs = "thumbs"
    rating = "rating"
    score = "score"
    label = "label"
    comment = "comment"


class Grader(StrEnum):
    """Who graded an accuracy sample."""

    human = "human"
    exact = "exact"
    judge = "judge"


class Scope(StrEnum):
    """What an API key may do. Admin may do everything; assessor reads and enters
    assessments; export downloads data in bulk (preference datasets, privacy exports)."""

    ingest = "ingest"
    read = "read"
    admin = "admin"
    assessor = "assessor"
    export = "export"


# --- inference records -------------------------------------------------------------------


class InferenceBase(SQLModel):
    """Fields of one LLM call shared by what is accepted and what is returned."""

    id: str = Field(primary_key=True, **ID_FIELD)
    app: str = Field(primary_key=True, **NAME_FIELD)
    model: str = Field(**NAME_FIELD)
    provider: str | None = Field(default=None, max_length=200)
    operation: str = Field(default="chat", max_length=100)
    latency_s: float = Field(ge=0, le=86_400)
    ttft_s: float | None = Field(default=None, ge=0, le=86_400)
    input_tokens: int = Field(default=0, ge=0, le=100_000_000)
    output_tokens: int = Field(default=0, ge=0, le=100_000_000)
    cached_input_tokens: int | None = Field(default=None, ge=0, le=100_000_000)  # cache reads
    cache_write_input_tokens: int | None = Field(default=None, ge=0, le=100_000_000)
    reasoning_tokens: int | None = Field(default=None, ge=0, le=100_000_000)
    cost_usd: float | None = Field(default=None, ge=0, le=1_000_000)
    status: Status = Status.ok
    error_type: str | None = Field(default=None, max_length=200)
    finish_reason: str | None = Field(default=None, max_length=100)
    use_case: str | None = Field(default=None, max_length=200)
    session: str | None = Field(default=None, max_length=200)


class InferenceCreate(InferenceBase):
    """One LLM call as an app reports it. Naive timestamps are taken as UTC.

    Every check here runs in pydantic-core, not in Python: this model is validated once
    per ingested record, and Python validators made it twice as slow.
    """

    timestamp: datetime = Field(default_factory=utc_now)
    user: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=MAX_ATTRIBUTES)


class Inference(InferenceBase, table=True):
    """A stored LLM call. The client's id, within its app, is the idempotency key."""

    __tablename__ = "inference"
    __table_args__ = (Index("ix_inference_app_model_ts", "app", "model", "timestamp"),)

    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    received_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    user_hash: str | None = Field(default=None, max_length=64)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class InferencePublic(InferenceBase):
    """A stored LLM call as the read API returns it."""

    timestamp: datetime
    received_at: datetime
    user_hash: str | None = None
    attributes: dict[str, Any] = {}


# --- feedback ------------------------------------------------------------------------------


class FeedbackBase(SQLModel):
    """User feedback on one call."""

    id: str = Field(primary_key=True, **ID_FIELD)
    inference_id: str = Field(index=True, **ID_FIELD)
    app: str | None = Field(default=None, max_length=200)
    kind: FeedbackKind
    value: float | None = None
    label: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, max_length=10_000)


class FeedbackCreate(FeedbackBase):
    """Feedback as an app posts it; `id` is optional but makes retries safe."""

    id: str = Field(default="", max_length=200)
    timestamp: datetime = Field(default_factory=utc_now)
    value: float | bool | str | None = None
    user: str | None = Field(default=None, max_length=200)


class Feedback(FeedbackBase, table=True):
    """Stored feedback. Comments are redacted and users hashed before they get here."""

    __tablename__ = "feedback"

    # Part of the key, so '' stands for feedback that names no app.
    app: str = Field(default="", primary_key=True, max_length=200)  # type: ignore[assignment]

    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    user_hash: str | None = Field(default=None, max_length=64)


class FeedbackPublic(FeedbackBase):
    """Stored feedback as the read API returns it; `app` is '' when it named none."""

    app: str = ""
    timestamp: datetime
    user_hash: str | None = None


def feedback_call(calls: FromClause) -> ColumnElement[bool]:
    """Feedback's join to the call it is about, in `calls` (the inference table or an alias).

    An id is unique only within its app, so feedback finds its call by inference id and
    app; feedback that names no app ('') finds the call of that id in any app.
    """
    feedback = Feedback.__table__.c  # type: ignore[attr-defined]
    return and_(
        calls.c.id == feedback.inference_id,
        or_(feedback.app == "", feedback.app == calls.c.app),
    )


# --- accuracy samples ----------------------------------------------------------------------


class AccuracySampleBase(SQLModel):
    """A graded sample: was this call's answer right?"""

    id: str = Field(primary_key=True, **ID_FIELD)
    inference_id: str | None = Field(default=None, index=True, max_length=200)
    app: str = Field(primary_key=True, **NAME_FIELD)
    model: str = Field(**NAME_FIELD)
    task: str = Field(default="default", **NAME_FIELD)
    correct: bool | None = None
    score: float | None = Field(default=None, ge=0, le=1)
    grader: Grader = Grader.human


class AccuracySampleCreate(AccuracySampleBase):
    """A graded sample as posted; needs `correct`, `score` or both."""

    id: str = Field(default="", max_length=200)
    timestamp: datetime = Field(default_factory=utc_now)


class AccuracySample(AccuracySampleBase, table=True):
    """A stored graded sample."""

    __tablename__ = "accuracy_sample"
    __table_args__ = (Index("ix_accuracy_app_model_ts", "app", "model", "timestamp"),)

    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AccuracySamplePublic(AccuracySampleBase):
    """A stored graded sample as the read API returns it."""

    timestamp: datetime


# --- business outcomes ---------------------------------------------------------------------


class OutcomeBase(SQLModel):
    """A business result, such as a ticket resolved without a human."""

    id: str = Field(primary_key=True, **ID_FIELD)
    inference_id: str | None = Field(default=None, index=True, max_length=200)
    app: str = Field(primary_key=True, **NAME_FIELD)
    name: str = Field(**NAME_FIELD)
    value: FiniteFloat = 1.0
    unit: str = Field(default="count", max_length=50)
    use_case: str | None = Field(default=None, max_length=200)


class OutcomeCreate(OutcomeBase):
    """An outcome as posted."""

    id: str = Field(default="", max_length=200)
    timestamp: datetime = Field(default_factory=utc_now)


class Outcome(OutcomeBase, table=True):
    """A stored business outcome."""

    __tablename__ = "outcome"
    __table_args__ = (Index("ix_outcome_app_name_ts", "app", "name", "timestamp"),)

    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# --- API keys and installation secrets -----------------------------------------------------


class ApiKey(SQLModel, table=True):
    """An API key, stored as its SHA-256 hash; the key itself is shown once at creation."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(**NAME_FIELD)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(unique=True, max_length=64)
    scope: Scope
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class InstallationSecret(SQLModel, table=True):
    """Secrets made once per installation, such as the salt for user ids."""

    __tablename__ = "installation_secret"

    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=200)


# --- resource use and evaluation results ---------------------------------------------------


class ResourceSample(SQLModel, table=True):
    """One reading of a resource gauge (CPU, memory, GPU), kept at a low rate for reports."""

    __tablename__ = "resource_sample"
    __table_args__ = (Index("ix_resource_name_ts", "name", "timestamp"),)

    id: int | None = Field(default=None, primary_key=True)
    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    host: str = Field(max_length=200)
    name: str = Field(max_length=200)  # the catalog metric, e.g. valuewatch_gpu_power_watts
    device: str = Field(default="", max_length=200)  # GPU index, or "" for host and process
    value: float


class EvaluationResult(SQLModel, table=True):
    """One statistic an evaluator computed for one closed window and subject.

    Evaluating a window again (late records arrived) replaces its rows in one
    transaction; `revision` counts how often the window was evaluated.
    """

    __tablename__ = "evaluation_result"
    __table_args__ = (
        UniqueConstraint(
            "evaluator", "window_start", "window_end", "app", "model", "subject", "statistic",
            name="uq_evaluation_window_subject",
        ),
        Index("ix_evaluation_evaluator_end", "evaluator", "window_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    evaluator: str = Field(max_length=50)  # drift, accuracy, feedback
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    window_end: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    app: str = Field(max_length=200)
    model: str = Field(max_length=200)
    subject: str = Field(max_length=200)  # the signal, task or feedback kind
    statistic: str = Field(max_length=100)  # e.g. ks, wasserstein, correct_ratio, csat
    value: float
    lower: float | None = None
    upper: float | None = None
    p_value: float | None = None
    threshold: float | None = None
    detected: bool | None = None
    sample_count: int = 0
    reference_count: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revision: int = 1  # 2 and more: the window was evaluated again after late records


class EvaluatorRun(SQLModel, table=True):
    """Where each scheduled job has got to: its last evaluated window and last success."""

    __tablename__ = "evaluator_run"

    job: str = Field(primary_key=True, max_length=50)
    last_window_end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_success_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who did what, when, from where: an admin action (a key created or revoked, an
    assessment entered), a read of stored records, a download, a sign-in, a refused key."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    timestamp: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    actor: str = Field(max_length=200)  # "cli", the key's name, or "unknown" when refused
    action: str = Field(max_length=100, index=True)  # e.g. key.create, inferences.read
    target: str = Field(default="", max_length=200)
    client: str = Field(default="", max_length=100)  # the caller's address; "" from the CLI
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
