"""A city on several processes: shared conversation state in Redis, each update acted on once,
no seat given twice, no notification sent twice — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

from aiogram.types import Update
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.delivery.deliverer import Deliverer
from bot.delivery.senders import BotSender
from bot.factory import create_dispatcher, create_fsm
from bot.settings import Settings
from models import Application, Notification, Person
from models.db import create_engine, create_session_factory
from models.enums import ApplicationState, NotificationState, Role
from services import enrollment, outbox
from tests import factories
from tests.bot_client import BotClient


async def test_conversation_state_is_shared_through_redis(
    redis_url, session, session_factory, translator, clock, bot, telegram, db_url
):
    """A person starts registering on one bot process and finishes on another."""
    url, prefix = redis_url
    await factories.org(session, "МБОУ СОШ № 5", code="sosh5")
    await session.commit()
    settings = Settings(
        _env_file=None,
        database_url=db_url,
        redis_url=url,  # type: ignore[call-arg]
        redis_prefix=prefix,
    )
    first = create_dispatcher(settings, session_factory, translator, clock)
    second = create_dispatcher(settings, session_factory, translator, clock)
    on_first = BotClient(first, bot, telegram, 555)
    on_second = BotClient(second, bot, telegram, 555)
    await on_first.send("/start")
    await on_first.click("Русский")
    await on_first.click("Ученик")
    await on_second.click("МБОУ СОШ № 5")
    client = Redis.from_url(url)
    keys = [key.decode() async for key in client.scan_iter(f"{prefix}:*")]
    await client.aclose()
    assert keys, "keys carry the bot's id"
    assert all(f":{bot.id}:" in key for key in keys), "keys carry the bot's id"
    await on_first.click("8")
    await on_second.send("Петров Иван")
    async with session_factory() as s:
        person = await s.scalar(select(Person).where(Person.full_name == "Петров Иван"))
    assert person is not None
    assert person.grade == 8
    await first.storage.close()
    await second.storage.close()


async def test_without_redis_state_lives_in_memory():
    storage, isolation = create_fsm(Settings(_env_file=None))  # type: ignore[call-arg]
    assert type(storage).__name__ == "MemoryStorage"
    assert type(isolation).__name__ == "SimpleEventIsolation"


async def test_the_same_update_twice_is_acted_on_once(
    session, session_factory, settings, translator, clock, bot, telegram
):
    """Telegram redelivers when a webhook answers late; two processes may both get it."""
    net = await factories.network(session)
    await session.commit()
    dp = create_dispatcher(settings, session_factory, translator, clock, once=True)
    student = BotClient(dp, bot, telegram, 101)
    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    await student.click("Записаться")
    message, data = student.find_button("Да, подать")
    raw = {
        "update_id": 777_001,
        "callback_query": {
            "id": "q1",
            "from": student.user,
            "chat_instance": "ci",
            "data": data,
            "message": telegram.message_json(message),
        },
    }
    update = Update.model_validate(raw, context={"bot": bot})
    await asyncio.gather(dp.feed_update(bot, update), dp.feed_update(bot, update))
    await dp.feed_update(bot, update)
    count = await session.scalar(
        select(func.count(Application.id)).where(Application.student_id == net.student.id)
    )
    assert count == 1
    answers = [
        c
        for c in telegram.calls
        if type(c).__name__ == "AnswerCallbackQuery" and c.callback_query_id == "q1"
    ]
    assert len(answers) == 1


async def test_200_students_for_the_last_5_seats(db_url, session, clock):
    net = await factories.network(session, capacity=5 + 3)
    for n in range(3):
        filler = await factories.person(session, f"Ученик {n}", Role.STUDENT, net.home.id, grade=8)
        await factories.enrolled(session, net.group, filler)
    apps = []
    for n in range(200):
        student = await factories.person(
            session, f"Претендент {n}", Role.STUDENT, net.home.id, grade=8
        )
        apps.append(
            await factories.enrolled(session, net.group, student, ApplicationState.AWAITING_SCHOOL)
        )
    await session.commit()
    engine = create_engine(db_url)
    factory = create_session_factory(engine)

    async def approve(app_id: int) -> None:
        async with factory() as s:
            await enrollment.school_approve(
                s, await net.actor(s, net.coordinator), app_id, clock.now()
            )
            await s.commit()

    try:
        await asyncio.gather(*(approve(app.id) for app in apps))
        async with factory() as s:
            states = dict(
                (
                    await s.execute(
                        select(Application.state, func.count())
                        .where(Application.id.in_([a.id for a in apps]))
                        .group_by(Application.state)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert states == {ApplicationState.ENROLLED: 5, ApplicationState.WAITLISTED: 195}


async def test_two_senders_never_send_the_same_notification(
    db_url, session, translator, clock, bot, telegram, virtual_time
):
    people = []
    for n in range(120):
        p = await factories.person(session, f"Родитель {n}", Role.PARENT, telegram_id=5000 + n)
        telegram.known_chats.add(5000 + n)
        people.append(p)
        await outbox.notify(
            session,
            person_id=p.id,
            kind="notify-group-confirmed",
            dedupe_key=f"k{n}",
            now=clock.now(),
            params={"course": "Хоровое пение", "group": "CHOIR-1"},
        )
    await session.commit()
    engines = [create_engine(db_url), create_engine(db_url)]
    senders = [
        Deliverer(
            create_session_factory(e),
            translator,
            {"telegram": BotSender(bot)},
            clock,
            "Europe/Moscow",
            monotonic=virtual_time.monotonic,
            sleep=virtual_time.sleep,
        )
        for e in engines
    ]

    async def drain(sender: Deliverer) -> int:
        total = 0
        while delivered := await sender.deliver_due():
            total += delivered
        return total

    try:
        counts = await asyncio.gather(*(drain(s) for s in senders))
    finally:
        for e in engines:
            await e.dispose()
    assert sum(counts) == 120
    per_chat = [len(telegram.messages(5000 + n)) for n in range(120)]
    assert per_chat == [1] * 120
    sent = await session.scalar(
        select(func.count(Notification.id)).where(Notification.state == NotificationState.SENT)
    )
    assert sent == 120
