"""The outbox sender: nothing a person should be told is lost or sent twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Account, Notification
from models.enums import NotificationState, Role
from services import outbox
from tests import factories


async def _queue(session, clock, person, key="k1", kind="notify-enrolled"):
    await outbox.notify(
        session,
        person_id=person.id,
        kind=kind,
        dedupe_key=key,
        now=clock.now(),
        params={"student": "Соколов Артём", "course": "Хоровое пение", "group": "CHOIR-1"},
    )
    await session.commit()


async def _row(session_factory, key="k1") -> Notification:
    async with session_factory() as s:
        return await s.scalar(select(Notification).where(Notification.dedupe_key == key))


async def test_rendered_in_the_recipients_language(
    session, session_factory, deliverer, telegram, clock
):
    ru = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    en = await factories.person(session, "Jane Doe", Role.PARENT, telegram_id=12, language="en")
    telegram.known_chats |= {11, 12}
    await _queue(session, clock, ru, "a")
    await _queue(session, clock, en, "b")
    assert await deliverer.deliver_due() == 2
    assert "зачислен(а) на курс <b>Хоровое пение</b>" in telegram.last(11).text
    assert "is enrolled in <b>Хоровое пение</b>" in telegram.last(12).text


async def test_a_repeated_change_is_told_once(session, deliverer, telegram, clock):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    await _queue(session, clock, parent)
    await _queue(session, clock, parent)
    assert await deliverer.deliver_due() == 1
    assert await deliverer.deliver_due() == 0
    assert len(telegram.messages(11)) == 1


async def test_a_failed_send_stays_pending_and_is_retried(
    session, session_factory, deliverer, telegram, clock
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    telegram.fail_next(11, 500, "Internal Server Error")
    telegram.fail_next(11, 502, "Bad Gateway")
    await _queue(session, clock, parent)

    assert await deliverer.deliver_due() == 0
    row = await _row(session_factory)
    assert row.state == NotificationState.PENDING and row.attempts == 1
    assert "Internal Server Error" in row.last_error
    assert await deliverer.deliver_due() == 0, "not due again before its backoff"

    clock.advance(timedelta(seconds=3))
    assert await deliverer.deliver_due() == 0
    clock.advance(timedelta(seconds=10))
    assert await deliverer.deliver_due() == 1
    row = await _row(session_factory)
    assert row.state == NotificationState.SENT and row.attempts == 3
    assert len(telegram.messages(11)) == 1


async def test_retry_after_is_honoured(session, session_factory, deliverer, telegram, clock):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    telegram.fail_next(11, 429, "Too Many Requests: retry after 30", retry_after=30)
    await _queue(session, clock, parent)
    await deliverer.deliver_due()
    clock.advance(timedelta(seconds=29))
    assert await deliverer.deliver_due() == 0
    clock.advance(timedelta(seconds=1))
    assert await deliverer.deliver_due() == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    session, session_factory, deliverer, telegram, clock
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    telegram.blocked.add(11)
    await _queue(session, clock, parent)
    assert await deliverer.deliver_due() == 0
    row = await _row(session_factory)
    assert row.state == NotificationState.FAILED
    async with session_factory() as s:
        account = await s.scalar(select(Account).where(Account.user_id == 11))
        assert account.unreachable_since == clock.now()
    clock.advance(timedelta(hours=1))
    assert await deliverer.deliver_due() == 0
    assert len([c for c in telegram.calls if type(c).__name__ == "SendMessage"]) == 1


async def test_writing_to_the_bot_again_makes_a_person_reachable(
    session, session_factory, deliverer, telegram, clock, client_factory
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    await session.commit()
    telegram.blocked.add(11)
    await _queue(session, clock, parent, "before")
    await deliverer.deliver_due()
    telegram.blocked.discard(11)
    await client_factory(11).send("/menu")
    await _queue(session, clock, parent, "after")
    assert await deliverer.deliver_due() == 1


async def test_a_row_left_by_a_crashed_sender_is_sent_later(
    session, session_factory, deliverer, telegram, clock
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    await _queue(session, clock, parent)
    async with session_factory() as s:  # a sender claims the row, then dies
        assert len(await outbox.claim_due(s, clock.now())) == 1
        await s.commit()
    assert await deliverer.deliver_due() == 0
    clock.advance(outbox.CLAIM_TIMEOUT)
    assert await deliverer.deliver_due() == 1


async def test_urgent_before_normal(session, deliverer, telegram, clock):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    from models.enums import Priority

    await outbox.notify(
        session,
        person_id=parent.id,
        kind="notify-enrolled",
        dedupe_key="n",
        now=clock.now(),
        params={"student": "А", "course": "normal", "group": "G"},
    )
    await outbox.notify(
        session,
        person_id=parent.id,
        kind="notify-enrolled",
        dedupe_key="u",
        now=clock.now(),
        priority=Priority.URGENT,
        params={"student": "А", "course": "urgent", "group": "G"},
    )
    await session.commit()
    await deliverer.deliver_due()
    texts = [m.text for m in telegram.messages(11)]
    assert "urgent" in texts[0] and "normal" in texts[1]
