"""Numbers for messengers' own message ids (MAX names messages `mid.…`), so handlers written
against numbered messages can edit them later, from any process."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import MessageRef

# Buttons older than this are stale anyway; their numbers can go.
REMEMBER = timedelta(days=60)


async def number_for(session: AsyncSession, messenger: str, external_id: str, now: datetime) -> int:
    """The number of a message, given one the first time it is seen."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(MessageRef)
        .values(messenger=messenger, external_id=external_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["messenger", "external_id"])
    )
    number = await session.scalar(
        select(MessageRef.id).where(
            MessageRef.messenger == messenger, MessageRef.external_id == external_id
        )
    )
    assert number is not None
    return number


async def external_id_of(session: AsyncSession, messenger: str, number: int) -> str | None:
    return await session.scalar(
        select(MessageRef.external_id).where(
            MessageRef.id == number, MessageRef.messenger == messenger
        )
    )


async def forget_old(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(MessageRef).where(MessageRef.created_at < now - REMEMBER))
