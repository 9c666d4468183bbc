"""Webhook mode: an aiohttp server receiving Telegram's updates, checking its secret token,
answering health checks, and shutting down gracefully. It keeps nothing in memory that
another webhook process would need: the database and Redis hold all of it. The worker
process (python -m bot worker) runs the scheduler and the sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.retry import RetryAfterMiddleware
from bot.factory import create_bot, create_dispatcher
from bot.settings import Settings
from handlers import menu
from models.db import create_engine, create_session_factory
from services.clock import Clock, SystemClock
from services.i18n import Translator

logger = logging.getLogger(__name__)
HEALTH_PATH = "/health"
# Handlers still running when a shutdown begins get this long to finish.
SHUTDOWN_SECONDS = 20.0


def build_webhook_app(
    settings: Settings, bot: Bot | None = None, clock: Clock | None = None
) -> web.Application:
    """Telegram's webhook (when BOT_TOKEN is set) and MAX's (when MAX_BOT_TOKEN is set) on
    one server, both feeding one dispatcher."""
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    translator = Translator(default_language=settings.default_language)
    clock = clock or SystemClock()
    if bot is None and settings.bot_token is not None:
        bot = create_bot(settings.bot_token.get_secret_value(), settings, wait_when_asked=True)
    dp = create_dispatcher(settings, session_factory, translator, clock, once=True)
    app = web.Application()
    if bot is not None:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        # Handled before answering: Telegram redelivers an update only if we are slow or fail,
        # and the database remembers which updates were handled, so a repeat does nothing.
        SimpleRequestHandler(
            dispatcher=dp, bot=bot, handle_in_background=False, secret_token=secret
        ).register(app, path=settings.webhook_path)
        setup_application(app, dp, bot=bot)
    if settings.max_bot_token is not None:
        _add_max(app, settings, dp, session_factory, clock)

    async def health(_: web.Request) -> web.Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001  (any database failure is unhealthy)
            return web.json_response({"ok": False, "database": type(exc).__name__}, status=503)
        return web.json_response({"ok": True})

    async def close_engine(_: web.Application) -> None:
        await engine.dispose()

    app.router.add_get(HEALTH_PATH, health)
    app.on_cleanup.append(close_engine)
    return app


def _add_max(
    app: web.Application,
    settings: Settings,
    dp: Dispatcher,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    assert settings.max_bot_token is not None
    from bot.max import create_max_bot, handle_webhook, request_window  # only if MAX is served

    token = settings.max_bot_token.get_secret_value()
    secret = settings.max_webhook_secret.get_secret_value() if settings.max_webhook_secret else None
    bots: list[Bot] = []  # made at startup: it asks MAX who it is

    async def start(_: web.Application) -> None:
        bots.append(
            await create_max_bot(
                token,
                session_factory,
                clock,
                api_url=settings.max_api_base_url,
                commands_language=settings.default_language,
                limiter=request_window(settings.redis_url, settings.redis_prefix),
            )
        )
        bots[0].session.middleware(RetryAfterMiddleware())
        # MAX's command list and deep links, as polling sets them
        await menu.on_startup(bots[0], dp["translator"], dp["start_links"])

    async def stop(_: web.Application) -> None:
        for max_bot in bots:
            await max_bot.session.close()

    async def update(request: web.Request) -> web.Response:
        return await handle_webhook(dp, bots[0], secret, request)

    app.router.add_post(settings.max_webhook_path, update)
    app.on_startup.append(start)
    app.on_cleanup.append(stop)


async def run_webhook(settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM, then stop taking requests and let handlers finish."""
    app = build_webhook_app(settings)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    logger.info(
        "webhook listening on %s:%s%s",
        settings.webhook_host,
        settings.webhook_port,
        settings.webhook_path,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await runner.cleanup()


async def set_webhook(settings: Settings) -> list[str]:
    """Tell each messenger where to send updates (WEBHOOK_URL + its path) and the secret."""
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set")
    base = settings.webhook_url.rstrip("/")
    urls = []
    if settings.bot_token is not None:
        bot = create_bot(settings.bot_token.get_secret_value(), settings)
        url = base + settings.webhook_path
        try:
            await bot.set_webhook(
                url,
                secret_token=settings.webhook_secret.get_secret_value()
                if settings.webhook_secret
                else None,
                allowed_updates=["message", "callback_query"],
                drop_pending_updates=False,
            )
        finally:
            await bot.session.close()
        urls.append(url)
    if settings.max_bot_token is not None:
        from maxapi.enums.update import UpdateType

        from bot.max import max_client

        client = max_client(settings.max_bot_token.get_secret_value(), settings.max_api_base_url)
        url = base + settings.max_webhook_path
        try:
            await client.subscribe_webhook(
                url,
                update_types=[
                    UpdateType.MESSAGE_CREATED,
                    UpdateType.MESSAGE_CALLBACK,
                    UpdateType.BOT_STARTED,
                ],
                secret=settings.max_webhook_secret.get_secret_value()
                if settings.max_webhook_secret
                else None,
            )
        finally:
            await client.close_session()
        urls.append(url)
    return urls
