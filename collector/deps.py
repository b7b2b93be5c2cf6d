"""Dependency aliases shared by the routes."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from collector.auth import check_key, require
from collector.ingest import Ingest
from collector.writer import BatchWriter
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope


@dataclass(frozen=True)
class IngestContext:
    """What an ingest route needs, handed out by one dependency: each one costs time."""

    writer: BatchWriter
    ingest: Ingest
    settings: Settings
    store: Store  # read only when a record repeats a stored key


async def get_store(request: Request) -> Store:
    """The store the app was built with."""
    return request.app.state.store


async def ingest_context(request: Request) -> IngestContext:
    """Check the key's ingest scope; hand out what the route needs."""
    await check_key(request, Scope.ingest)
    return request.app.state.ingest_context


async def json_ingest_context(request: Request) -> IngestContext:
    """`ingest_context` for JSON bodies; `NulGuard` has refused those holding a NUL."""
    context = await ingest_context(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        raise HTTPException(415, f"content type {content_type!r}: send application/json")
    return context


StoreDep = Annotated[Store, Depends(get_store)]
IngestContextDep = Annotated[IngestContext, Depends(ingest_context)]
JsonIngestDep = Annotated[IngestContext, Depends(json_ingest_context)]
ReadKey = Depends(require(Scope.read))
AdminKey = Depends(require(Scope.admin))


def audited_read(action: str, scope: Scope = Scope.read) -> Any:
    """A dependency: a key granting `scope`, each call written to the audit log as `action`."""
    return Depends(require(scope, audited=action))
