"""What ingest touched and when each window was evaluated: how late records reach every
evaluation.

Ingest notes, in the transaction that stores them, each hour its new records fall in
(one row per table and hour, however many records), counting up the hour's `version`.
An evaluation notes the sum of the versions it saw of its window's hours; the window is
stale once that sum has grown, and the runner evaluates it again and replaces its results.
A counter, not a clock: concurrent commits cannot hide one another behind an older stamp.
"""

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime


class IngestTouch(SQLModel, table=True):
    """An hour that received new records of one raw table, and when it last did."""

    __tablename__ = "ingest_touch"

    source: str = Field(primary_key=True, max_length=50)  # the raw table, e.g. inference
    hour: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    version: int = 1  # one more for every transaction that stored records of the hour
    touched_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))  # the last


class WindowEvaluation(SQLModel, table=True):
    """One window a job evaluated: when it last started doing so, and how many times."""

    __tablename__ = "window_evaluation"

    job: str = Field(primary_key=True, max_length=50)
    window_end: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    evaluated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    seen: int = 0  # the sum of the versions of the window's hours the evaluation read
    revision: int = 1  # 1 for the first evaluation, then one more each time it is redone
