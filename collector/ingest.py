"""From accepted API records to table rows, and from stored rows to instrument updates."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from collector.genai_attributes import UNPRICED_OPERATIONS
from collector.genai_series import GenAISeries, Series, trace_exemplar
from collector.validation import check_attributes, check_timestamp, invalid
from metrics.bulk_observe import observe_all
from metrics.content import without_content
from metrics.feedback_rules import THUMBS_FORMS, sentiment, thumbs_number, value_range
from metrics.instruments import Instruments
from metrics.prices import PriceTable
from metrics.redaction import hash_user, redact_within, redacted
from metrics.settings import Settings
from metrics.store.bulk_insert import RecordKey, record_key
from metrics.store.tables import (
    AccuracySampleCreate,
    Feedback,
    FeedbackCreate,
    FeedbackKind,
    InferenceCreate,
    OutcomeCreate,
)
from metrics.types import as_utc

COMMENT_CHARS = Feedback.__table__.c.comment.type.length  # type: ignore[attr-defined]


class Ingest:
    """Turns records the API accepted into rows, and stored rows into metrics."""

    def __init__(
        self, settings: Settings, instruments: Instruments, prices: PriceTable, salt: bytes
    ) -> None:
        self._settings = settings
        self.instruments = instruments
        self._prices = prices
        # Apps send the same users over and over; an HMAC costs more than the lookup.
        self._pseudonym = lru_cache(maxsize=4096)(partial(hash_user, salt=salt))
        self._series = GenAISeries(instruments)

    def _timestamp(self, loc: tuple[str | int, ...], value: datetime, now: datetime) -> datetime:
        """`value` in UTC, refused when too far in the future or the past."""
        try:
            value = as_utc(value)
        except ValueError as exc:
            raise invalid((*loc, "timestamp"), str(exc)) from None
        s = self._settings
        check_timestamp(loc, value, now, s.max_clock_skew_s, s.max_record_age_days)
        return value

    def _user(self, user: str | None) -> str | None:
        return None if user is None else self._pseudonym(user)

    def _kept(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """`attributes` as stored, every string redacted: message content (a `prompt`,
        `completion`, GenAI content attribute or one of the operator's `content_keys`)
        only where the operator opted in (`store_content`), as for OTLP spans."""
        also = self._settings.content_keys
        if not self._settings.store_content:
            attributes = without_content(attributes, also)
        return {key: redacted(value) for key, value in attributes.items()}

    def inference_rows(self, records: list[InferenceCreate], now: datetime) -> list[dict[str, Any]]:
        """Rows for the inference table: times checked, users hashed, cost filled in."""
        rows = []
        for index, record in enumerate(records):
            # The validated fields, copied: model_dump() costs ten times more per record.
            row = dict(record.__dict__)
            row["timestamp"] = self._timestamp((index,), record.timestamp, now)
            if record.attributes:
                check_attributes((index, "attributes"), record.attributes)
                row["attributes"] = self._kept(record.attributes)
            row["user_hash"] = self._user(row.pop("user"))
            row["received_at"] = now
            row["status"] = record.status.value
            if row["cost_usd"] is None and record.operation not in UNPRICED_OPERATIONS:
                row["cost_usd"] = self._prices.cost(
                    record.model, record.input_tokens, record.output_tokens,
                    record.cached_input_tokens or 0, record.cache_write_input_tokens or 0,
                )
            rows.append(row)
        return rows

    def observe_inferences(
        self, rows: Iterable[dict[str, Any]], new_keys: set[RecordKey]
    ) -> None:
        """Update the GenAI histograms and cost counters for the rows newly stored."""
        # Gathered per series, then each histogram and counter moves once per request.
        observed: dict[int, _Observed] = {}
        for row in rows:
            if record_key(row) not in new_keys:
                continue
            error_type = row["error_type"] or ("error" if row["status"] == "error" else "")
            series = self._series.of(
                row["app"], row["operation"], row["provider"] or "", row["model"], error_type
            )
            seen = observed.get(id(series))
            if seen is None:
                seen = observed[id(series)] = _Observed(series)
            exemplar = trace_exemplar(row)
            seen.duration.append(row["latency_s"])
            seen.duration_exemplars.append(exemplar)
            if row["input_tokens"] or row["output_tokens"]:
                # A call reporting no usage (an error, an instrumentation without usage
                # attributes) has no token counts to observe, not counts of zero.
                seen.input_tokens.append(row["input_tokens"])
                seen.output_tokens.append(row["output_tokens"])
            ttft = row["ttft_s"]
            if ttft is not None:
                seen.ttft.append(ttft)
                seen.ttft_exemplars.append(exemplar)
                if row["output_tokens"] > 1 and row["latency_s"] >= ttft:
                    seen.per_token.append((row["latency_s"] - ttft) / (row["output_tokens"] - 1))
            if row["cost_usd"] is not None:
                seen.cost += row["cost_usd"]
            elif row["operation"] not in UNPRICED_OPERATIONS:
                seen.unpriced += 1
        for seen in observed.values():
            seen.publish()

    def feedback_rows(self, records: list[FeedbackCreate], now: datetime) -> list[dict[str, Any]]:
        """Rows for the feedback table: values normalised, comments redacted, users hashed."""
        rows = []
        for index, record in enumerate(records):
            timestamp = self._timestamp((index,), record.timestamp, now)
            value, label = _feedback_value(index, record)
            rows.append({
                "id": record.id or str(uuid.uuid4()),
                "inference_id": record.inference_id,
                "app": record.app or "",
                "kind": record.kind,
                "value": value,
                "label": label,
                "comment": None if record.comment is None else redact_within(
                    record.comment, COMMENT_CHARS
                ),
                "timestamp": timestamp,
                "user_hash": self._user(record.user),
            })
        return rows

    def observe_feedback(
        self, rows: Iterable[dict[str, Any]], new_keys: set[RecordKey]
    ) -> None:
        """Count newly stored feedback by kind and sentiment."""
        for row in rows:
            if record_key(row) in new_keys:
                self.instruments.labels(
                    "valuewatch_feedback_total", app=row["app"] or "",
                    kind=row["kind"].value, sentiment=sentiment(row["kind"], row["value"]),
                ).inc()

    def accuracy_rows(
        self, records: list[AccuracySampleCreate], now: datetime
    ) -> list[dict[str, Any]]:
        """Rows for the accuracy table; a sample needs `correct`, `score` or both."""
        rows = []
        for index, record in enumerate(records):
            timestamp = self._timestamp((index,), record.timestamp, now)
            if record.correct is None and record.score is None:
                raise invalid((index, "correct"), "a graded sample needs `correct` or `score`")
            row = record.model_dump()
            row["id"] = record.id or str(uuid.uuid4())
            row["timestamp"] = timestamp
            rows.append(row)
        return rows

    def observe_accuracy(
        self, rows: Iterable[dict[str, Any]], new_keys: set[RecordKey]
    ) -> None:
        """Count newly stored graded samples."""
        for row in rows:
            if record_key(row) in new_keys:
                correct = "unknown" if row["correct"] is None else str(row["correct"]).lower()
                self.instruments.labels(
                    "valuewatch_accuracy_samples_total", app=row["app"],
                    gen_ai_response_model=row["model"], task=row["task"],
                    grader=row["grader"].value, correct=correct,
                ).inc()

    def outcome_rows(self, records: list[OutcomeCreate], now: datetime) -> list[dict[str, Any]]:
        """Rows for the outcome table."""
        rows = []
        for index, record in enumerate(records):
            timestamp = self._timestamp((index,), record.timestamp, now)
            row = record.model_dump()
            row["id"] = record.id or str(uuid.uuid4())
            row["timestamp"] = timestamp
            rows.append(row)
        return rows

    def observe_outcomes(
        self, rows: Iterable[dict[str, Any]], new_keys: set[RecordKey]
    ) -> None:
        """Count newly stored outcomes and add up their values."""
        for row in rows:
            if record_key(row) in new_keys:
                labels = {"app": row["app"], "outcome": row["name"]}
                self.instruments.labels("valuewatch_outcomes_total", **labels).inc()
                if row["value"] >= 0:
                    self.instruments.labels("valuewatch_outcome_value_total", **labels
                                             ).inc(row["value"])


def _feedback_value(index: int, record: FeedbackCreate) -> tuple[float | None, str | None]:
    """The numeric value and label of one piece of feedback, checked against its kind."""
    value, kind = record.value, record.kind
    loc = (index, "value")
    if kind == FeedbackKind.thumbs:
        number = thumbs_number(value)
        if number is None:
            raise invalid(loc, f"thumbs feedback needs {THUMBS_FORMS}")
        return number, record.label
    if kind == FeedbackKind.label:
        label = record.label or (value if isinstance(value, str) else None)
        if not label:
            raise invalid((index, "label"), "label feedback needs a `label` (or a string `value`)")
        return None, label[:200]
    if kind == FeedbackKind.comment:
        if not record.comment:
            raise invalid((index, "comment"), "comment feedback needs a `comment`")
        return None, record.label
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(loc, f"{kind.value} feedback needs a number")
    low, high = value_range(kind)
    if not low <= value <= high:
        raise invalid(loc, f"{kind.value} must be between {low:g} and {high:g}")
    return float(value), record.label


class _Observed:
    """What one request's new calls add to one series, published in one go."""

    def __init__(self, series: Series) -> None:
        self.series = series
        self.duration: list[float] = []
        self.duration_exemplars: list[dict[str, str] | None] = []
        self.input_tokens: list[float] = []
        self.output_tokens: list[float] = []
        self.ttft: list[float] = []
        self.ttft_exemplars: list[dict[str, str] | None] = []
        self.per_token: list[float] = []
        self.cost = 0.0
        self.unpriced = 0

    def publish(self) -> None:
        series = self.series
        observe_all(series.duration, self.duration, self.duration_exemplars)
        observe_all(series.input_tokens, self.input_tokens)
        observe_all(series.output_tokens, self.output_tokens)
        observe_all(series.time_to_first_token, self.ttft, self.ttft_exemplars)
        observe_all(series.time_per_output_token, self.per_token)
        if self.cost:
            series.cost.inc(self.cost)
        if self.unpriced:
            series.unpriced.inc(self.unpriced)
