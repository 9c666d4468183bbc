"""The bot talks to the messenger only after the update's changes are committed: no database
connection (so no transaction, no lock) is held while Telegram answers; presses that only
read take no write lock; a refused press shows its reason and nothing it would have shown."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import event, select

from handlers.catalogue import CourseView
from models import Application, Group
from models.enums import ApplicationState
from services import catalogue
from tests import factories


@pytest.fixture
def connections_during_calls(engine, telegram, monkeypatch) -> list[tuple[str, int]]:
    """For every request the bot makes: its method and how many database connections were
    checked out of the pool at that moment."""
    seen: list[tuple[str, int]] = []
    original = telegram.make_request

    async def probe(bot: Any, method: Any, timeout: Any = None) -> Any:
        seen.append((type(method).__name__, engine.sync_engine.pool.checkedout()))
        return await original(bot, method, timeout)

    monkeypatch.setattr(telegram, "make_request", probe)
    return seen


async def test_no_connection_is_held_while_the_messenger_answers(
    session, session_factory, client_factory, deliverer, connections_during_calls
):
    await factories.network(session)
    await session.commit()
    await session.close()
    student, parent, coordinator = client_factory(101), client_factory(102), client_factory(103)

    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    await student.click("Записаться")
    await student.click("Да, подать")
    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Подтвердить")
    await coordinator.send("/review")
    await coordinator.click("Соколов Артём")
    await coordinator.click("Одобрить")

    async with session_factory() as check:
        assert await check.scalar(select(Application.state)) == ApplicationState.ENROLLED
    calls = {name for name, _ in connections_during_calls}
    assert {"SendMessage", "EditMessageText", "AnswerCallbackQuery"} <= calls
    held = [(name, n) for name, n in connections_during_calls if n]
    assert held == [], f"requests made while the database was held: {held}"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's BEGIN IMMEDIATE
async def test_a_press_that_only_reads_takes_no_write_lock(session, client_factory, engine):
    await factories.network(session)
    await session.commit()
    await session.close()
    student = client_factory(101)
    await student.send("/catalogue")  # first contact is written before this test looks

    begins: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await student.click("Олимпиадная математика")  # a course card: reads only
        assert begins == ["BEGIN"]
        begins.clear()
        await student.click("Записаться")
        await student.click("Да, подать")  # writes the application
        assert begins[-1] == "BEGIN IMMEDIATE"
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_a_press_that_only_reads_cannot_write(session, client_factory, telegram, monkeypatch):
    """A handler flagged as only reading that wrote after all would fail, on either
    database, rather than quietly take a write lock."""
    await factories.network(session)
    await session.commit()
    await session.close()
    student = client_factory(101)
    await student.send("/catalogue")
    message, data = student.find_button("Олимпиадная математика")
    real = catalogue.course_card

    async def writing(session: Any, *args: Any, **kwargs: Any) -> Any:
        card = await real(session, *args, **kwargs)
        group = await session.get(Group, card.groups[0].id)
        group.place = "somewhere else"
        await session.flush()
        return card

    monkeypatch.setattr(catalogue, "course_card", writing)
    with pytest.raises(Exception, match=r"(?i)read.?only"):
        await student.press(data, message.message_id)


async def test_a_refused_press_shows_the_reason_and_nothing_else(session, client_factory, telegram):
    await factories.network(session)
    await session.commit()
    group_id = await session.scalar(select(Group.id))
    await session.close()
    parent = client_factory(102)  # a parent may not apply: only students do
    await parent.send("/start")
    before = len(telegram.calls)
    alert = await parent.press(f"apl:{group_id}:1")
    assert alert
    assert "ученик" in alert.lower()
    after = telegram.calls[before:]
    assert [type(c) for c in after] == [AnswerCallbackQuery]


async def test_a_press_that_fails_is_still_answered_once_and_shows_nothing(
    session, client_factory, telegram, monkeypatch
):
    await factories.network(session)
    await session.commit()
    await session.close()
    student = client_factory(101)
    await student.send("/catalogue")
    message, data = student.find_button("Олимпиадная математика")
    assert CourseView.unpack(data).id

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(catalogue, "course_card", broken)
    before = len(telegram.calls)
    with pytest.raises(RuntimeError):
        await student.press(data, message.message_id)
    after = telegram.calls[before:]
    assert [type(c) for c in after] == [AnswerCallbackQuery]
    assert not any(isinstance(c, EditMessageText | SendMessage) for c in after)
