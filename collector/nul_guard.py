"""NUL characters get a 422 naming the field: PostgreSQL text cannot store them.

Checked once for every route, in the path, the query and JSON bodies, so that no string
a route passes on to the database can fail its statement. OTLP routes (under /v1/) are
left alone: they refuse such spans one by one and accept the rest of the export.
"""

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL characters (\\u0000): the database cannot store them"
KEY_MESSAGE = f"is a key that {NUL_MESSAGE}"
OTLP_PREFIX = "/v1/"

Loc = list[str | int]


def url_nul(scope: Scope) -> Loc | None:
    """Where the request's path or query holds a NUL, or None."""
    if NUL in scope["path"]:
        return ["path"]
    query: bytes = scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if NUL in name or NUL in value:
            return ["query", name]
    return None


def is_json(scope: Scope) -> bool:
    """Whether the app reads the body as JSON: a JSON media type, or none at all."""
    content_type = Headers(scope=scope).get("content-type")
    if content_type is None:
        return True  # FastAPI parses a body without a content type as JSON
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def body_nul(body: bytes) -> tuple[Loc, str] | None:
    """Where a JSON body holds a NUL and what to say, or None; one search when it has none."""
    if b"\\u0000" not in body and b"\x00" not in body:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # the app answers a body that is not JSON
    return first_nul(document)


def first_nul(document: Any) -> tuple[Loc, str] | None:
    """The location of the first string or key holding a NUL, in document order."""
    # (loc, value, whether value is the key at loc); a stack, as bodies nest deeply.
    pending: list[tuple[Loc, Any, bool]] = [(["body"], document, False)]
    while pending:
        loc, value, is_key = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                return loc, KEY_MESSAGE if is_key else NUL_MESSAGE
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                pending.append(([*loc, key], item, False))
                pending.append(([*loc, key], key, True))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                pending.append(([*loc, index], value[index], False))
    return None


class NulGuard:
    """Answers 422 when the path, a query parameter or a JSON body holds a NUL.

    `on_refuse` is called with the scope of each refused request, for counting.
    JSON bodies are read whole, so a size limit belongs outside this middleware.
    """

    def __init__(self, app: ASGIApp, on_refuse: Callable[[Scope], None]) -> None:
        self.app = app
        self.on_refuse = on_refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a NUL in the URL at once; look in a JSON body only when it may hold one."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loc = url_nul(scope)
        if loc is not None:
            await self.refuse(scope, send, loc, NUL_MESSAGE)
            return
        if scope["path"].startswith(OTLP_PREFIX) or not is_json(scope):
            await self.app(scope, receive, send)
            return
        body, more = await read_body(receive)
        found = body_nul(body)
        if found is not None:
            await self.refuse(scope, send, *found)
            return
        await self.app(scope, replay(body, more, receive), send)

    async def refuse(self, scope: Scope, send: Send, loc: Loc, message: str) -> None:
        """Answer 422 in the shape of the app's other validation errors."""
        self.on_refuse(scope)
        detail = {"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}
        body = json.dumps(detail).encode()
        await send({
            "type": "http.response.start", "status": 422,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, and a message other than the body's (a disconnect) if one came."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def replay(body: bytes, other: Message | None, receive: Receive) -> Receive:
    """A receive that hands out `body` in one message, then what `receive` brings."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if other is not None:
                return other
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
