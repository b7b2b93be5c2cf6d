"""`valuewatch serve`: the collector and, unless turned off, the evaluators, in one process
or in several worker processes sharing their metrics through prometheus_client's
multiprocess mode."""

import asyncio
import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, multiprocess

from collector.app import create_app
from metrics.settings import Settings
from metrics.store.database import Store

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
HOST_ENV = "VALUEWATCH_SERVE_HOST"  # the address the workers' gRPC servers bind


def build_app(settings: Settings, host: str = "127.0.0.1") -> FastAPI:
    """The app with its store, registries, in-process evaluators and OTLP/gRPC server."""
    store = Store.open(settings.database_url)
    registry = CollectorRegistry()
    exposition = registry
    background: list[AbstractAsyncContextManager[Any]] = []
    workers = bool(os.environ.get(MULTIPROC_ENV))
    if workers:
        # /metrics merges every worker's files; the instruments write their own.
        exposition = CollectorRegistry()
        multiprocess.MultiProcessCollector(exposition)
        background.append(WorkerExit())
    if settings.scheduler_enabled:
        # Imported only here: a sidecar (scheduler off) never loads the evaluators'
        # statistics, charts and PDF libraries (scipy, scikit-learn, matplotlib, reportlab).
        from valuewatch.evaluate import in_process_evaluators

        background += in_process_evaluators(settings, store, exposition)
    receivers: list[Callable[[FastAPI], AbstractAsyncContextManager[Any]]] = []
    if settings.otlp_grpc_port:
        from collector.otlp_grpc import OTLPGrpcServer  # grpcio (15 MB) only when it serves

        # Each worker serves gRPC on the one port; SO_REUSEPORT spreads connections.
        receivers.append(partial(OTLPGrpcServer, host=host, port=settings.otlp_grpc_port,
                                 reuse_port=workers))
    return create_app(settings, store, registry, background=background, exposition=exposition,
                      receivers=receivers)


def worker_app() -> FastAPI:
    """The app factory each worker process calls (settings come from its environment)."""
    app = build_app(Settings(), os.environ.get(HOST_ENV, "127.0.0.1"))
    tune_garbage_collector()
    return app


def serve(settings: Settings, *, host: str, port: int, workers: int, log_level: str) -> None:
    """Run until stopped; `workers` > 1 starts that many processes on one port."""
    options: dict[str, Any] = {"host": host, "port": port, "log_level": log_level,
                               "access_log": False}
    tls = settings.tls_pair()
    if tls is not None:
        options |= {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])}
    if workers <= 1:
        app = build_app(settings, host)
        tune_garbage_collector()
        uvicorn.run(app, **options)
        return
    folder = fresh_multiprocess_folder()
    os.environ[MULTIPROC_ENV] = str(folder)
    os.environ[HOST_ENV] = host
    # The workers read their settings from the environment: pass on the CLI's port.
    os.environ["VALUEWATCH_OTLP_GRPC_PORT"] = str(settings.otlp_grpc_port)
    if tls is not None:  # their gRPC servers need the pair too
        os.environ["VALUEWATCH_TLS_CERT"], os.environ["VALUEWATCH_TLS_KEY"] = map(str, tls)
    try:
        uvicorn.run("valuewatch.serve:worker_app", factory=True, workers=workers, **options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh_multiprocess_folder() -> Path:
    """The folder for the workers' metric files, emptied: stale files would add up."""
    named = os.environ.get(MULTIPROC_ENV)
    if named:
        folder = Path(named)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder
    return Path(tempfile.mkdtemp(prefix="valuewatch-metrics-"))


def tune_garbage_collector() -> None:
    """Keep full collections off the request path.

    The objects made at start-up (routes, models, the ORM) never die, yet every full
    collection walked them all: 100-250 ms pauses that set the p99 of ingest. Freezing
    them leaves the collector only what requests allocate.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


class WorkerExit:
    """Drops a stopping worker's live gauges from the merged /metrics."""

    async def __aenter__(self) -> "WorkerExit":
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(multiprocess.mark_process_dead, os.getpid())
