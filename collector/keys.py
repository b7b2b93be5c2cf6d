"""API keys: made, hashed, stored, looked up and revoked."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlmodel import Session, select

from metrics.store import Store
from metrics.tables import ApiKey, Scope
from metrics.types import utc_now

KEY_PREFIX = "vw_"
# Admin may do everything; the others only their own thing.
GRANTS: dict[Scope, frozenset[Scope]] = {
    Scope.admin: frozenset(Scope),
    Scope.read: frozenset({Scope.read}),
    Scope.ingest: frozenset({Scope.ingest}),
}


def hash_key(key: str) -> str:
    """The stored form of a key. Keys are 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(store: Store, *, name: str, scope: Scope) -> str:
    """Make and store a new key; the key itself is returned once and never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with Session(store.engine) as session:
        session.add(
            ApiKey(
                name=name, prefix=key[:10], key_hash=hash_key(key), scope=scope,
                created_at=utc_now(),
            )
        )
        session.commit()
    return key


def revoke_key(store: Store, *, name: str) -> int:
    """Revoke every live key called `name`; returns how many were revoked."""
    with Session(store.engine) as session:
        keys = session.exec(
            select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
        ).all()
        for key in keys:
            key.revoked_at = utc_now()
            session.add(key)
        session.commit()
        return len(keys)


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, newest first (hashes only)."""
    with Session(store.engine) as session:
        return list(session.exec(select(ApiKey).order_by(ApiKey.id.desc())).all())  # type: ignore[union-attr]


@dataclass(frozen=True)
class _Cached:
    scope: Scope | None
    fetched: float


class KeyRing:
    """Looks keys up by hash, with a short cache so the hot path rarely touches the database.

    A revoked key stops working within `ttl_s` seconds.
    """

    def __init__(self, store: Store, ttl_s: float) -> None:
        self._store = store
        self._ttl_s = ttl_s
        self._cache: dict[str, _Cached] = {}

    def cached(self, key: str) -> _Cached | None:
        """The cached answer for `key` while it is fresh; checking it needs no database."""
        cached = self._cache.get(hash_key(key))
        if cached is not None and time.monotonic() - cached.fetched < self._ttl_s:
            return cached
        return None

    def scope_of(self, key: str) -> Scope | None:
        """The scope of a live key, or None for an unknown or revoked one."""
        cached = self.cached(key)
        if cached is not None:
            return cached.scope
        digest = hash_key(key)
        now = time.monotonic()
        scope = self._lookup(digest)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = _Cached(scope, now)
        return scope

    def _lookup(self, digest: str) -> Scope | None:
        with Session(self._store.engine) as session:
            found = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
        if found is None or found.revoked_at is not None:
            return None
        # The index found the row; compare in constant time all the same.
        if not hmac.compare_digest(found.key_hash, digest):
            return None
        return Scope(found.scope)
