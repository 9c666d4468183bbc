"""The outbox sender: nothing a person should be told is lost or sent twice."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from bot.delivery.rate_limit import SlidingWindow
from models import Account, Notification
from models.enums import NotificationState, Priority, Role
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
    assert "Соколов Артём зачислен на курс <b>Хоровое пение</b>" in telegram.last(11).text
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
    assert row.state == NotificationState.PENDING
    assert row.attempts == 1
    assert "Internal Server Error" in row.last_error
    assert await deliverer.deliver_due() == 0, "not due again before its backoff"

    clock.advance(timedelta(seconds=3))
    assert await deliverer.deliver_due() == 0
    clock.advance(timedelta(seconds=10))
    assert await deliverer.deliver_due() == 1
    row = await _row(session_factory)
    assert row.state == NotificationState.SENT
    assert row.attempts == 3
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
    assert "urgent" in texts[0]
    assert "normal" in texts[1]


async def _people(session, telegram, count, start_id=1000):
    people = []
    for n in range(count):
        p = await factories.person(session, f"Родитель {n}", Role.PARENT, telegram_id=start_id + n)
        telegram.known_chats.add(start_id + n)
        people.append(p)
    return people


async def test_never_more_than_the_rate_in_any_window(
    session, session_factory, deliverer, telegram, clock, virtual_time
):
    people = await _people(session, telegram, 95)
    for p in people:
        await outbox.notify(
            session,
            person_id=p.id,
            kind="notify-enrolled",
            dedupe_key=f"b{p.id}",
            now=clock.now(),
            priority=Priority.BULK,
            params={"student": "А", "course": "К", "group": "G"},
        )
    await session.commit()
    starts: list[float] = []
    original = deliverer.senders["telegram"].send_text

    async def timed(chat_id, text, buttons=None):
        starts.append(virtual_time.now)
        await original(chat_id, text, buttons)

    deliverer.senders["telegram"].send_text = timed
    while await deliverer.deliver_due():
        pass
    assert len(starts) == 95
    worst = max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)
    assert worst <= 30
    elapsed = starts[-1] - starts[0]
    assert 95 / elapsed >= 28.5, "close to the limit, not far below it"


async def test_one_chat_is_paced_at_one_message_a_second(
    session, deliverer, telegram, clock, virtual_time
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    for n in range(3):
        await _queue(session, clock, parent, key=f"k{n}")
    starts: list[float] = []
    original = deliverer.senders["telegram"].send_text

    async def timed(chat_id, text, buttons=None):
        starts.append(virtual_time.now)
        await original(chat_id, text, buttons)

    deliverer.senders["telegram"].send_text = timed
    assert await deliverer.deliver_due() == 3
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 1.0 for gap in gaps)


async def test_quiet_hours_hold_normal_messages_but_not_urgent_ones(
    session, session_factory, deliverer, telegram, clock
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))  # 22:30 in Moscow
    await _queue(session, clock, parent, key="normal")
    await outbox.notify(
        session,
        person_id=parent.id,
        kind="notify-lesson-cancelled",
        dedupe_key="urgent",
        now=clock.now(),
        priority=Priority.URGENT,
        params={
            "course": "Хоровое пение",
            "group": "CHOIR-1",
            "when": {"dt": clock.now().isoformat()},
            "reason": "болезнь",
        },
    )
    await session.commit()
    assert await deliverer.deliver_due() == 1
    assert "Занятие отменено" in telegram.last(11).text
    row = await _row(session_factory, "normal")
    assert row.state == NotificationState.PENDING
    assert row.attempts == 0
    assert row.next_attempt_at == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 08:00 Moscow
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))
    assert await deliverer.deliver_due() == 1


async def test_an_organisations_own_quiet_hours_apply(session, deliverer, telegram, clock):
    school = await factories.org(session, "МБОУ СОШ № 5", timezone="Asia/Yekaterinburg")
    school.quiet_start, school.quiet_end = time(22, 0), time(7, 0)
    student = await factories.person(
        session, "Соколов Артём", Role.STUDENT, school.id, grade=8, telegram_id=12
    )
    telegram.known_chats.add(12)
    clock.set(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))  # 21:30 in Yekaterinburg
    await _queue(session, clock, student)
    assert await deliverer.deliver_due() == 1


async def test_a_refused_message_is_not_retried_forever(
    session, session_factory, deliverer, telegram, clock
):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    telegram.fail_next(11, 400, "Bad Request: can't parse entities")
    await _queue(session, clock, parent)
    assert await deliverer.deliver_due() == 0
    row = await _row(session_factory)
    assert row.state == NotificationState.FAILED
    assert "parse entities" in row.last_error
    clock.advance(timedelta(days=1))
    assert await deliverer.deliver_due() == 0


async def test_a_long_message_arrives_in_clean_pieces(session, deliverer, telegram, clock):
    teacher = await factories.person(session, "Белова Анна", Role.TEACHER, telegram_id=11)
    telegram.known_chats.add(11)
    text = " ".join(f"Слово{n} <b>&</b>" for n in range(900))
    await outbox.notify(
        session,
        person_id=teacher.id,
        kind="notify-group-message",
        dedupe_key="long",
        now=clock.now(),
        params={"author": "Белова Анна", "course": "Хор", "group": "G", "text": text},
    )
    await session.commit()
    assert await deliverer.deliver_due() == 1
    pieces = [m.text for m in telegram.messages(11)]
    assert len(pieces) >= 4  # the fake Telegram refuses anything over 4096 or broken HTML
    words = " ".join(pieces).split()
    assert words.count("Слово899") == 1
    assert words.count("Слово0") == 1


async def test_a_notification_can_carry_a_button(session, deliverer, telegram, clock):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    telegram.known_chats.add(11)
    await outbox.notify(
        session,
        person_id=parent.id,
        kind="notify-consent-reminder",
        dedupe_key="btn",
        now=clock.now(),
        link={"to": "application", "id": 7},
        params={"student": "Соколов Артём", "course": "Хор", "group": "G"},
    )
    await session.commit()
    await deliverer.deliver_due()
    assert telegram.last(11).buttons() == [("📄 Открыть заявление", "app:7")]


async def test_a_slow_request_holds_its_place_until_a_window_after_it_ended(virtual_time):
    """The messenger may receive a request late (a new connection, a busy machine): its place
    counts until it has ended, so a burst can never reach the messenger bunched up."""
    window = SlidingWindow(2, 1.0, clock=virtual_time.monotonic, sleep=virtual_time.sleep)
    started: list[float] = []

    async def request(takes: float) -> None:
        async with window.request():
            started.append(virtual_time.now)
            virtual_time.now += takes  # the request is under way this long

    await request(0.9)  # starts at 0, ends at 0.9
    await request(0.1)  # starts at 0.9, ends at 1.0
    await request(0.0)  # both places are held until 1.9 and 2.0
    assert started[2] - started[0] >= 1.9 - 1e-9, started
