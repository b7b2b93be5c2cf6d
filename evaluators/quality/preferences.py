"""A preference dataset from user feedback, for RLHF reward models or DPO fine-tuning.

Calls with stored content (VALUEWATCH_STORE_CONTENT=true, or `prompt` and `completion`
in the attributes an app sends) that answered the same prompt and were rated on both
sides of 0.5 become `{"prompt", "chosen", "rejected"}` pairs, TRL's DPO format. Every
other rated call is written as ids and its score, to be joined with the app's own logs.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from itertools import product
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, select

from metrics.feedback_rules import RATING_RANGE
from metrics.store.tables import Feedback, FeedbackKind, Inference, feedback_call

PROMPT_KEYS = ("gen_ai.input.messages", "gen_ai.prompt", "prompt")
COMPLETION_KEYS = ("gen_ai.output.messages", "gen_ai.completion", "completion")
MAX_PAIRS_PER_PROMPT = 10
_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]


def _content(attributes: dict[str, Any] | None, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = (attributes or {}).get(key)
        if isinstance(value, str) and value:
            return value
    return None


def rated_calls(connection: Connection, since: datetime) -> list[dict[str, Any]]:
    """Calls with thumbs, rating or score feedback since `since`, each with its mean
    feedback on a 0-1 scale (a rating r counts as (r − 1) ÷ 4)."""
    f, i = _feedback.c, _inference.c
    low, high = RATING_RANGE
    normalised = case((f.kind == FeedbackKind.rating, (f.value - low) / (high - low)),
                      else_=f.value)
    # Grouped by the call each piece of feedback found, so feedback that names its app
    # and feedback that names none add up for one call.
    rated = _inference.alias("rated")
    scores = (
        select(rated.c.id, rated.c.app, func.avg(normalised).label("score"),
               func.count().label("feedback"))
        .select_from(_feedback.join(rated, feedback_call(rated)))
        .where(f.timestamp >= since, f.value.is_not(None),
               f.kind.in_([FeedbackKind.thumbs, FeedbackKind.rating, FeedbackKind.score]))
        .group_by(rated.c.id, rated.c.app).subquery()
    )
    query = (
        select(i.id, i.timestamp, i.app, i.model, i.use_case, i.session, i.attributes,
               scores.c.score, scores.c.feedback)
        .join(scores, and_(scores.c.id == i.id, scores.c.app == i.app))
        .order_by(i.timestamp, i.id, i.app)
    )
    return [row._asdict() for row in connection.execute(query)]


def preference_records(connection: Connection, since: datetime) -> Iterator[dict[str, Any]]:
    """Chosen/rejected pairs where content allows, then one record per other rated call."""
    by_prompt: dict[str, list[dict[str, Any]]] = defaultdict(list)
    paired: set[tuple[str, str]] = set()
    calls = rated_calls(connection, since)
    for call in calls:
        prompt = _content(call["attributes"], PROMPT_KEYS)
        if prompt and _content(call["attributes"], COMPLETION_KEYS):
            by_prompt[prompt].append(call)
    for prompt, answers in by_prompt.items():
        good = [call for call in answers if call["score"] >= 0.5]
        bad = [call for call in answers if call["score"] < 0.5]
        for chosen, rejected in list(product(good, bad))[:MAX_PAIRS_PER_PROMPT]:
            paired.update(((chosen["app"], chosen["id"]), (rejected["app"], rejected["id"])))
            yield {
                "type": "pair", "prompt": prompt,
                "chosen": _content(chosen["attributes"], COMPLETION_KEYS),
                "rejected": _content(rejected["attributes"], COMPLETION_KEYS),
                "chosen_id": chosen["id"], "rejected_id": rejected["id"],
                "chosen_score": chosen["score"], "rejected_score": rejected["score"],
                "app": chosen["app"], "model": chosen["model"],
            }
    for call in calls:
        if (call["app"], call["id"]) not in paired:
            yield {
                "type": "rated", "inference_id": call["id"], "app": call["app"],
                "model": call["model"], "use_case": call["use_case"],
                "session": call["session"], "timestamp": call["timestamp"].isoformat(),
                "score": call["score"], "feedback": call["feedback"],
            }
