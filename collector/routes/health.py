"""GET /healthz, /readyz and /metrics."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client.exposition import choose_encoder
from starlette.concurrency import run_in_threadpool

from collector.auth import require
from collector.deps import StoreDep
from metrics.failures import describe
from metrics.store.tables import Scope

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up. Never touches the database."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database does not answer"}})
async def readyz(store: StoreDep) -> JSONResponse:
    """Ready when the database answers."""
    try:
        await run_in_threadpool(store.ping)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        reason = describe(exc)[:200]
        return JSONResponse({"status": "unavailable", "database": reason}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """This process's instruments, in the format the scraper asks for.

    Prometheus' default Accept header asks for OpenMetrics, the only format that carries
    exemplars (the trace ids on the GenAI duration histograms); others get the text format.
    """
    if request.app.state.settings.metrics_require_key:
        await require(Scope.read)(request)
    # In a thread: with several workers the registry reads every worker's metric files.
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    body = await run_in_threadpool(encode, request.app.state.exposition)
    return Response(body, media_type=content_type)
