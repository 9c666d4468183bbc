"""Updates writing at once: they queue, nobody sees "database is locked" (SQLite) and no seat
is given twice (both databases)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from models import Application, AuditRecord
from models.db import create_engine, create_session_factory
from models.enums import ApplicationState
from services import enrollment
from tests import factories


async def _read_then_write(factory, barrier: asyncio.Event, arrived: list[int], n: int) -> None:
    async with factory() as session:
        await session.execute(select(func.count(AuditRecord.id)))
        arrived.append(n)
        if len(arrived) == 2:
            barrier.set()
        # Let the other transaction read too, if the database lets it in.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(barrier.wait(), 0.3)
        await session.execute(
            text(
                "INSERT INTO audit_records (action, object_type, details, created_at) "
                "VALUES ('t', 't', '{}', '2026-01-01')"
            )
        )
        await session.commit()


async def test_concurrent_read_then_write_transactions_queue(engine) -> None:
    factory = create_session_factory(engine)
    barrier, arrived = asyncio.Event(), []
    await asyncio.gather(*(_read_then_write(factory, barrier, arrived, n) for n in range(2)))
    async with factory() as session:
        assert await session.scalar(select(func.count(AuditRecord.id))) == 2


async def test_without_begin_immediate_the_same_work_fails(sqlite_url) -> None:
    """The control experiment: deferred transactions (plain BEGIN) hit "database is locked"."""
    plain = create_async_engine(sqlite_url, connect_args={"timeout": 1})

    @event.listens_for(plain.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(plain.sync_engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    factory = create_session_factory(plain)
    barrier, arrived = asyncio.Event(), []
    try:
        with pytest.raises(OperationalError, match="locked"):
            await asyncio.gather(
                *(_read_then_write(factory, barrier, arrived, n) for n in range(2))
            )
    finally:
        await plain.dispose()


async def test_two_coordinators_approving_for_the_last_seat(db_url, session, clock) -> None:
    net = await factories.network(session, capacity=1)
    a = await factories.enrolled(session, net.group, net.student, ApplicationState.AWAITING_SCHOOL)
    b = await factories.enrolled(
        session, net.group, net.other_student, ApplicationState.AWAITING_SCHOOL
    )
    await session.commit()
    engine = create_engine(db_url)
    factory = create_session_factory(engine)

    async def approve(coordinator, app_id):
        async with factory() as s:
            actor = await net.actor(s, coordinator)
            await enrollment.school_approve(s, actor, app_id, clock.now())
            await s.commit()

    try:
        await asyncio.gather(approve(net.coordinator, a.id), approve(net.other_coordinator, b.id))
        async with factory() as s:
            states = sorted((await s.scalars(select(Application.state))).all())
    finally:
        await engine.dispose()
    assert states == [ApplicationState.ENROLLED, ApplicationState.WAITLISTED]
