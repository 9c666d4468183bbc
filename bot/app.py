"""Running the bot in one process: migrations, long polling and the delivery loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher

from bot.delivery import Deliverer
from bot.factory import create_bot, create_dispatcher
from bot.scheduler import Jobs, create_scheduler
from bot.senders import TelegramSender
from bot.settings import Settings
from handlers.notification_links import buttons_for
from models.db import create_engine, create_session_factory
from models.enums import Messenger
from models.migrate import upgrade
from services.clock import Clock, SystemClock
from services.i18n import Translator

logger = logging.getLogger(__name__)


async def run_polling(
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    *,
    handle_signals: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Upgrade the database, then poll for updates and deliver notifications until stopped:
    by SIGINT/SIGTERM, or (for a caller running it as a task, like the sandbox) when `stop` is
    set."""
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    translator = Translator(default_language=settings.default_language)
    clock = clock or SystemClock()
    if bot is None:
        assert settings.bot_token is not None
        bot = create_bot(settings.bot_token.get_secret_value(), settings)
    dp = create_dispatcher(settings, session_factory, translator, clock)
    deliverer = Deliverer(
        session_factory,
        translator,
        {Messenger.TELEGRAM.value: TelegramSender(bot)},
        clock,
        settings.default_timezone,
        limits=settings.delivery_limits(),
        links=buttons_for,
    )
    delivery = asyncio.create_task(deliverer.run_forever(settings.delivery_interval_seconds))
    scheduler = create_scheduler(Jobs(session_factory, settings, clock), settings.default_timezone)
    scheduler.start()
    stopper = asyncio.create_task(_stop_when_set(stop, dp)) if stop is not None else None
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(bot, handle_signals=handle_signals)
    finally:
        if stopper is not None:
            stopper.cancel()
        scheduler.shutdown(wait=False)
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
        await bot.session.close()
        await engine.dispose()


async def _stop_when_set(stop: asyncio.Event, dp: Dispatcher) -> None:
    await stop.wait()
    while True:
        with contextlib.suppress(RuntimeError):  # polling has not started yet
            await dp.stop_polling()
            return
        await asyncio.sleep(0.05)
