"""The outbox writer: a network-wide broadcast is queued in a handful of statements, not one
per recipient, and a repeated key stays a no-op (on SQLite and on PostgreSQL alike)."""

from __future__ import annotations

from sqlalchemy import event, func, insert, select

from models import Notification, Person
from models.enums import Priority
from services import outbox
from tests.conftest import START

RECIPIENTS = 2500


async def test_many_recipients_take_a_few_statements_and_a_repeat_changes_nothing(session, engine):
    await session.execute(
        insert(Person),
        [{"id": n, "full_name": f"P{n}", "created_at": START} for n in range(1, RECIPIENTS + 1)],
    )
    await session.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        people = [*range(1, RECIPIENTS + 1), 7, 7]  # someone twice: told once
        queued = await outbox.notify_many(
            session,
            people,
            kind="notify-broadcast",
            key_prefix="broadcast:1",
            now=START,
            params={"text": "Завтра — день открытых дверей"},
            priority=Priority.BULK,
        )
        first = len(statements)
        again = await outbox.notify_many(
            session, people, kind="notify-broadcast", key_prefix="broadcast:1", now=START
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    await session.commit()

    assert (queued, again) == (RECIPIENTS, 0)
    assert first <= 5
    assert len(statements) <= 10, len(statements)
    rows = await session.execute(
        select(func.count(Notification.id), func.min(Notification.priority)).where(
            Notification.dedupe_key.like("broadcast:1:%")
        )
    )
    assert tuple(rows.one()) == (RECIPIENTS, Priority.BULK)
    row = await session.scalar(
        select(Notification).where(Notification.dedupe_key == "broadcast:1:7")
    )
    assert row.params == {"text": "Завтра — день открытых дверей"}
    assert row.attempts == 0


async def test_one_message_is_new_once(session):
    session.add(Person(id=1, full_name="P", created_at=START))
    await session.flush()
    key = {"person_id": 1, "kind": "notify-x", "dedupe_key": "once", "now": START}
    assert await outbox.notify(session, **key) is True
    assert await outbox.notify(session, **key) is False
    assert await outbox.queue(session, [], START) == 0
