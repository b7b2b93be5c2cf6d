"""The Bearer-key dependency every protected route uses, and the gate every transport asks."""

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from collector.audit import UNKNOWN_ACTOR, audit, audit_request, client_address
from collector.keys import GRANTS, KEY_PREFIX, Grant, KeyRing, hash_key
from collector.rate_limit import RateLimiter
from metrics.store.database import Store
from metrics.store.tables import Scope

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}
# A flood of bad keys must not become a flood of writes beside ingest: past this many
# entries a second the refusals are only counted (valuewatch_auth_failures_total).
FAILURE_ENTRIES_PER_S = 10


class AuthFailure(HTTPException):
    """A refused key, with the reason it is counted under."""

    def __init__(self, status_code: int, reason: str, detail: str,
                 headers: dict[str, str] | None = None, actor: str = UNKNOWN_ACTOR) -> None:
        super().__init__(status_code, detail, headers)
        self.reason = reason
        self.actor = actor


@dataclass
class Gate:
    """Checks keys for every transport; counts and audits the refusals."""

    keyring: KeyRing
    rate_limiter: RateLimiter
    store: Store
    failures: Any  # the valuewatch_auth_failures_total counter
    _second: int = field(default=0, init=False)
    _entries: int = field(default=0, init=False)

    async def authorize(self, authorization: str, scope: Scope, client: str) -> Grant:
        """The grant of the key in an `Authorization` value when it grants `scope`; an
        AuthFailure (401, 403 or 429) otherwise."""
        try:
            return await self._check(authorization, scope)
        except AuthFailure as exc:
            self.failures.labels(reason=exc.reason).inc()
            if exc.reason != "rate_limited" and self._may_write():
                await audit(self.store, actor=exc.actor, action="auth.failure",
                            target=scope.value, client=client, details={"reason": exc.reason})
            raise

    def _may_write(self) -> bool:
        now = int(time.monotonic())
        if now != self._second:
            self._second, self._entries = now, 0
        self._entries += 1
        return self._entries <= FAILURE_ENTRIES_PER_S

    async def _check(self, authorization: str, scope: Scope) -> Grant:
        kind, _, key = authorization.partition(" ")
        key = key.strip()
        if kind.lower() != "bearer" or not key:
            raise AuthFailure(401, "missing", "missing Authorization: Bearer <key> header",
                              UNAUTHORIZED)
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            raise AuthFailure(401, "unknown", "malformed API key", UNAUTHORIZED)
        digest = hash_key(key)
        found, grant = self.keyring.cached(digest)
        if not found:
            grant = await run_in_threadpool(self.keyring.grant_of, digest)
        if grant is None:
            reason = "revoked" if self.keyring.is_revoked(digest) else "unknown"
            raise AuthFailure(401, reason, "unknown or revoked API key", UNAUTHORIZED)
        if scope not in GRANTS[grant.scope]:
            raise AuthFailure(403, "scope", f"this key has scope {grant.scope.value}; "
                              f"{scope.value} needed", actor=grant.name)
        wait_s = self.rate_limiter.wait_s(digest)
        if wait_s > 0:
            retry_after = str(max(1, math.ceil(wait_s)))
            raise AuthFailure(429, "rate_limited", "rate limit for this key exceeded",
                              {"Retry-After": retry_after}, actor=grant.name)
        return grant


def require(scope: Scope, audited: str | None = None) -> Callable[[Request], Awaitable[Grant]]:
    """A dependency that lets the request through only with a live key granting `scope`;
    with `audited`, each call let through is written to the audit log as that action."""

    async def check(request: Request) -> Grant:
        grant = await check_key(request, scope)
        if audited is not None:
            await audit_request(request, grant.name, audited)
        return grant

    return check


async def check_key(request: Request, scope: Scope) -> Grant:
    """The key's grant when it grants `scope`; 401, 403 or 429 otherwise."""
    gate: Gate = request.app.state.gate
    return await gate.authorize(request.headers.get("authorization", ""), scope,
                                client_address(request))
