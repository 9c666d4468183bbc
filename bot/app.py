"""Running the bot: one process that does everything (`run`), or the worker alone (`worker`):
migrations, long polling, the scheduler and the delivery loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import broadcast_progress
from bot.delivery import Deliverer
from bot.factory import create_bot, create_dispatcher
from bot.leader import leadership
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


@dataclass
class Runtime:
    """What a running process shares: the database, texts, clock, bot, sender, scheduler."""

    session_factory: async_sessionmaker[AsyncSession]
    translator: Translator
    clock: Clock
    bot: Bot
    deliverer: Deliverer
    scheduler: AsyncIOScheduler


@contextlib.asynccontextmanager
async def runtime(
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    wake: asyncio.Event | None = None,
) -> AsyncIterator[Runtime]:
    """Upgrade the database, then build everything; the delivery loop and the scheduler run
    while the context is open. Setting `wake` runs a scheduler tick at once (the sandbox does
    after moving its clock, so reminders show without waiting for the next minute)."""
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    translator = Translator(default_language=settings.default_language)
    clock = clock or SystemClock()
    if bot is None:
        assert settings.bot_token is not None
        bot = create_bot(settings.bot_token.get_secret_value(), settings, wait_when_asked=True)
    # The sender has its own bot (and HTTP session): it handles "retry after" by itself.
    sender_bot = Bot(bot.token, session=_fresh_session(bot), default=bot.default)
    deliverer = Deliverer(
        session_factory,
        translator,
        {Messenger.TELEGRAM.value: TelegramSender(sender_bot)},
        clock,
        settings.default_timezone,
        limits=settings.delivery_limits(),
        links=buttons_for,
    )
    jobs = Jobs(session_factory, settings, clock)
    scheduler = create_scheduler(jobs, settings.default_timezone)
    broadcast_progress.schedule(
        scheduler,
        broadcast_progress.BroadcastProgress(
            session_factory, bot, translator, clock, settings.default_timezone
        ),
    )
    delivery = asyncio.create_task(deliverer.run_forever(settings.delivery_interval_seconds))
    woken = asyncio.create_task(_tick_when_woken(wake, jobs)) if wake is not None else None
    scheduler.start()
    try:
        yield Runtime(session_factory, translator, clock, bot, deliverer, scheduler)
    finally:
        scheduler.shutdown(wait=False)
        if woken is not None:
            woken.cancel()
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
        await bot.session.close()
        await sender_bot.session.close()
        await engine.dispose()


async def _tick_when_woken(wake: asyncio.Event, jobs: Jobs) -> None:
    while True:
        await wake.wait()
        wake.clear()
        await jobs.tick()


def _fresh_session(bot: Bot) -> AiohttpSession:
    session = AiohttpSession(timeout=bot.session.timeout)
    session.api = bot.session.api
    return session


async def run_polling(
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    *,
    handle_signals: bool = True,
    stop: asyncio.Event | None = None,
    wake: asyncio.Event | None = None,
) -> None:
    """Poll for updates and deliver notifications until stopped: by SIGINT/SIGTERM, or (for a
    caller running it as a task, like the sandbox) when `stop` is set."""
    async with runtime(settings, bot, clock, wake) as rt:
        dp = create_dispatcher(settings, rt.session_factory, rt.translator, rt.clock)
        stopper = asyncio.create_task(_stop_when_set(stop, dp)) if stop is not None else None
        try:
            await rt.bot.delete_webhook(drop_pending_updates=False)
            await dp.start_polling(rt.bot, handle_signals=handle_signals)
        finally:
            if stopper is not None:
                stopper.cancel()


async def run_worker(settings: Settings) -> None:
    """The scheduler and the sender without polling, until SIGINT or SIGTERM. Only one worker
    is active at a time; a second one waits and takes over when the first dies."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    for sig in (signal.SIGINT, signal.SIGTERM):  # while waiting, stopping is just not waiting
        loop.add_signal_handler(sig, main.cancel)
    await upgrade(settings.database_url)
    try:
        async with leadership(settings.database_url) as lost:
            stop = asyncio.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            async with runtime(settings):
                logger.info("worker started: scheduler and delivery")
                await _first(stop.wait(), lost.wait())
    except asyncio.CancelledError:
        logger.info("stopped while waiting to become the active worker")


async def _first(*waits: Coroutine[Any, Any, Any]) -> None:
    tasks = [asyncio.create_task(w) for w in waits]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        task.cancel()


async def _stop_when_set(stop: asyncio.Event, dp: Dispatcher) -> None:
    await stop.wait()
    while True:
        with contextlib.suppress(RuntimeError):  # polling has not started yet
            await dp.stop_polling()
            return
        await asyncio.sleep(0.05)
