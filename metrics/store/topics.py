"""Themes found in the prompts of one window: terms and counts, never prompt text."""

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime

ALL_CALLS = "*"  # the theme id of the row that holds the whole app's window: the average


class TopicTheme(SQLModel, table=True):
    """One theme of one app in one window, or (theme_id ALL_CALLS) all the app's calls.

    `theme_id` and `label` (its first terms) stay the same from the window it was first
    seen in; `terms` are this window's. `use_case` is the tag most of its calls carry
    and `use_case_share` their share. Quality figures are None where nothing measured
    them (no thumbs, no graded sample, no priced call).
    """

    __tablename__ = "topic_theme"
    __table_args__ = (UniqueConstraint("app", "window_start", "theme_id", name="uq_topic_theme"),)

    id: int | None = Field(default=None, primary_key=True)
    app: str = Field(max_length=200)
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    window_end: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    theme_id: str = Field(max_length=100)
    label: str = Field(max_length=200)
    terms: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(max_length=20)  # new, growing, fading, steady (ALL_CALLS: all)
    first_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    calls: int
    share: float
    users: int
    use_case: str | None = Field(default=None, max_length=200)
    use_case_share: float = 0.0
    thumbs_up_ratio: float | None = None
    accuracy: float | None = None
    latency_s: float | None = None
    cost_per_call: float | None = None
