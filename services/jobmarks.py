"""Where each periodic job got to, so that a tick looks only at what came due since."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import JobMark


async def since(session: AsyncSession, name: str, now: datetime, lookback: timedelta) -> datetime:
    """The moment the job last covered, never further back than `lookback`."""
    mark = await session.scalar(select(JobMark).where(JobMark.name == name).with_for_update())
    oldest = now - lookback
    if mark is None:
        return oldest
    return max(mark.done_until, oldest)


async def advance(session: AsyncSession, name: str, now: datetime) -> None:
    mark = await session.get(JobMark, name)
    if mark is None:
        session.add(JobMark(name=name, done_until=now))
    elif mark.done_until < now:
        mark.done_until = now
