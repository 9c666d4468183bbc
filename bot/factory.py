"""Factories that build the bot and wire the dispatcher; nothing happens at import time."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.retry import RetryAfterMiddleware
from bot.middlewares import ContextMiddleware, DomainErrorMiddleware, UpdateMiddleware
from bot.response_models import KeepResponseModels
from bot.settings import Settings
from handlers import build_router
from handlers.ui import StartLinks
from services.clock import Clock
from services.i18n import Translator


def create_bot(
    token: str,
    settings: Settings,
    session: BaseSession | None = None,
    *,
    wait_when_asked: bool = False,
) -> Bot:
    """A bot on its own HTTP session. `wait_when_asked`: requests refused with "retry after"
    wait and try again (for handlers' replies; the delivery loop handles that itself)."""
    if session is None:
        session = AiohttpSession()
        if settings.bot_api_base_url:
            session.api = TelegramAPIServer.from_base(settings.bot_api_base_url)
    session.middleware(KeepResponseModels())
    if wait_when_asked:
        session.middleware(RetryAfterMiddleware())
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_fsm(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation]:
    """Conversation state and per-person event isolation: in Redis when REDIS_URL is set
    (several processes share them; keys carry the bot's id), else in this process's memory."""
    if settings.redis_url:
        # Imported here: the Redis client is only loaded by processes that use it.
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(
            settings.redis_url,
            key_builder=DefaultKeyBuilder(prefix=settings.redis_prefix, with_bot_id=True),
        )
        return storage, storage.create_isolation()
    return MemoryStorage(), SimpleEventIsolation()


def create_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: Clock,
    storage: BaseStorage | None = None,
    isolation: BaseEventIsolation | None = None,
    *,
    once: bool = False,
) -> Dispatcher:
    """The dispatcher with our middlewares and routers. Two updates of one person never run at
    once (event isolation), so a double tap cannot race itself. With `once`, an update that
    comes again is ignored: webhooks are redelivered when an answer is late, long polling
    confirms updates as it takes them and needs no such check."""
    if storage is None:
        storage, isolation = create_fsm(settings)
    dp = Dispatcher(storage=storage, events_isolation=isolation or SimpleEventIsolation())
    dp["translator"] = translator  # for startup handlers (the command menus)
    dp["start_links"] = StartLinks()  # every messenger's deep link, learnt at startup
    # The session and the reply around everything; then, around the chosen handler (inner
    # middlewares know it, and its flags), who is writing and a refusal turned into a reply.
    dp.update.outer_middleware(UpdateMiddleware(session_factory))
    for observer in (dp.message, dp.callback_query):
        observer.middleware(ContextMiddleware(translator, settings, clock, once=once))
        observer.middleware(DomainErrorMiddleware())
    dp.include_router(build_router())
    return dp
