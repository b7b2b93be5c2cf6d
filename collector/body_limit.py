"""Bodies over the size limit get a 413 the client can read.

A client that sends its whole body before it reads (Python's urllib and http.client,
for two) sees a refusal only if the server reads what it sent: close a socket with
unread data and the kernel answers with a reset that throws the 413 away. So the rest
of an over-limit body is read and discarded, up to a number of bytes and seconds, and
the 413 closes the connection. A client sending without end is cut off at the bound.
"""

import asyncio
import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLOSE = {"Connection": "close"}


class BodyTooLarge(HTTPException):
    """The body passed the limit while the app read it; the rest has been drained."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large_message(max_bytes), headers=CLOSE)


def too_large_message(max_bytes: int) -> str:
    """What a client is told: the limit, in bytes, and the setting that sets it."""
    return (f"request body is over the limit of {max_bytes} bytes "
            "(VALUEWATCH_MAX_BODY_BYTES): send fewer records per request")


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it has none or an unreadable one."""
    value = Headers(scope=scope).get("content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


class BodyLimit:
    """Refuses bodies over `max_bytes` with a JSON 413 and `Connection: close`.

    Before answering it reads and discards the rest of the body, but at most
    `drain_bytes` in all and for at most `drain_s` seconds.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, drain_bytes: int, drain_s: float
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = drain_bytes
        self.drain_s = drain_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared over-limit body at once; count the bytes of any other."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.drain(receive, 0)
            await self.refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if message.get("more_body", False):
                        await self.drain(receive, received)
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLarge:
            # Raised where no exception handler answers it, such as the admission check.
            if started:
                raise
            await self.refuse(send)

    async def drain(self, receive: Receive, received: int) -> None:
        """Read and drop the body's rest, within the byte and time bounds."""
        try:
            async with asyncio.timeout(self.drain_s):
                while received < self.drain_bytes:
                    message = await receive()
                    if message["type"] != "http.request":
                        return
                    received += len(message.get("body", b""))
                    if not message.get("more_body", False):
                        return
        except TimeoutError:
            return

    async def refuse(self, send: Send) -> None:
        """Answer 413 with a JSON detail naming the limit, and close the connection."""
        body = json.dumps({"detail": too_large_message(self.max_bytes)}).encode()
        await send({
            "type": "http.response.start", "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})
