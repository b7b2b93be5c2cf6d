"""Keyset pagination over a stored table, newest first: the read API's cursors.

A cursor names the last row of a page by (timestamp, id, app), the whole key plus the
order column, so that the next page starts right after it even when times tie.
"""

import base64
import json
from datetime import datetime
from typing import Any

from fastapi import HTTPException
from sqlalchemy import and_, or_
from sqlmodel import col

from metrics.types import as_utc


def newest_first(query: Any, table: Any, cursor: str | None) -> Any:
    """`query` over `table` ordered newest first, starting after `cursor`."""
    if cursor is not None:
        at, last_id, last_app = decode_cursor(cursor)
        timestamp, row_id, app = col(table.timestamp), col(table.id), col(table.app)
        query = query.where(or_(
            timestamp < at,
            and_(timestamp == at, row_id < last_id),
            and_(timestamp == at, row_id == last_id, app < last_app),
        ))
    return query.order_by(
        col(table.timestamp).desc(), col(table.id).desc(), col(table.app).desc()
    )


def in_time_range(query: Any, table: Any, since: datetime | None, until: datetime | None) -> Any:
    """`query` limited to rows at or after `since` and before `until`."""
    if since is not None:
        query = query.where(col(table.timestamp) >= as_utc(since))
    if until is not None:
        query = query.where(col(table.timestamp) < as_utc(until))
    return query


def encode_cursor(last: Any) -> str:
    """The cursor that starts the page after `last`."""
    raw = json.dumps([last.timestamp.isoformat(), last.id, last.app])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str, str]:
    """(timestamp, id, app) of a cursor; 422 for one this API did not return."""
    try:
        at, last_id, last_app = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return as_utc(datetime.fromisoformat(at)), str(last_id), str(last_app)
    except (ValueError, TypeError) as exc:
        raise HTTPException(422, "cursor: not a cursor this API returned") from exc
