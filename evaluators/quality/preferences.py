"""Preference datasets from user feedback, one record type per JSON Lines file, with
exactly the keys TRL's trainers read:

- `dpo`: `{"prompt", "chosen", "rejected"}` (DPOTrainer), from two answers to the same
  prompt (compared with case and spacing normalised) whose feedback is on opposite sides
  of 0.5;
- `kto`: `{"prompt", "completion", "label"}` (KTOTrainer), one per call with thumbs,
  `label` true for thumbs up;
- `scores`: `{"id", "app", "score"}` for rated calls whose content is not stored, to be
  joined with the app's own logs (ids are unique within an app).

Content is stored, redacted, only with VALUEWATCH_STORE_CONTENT=true: from OTLP traces,
and from `prompt` and `completion` (or `gen_ai.*`) in the attributes a call is sent with.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import product
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, select

from metrics.feedback_rules import RATING_RANGE
from metrics.store.tables import Feedback, FeedbackKind, Inference, feedback_call

PROMPT_KEYS = ("gen_ai.input.messages", "gen_ai.prompt", "prompt")
COMPLETION_KEYS = ("gen_ai.output.messages", "gen_ai.completion", "completion")
SCORED_KINDS = (FeedbackKind.thumbs, FeedbackKind.rating, FeedbackKind.score)
MAX_PAIRS_PER_PROMPT = 10
_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]


def _content(attributes: dict[str, Any] | None, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = (attributes or {}).get(key)
        if isinstance(value, str) and value:
            return value
    return None


def normalised_prompt(prompt: str) -> str:
    """The prompt compared for pairs: spacing collapsed, case folded."""
    return " ".join(prompt.split()).casefold()


def rated_calls(connection: Connection, since: datetime,
                kinds: tuple[FeedbackKind, ...] = SCORED_KINDS) -> list[dict[str, Any]]:
    """Calls with feedback of `kinds` (thumbs, rating, score) since `since`, each with its
    mean feedback on a 0-1 scale (a rating r counts as (r − 1) ÷ 4)."""
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
               f.kind.in_(kinds))
        .group_by(rated.c.id, rated.c.app).subquery()
    )
    query = (
        select(i.id, i.timestamp, i.app, i.model, i.use_case, i.session, i.attributes,
               scores.c.score, scores.c.feedback)
        .join(scores, and_(scores.c.id == i.id, scores.c.app == i.app))
        .order_by(i.timestamp, i.id, i.app)
    )
    return [row._asdict() for row in connection.execute(query)]


def dpo_pairs(connection: Connection, since: datetime) -> Iterator[dict[str, str]]:
    """Chosen/rejected answers to the same prompt, at most MAX_PAIRS_PER_PROMPT a prompt."""
    by_prompt: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for call in rated_calls(connection, since):
        prompt = _content(call["attributes"], PROMPT_KEYS)
        completion = _content(call["attributes"], COMPLETION_KEYS)
        if prompt and completion:
            by_prompt[normalised_prompt(prompt)].append((prompt, completion, call["score"]))
    for answers in by_prompt.values():
        good = [answer for answer in answers if answer[2] > 0.5]
        bad = [answer for answer in answers if answer[2] < 0.5]
        # Each distinct pair of answers once: the same two texts again teach nothing new.
        seen: set[tuple[str, str]] = set()
        for chosen, rejected in product(good, bad):
            texts = (chosen[1], rejected[1])
            if chosen[1] == rejected[1] or texts in seen:
                continue
            seen.add(texts)
            yield {"prompt": chosen[0], "chosen": chosen[1], "rejected": rejected[1]}
            if len(seen) == MAX_PAIRS_PER_PROMPT:
                break


def kto_rows(connection: Connection, since: datetime) -> Iterator[dict[str, Any]]:
    """One row per call with content and thumbs: `label` true when the thumbs were up."""
    for call in rated_calls(connection, since, (FeedbackKind.thumbs,)):
        prompt = _content(call["attributes"], PROMPT_KEYS)
        completion = _content(call["attributes"], COMPLETION_KEYS)
        if prompt and completion and call["score"] != 0.5:
            yield {"prompt": prompt, "completion": completion, "label": call["score"] > 0.5}


def score_rows(connection: Connection, since: datetime) -> Iterator[dict[str, Any]]:
    """The mean feedback of each rated call whose content is not stored."""
    for call in rated_calls(connection, since):
        attributes = call["attributes"]
        if not (_content(attributes, PROMPT_KEYS) and _content(attributes, COMPLETION_KEYS)):
            yield {"id": call["id"], "app": call["app"], "score": call["score"]}


PREFERENCE_FORMATS: dict[str, Callable[[Connection, datetime], Iterator[dict[str, Any]]]] = {
    "dpo": dpo_pairs, "kto": kto_rows, "scores": score_rows,
}


def export_preferences(connection: Connection, format: str, *, since: datetime,
                       out: Path) -> int:
    """Write the `format` records (dpo, kto, scores) since `since` to `out` as JSON Lines;
    returns how many were written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with out.open("w", encoding="utf-8") as file:
        for record in PREFERENCE_FORMATS[format](connection, since):
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written
