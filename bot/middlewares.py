"""Per-update context: a database session, the person, their roles and their language, and
the reply, sent only once the session is closed.

The order of one update:
1. `UpdateMiddleware` (outer): opens the session; after the handler, commits and closes it;
   then sends what the handler recorded in its `Reply`. Nothing of the database is held
   while the messenger answers.
2. `ContextMiddleware` (inner, so the handler is known): begins the transaction — read-only
   when the handler is flagged `READ_ONLY` — marks a redelivered update (webhooks), and finds
   the person.
3. `DomainErrorMiddleware` (inner): a refusal from the services rolls the changes back and
   replaces the reply with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from handlers.reply import Reply
from models.db import READ_ONLY
from models.enums import Messenger
from services import people, updates
from services.clock import Clock
from services.errors import DomainError
from services.i18n import Text, Translator

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateMiddleware(BaseMiddleware):
    """One session and one transaction per update, committed if the handler succeeds; the
    reply goes out after the session is closed."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        inner = event.message or event.callback_query
        reply = Reply(inner, data["bot"]) if inner is not None else None
        try:
            async with self.session_factory() as session:
                data["session"] = session
                if reply is not None:
                    reply.session = session
                    data["reply"] = reply
                try:
                    result = await handler(event, data)
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
        except BaseException:
            # Whatever failed, a press stops spinning; nothing recorded is shown.
            if reply is not None and isinstance(inner, CallbackQuery) and not reply.duplicate:
                reply.discard()
                reply.session = None
                await reply.flush()
            raise
        if reply is not None:
            reply.session = None
            await reply.flush()
        return result


class ContextMiddleware(BaseMiddleware):
    """Who is writing: the person (created on first contact), their roles and their texts.

    Only private chats are served; updates from groups and channels are ignored. With `once`,
    an update that comes again is ignored: webhooks are redelivered when an answer is late;
    the mark is written in the update's own transaction, so if handling fails it is rolled
    back with everything else and a redelivery is handled afresh.
    """

    def __init__(
        self, translator: Translator, settings: Settings, clock: Clock, *, once: bool = False
    ) -> None:
        self.translator = translator
        self.settings = settings
        self.clock = clock
        self.once = once

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        reply: Reply | None = data.get("reply")
        if user is None or user.is_bot or (chat is not None and chat.type != "private"):
            if reply is not None:
                reply.duplicate = True  # nothing to say to a group or a bot
            return None
        session: AsyncSession = data["session"]
        # A redelivery check writes, so it needs a write transaction; so does a handler that
        # is not flagged as only reading.
        read_only = bool(get_flag(data, "read_only")) and not self.once
        if not session.in_transaction():
            await session.connection(execution_options=READ_ONLY if read_only else None)
        update: Update | None = data.get("event_update")
        if self.once and update is not None:
            fresh = await updates.first_time(
                session, data["bot"].id, update.update_id, self.clock.now()
            )
            if not fresh:
                logger.info("update %s was already handled", update.update_id)
                if reply is not None:
                    reply.duplicate = True
                return None
        # A MAX bot's session says so (bot/max/session.py); aiogram's own sessions are Telegram's.
        messenger = getattr(data["bot"].session, "messenger", Messenger.TELEGRAM)
        admins = (
            self.settings.max_admin_ids if messenger == Messenger.MAX else self.settings.admin_ids
        )
        chat_id = chat.id if chat else user.id
        who = None
        if read_only:
            who = await people.known_identity(
                session, messenger, user.id, chat_id, is_network_admin=user.id in admins
            )
            if who is None:  # something about them must be written first after all
                await session.commit()
                await session.connection()
        if who is None:
            who = await people.identify(
                session, messenger, user.id, chat_id, is_network_admin=user.id in admins
            )
        language = who.person.language or _guess_language(user, self.settings.default_language)
        data.update(
            person=who.person,
            actor=who.actor,
            tr=self.translator.for_reader(
                language, who.timezone or self.settings.default_timezone, who.person.id
            ),
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
            reply: Reply = data["reply"]
            reply.discard()
            if isinstance(event, CallbackQuery):
                reply.alert(tr.render_label(error.key, error.params))
            elif isinstance(event, Message):
                reply.send(tr.render(error.key, error.params))
            return None
