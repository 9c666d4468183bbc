"""Factories that build the bot and wire the dispatcher; nothing happens at import time."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares import ContextMiddleware, DbSessionMiddleware, DomainErrorMiddleware
from bot.settings import Settings
from handlers import build_router
from services.clock import Clock
from services.i18n import Translator


def create_bot(token: str, settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.bot_api_base_url:
            session.api = TelegramAPIServer.from_base(settings.bot_api_base_url)
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: Clock,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    dp = Dispatcher(storage=storage or MemoryStorage())
    dp.update.outer_middleware(DbSessionMiddleware(session_factory))
    dp.update.outer_middleware(ContextMiddleware(translator, settings, clock))
    # Inner middlewares run around the chosen handler: answer every button press, and turn
    # a refusal from the domain into a clear reply (after undoing the update's changes).
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    for observer in (dp.message, dp.callback_query):
        observer.middleware(DomainErrorMiddleware())
    dp.include_router(build_router())
    return dp
