"""Dependency aliases shared by the routes."""

from typing import Annotated

from fastapi import Depends, Request

from collector.auth import require
from collector.ingest import Ingest
from collector.validation import invalid
from collector.writer import BatchWriter
from metrics.settings import Settings
from metrics.store import Store
from metrics.tables import Scope


def get_store(request: Request) -> Store:
    """The store the app was built with."""
    return request.app.state.store


def get_writer(request: Request) -> BatchWriter:
    """The running group-commit writer."""
    return request.app.state.writer


def get_ingest(request: Request) -> Ingest:
    """Row conversion and metric updates."""
    return request.app.state.ingest


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


async def no_nul_bytes(request: Request) -> None:
    """Refuse bodies with NUL characters: PostgreSQL text cannot hold them."""
    body = await request.body()
    if b"\\u0000" in body or b"\x00" in body:
        raise invalid((), "strings must not contain NUL (\\u0000) characters")


StoreDep = Annotated[Store, Depends(get_store)]
WriterDep = Annotated[BatchWriter, Depends(get_writer)]
IngestDep = Annotated[Ingest, Depends(get_ingest)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IngestKey = Depends(require(Scope.ingest))
ReadKey = Depends(require(Scope.read))
NoNul = Depends(no_nul_bytes)
