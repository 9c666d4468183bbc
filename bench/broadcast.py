"""Benchmark: a 2,000-recipient broadcast against a local Bot API that enforces Telegram's
limits (30 messages a second, one a second per chat), with an urgent message injected halfway.

Run by hand from the project root:  .venv/bin/python -m bench.broadcast
Prints the achieved rate, the 429s received, the largest count in any one-second window and
the urgent message's latency. Targets: >= 28.5 msg/s, zero 429s, urgent < 1 s.
"""

from __future__ import annotations

# aiogram is imported the way the bot imports it, its types built on first use
from bot import lazy_types  # noqa: F401

# isort: split
import asyncio
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert

from bot.delivery.deliverer import Deliverer
from bot.delivery.limits import Limits
from bot.delivery.senders import BotSender
from bot.factory import create_bot
from bot.settings import Settings
from models import Account, Notification, Person
from models.db import create_engine, create_session_factory
from models.enums import Messenger, NotificationState, Priority
from models.migrate import upgrade
from services import outbox
from services.clock import SystemClock
from services.i18n import Translator
from tests.http_bot_api import HttpBotApi

RECIPIENTS = 2000
URGENT_AFTER = 30.0  # seconds into the broadcast


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await upgrade(url)
        engine = create_engine(url)
        factory = create_session_factory(engine)
        now = datetime.now(UTC)
        async with factory() as session:
            await session.execute(
                insert(Person),
                [
                    {"id": n, "full_name": f"Получатель {n}", "language": "ru", "created_at": now}
                    for n in range(1, RECIPIENTS + 2)
                ],
            )
            await session.execute(
                insert(Account),
                [
                    {
                        "person_id": n,
                        "messenger": Messenger.TELEGRAM,
                        "user_id": n,
                        "chat_id": n,
                        "created_at": now,
                    }
                    for n in range(1, RECIPIENTS + 2)
                ],
            )
            await session.execute(
                insert(Notification),
                [
                    {
                        "person_id": n,
                        "kind": "notify-group-confirmed",
                        "dedupe_key": f"bulk{n}",
                        "params": {"course": "Хоровое пение", "group": "CHOIR-1"},
                        "priority": int(Priority.BULK),
                        "state": NotificationState.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                        "last_error": "",
                    }
                    for n in range(1, RECIPIENTS + 1)
                ],
            )
            await session.commit()

        api = HttpBotApi(per_second=30, per_chat_interval=1.0)
        base = await api.start()
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        bot = create_bot(
            "42:BENCH", settings, session=AiohttpSession(api=TelegramAPIServer.from_base(base))
        )
        deliverer = Deliverer(
            factory,
            Translator(),
            {"telegram": BotSender(bot)},
            SystemClock(),
            "Europe/Moscow",
            limits=Limits(quiet_start=Limits().quiet_end),
        )
        loop = asyncio.create_task(deliverer.run_forever(0.05))
        started = time.monotonic()
        await asyncio.sleep(URGENT_AFTER)
        urgent_chat = RECIPIENTS + 1
        async with factory() as session:
            await outbox.notify(
                session,
                person_id=urgent_chat,
                kind="notify-lesson-cancelled",
                dedupe_key="urgent",
                now=datetime.now(UTC),
                priority=Priority.URGENT,
                params={
                    "course": "Хоровое пение",
                    "group": "CHOIR-1",
                    "when": {"dt": datetime.now(UTC).isoformat()},
                    "reason": "болезнь педагога",
                },
            )
            await session.commit()
        queued_at = time.monotonic()
        while len(api.per_chat()) < RECIPIENTS + 1:  # noqa: ASYNC110 - a counter, polled
            await asyncio.sleep(0.05)
        loop.cancel()
        await bot.session.close()
        await api.stop()
        await engine.dispose()

    bulk = sorted(t for t, chat, _ in api.delivered if chat != urgent_chat)
    urgent = next(t for t, chat, _ in api.delivered if chat == urgent_chat)
    rate = (len(bulk) - 1) / (bulk[-1] - bulk[0])
    print(f"recipients:              {RECIPIENTS} (+1 urgent)")
    print(f"total time:              {time.monotonic() - started:.1f} s")
    print(f"achieved rate:           {rate:.2f} messages/s")
    print(f"429 responses:           {api.refused_429}")
    print(f"largest 1-second window: {api.worst_second()} messages")
    print(f"urgent latency:          {urgent - queued_at:.3f} s")
    print(f"duplicates:              {len(api.delivered) - len(api.per_chat())}")


if __name__ == "__main__":
    asyncio.run(main())
