"""Webhook mode: an aiohttp server receiving Telegram's updates, checking its secret token,
answering health checks, and shutting down gracefully. It keeps nothing in memory that
another webhook process would need: the database and Redis hold all of it. The worker
process (python -m bot worker) runs the scheduler and the sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiogram import Bot
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text

from bot.factory import create_bot, create_dispatcher
from bot.settings import Settings
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
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    translator = Translator(default_language=settings.default_language)
    if bot is None:
        assert settings.bot_token is not None
        bot = create_bot(settings.bot_token.get_secret_value(), settings, wait_when_asked=True)
    dp = create_dispatcher(settings, session_factory, translator, clock or SystemClock(), once=True)
    app = web.Application()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    # Handled before answering: Telegram redelivers an update only if we are slow or fail,
    # and the database remembers which updates were handled, so a repeat does nothing.
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, handle_in_background=False, secret_token=secret
    ).register(app, path=settings.webhook_path)

    async def health(_: web.Request) -> web.Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            return web.json_response({"ok": False, "database": type(exc).__name__}, status=503)
        return web.json_response({"ok": True})

    async def close_engine(_: web.Application) -> None:
        await engine.dispose()

    app.router.add_get(HEALTH_PATH, health)
    setup_application(app, dp, bot=bot)
    app.on_cleanup.append(close_engine)
    return app


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


async def set_webhook(settings: Settings) -> str:
    """Tell Telegram where to send updates (WEBHOOK_URL + WEBHOOK_PATH) and the secret."""
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set")
    assert settings.bot_token is not None
    bot = create_bot(settings.bot_token.get_secret_value(), settings)
    url = settings.webhook_url.rstrip("/") + settings.webhook_path
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
    return url
