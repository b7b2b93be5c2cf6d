"""Which call attributes carry message content: the keys the collector stores content
under (OTLP spans' and a JSON call's `prompt` and `completion`, redacted, only with
VALUEWATCH_STORE_CONTENT). Shared so that evaluators find and blank content
without importing the collector."""

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, Table, bindparam, cast, or_, select, update

from metrics.store.tables import Inference

_inference: Table = Inference.__table__  # type: ignore[attr-defined]

PROMPT_KEYS = ("gen_ai.input.messages", "gen_ai.prompt", "prompt")
COMPLETION_KEYS = ("gen_ai.output.messages", "gen_ai.completion", "completion")
# Every content attribute of collector/genai_attributes.py (a test keeps them agreed).
CONTENT_KEYS = frozenset({
    *PROMPT_KEYS, *COMPLETION_KEYS, "gen_ai.system_instructions", "gen_ai.tool.definitions",
    "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.retrieval.query.text",
    "gen_ai.retrieval.documents",
})
CONTENT_PREFIXES = ("gen_ai.prompt.", "gen_ai.completion.")
NOT_CONTENT_KEYS = frozenset({"gen_ai.prompt.name"})  # a prompt template's name


def is_content(key: str, also: Collection[str] = ()) -> bool:
    """Whether an attribute carries message content (prompts, completions, tool payloads),
    or is one of the operator's own content keys `also`."""
    if key in also:
        return True
    if key in NOT_CONTENT_KEYS:
        return False
    return key in CONTENT_KEYS or key.startswith(CONTENT_PREFIXES)


def without_content(attributes: dict[str, Any], also: Collection[str] = ()) -> dict[str, Any]:
    """`attributes` less every content attribute."""
    return {key: value for key, value in attributes.items() if not is_content(key, also)}


def prompt_text(attributes: dict[str, Any] | None) -> str | None:
    """The user's words of a call: the first prompt attribute, messages reduced to the
    text of their user parts."""
    for key in PROMPT_KEYS:
        value = (attributes or {}).get(key)
        if isinstance(value, str) and value.strip():
            return _message_text(value)
        if isinstance(value, list) and value:
            return _message_text(json.dumps(value))
    return None


def _message_text(value: str) -> str:
    try:
        messages = json.loads(value)
    except ValueError:
        return value
    if not isinstance(messages, list):
        return value
    texts = []
    for message in messages:
        if isinstance(message, dict) and message.get("role", "user") == "user":
            texts.extend(_texts(message))
    return " ".join(texts) or value


def _texts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    parts = message.get("parts") or (content if isinstance(content, list) else [])
    return [p.get("content") or p.get("text") or "" for p in parts
            if isinstance(p, dict) and isinstance(p.get("content") or p.get("text"), str)]


def blank_content(connection: Connection, *, before: datetime, received_before: datetime,
                  also: Collection[str] = ()) -> int:
    """Remove the content attributes (and the operator's keys `also`) of calls timed
    before `before` or received before `received_before`; returns the calls blanked."""
    text = cast(_inference.c.attributes, String)
    marked = [text.like(f'%"{key}"%') for key in (*CONTENT_KEYS, *also)]
    marked += [text.like(f'%"{prefix}%') for prefix in CONTENT_PREFIXES]
    rows = connection.execute(
        select(_inference.c.app, _inference.c.id, _inference.c.attributes)
        .where(or_(_inference.c.timestamp < before,
                   _inference.c.received_at < received_before), or_(*marked))
    ).all()
    changed = [{"key_app": app, "key_id": call, "kept": without_content(attributes, also)}
               for app, call, attributes in rows
               if attributes and without_content(attributes, also) != attributes]
    if changed:
        connection.execute(
            update(_inference)
            .where(_inference.c.app == bindparam("key_app"),
                   _inference.c.id == bindparam("key_id"))
            .values(attributes=bindparam("kept")), changed)
    return len(changed)
