"""A pure ASGI middleware adding security headers to every response."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
# The API answers JSON and nothing on it may load or frame anything. The docs pages
# load Swagger UI's script and styles, so they keep their own defaults.
API_POLICY = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
# The /ui/ pages load their stylesheet and show charts as data: images, nothing else.
UI_POLICY = (b"content-security-policy", b"default-src 'none'; style-src 'self'; "
             b"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
             b"base-uri 'none'")


class SecurityHeaders:
    """Adds nosniff, DENY framing, no referrer, no caching, and a strict CSP off the docs;
    a response that brings its own CSP keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policy = UI_POLICY if path.startswith("/ui/") else API_POLICY
        extra = HEADERS if path.startswith(DOCS_PATHS) else [*HEADERS, policy]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = any(name.lower() == policy[0] for name, _ in headers)
                message["headers"] = [*headers, *(h for h in extra if not (own and h is policy))]
            await send(message)

        await self.app(scope, receive, send_with_headers)
