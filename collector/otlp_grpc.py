"""OTLP/gRPC: the trace and logs services on their own port, in the app's event loop.

Served with grpc.aio and the service stubs opentelemetry-proto ships, so an export takes
the very path of OTLP/HTTP: the same key ring and rate limits, decoding, validation,
batch writer (an answer only after the commit) and idempotency. Failures follow the OTLP
spec ("OTLP/gRPC Response", "Failures"): overload and a database down are UNAVAILABLE
with a google.rpc.RetryInfo in `grpc-status-details-bin`, bad data INVALID_ARGUMENT.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NoReturn

import grpc
from fastapi import FastAPI, HTTPException
from google.protobuf.duration_pb2 import Duration
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from grpc import aio
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsPartialSuccess,
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTracePartialSuccess,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from starlette.concurrency import run_in_threadpool

from collector.auth import Gate
from collector.deps import IngestContext
from collector.evaluation_store import store_evaluations
from collector.otlp import decode_trace_request
from collector.otlp_export import ExportRefused, store_spans
from collector.otlp_logs import decode_log_request
from collector.otlp_response import message_within
from metrics.store.tables import Scope

log = logging.getLogger("valuewatch.collector")
STATUS_DETAILS_KEY = "grpc-status-details-bin"
STOP_GRACE_S = 5.0
HTTP_TO_GRPC = {401: grpc.StatusCode.UNAUTHENTICATED, 403: grpc.StatusCode.PERMISSION_DENIED,
                429: grpc.StatusCode.RESOURCE_EXHAUSTED}


@dataclass(frozen=True)
class Receiving:
    """What an export needs from the app, read once its lifespan has started."""

    context: IngestContext
    gate: Gate


async def abort(
    context: aio.ServicerContext, code: grpc.StatusCode, message: str,
    retry_after_s: int | None = None,
) -> NoReturn:
    """End the call with `code`; a RetryInfo in the status details says when to retry."""
    message = message_within(message)
    metadata: tuple[tuple[str, str | bytes], ...] = ()
    if retry_after_s is not None:
        status = Status(code=code.value[0], message=message)
        status.details.add().Pack(RetryInfo(retry_delay=Duration(seconds=retry_after_s)))
        metadata = ((STATUS_DETAILS_KEY, status.SerializeToString()),)
    await context.abort(code, message, trailing_metadata=metadata)
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


async def admit(receiving: Receiving, context: aio.ServicerContext) -> None:
    """Check the `authorization: Bearer <key>` metadata for the ingest scope, or abort."""
    metadata = dict(context.invocation_metadata() or ())
    authorization = metadata.get("authorization", "")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    try:
        await receiving.gate.authorize(authorization, Scope.ingest, context.peer() or "")
    except HTTPException as exc:
        retry = (exc.headers or {}).get("Retry-After")
        await abort(context, HTTP_TO_GRPC.get(exc.status_code, grpc.StatusCode.UNAUTHENTICATED),
                    str(exc.detail), int(retry) if retry else None)


async def refuse(context: aio.ServicerContext, exc: ExportRefused) -> NoReturn:
    """A refused export as the OTLP spec wants it over gRPC."""
    if exc.retry_after_s is None:
        await abort(context, grpc.StatusCode.INVALID_ARGUMENT, exc.message)
    await abort(context, grpc.StatusCode.UNAVAILABLE, exc.message, exc.retry_after_s)


class TraceReceiver(trace_service_pb2_grpc.TraceServiceServicer):
    """TraceService/Export: GenAI spans become inference records."""

    def __init__(self, receiving: Callable[[], Receiving]) -> None:
        self._receiving = receiving

    async def Export(  # noqa: N802 - the name the generated stub dispatches to
        self, request: ExportTraceServiceRequest, context: aio.ServicerContext
    ) -> ExportTraceServiceResponse:
        """Store the export's GenAI spans; answers once they are committed."""
        receiving = self._receiving()
        await admit(receiving, context)
        store_content = receiving.context.settings.store_content
        decoded = await run_in_threadpool(
            decode_trace_request, request, store_content=store_content
        )
        try:
            stored = await store_spans(decoded, receiving.context)
        except ExportRefused as exc:
            await refuse(context, exc)
        answer = ExportTraceServiceResponse()
        if stored.rejected:
            answer.partial_success.CopyFrom(ExportTracePartialSuccess(
                rejected_spans=stored.rejected,
                error_message=message_within("; ".join(stored.errors)),
            ))
        return answer


class LogsReceiver(logs_service_pb2_grpc.LogsServiceServicer):
    """LogsService/Export: `gen_ai.evaluation.result` events become graded samples."""

    def __init__(self, receiving: Callable[[], Receiving]) -> None:
        self._receiving = receiving

    async def Export(  # noqa: N802 - the name the generated stub dispatches to
        self, request: ExportLogsServiceRequest, context: aio.ServicerContext
    ) -> ExportLogsServiceResponse:
        """Store the export's evaluation results; answers once they are committed."""
        receiving = self._receiving()
        await admit(receiving, context)
        decoded = await run_in_threadpool(decode_log_request, request)
        try:
            stored = await store_evaluations(decoded, receiving.context)
        except ExportRefused as exc:
            await refuse(context, exc)
        answer = ExportLogsServiceResponse()
        if stored.rejected:
            answer.partial_success.CopyFrom(ExportLogsPartialSuccess(
                rejected_log_records=stored.rejected,
                error_message=message_within("; ".join(stored.errors)),
            ))
        return answer


class OTLPGrpcServer:
    """The OTLP/gRPC server for `app`, started and stopped with the app's lifespan.

    `reuse_port` lets several worker processes listen on one port, the kernel spreading
    connections among them (SO_REUSEPORT); off, a port in use fails the start loudly.
    """

    def __init__(self, app: FastAPI, *, host: str, port: int, reuse_port: bool) -> None:
        self.app = app
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.reuse_port = reuse_port
        self.port = port
        self._server: aio.Server | None = None

    def _receiving(self) -> Receiving:
        state = self.app.state
        return Receiving(state.ingest_context, state.gate)

    async def __aenter__(self) -> "OTLPGrpcServer":
        settings = self.app.state.settings
        options: list[tuple[str, Any]] = [
            # Checked by grpc on the message as received and again once decompressed.
            ("grpc.max_receive_message_length", settings.max_body_bytes),
            ("grpc.so_reuseport", 1 if self.reuse_port else 0),
        ]
        server = aio.server(options=options)
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(
            TraceReceiver(self._receiving), server
        )
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(
            LogsReceiver(self._receiving), server
        )
        tls = settings.tls_pair()
        if tls is not None:
            cert, key = tls
            credentials = grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])
            self.port = server.add_secure_port(self.address, credentials)
        else:
            self.port = server.add_insecure_port(self.address)
        await server.start()
        self._server = server
        log.info("OTLP/gRPC%s listening on %s",
                 " over TLS" if tls is not None else "", self.address)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            # Exports in progress finish (and commit) before the writer closes.
            await self._server.stop(STOP_GRACE_S)
