"""API keys: made, hashed, stored, looked up and revoked."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import ApiKey, AuditEntry, Scope
from metrics.types import utc_now

KEY_PREFIX = "vw_"
# Admin may do everything; the others only their own thing. Export is apart from read:
# a key that reads pages of records is not thereby one that may take everything at once.
GRANTS: dict[Scope, frozenset[Scope]] = {
    Scope.admin: frozenset(Scope),
    Scope.read: frozenset({Scope.read}),
    Scope.ingest: frozenset({Scope.ingest}),
    Scope.assessor: frozenset({Scope.assessor, Scope.read}),
    Scope.export: frozenset({Scope.export}),
}


@dataclass(frozen=True)
class Grant:
    """A live key as the hot path knows it: its name (for the audit log) and scope."""

    name: str
    scope: Scope


def hash_key(key: str) -> str:
    """The stored form of a key. Keys are 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(store: Store, *, name: str, scope: Scope, actor: str = "cli") -> str:
    """Make and store a new key; the key itself is returned once and never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with Session(store.engine) as session:
        session.add(
            ApiKey(
                name=name, prefix=key[:10], key_hash=hash_key(key), scope=scope,
                created_at=utc_now(),
            )
        )
        session.add(_audit(actor, "key.create", name, {"scope": scope.value, "prefix": key[:10]}))
        session.commit()
    return key


def revoke_key(store: Store, *, name: str, actor: str = "cli") -> int:
    """Revoke every live key called `name`; returns how many were revoked."""
    with Session(store.engine) as session:
        keys = session.exec(
            select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
        ).all()
        for key in keys:
            key.revoked_at = utc_now()
            session.add(key)
        session.add(_audit(actor, "key.revoke", name, {"revoked": len(keys)}))
        session.commit()
        return len(keys)


def _audit(actor: str, action: str, target: str, details: dict[str, object]) -> AuditEntry:
    return AuditEntry(timestamp=utc_now(), actor=actor, action=action, target=target,
                      client="", details=details)


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, newest first (hashes only)."""
    with Session(store.engine) as session:
        return list(session.exec(select(ApiKey).order_by(ApiKey.id.desc())).all())  # type: ignore[union-attr]


class KeyRing:
    """Every key's scope, held in memory so the hot path never waits on the database.

    `refresh()` reloads the whole table (the lifespan does it every `ttl_s` seconds), so
    a revoked key stops working, and a new one starts, within that time. A key not in
    the snapshot is looked up once and remembered until the next refresh.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[str, Grant | None] = {}
        self._looked_up: dict[str, Grant | None] = {}
        self._revoked: set[str] = set()

    def refresh(self) -> None:
        """Reload every key from the database."""
        with Session(self._store.engine) as session:
            keys = session.exec(
                select(ApiKey.key_hash, ApiKey.name, ApiKey.scope, ApiKey.revoked_at)
            ).all()
        self._known = {
            digest: None if revoked else Grant(name, Scope(scope))
            for digest, name, scope, revoked in keys
        }
        self._revoked = {digest for digest, _, _, revoked in keys if revoked}
        self._looked_up = {}

    def cached(self, digest: str) -> tuple[bool, Grant | None]:
        """(found, grant) of a key's hash from memory alone; None for revoked or unknown."""
        if digest in self._known:
            return True, self._known[digest]
        if digest in self._looked_up:
            return True, self._looked_up[digest]
        return False, None

    def is_revoked(self, digest: str) -> bool:
        """Whether a key's hash is one of a revoked key, as far as memory knows."""
        return digest in self._revoked

    def grant_of(self, digest: str) -> Grant | None:
        """The grant of a live key's hash, or None; asks the database when memory does not know."""
        found, grant = self.cached(digest)
        if found:
            return grant
        grant = self._lookup(digest)
        if len(self._looked_up) > 10_000:
            self._looked_up = {}
        self._looked_up[digest] = grant
        return grant

    def _lookup(self, digest: str) -> Grant | None:
        with Session(self._store.engine) as session:
            found = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
        if found is None:
            return None
        if found.revoked_at is not None:
            self._revoked.add(digest)
            return None
        # The index found the row; compare in constant time all the same.
        if not hmac.compare_digest(found.key_hash, digest):
            return None
        return Grant(found.name, Scope(found.scope))
