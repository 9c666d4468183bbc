"""The database session of the update being handled, for code below the handlers that must
write in the update's own transaction: on SQLite a second transaction would wait for this one
to end, and this one waits for that code (MAX's message numbers are written so)."""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession

current: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
