"""Sign-in sessions of the /ui/ pages.

Signing in with a key stores a session row (see `metrics.store.sessions`) and sets a
cookie holding its random token: HttpOnly, SameSite=Strict, Secure over https, expiring
with the row. Every page looks the session up with its key, so signing out (the row is
deleted) or revoking the key ends it at once, on every worker. Forms carry the session's
CSRF token, checked on every POST.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response
from sqlalchemy import delete, select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from collector.keys import GRANTS, hash_key
from metrics.store.database import Store
from metrics.store.sessions import UiSession
from metrics.store.tables import ApiKey, Scope
from metrics.types import utc_now

COOKIE = "vw_session"
SIGN_IN_COOKIE = "vw_sign_in"  # the sign-in form's CSRF token, before there is a session
PATH = "/ui"
SIGN_IN_MINUTES = 30


@dataclass(frozen=True)
class Viewer:
    """Who a signed-in browser is: the name and scope of its key, its forms' CSRF token."""

    key_name: str
    scope: Scope
    csrf: str

    @property
    def may_assess(self) -> bool:
        """Whether the key may enter assessments (assessor or admin)."""
        return Scope.assessor in GRANTS[self.scope]


class SignInRequired(Exception):
    """The request has no live session: the browser is sent to the sign-in page."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(store: Store, key: str, hours: float) -> tuple[str, str] | None:
    """A new session's token and its key's name for a live key that may read, or None;
    drops expired rows."""
    now = utc_now()
    with Session(store.engine) as session:
        api_key = session.scalars(select(ApiKey).where(
            ApiKey.key_hash == hash_key(key.strip()), ApiKey.revoked_at.is_(None)  # type: ignore[union-attr]
        )).first()
        if api_key is None or Scope.read not in GRANTS[Scope(api_key.scope)]:
            return None
        token = secrets.token_urlsafe(32)
        session.execute(delete(UiSession).where(UiSession.expires_at <= now))  # type: ignore[arg-type]
        session.add(UiSession(
            token_hash=_digest(token), key_id=api_key.id, csrf=secrets.token_urlsafe(32),
            created_at=now, expires_at=now + timedelta(hours=hours),
        ))
        name = api_key.name
        session.commit()
    return token, name


def session_viewer(store: Store, token: str) -> Viewer | None:
    """The viewer of a live session: not expired, not signed out, its key not revoked."""
    query = (
        select(ApiKey.name, ApiKey.scope, UiSession.csrf)
        .join(ApiKey, ApiKey.id == UiSession.key_id)  # type: ignore[arg-type]
        .where(UiSession.token_hash == _digest(token), UiSession.expires_at > utc_now(),  # type: ignore[arg-type]
               ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
    )
    with store.engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else Viewer(row.name, Scope(row.scope), row.csrf)


def close_session(store: Store, token: str) -> None:
    """Sign out: the session's row is deleted, so its cookie opens nothing any more."""
    with store.engine.begin() as connection:
        connection.execute(delete(UiSession).where(UiSession.token_hash == _digest(token)))  # type: ignore[arg-type]


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int) -> None:
    """Set a /ui/ cookie: HttpOnly, SameSite=Strict, Secure when the request came by https."""
    response.set_cookie(name, value, max_age=max_age, path=PATH, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def forget_cookie(response: Response, request: Request, name: str) -> None:
    """Delete a /ui/ cookie from the browser."""
    response.delete_cookie(name, path=PATH, httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


async def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer; SignInRequired (a 303 to the sign-in page) otherwise."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        raise SignInRequired
    viewer = await run_in_threadpool(session_viewer, request.app.state.store, token)
    if viewer is None:
        raise SignInRequired
    return viewer


def check_csrf(expected: str, sent: str) -> None:
    """403 unless the form carried the expected CSRF token."""
    if not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
