"""The signals drift is measured on, and the tables (sources) they are read from."""

from dataclasses import dataclass, replace
from typing import Any, Literal

from sqlalchemy import BigInteger, ColumnElement, FromClause, Table, and_, case, cast, func
from sqlalchemy import literal_column as sql_literal

from evaluators.windows import Window
from metrics.store.tables import AccuracySample, Feedback, FeedbackKind, Inference, feedback_call

SignalKind = Literal["numeric", "categorical"]
# Rows are thinned in SQL by a fixed hash of the row into [0, HASH_MODULUS).
HASH_MODULUS = 1_000_003
# Knuth's multiplicative constant: consecutive SQLite rowids land far apart mod the prime.
ROWID_MULTIPLIER = 2_654_435_761

_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
_accuracy: Table = AccuracySample.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, eq=False)  # compared by identity: its fields are SQL expressions
class Source:
    """Where signals are read: a table or join, and its time, app and model columns."""

    name: str
    rows: FromClause
    timestamp: ColumnElement[Any]
    app: ColumnElement[Any]
    model: ColumnElement[Any]
    keyed_by: Table  # the table whose rows are thinned
    where: ColumnElement[bool] | None = None  # only these rows hold the source's signals

    def in_window(self, window: Window) -> ColumnElement[bool]:
        """The source's rows whose time falls in `window`."""
        in_time = and_(self.timestamp >= window.start, self.timestamp < window.end)
        return in_time if self.where is None else and_(in_time, self.where)

    def row_hash(self, dialect: str) -> ColumnElement[Any]:
        """A fixed pseudo-random integer per row in [0, HASH_MODULUS), for thinning in SQL."""
        if dialect == "postgresql":
            hashed = func.abs(cast(func.hashtext(self.keyed_by.c.id), BigInteger))
        else:
            hashed = sql_literal(f"{self.keyed_by.name}.rowid") * ROWID_MULTIPLIER
        return hashed % HASH_MODULUS


@dataclass(frozen=True)
class Signal:
    """One thing whose distribution may drift, per app × model."""

    name: str
    kind: SignalKind
    source: Source
    value: ColumnElement[Any]


INFERENCES = Source(
    "inference", _inference, _inference.c.timestamp, _inference.c.app, _inference.c.model,
    _inference,
)
ACCURACY_SAMPLES = Source(
    "accuracy_sample", _accuracy, _accuracy.c.timestamp, _accuracy.c.app, _accuracy.c.model,
    _accuracy,
)
# Feedback that names no app ('') takes the app of its call, and it never has a model:
# that comes from the call it is about.
FEEDBACK = Source(
    "feedback",
    _feedback.outerjoin(_inference, feedback_call(_inference)),
    _feedback.c.timestamp,
    func.coalesce(func.nullif(_feedback.c.app, ""), _inference.c.app, ""),
    func.coalesce(_inference.c.model, ""),
    _feedback,
)
# The rows that hold the drift signals of grades and feedback.
SCORED_SAMPLES = replace(ACCURACY_SAMPLES, where=_accuracy.c.score.is_not(None))
RATINGS_AND_SCORES = replace(
    FEEDBACK, where=_feedback.c.kind.in_([FeedbackKind.rating, FeedbackKind.score])
)
LABELLED_FEEDBACK = replace(FEEDBACK, where=_feedback.c.label.is_not(None))


def _feedback_value(kind: FeedbackKind) -> ColumnElement[Any]:
    return case((_feedback.c.kind == kind, _feedback.c.value))


# Signals of one source are read together, in one pass over its rows per window.
SIGNALS: tuple[Signal, ...] = (
    Signal("latency_s", "numeric", INFERENCES, _inference.c.latency_s),
    Signal("ttft_s", "numeric", INFERENCES, _inference.c.ttft_s),
    Signal("input_tokens", "numeric", INFERENCES, _inference.c.input_tokens),
    Signal("output_tokens", "numeric", INFERENCES, _inference.c.output_tokens),
    # In micro-dollars: the normed Wasserstein distance floors the reference's spread at
    # 0.001, which would hide any change in per-call costs of a few thousandths of a cent.
    Signal("cost_usd", "numeric", INFERENCES, _inference.c.cost_usd * 1_000_000),
    Signal("accuracy_score", "numeric", SCORED_SAMPLES, _accuracy.c.score),
    Signal("feedback_rating", "numeric", RATINGS_AND_SCORES, _feedback_value(FeedbackKind.rating)),
    Signal("feedback_score", "numeric", RATINGS_AND_SCORES, _feedback_value(FeedbackKind.score)),
    Signal("use_case", "categorical", INFERENCES, _inference.c.use_case),
    Signal("error_type", "categorical", INFERENCES, _inference.c.error_type),
    Signal("finish_reason", "categorical", INFERENCES, _inference.c.finish_reason),
    Signal("feedback_label", "categorical", LABELLED_FEEDBACK, _feedback.c.label),
)


def signals_by_source(kind: SignalKind) -> dict[Source, tuple[Signal, ...]]:
    """The signals of `kind`, grouped by the source they are read from."""
    grouped: dict[Source, tuple[Signal, ...]] = {}
    for signal in SIGNALS:
        if signal.kind == kind:
            grouped[signal.source] = (*grouped.get(signal.source, ()), signal)
    return grouped


def signal_named(name: str) -> Signal:
    """The signal called `name`; ValueError lists the known ones."""
    for signal in SIGNALS:
        if signal.name == name:
            return signal
    known = ", ".join(s.name for s in SIGNALS)
    raise ValueError(f"unknown drift signal {name!r}; known signals: {known}")
