"""The bot on MAX: an aiogram Bot whose session speaks MAX, fed with MAX's updates by long
polling or by a webhook. The dispatcher, handlers and services are the Telegram ones."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from secrets import compare_digest
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiohttp import web
from maxapi.client.default import DefaultConnectionProperties
from maxapi.exceptions.max import InvalidToken
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.rate_limit import RedisWindow, RequestWindow, SlidingWindow
from bot.max.client import MaxClient
from bot.max.session import REQUESTS_PER_SECOND, MaxSession
from bot.max.updates import to_aiogram
from services.clock import Clock

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105  (the header's name)
POLL_SECONDS = 30
# After a failed poll: wait, longer each time up to this many seconds.
POLL_BACKOFF_LIMIT = 30.0
TASKS: set[asyncio.Task[Any]] = set()


def max_client(token: str, api_url: str | None) -> MaxClient:
    client = MaxClient(
        token,
        # Retries are ours to decide: the delivery loop retries, a handler's reply does not.
        default_connection=DefaultConnectionProperties(max_retries=0),
        auto_requests=False,
        auto_check_subscriptions=False,
    )
    if api_url:
        client.set_api_url(api_url)
    return client


async def create_max_bot(
    token: str,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    api_url: str | None = None,
    commands_language: str = "ru",
    limiter: RequestWindow | None = None,
    bot_id: int | None = None,
) -> Bot:
    """An aiogram Bot on MAX. Its id is the MAX bot's own user id (asked from MAX unless
    `bot_id` says it), so conversation state and update marks never mix with the Telegram
    bot's. Bots of one process should share one `limiter` (see `request_window`)."""
    client = max_client(token, api_url)
    session = MaxSession(
        client, session_factory, clock, commands_language=commands_language, limiter=limiter
    )
    if bot_id is None:
        try:
            async with limiter.request() if limiter else contextlib.nullcontext():
                bot_id = (await client.get_me()).user_id
        except Exception:
            await client.close_session()
            raise
    return Bot(
        token=f"{bot_id}:max",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def request_window(redis_url: str | None = None, prefix: str = "") -> RequestWindow:
    """MAX's limit on all of a bot's requests. With Redis, every process of the bot counts in
    one window there; else the sessions of this process share one. Measured at our end,
    requests bunch up on the wire: a slightly longer window keeps MAX's own count within it."""
    if redis_url:
        return RedisWindow(redis_url, f"{prefix}:max-requests", REQUESTS_PER_SECOND, 1.05)
    return SlidingWindow(REQUESTS_PER_SECOND, 1.05)


async def feed(dp: Dispatcher, bot: Bot, raw: dict[str, Any]) -> None:
    assert isinstance(bot.session, MaxSession)
    update = await to_aiogram(raw, bot, bot.session)
    if update is not None:
        await dp.feed_update(bot, update)


async def _feed_logged(dp: Dispatcher, bot: Bot, raw: dict[str, Any]) -> None:
    try:
        await feed(dp, bot, raw)
    except Exception:
        logger.exception("a MAX update failed")


async def poll(dp: Dispatcher, bot: Bot, stop: asyncio.Event | None = None) -> None:
    """Long polling, as aiogram polls Telegram: each update handled in its own task (one
    person's updates still run one at a time: the dispatcher's event isolation)."""
    assert isinstance(bot.session, MaxSession)
    client = bot.session.client
    marker: int | None = None
    backoff = 1.0
    logger.info("polling MAX")
    while stop is None or not stop.is_set():
        try:
            limiter = bot.session.limiter
            async with limiter.request() if limiter else contextlib.nullcontext():
                reply = await client.get_updates(marker=marker, timeout=POLL_SECONDS, limit=100)
        except asyncio.CancelledError:
            raise
        except InvalidToken:
            logger.error("MAX refused the bot token; MAX polling stops")
            return
        except Exception as exc:  # noqa: BLE001  (any failed poll is retried)
            logger.warning("MAX polling failed (%s); retrying in %.0f s", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, POLL_BACKOFF_LIMIT)
            continue
        backoff = 1.0
        marker = reply.get("marker", marker)
        for raw in reply.get("updates") or []:
            task = asyncio.create_task(_feed_logged(dp, bot, raw))
            TASKS.add(task)
            task.add_done_callback(TASKS.discard)


async def handle_webhook(
    dp: Dispatcher, bot: Bot, secret: str | None, request: web.Request
) -> web.Response:
    """One call of MAX's webhook: the secret header checked, the update handled before
    answering (MAX redelivers on anything but 200; the dispatcher's once-check skips repeats)."""
    if secret and not compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
        return web.Response(status=401)
    try:
        raw = await request.json()
    except ValueError:
        return web.Response(status=400)
    if not isinstance(raw, dict):
        return web.Response(status=400)
    await feed(dp, bot, raw)
    return web.json_response({"ok": True})
