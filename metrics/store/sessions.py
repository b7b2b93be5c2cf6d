"""Browser sessions of the product owners' pages: one row per signed-in browser.

The cookie holds a random token; the row holds only its SHA-256, the key it was opened
with, the CSRF token its forms carry, and when it expires. Signing out deletes the row;
revoking the key ends every session opened with it.
"""

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from metrics.types import UTCDateTime


class UiSession(SQLModel, table=True):
    """A signed-in browser: the hash of its cookie's token and the key behind it."""

    __tablename__ = "ui_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    key_id: int = Field(index=True, foreign_key="api_key.id", ondelete="CASCADE")
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
