"""Admission control: past a number of ingest requests in progress, refuse at once.

A flooded collector would otherwise accept every request into its event loop, parse
them all, and answer everyone slowly, health checks included. Refusing before parsing
costs microseconds, so the requests it does take, and /healthz, stay fast.
"""

import json

from starlette.types import ASGIApp, Receive, Scope, Send

INGEST_PREFIXES = ("/api/v1/", "/v1/")


class InFlightLimit:
    """Answers 503 + Retry-After to ingest POSTs while `limit` are already in progress."""

    def __init__(self, app: ASGIApp, limit: int, on_refuse: object | None = None) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0
        self._on_refuse = on_refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request in, or refuse it when the limit is reached."""
        if (scope["type"] != "http" or scope["method"] != "POST"
                or not scope["path"].startswith(INGEST_PREFIXES)):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await self._refuse(receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, receive: Receive, send: Send) -> None:
        if self._on_refuse is not None:
            self._on_refuse.inc()  # type: ignore[attr-defined]
        # Drain the body unparsed so the connection can carry the client's retry.
        message = await receive()
        while message.get("more_body"):
            message = await receive()
        body = json.dumps({
            "detail": f"overloaded: {self.in_flight} requests in progress; retry later"
        }).encode()
        await send({
            "type": "http.response.start", "status": 503,
            "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})
