"""The Bearer-key dependency every protected route uses."""

import math
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from collector.keys import GRANTS, KEY_PREFIX, KeyRing, hash_key
from collector.rate_limit import RateLimiter
from metrics.store.tables import Scope

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def require(scope: Scope) -> Callable[[Request], Awaitable[Scope]]:
    """A dependency that lets the request through only with a live key granting `scope`."""

    async def check(request: Request) -> Scope:
        return await check_key(request, scope)

    return check


async def check_key(request: Request, scope: Scope) -> Scope:
    """The key's scope when it grants `scope`; 401 or 403 otherwise."""
    state = request.app.state
    return await authorize(
        request.headers.get("authorization", ""), scope, state.keyring, state.rate_limiter
    )


async def authorize(
    authorization: str, scope: Scope, keyring: KeyRing, rate_limiter: RateLimiter
) -> Scope:
    """The scope of the key in an `Authorization` value when it grants `scope`; an
    HTTPException (401, 403 or 429) otherwise. Every transport checks keys here."""
    kind, _, key = authorization.partition(" ")
    key = key.strip()
    if kind.lower() != "bearer" or not key:
        raise HTTPException(401, "missing Authorization: Bearer <key> header", UNAUTHORIZED)
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise HTTPException(401, "malformed API key", UNAUTHORIZED)
    digest = hash_key(key)
    found, granted = keyring.cached(digest)
    if not found:
        granted = await run_in_threadpool(keyring.scope_of, digest)
    if granted is None:
        raise HTTPException(401, "unknown or revoked API key", UNAUTHORIZED)
    if scope not in GRANTS[granted]:
        raise HTTPException(403, f"this key has scope {granted.value}; {scope.value} needed")
    wait_s = rate_limiter.wait_s(digest)
    if wait_s > 0:
        retry_after = str(max(1, math.ceil(wait_s)))
        raise HTTPException(429, "rate limit for this key exceeded", {"Retry-After": retry_after})
    return granted
