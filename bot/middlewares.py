"""Per-update context: a database session, the person, their roles and their language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import update_session
from bot.settings import Settings
from models.enums import Messenger
from services import people, updates
from services.clock import Clock
from services.errors import DomainError
from services.i18n import Text, Translator

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DbSessionMiddleware(BaseMiddleware):
    """One session and one transaction per update: committed if the handler succeeds."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.session_factory() as session:
            data["session"] = session
            token = update_session.current.set(session)
            try:
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            finally:
                update_session.current.reset(token)
            await session.commit()
            return result


class OnceMiddleware(BaseMiddleware):
    """An update delivered twice (a late webhook answer, two webhook processes) acts once.

    The mark is written in the update's own transaction: if handling fails, the mark is
    rolled back with everything else and a redelivery is handled afresh.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update) and data.get("bot") is not None:
            fresh = await updates.first_time(
                data["session"], data["bot"].id, event.update_id, self.clock.now()
            )
            if not fresh:
                logger.info("update %s was already handled", event.update_id)
                return None
        return await handler(event, data)


class ContextMiddleware(BaseMiddleware):
    """Who is writing: the person (created on first contact), their roles and their texts.

    Only private chats are served; updates from groups and channels are ignored.
    """

    def __init__(self, translator: Translator, settings: Settings, clock: Clock) -> None:
        self.translator = translator
        self.settings = settings
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or user.is_bot or (chat is not None and chat.type != "private"):
            return None
        session: AsyncSession = data["session"]
        # A MAX bot's session says so (bot/max/session.py); aiogram's own sessions are Telegram's.
        messenger = getattr(data["bot"].session, "messenger", Messenger.TELEGRAM)
        admins = (
            self.settings.max_admin_ids if messenger == Messenger.MAX else self.settings.admin_ids
        )
        who = await people.identify(
            session,
            messenger,
            user.id,
            chat.id if chat else user.id,
            is_network_admin=user.id in admins,
        )
        language = who.person.language or _guess_language(user, self.settings.default_language)
        data.update(
            person=who.person,
            actor=who.actor,
            tr=self.translator.for_reader(language, who.timezone or self.settings.default_timezone),
            translator=self.translator,
            clock=self.clock,
            settings=self.settings,
            messenger=messenger,
        )
        return await handler(event, data)


def _guess_language(user: User, default: str) -> str:
    code = (user.language_code or "").split("-")[0]
    return code if code in ("ru", "en") else default


class DomainErrorMiddleware(BaseMiddleware):
    """A refused request: undo its changes and say why, in the person's language."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            await data["session"].rollback()
            tr: Text = data["tr"]
            text = tr.render(error.key, error.params)
            if isinstance(event, CallbackQuery):
                answer: CallbackAnswer | None = data.get("callback_answer")
                if answer is not None and not answer.answered:
                    answer.text = text
                    answer.show_alert = True
                else:
                    await event.answer(text, show_alert=True)
            elif isinstance(event, Message):
                await event.answer(text)
            return None
