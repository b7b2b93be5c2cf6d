"""An end user's rows: exported as JSON or deleted in one transaction, each request audited.

A user is found by the salted hash ingest stored (`hash_user`): their calls
(inference.user_hash), feedback they gave or that is about their calls, and the graded
samples and outcomes of their calls (by inference id and app). Aggregates hold no user
id and are kept. Deleting writes no ingest touch, so no evaluated window or closed month
is evaluated again because of it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, exists, or_, select

from metrics.redaction import hash_user
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import (
    AccuracySample,
    AuditEntry,
    Feedback,
    Inference,
    Outcome,
    feedback_call,
)
from metrics.types import utc_now

_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
_accuracy: Table = AccuracySample.__table__  # type: ignore[attr-defined]
_outcome: Table = Outcome.__table__  # type: ignore[attr-defined]
_audit: Table = AuditEntry.__table__  # type: ignore[attr-defined]
USER_TABLES = (_feedback, _accuracy, _outcome, _inference)  # calls last: the others find them


def user_salt(settings: Settings, store: Store) -> bytes:
    """The salt ingest hashes user ids with: the configured one, else the installation's."""
    salt = settings.user_hash_salt
    if salt is not None:
        return salt.get_secret_value().encode()
    return bytes.fromhex(store.installation_secret("user_hash_salt"))


def user_pseudonym(settings: Settings, store: Store, user: str) -> str:
    """The hash under which `user`'s rows are stored."""
    return hash_user(user, user_salt(settings, store))


def export_user(store: Store, user_hash: str, *, actor: str) -> dict[str, Any]:
    """Every row tied to `user_hash`, by table, as JSON-ready values; the request is audited."""
    with store.engine.begin() as connection:
        tables = {
            table.name: [_plain(dict(row)) for row in connection.execute(
                select(table).where(_belongs(table, user_hash))
                .order_by(*table.primary_key.columns)
            ).mappings()]
            for table in reversed(USER_TABLES)
        }
        counts = {name: len(rows) for name, rows in tables.items()}
        _note(connection, actor, "privacy.export", user_hash, counts)
    return {"user_hash": user_hash, "tables": tables}


def delete_user(store: Store, user_hash: str, *, actor: str) -> dict[str, int]:
    """Delete every row tied to `user_hash` in one transaction, audited in it too; returns
    how many rows went, by table."""
    counts: dict[str, int] = {}
    with store.engine.begin() as connection:
        for table in USER_TABLES:
            result = connection.execute(delete(table).where(_belongs(table, user_hash)))
            counts[table.name] = max(result.rowcount, 0)
        _note(connection, actor, "privacy.delete", user_hash, counts)
    return counts


def _belongs(table: Table, user_hash: str) -> ColumnElement[bool]:
    """Whether a row of `table` is the user's, or about one of the user's calls."""
    if table is _inference:
        return _inference.c.user_hash == user_hash
    calls = _inference.alias("user_call")
    own_call = calls.c.user_hash == user_hash
    if table is _feedback:
        return or_(_feedback.c.user_hash == user_hash,
                   exists().where(own_call, feedback_call(calls)))
    return exists().where(own_call, and_(calls.c.id == table.c.inference_id,
                                         calls.c.app == table.c.app))


def _note(connection: Connection, actor: str, action: str, user_hash: str,
          counts: dict[str, int]) -> None:
    connection.execute(_audit.insert().values(
        timestamp=utc_now(), actor=actor, action=action, target=user_hash,
        details={"rows": counts},
    ))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in row.items()}
