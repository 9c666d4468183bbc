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
    """The number of a message, given one the first time it is seen. A pressed button's
    message was numbered when the bot sent it, so a read finds it; else one statement inserts
    it (or, if another process just did, its no-op update makes the row come back)."""
    known = await session.scalar(
        select(MessageRef.id).where(
            MessageRef.messenger == messenger, MessageRef.external_id == external_id
        )
    )
    if known is not None:
        return int(known)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(MessageRef).values(
        messenger=messenger, external_id=external_id, created_at=now
    )
    number = await session.scalar(
        statement.on_conflict_do_update(
            index_elements=["messenger", "external_id"],
            set_={"external_id": statement.excluded.external_id},
        ).returning(MessageRef.id)
    )
    assert number is not None
    return int(number)


async def external_id_of(session: AsyncSession, messenger: str, number: int) -> str | None:
    return await session.scalar(
        select(MessageRef.external_id).where(
            MessageRef.id == number, MessageRef.messenger == messenger
        )
    )


async def forget_old(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(MessageRef).where(MessageRef.created_at < now - REMEMBER))
