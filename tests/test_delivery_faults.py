"""The sender against a Bot API over HTTP that fails on purpose: each failure handled as it
should be — wait, give up, mark unreachable, or retry."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import create_bots
from bot.delivery.deliverer import Deliverer
from bot.delivery.limits import Limits
from bot.delivery.senders import BotSender
from bot.factory import create_bot
from models import Account, Notification
from models.enums import NotificationState, Role
from services import outbox
from tests import factories
from tests.http_bot_api import HttpBotApi


@pytest.fixture
async def http_api():
    api = HttpBotApi()
    base = await api.start()
    yield api, base
    await api.stop()


@pytest.fixture
async def http_deliverer(http_api, session_factory, translator, clock, settings, virtual_time):
    _, base = http_api
    session = AiohttpSession(api=TelegramAPIServer.from_base(base), timeout=1.0)
    bot = create_bot("42:FAULTS", settings, session=session)
    yield Deliverer(
        session_factory,
        translator,
        {"telegram": BotSender(bot)},
        clock,
        "Europe/Moscow",
        limits=Limits(quiet_start=Limits().quiet_end),
        monotonic=virtual_time.monotonic,
        sleep=virtual_time.sleep,
    )
    await bot.session.close()


async def _one(session, clock):
    parent = await factories.person(session, "Соколова Елена", Role.PARENT, telegram_id=11)
    await outbox.notify(
        session,
        person_id=parent.id,
        kind="notify-group-confirmed",
        dedupe_key="k",
        now=clock.now(),
        params={"course": "Хоровое пение", "group": "CHOIR-1"},
    )
    await session.commit()


async def _state(session_factory) -> Notification:
    async with session_factory() as s:
        return await s.scalar(select(Notification))


@pytest.mark.parametrize("fault", [500, 502, "timeout"])
async def test_server_errors_and_timeouts_are_retried(
    fault, http_api, http_deliverer, session, session_factory, clock
):
    api, _ = http_api
    await _one(session, clock)
    api.faults.append(fault)
    assert await http_deliverer.deliver_due() == 0
    row = await _state(session_factory)
    assert row.state == NotificationState.PENDING
    assert row.last_error
    clock.advance(timedelta(seconds=5))
    assert await http_deliverer.deliver_due() == 1
    assert len(api.delivered) == 1


async def test_429_waits_as_told(
    http_api, http_deliverer, session, session_factory, clock, virtual_time
):
    api, _ = http_api
    await _one(session, clock)
    api.faults.append(429)
    assert await http_deliverer.deliver_due() == 0
    row = await _state(session_factory)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=1)
    clock.advance(timedelta(seconds=1))
    before = virtual_time.now
    assert await http_deliverer.deliver_due() == 1
    assert virtual_time.now >= before, "sending paused as the server asked"


async def test_403_marks_the_person_unreachable(
    http_api, http_deliverer, session, session_factory, clock
):
    api, _ = http_api
    await _one(session, clock)
    api.faults.append(403)
    await http_deliverer.deliver_due()
    row = await _state(session_factory)
    assert row.state == NotificationState.FAILED
    async with session_factory() as s:
        assert (await s.scalar(select(Account))).unreachable_since is not None


async def test_400_is_recorded_and_not_retried(
    http_api, http_deliverer, session, session_factory, clock
):
    api, _ = http_api
    await _one(session, clock)
    api.faults.append(400)
    await http_deliverer.deliver_due()
    row = await _state(session_factory)
    assert row.state == NotificationState.FAILED
    assert "fault 400" in row.last_error
    clock.advance(timedelta(days=1))
    assert await http_deliverer.deliver_due() == 0
    assert api.delivered == []


async def test_replies_and_notifications_take_turns_in_telegrams_limit(
    session, session_factory, translator, clock, settings, dp
):
    """While 45 notifications go out, 25 new people send /start: the handlers' bot and the
    sender of one process share one window, so Telegram sees at most 30 messages a second and
    refuses none."""
    api = HttpBotApi(per_second=30)
    base = await api.start()
    served = settings.model_copy(
        update={"bot_token": SecretStr("42:SHARED"), "bot_api_base_url": base}
    )
    bots, senders = await create_bots(served, session_factory, clock)
    try:
        for n in range(45):
            person = await factories.person(
                session, f"Родитель {n}", Role.PARENT, telegram_id=900 + n
            )
            await outbox.notify(
                session,
                person_id=person.id,
                kind="notify-group-confirmed",
                dedupe_key=f"shared-{n}",
                now=clock.now(),
                params={"course": "Хоровое пение", "group": "CHOIR-1"},
            )
        await session.commit()
        deliverer = Deliverer(
            session_factory,
            translator,
            {"telegram": BotSender(senders["telegram"])},
            clock,
            "Europe/Moscow",
            limits=Limits(quiet_start=Limits().quiet_end, batch=45),
        )

        async def newcomers() -> None:
            for n in range(25):
                update = Update.model_validate(
                    {
                        "update_id": n + 1,
                        "message": {
                            "message_id": n + 1,
                            "date": 1_700_000_000,
                            "chat": {"id": 2000 + n, "type": "private"},
                            "from": {"id": 2000 + n, "is_bot": False, "first_name": "Новенький"},
                            "text": "/start",
                            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                        },
                    },
                    context={"bot": bots["telegram"]},
                )
                await dp.feed_update(bots["telegram"], update)

        delivered, _ = await asyncio.gather(deliverer.deliver_due(), newcomers())

        assert delivered == 45
        assert len(api.delivered) == 70
        assert api.refused_429 == 0
        assert api.worst_second() <= 30
    finally:
        for b in (*bots.values(), *senders.values()):
            await b.session.close()
        await api.stop()
