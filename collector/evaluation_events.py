"""Map an OTLP log record that is a `gen_ai.evaluation.result` event to a graded sample.

Names follow the OpenTelemetry semantic conventions v1.44.0 (the `gen_ai.evaluation.*`
attributes, as opentelemetry-semantic-conventions 0.66b2 ships them) and the
`gen_ai.evaluation.result` event of open-telemetry/semantic-conventions-genai,
model/gen-ai/events.yaml (stability: development): `gen_ai.evaluation.name` (required),
`gen_ai.evaluation.score.value`, `gen_ai.evaluation.score.label`,
`gen_ai.evaluation.explanation`, `gen_ai.response.id` and `error.type`. The event SHOULD be
parented to the span of the call it grades; `gen_ai.response.id` names the call otherwise.

Pure: a log record in, a record for `AccuracySampleBody` out, still without the app and
model of the call it grades, which only the store knows.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord

from metrics.store.tables import Grader

EVALUATION_EVENT = "gen_ai.evaluation.result"
EVENT_NAME_KEY = "event.name"  # where SDKs older than LogRecord.event_name put the name
NAME_KEY = "gen_ai.evaluation.name"
SCORE_KEY = "gen_ai.evaluation.score.value"
LABEL_KEY = "gen_ai.evaluation.score.label"
EXPLANATION_KEY = "gen_ai.evaluation.explanation"
RESPONSE_ID_KEY = "gen_ai.response.id"
ERROR_TYPE_KEY = "error.type"
MODEL_KEYS = ("gen_ai.response.model", "gen_ai.request.model")
# Not in the conventions: who graded, when it was not an LLM judge.
GRADER_KEY = "valuewatch.evaluation.grader"

# Labels that say whether the answer was right; any other label leaves `correct` unset.
CORRECT_LABELS = frozenset({"pass", "passed", "correct", "true", "yes", "success", "relevant"})
INCORRECT_LABELS = frozenset({
    "fail", "failed", "incorrect", "false", "no", "failure", "wrong", "not_relevant",
    "irrelevant",
})


class EventRejected(ValueError):
    """An evaluation event that cannot make a graded sample; the message says why."""


@dataclass(frozen=True)
class Evaluation:
    """A graded sample from one event, and how to find the call it grades."""

    record: dict[str, Any]
    span_call_id: str | None  # `{trace_id}-{span_id}`, as OTLP spans' calls are stored
    response_id: str | None


def is_evaluation(log_record: LogRecord, attributes: dict[str, Any]) -> bool:
    """Whether a log record is a `gen_ai.evaluation.result` event."""
    name = log_record.event_name or attributes.get(EVENT_NAME_KEY)
    return name == EVALUATION_EVENT


def evaluation_failed(attributes: dict[str, Any]) -> bool:
    """Whether the evaluator itself failed (`error.type` set): such an event grades nothing."""
    return bool(attributes.get(ERROR_TYPE_KEY))


def evaluation(
    log_record: LogRecord, attributes: dict[str, Any], *, app: str, now: datetime
) -> Evaluation:
    """The graded sample an evaluation event makes; `EventRejected` when it makes none."""
    task = attributes.get(NAME_KEY)
    if not isinstance(task, str) or not task:
        raise EventRejected(f"{NAME_KEY} is required")
    score = _score(attributes.get(SCORE_KEY))
    label = attributes.get(LABEL_KEY)
    correct = _correct(label)
    if score is None and correct is None:
        raise EventRejected(
            f"neither a {SCORE_KEY} from 0 to 1 nor a {LABEL_KEY} that says pass or fail"
        )
    span_call_id = _span_call_id(log_record)
    response_id = attributes.get(RESPONSE_ID_KEY)
    response_id = str(response_id) if response_id not in (None, "") else None
    at = _utc(log_record.time_unix_nano or log_record.observed_time_unix_nano) or now
    record = {
        "id": "",
        "inference_id": span_call_id or response_id,
        "app": app,
        "model": _text(attributes, MODEL_KEYS) or "",
        "task": task,
        "correct": correct,
        "score": score,
        "grader": _grader(attributes.get(GRADER_KEY)),
        "timestamp": at,
    }
    record["id"] = sample_id(record, str(label or ""))
    return Evaluation(record, span_call_id, response_id)


def sample_id(record: dict[str, Any], label: str) -> str:
    """An id made from the event's content, so that a retried export repeats it."""
    content = [record["inference_id"], record["task"], record["score"], label,
               record["grader"], record["timestamp"].isoformat()]
    digest = hashlib.sha256(json.dumps(content).encode()).hexdigest()[:32]
    return f"otlp-eval-{digest}"


def _score(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise EventRejected(f"{SCORE_KEY} must be a number, got {value!r}")
    if not 0 <= value <= 1:
        raise EventRejected(f"{SCORE_KEY} {value} is outside 0..1, the range samples store")
    return float(value)


def _correct(label: Any) -> bool | None:
    if not isinstance(label, str):
        return None
    word = label.strip().lower().replace(" ", "_").replace("-", "_")
    if word in CORRECT_LABELS:
        return True
    if word in INCORRECT_LABELS:
        return False
    return None


def _grader(value: Any) -> Grader:
    try:
        return Grader(str(value).lower()) if value else Grader.judge
    except ValueError:
        raise EventRejected(
            f"{GRADER_KEY} must be one of {', '.join(g.value for g in Grader)}, got {value!r}"
        ) from None


def _span_call_id(log_record: LogRecord) -> str | None:
    trace_id, span_id = log_record.trace_id, log_record.span_id
    if len(trace_id) != 16 or len(span_id) != 8 or not any(trace_id) or not any(span_id):
        return None
    return f"{trace_id.hex()}-{span_id.hex()}"


def _text(attributes: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = attributes.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _utc(unix_nano: int) -> datetime | None:
    if not unix_nano:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=unix_nano // 1000)
