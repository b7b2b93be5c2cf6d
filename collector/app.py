"""`create_app(settings, store, registry)`: the collector as a FastAPI app."""

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, disable_created_metrics
from starlette.concurrency import run_in_threadpool

from collector.acknowledge import SHAPE_TAGS
from collector.admission import InFlightLimit
from collector.auth import Gate
from collector.body_limit import BodyLimit
from collector.deps import IngestContext
from collector.ingest import Ingest
from collector.keys import KeyRing
from collector.nul_guard import NulGuard
from collector.periodic import Periodic
from collector.rate_limit import RateLimiter
from collector.resources import ResourceSampler
from collector.routes import (
    accuracy,
    alertmanager,
    assessments,
    audit_log,
    evaluations,
    feedback,
    health,
    inferences,
    kpis,
    logs,
    outcomes,
    privacy,
    reports,
    traces,
)
from collector.security_headers import SecurityHeaders
from collector.ui.pages import add_pages
from collector.writer import BatchWriter, Overloaded, StoreUnavailable
from metrics.instruments import collector_instruments
from metrics.prices import PriceTable
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.subject_rights import user_salt
from metrics.value.config import load_value_config

log = logging.getLogger("valuewatch.collector")
WAL_CHECKPOINT_S = 1.0
INGEST_KINDS = {
    "/api/v1/inferences": "inference", "/api/v1/feedback": "feedback",
    "/api/v1/accuracy": "accuracy", "/api/v1/outcomes": "outcome",
}


def create_app(
    settings: Settings,
    store: Store,
    registry: CollectorRegistry,
    background: Sequence[AbstractAsyncContextManager[Any]] = (),
    exposition: CollectorRegistry | None = None,
    receivers: Sequence[Callable[[FastAPI], AbstractAsyncContextManager[Any]]] = (),
) -> FastAPI:
    """Build the collector; background work starts and stops with the app's lifespan.

    `background` is more work for the lifespan that the collector knows nothing about,
    such as the evaluator scheduler that `valuewatch serve` runs in the same process.
    `exposition` is the registry /metrics serves, when it is not `registry`: with several
    worker processes, one that merges every worker's instruments. `receivers` make other
    ways in, such as the OTLP/gRPC server, from the app once its writer is running; they
    stop first, so what they accepted is committed before the writer closes.
    """
    # `_created` series double the series count and no dashboard reads them. The switch
    # is process-wide in prometheus_client, so it is thrown here, where the app is made.
    disable_created_metrics()
    instruments = collector_instruments(registry, settings.label_value_limit)
    prices = PriceTable.load(settings.price_table)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        salt_bytes = await run_in_threadpool(user_salt, settings, store)
        ingest = Ingest(settings, instruments, prices, salt_bytes)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(
                Periodic("key reload", app.state.keyring.refresh, settings.key_refresh_s)
            )
            writer = await stack.enter_async_context(BatchWriter(
                store, instruments,
                max_queue_rows=settings.max_queue_rows, max_batch_rows=settings.max_batch_rows,
            ))
            app.state.ingest_context = IngestContext(writer, ingest, settings, store)
            if store.dialect == "sqlite":  # WAL checkpoints off the commit path
                await stack.enter_async_context(
                    Periodic("WAL checkpoint", store.checkpoint, WAL_CHECKPOINT_S)
                )
            if settings.resource_sampler_enabled:
                await stack.enter_async_context(ResourceSampler(
                    store, instruments, interval_s=settings.resource_sample_interval_s,
                    persist_interval_s=settings.resource_persist_interval_s,
                    pid=settings.watched_pid,
                    process_name=None if settings.watched_pid else settings.watched_process,
                ))
            for work in background:
                await stack.enter_async_context(work)
            for receiver in receivers:
                await stack.enter_async_context(receiver(app))
            yield

    app = FastAPI(
        title="valuewatch collector",
        summary="Records LLM calls, feedback, graded samples and outcomes.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.registry = registry
    app.state.exposition = exposition or registry
    app.state.instruments = instruments
    app.state.keyring = KeyRing(store)
    app.state.value_config = load_value_config(settings.value_config)  # fails loudly at start
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    app.state.gate = Gate(app.state.keyring, app.state.rate_limiter, store,
                          instruments["valuewatch_auth_failures_total"])
    for module in (inferences, feedback, accuracy, outcomes, traces, logs, evaluations, health,
                   kpis, reports, assessments, alertmanager, privacy, audit_log):
        app.include_router(module.router)
    add_pages(app)
    _add_error_handlers(app)
    # Innermost: admission refuses before a body is buffered here, and CORS headers
    # reach a browser on the 422 too. BodyLimit, outside, bounds what is buffered.
    records = instruments["valuewatch_ingest_records_total"]
    app.add_middleware(
        NulGuard, on_refuse=lambda scope: _count_rejected(records, scope["method"], scope["path"])
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"], max_age=600,
        )
    app.add_middleware(
        InFlightLimit, limit=settings.max_requests_in_progress,
        on_refuse=instruments["valuewatch_ingest_overload_total"].labels(reason="in_progress"),
    )
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes,
        drain_bytes=settings.max_body_drain_bytes, drain_s=settings.max_body_drain_s,
    )
    app.add_middleware(SecurityHeaders)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    overload = app.state.instruments["valuewatch_ingest_overload_total"]
    records = app.state.instruments["valuewatch_ingest_records_total"]

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, exc: Overloaded) -> JSONResponse:
        overload.labels(reason="queue_full").inc()
        return JSONResponse(
            {"detail": f"overloaded: {exc}; retry later"}, 503, headers={"Retry-After": "1"}
        )

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        overload.labels(reason="database").inc()
        log.warning("database write failed: %s", exc)
        return JSONResponse({"detail": exc.client_message}, 503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        _count_rejected(records, request.method, request.url.path)
        errors = [
            {
                "loc": [p for p in e.get("loc", ()) if p not in SHAPE_TAGS],
                "msg": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()[:20]
        ]
        return JSONResponse({"detail": errors}, 422)


def _count_rejected(records: Any, method: str, path: str) -> None:
    """Count a refused ingest request in `records` as rejected, by its kind."""
    kind = INGEST_KINDS.get(path)
    if kind is not None and method == "POST":
        records.labels(kind=kind, result="rejected").inc()
