"""Acting on each messenger update once, however many times it is delivered."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate

# Telegram gives up redelivering an update after a day; keep the ids a little longer.
REMEMBER = timedelta(days=2)


async def first_time(session: AsyncSession, bot_id: int, update_id: int, now: datetime) -> bool:
    """Record the update in the current transaction; False if it was already handled."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(ProcessedUpdate)
        .values(bot_id=bot_id, update_id=update_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_old(session: AsyncSession, now: datetime) -> None:
    await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < now - REMEMBER)
    )
