"""The audit log of calls: reads of stored records, downloads, sign-ins, refused keys.

Each entry is one short transaction in a worker thread, so the event loop never waits on
it. Ingest is not audited (its volume would swamp the log and slow the writer); a key is
never written, only its name, or "unknown" when it was not a live key.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from metrics.store.database import Store
from metrics.store.tables import AuditEntry
from metrics.types import utc_now

UNKNOWN_ACTOR = "unknown"
MAX_QUERY_VALUE = 200


def client_address(request: Request) -> str:
    """Where a request came from: the peer's host and port ("" when not known)."""
    peer = request.client
    return f"{peer.host}:{peer.port}" if peer else ""


def query_details(request: Request) -> dict[str, Any]:
    """The request's query parameters, each value cut to a bounded length."""
    return {"query": {name: value[:MAX_QUERY_VALUE]
                      for name, value in request.query_params.items()}}


def write_entry(store: Store, *, actor: str, action: str, target: str, client: str,
                details: Mapping[str, Any]) -> None:
    """Store one audit entry in its own transaction."""
    with Session(store.engine) as session:
        session.add(AuditEntry(timestamp=utc_now(), actor=actor[:200], action=action,
                               target=target[:200], client=client[:100], details=dict(details)))
        session.commit()


async def audit(store: Store, *, actor: str, action: str, target: str, client: str,
                details: Mapping[str, Any]) -> None:
    """`write_entry` off the event loop."""
    await run_in_threadpool(write_entry, store, actor=actor, action=action, target=target,
                            client=client, details=details)


async def audit_request(request: Request, actor: str, action: str) -> None:
    """Audit `action` by `actor` on the request's path, with its query and address."""
    await audit(request.app.state.store, actor=actor, action=action, target=request.url.path,
                client=client_address(request), details=query_details(request))
