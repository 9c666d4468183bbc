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

from bot.delivery import broadcast_progress
from bot.delivery.deliverer import Deliverer
from bot.delivery.limits import Limits
from bot.delivery.rate_limit import SharedSendWindow, SlidingWindow
from bot.delivery.retry import RetryAfterMiddleware
from bot.delivery.senders import BotSender
from bot.factory import create_bot, create_dispatcher
from bot.leader import leadership
from bot.response_models import KeepResponseModels
from bot.scheduler import Jobs, create_scheduler
from bot.settings import Settings
from handlers import menu
from handlers.notification_links import buttons_for
from handlers.ui import TEXT_LIMIT as TELEGRAM_TEXT_LIMIT
from models.db import create_engine, create_session_factory
from models.enums import Messenger
from models.migrate import upgrade
from services.clock import Clock, SystemClock
from services.i18n import Translator

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a running process shares: the database, texts, clock, bots, sender, scheduler."""

    session_factory: async_sessionmaker[AsyncSession]
    translator: Translator
    clock: Clock
    # One aiogram Bot per messenger served ("telegram", "max"); MAX's speaks MAX.
    bots: dict[str, Bot]
    deliverer: Deliverer
    scheduler: AsyncIOScheduler


async def create_bots(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    telegram: Bot | None = None,
) -> tuple[dict[str, Bot], dict[str, Bot]]:
    """The bots handlers answer with, and the delivery loop's own (it handles "retry after"
    itself, so its bots do not wait when asked)."""
    bots: dict[str, Bot] = {}
    senders: dict[str, Bot] = {}
    if telegram is None and settings.bot_token is not None:
        telegram = create_bot(settings.bot_token.get_secret_value(), settings, wait_when_asked=True)
    if telegram is not None:
        bots[Messenger.TELEGRAM] = telegram
        senders[Messenger.TELEGRAM] = Bot(
            telegram.token, session=_fresh_session(telegram), default=telegram.default
        )
        shared = SharedSendWindow(SlidingWindow(settings.send_rate, Limits().window))
        for b in (bots[Messenger.TELEGRAM], senders[Messenger.TELEGRAM]):
            b.session.middleware(shared)
    if settings.max_bot_token is not None:
        # Imported only where MAX is served: its library costs a Telegram-only process memory.
        from bot.max import create_max_bot, request_window

        window = request_window(settings.redis_url, settings.redis_prefix)
        bot_id = None  # asked from MAX for the first bot; the sender is the same bot
        for target in (bots, senders):
            target[Messenger.MAX] = await create_max_bot(
                settings.max_bot_token.get_secret_value(),
                session_factory,
                clock,
                api_url=settings.max_api_base_url,
                commands_language=settings.default_language,
                limiter=window,
                bot_id=bot_id,
            )
            bot_id = target[Messenger.MAX].id
        bots[Messenger.MAX].session.middleware(RetryAfterMiddleware())
    return bots, senders


def text_limit(bot: Bot) -> int:
    """The longest text one message may carry on this bot's messenger."""
    return int(getattr(bot.session, "text_limit", TELEGRAM_TEXT_LIMIT))


@contextlib.asynccontextmanager
async def runtime(
    settings: Settings,
    bot: Bot | None = None,
    clock: Clock | None = None,
    wake: asyncio.Event | None = None,
) -> AsyncIterator[Runtime]:
    """Upgrade the database, then build everything; the delivery loop and the scheduler run
    while the context is open. `bot` replaces the Telegram bot the settings would make (tests
    and the sandbox give one on a fake API). Setting `wake` runs a scheduler tick at once (the
    sandbox does after moving its clock, so reminders show without waiting for the next
    minute)."""
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    translator = Translator(default_language=settings.default_language)
    clock = clock or SystemClock()
    try:
        bots, sender_bots = await create_bots(settings, session_factory, clock, bot)
    except BaseException:  # MAX could not be asked who the bot is: nothing else was started
        await engine.dispose()
        raise
    deliverer = Deliverer(
        session_factory,
        translator,
        {name: BotSender(b, text_limit(b)) for name, b in sender_bots.items()},
        clock,
        settings.default_timezone,
        limits=settings.delivery_limits(),
        links=buttons_for,
    )
    jobs = Jobs(session_factory, settings, clock)
    scheduler = create_scheduler(jobs, settings.default_timezone)
    broadcast_progress.schedule(
        scheduler,
        # The sender bots: a "retry after" leaves the edit to the next tick, not waited out.
        broadcast_progress.BroadcastProgress(
            session_factory, sender_bots, translator, clock, settings.default_timezone
        ),
    )
    delivery = asyncio.create_task(deliverer.run_forever(settings.delivery_interval_seconds))
    woken = asyncio.create_task(_tick_when_woken(wake, jobs)) if wake is not None else None
    scheduler.start()
    try:
        yield Runtime(session_factory, translator, clock, bots, deliverer, scheduler)
    finally:
        scheduler.shutdown(wait=False)
        if woken is not None:
            woken.cancel()
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
        for b in (*bots.values(), *sender_bots.values()):
            await b.session.close()
        await engine.dispose()


async def _tick_when_woken(wake: asyncio.Event, jobs: Jobs) -> None:
    while True:
        await wake.wait()
        wake.clear()
        await jobs.tick()


def _fresh_session(bot: Bot) -> AiohttpSession:
    session = AiohttpSession(timeout=bot.session.timeout)
    session.api = bot.session.api
    session.middleware(KeepResponseModels())
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
    """Poll every messenger served for updates and deliver notifications until stopped: by
    SIGINT/SIGTERM, or (for a caller running it as a task, like the sandbox) when `stop` is
    set. One dispatcher serves both messengers."""
    async with runtime(settings, bot, clock, wake) as rt:
        dp = create_dispatcher(settings, rt.session_factory, rt.translator, rt.clock)
        stop = stop or asyncio.Event()
        polls = []
        max_bot = rt.bots.get(Messenger.MAX)
        if max_bot is not None:
            from bot.max import poll as max_poll

            await menu.on_startup(max_bot, rt.translator, dp["start_links"])
            polls.append(asyncio.create_task(max_poll(dp, max_bot, stop)))
        telegram = rt.bots.get(Messenger.TELEGRAM)
        try:
            if telegram is not None:
                stopper = asyncio.create_task(_stop_when_set(stop, dp))
                try:
                    await telegram.delete_webhook(drop_pending_updates=False)
                    await dp.start_polling(telegram, handle_signals=handle_signals)
                finally:
                    stopper.cancel()
            else:
                if handle_signals:
                    loop = asyncio.get_running_loop()
                    for sig in (signal.SIGINT, signal.SIGTERM):
                        loop.add_signal_handler(sig, stop.set)
                await stop.wait()
        finally:
            stop.set()
            for task in polls:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


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
