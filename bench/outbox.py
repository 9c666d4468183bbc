"""Benchmark: queueing a network-wide broadcast in the outbox (`outbox.notify_many`).

Run by hand from the project root:  .venv/bin/python -m bench.outbox [RECIPIENTS]
Queues one message for each of RECIPIENTS people (5,000 by default) in one transaction, then
queues the same again (every key a repeat, so nothing is new), on SQLite and, when
TEST_POSTGRES_URL's server (default: the tests' local one) answers, on PostgreSQL. Prints the
time of each and the statements sent to the database.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, func, insert, select

from models import Notification, Person
from models.db import create_engine, create_session_factory
from models.enums import Priority
from models.migrate import upgrade
from services import outbox
from tests import postgres

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def run(url: str, recipients: int) -> None:
    engine = create_engine(url)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    factory = create_session_factory(engine)
    now = datetime.now(UTC)
    async with factory() as session:
        await session.execute(
            insert(Person),
            [{"id": n, "full_name": f"P{n}", "created_at": now} for n in range(1, recipients + 1)],
        )
        await session.commit()
    ids = list(range(1, recipients + 1))
    for label in ("new", "repeat"):
        statements = 0
        async with factory() as session:
            started = time.perf_counter()
            new = await outbox.notify_many(
                session,
                ids,
                kind="notify-broadcast",
                key_prefix="bench",
                now=now,
                params={"sender": "x", "author": "y", "text": "z"},
                priority=Priority.BULK,
            )
            await session.commit()
            took = time.perf_counter() - started
        print(f"  {label:6} {took * 1000:8.1f} ms  {new:6} new  {statements:6} statements")
    async with factory() as session:
        assert await session.scalar(select(func.count(Notification.id))) == recipients
    await engine.dispose()


async def main() -> None:
    recipients = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await upgrade(url)
        print(f"sqlite, {recipients} recipients")
        await run(url, recipients)
    problem = await postgres.reachable(POSTGRES)
    if problem:
        print(f"postgresql skipped: {problem}")
        return
    url = await postgres.create_database(POSTGRES, f"bench_outbox_{os.getpid()}")
    try:
        await upgrade(url)
        print(f"postgresql, {recipients} recipients")
        await run(url, recipients)
    finally:
        await postgres.drop_database(POSTGRES, url)


if __name__ == "__main__":
    asyncio.run(main())
