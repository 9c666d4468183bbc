"""What a handler says back, said after its changes are committed.

A handler records its answer here (a screen, a new message, a file, an alert) instead of
calling the messenger itself. The update's middleware commits the transaction, closes the
database session, and only then sends what was recorded: no lock or transaction is ever held
while Telegram or MAX answers, and a refusal (which rolls the changes back) also drops the
screens that would have shown them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import clip
from services.i18n import Html, Label, escape

logger = logging.getLogger(__name__)

Step = Callable[[], Awaitable[object]]


class TalkInsideTransaction(RuntimeError):
    """Code tried to wait on the messenger while a database transaction was open."""


@dataclass
class Reply:
    """The answer to one update: recorded by the handler, sent by the middleware."""

    event: Message | CallbackQuery
    bot: Bot
    session: AsyncSession | None = None
    steps: list[Step] = field(default_factory=list)
    alert_text: Label | None = None
    show_alert: bool = False
    # Nothing is to be said at all: an update handled before (a redelivered webhook), or one
    # from a group chat.
    duplicate: bool = False
    answered: bool = False

    @property
    def chat_id(self) -> int:
        """The private chat the update came from (on MAX, the person's user id)."""
        if isinstance(self.event, Message):
            return self.event.chat.id
        if self.event.message is not None:
            return self.event.message.chat.id
        return self.event.from_user.id

    @property
    def user_id(self) -> int:
        """Who wrote or pressed (on a private chat, the chat is theirs)."""
        user = self.event.from_user
        return user.id if user is not None else self.chat_id

    def show(self, text: Html, markup: InlineKeyboardMarkup | None = None) -> None:
        """The screen: on a button press it replaces the pressed message; after a typed
        message it comes as a new one."""
        self.steps.append(lambda: self._show(clip(text), markup))

    def send(self, text: Html, markup: InlineKeyboardMarkup | None = None) -> None:
        """A new message below whatever was pressed (which stays readable)."""
        self.steps.append(lambda: self._send(clip(text), markup))

    def document(self, data: bytes, filename: str, caption: Html | None = None) -> None:
        file = BufferedInputFile(data, filename=filename)
        self.steps.append(lambda: self.bot.send_document(self.chat_id, file, caption=caption))

    def photo(self, data: bytes, filename: str, caption: Html | None = None) -> None:
        file = BufferedInputFile(data, filename=filename)
        self.steps.append(lambda: self.bot.send_photo(self.chat_id, file, caption=caption))

    def call(self, method: TelegramMethod[Any]) -> None:
        """Any other request (the chat's command menu), made after the commit."""
        self.steps.append(lambda: self.bot(method))

    def alert(self, text: Label) -> None:
        """A refusal or a warning in a window the person closes (on a button press)."""
        self.alert_text, self.show_alert = text, True

    def toast(self, text: Label) -> None:
        """A short notice that goes away by itself (on a button press)."""
        self.alert_text, self.show_alert = text, False

    def discard(self) -> None:
        """Forget what was recorded: the changes it would have shown were rolled back."""
        self.steps.clear()
        self.alert_text, self.show_alert = None, False

    async def flush(self) -> None:
        """Send what was recorded, in order; then answer a press, exactly once, so its
        spinner stops when the new screen is there."""
        if self.duplicate:
            return
        steps, self.steps = self.steps, []
        try:
            for step in steps:
                await step()
        finally:
            if isinstance(self.event, CallbackQuery) and not self.answered:
                self.answered = True
                await self.bot.answer_callback_query(
                    self.event.id, text=self.alert_text, show_alert=self.show_alert or None
                )
            elif self.alert_text is not None:  # a typed message, or a press answered already
                await self._send(escape(self.alert_text), None)

    # --- now, for long work that shows its progress -------------------------------------

    def _check_no_transaction(self) -> None:
        if self.session is not None and self.session.in_transaction():
            raise TalkInsideTransaction("commit before waiting on the messenger")

    async def send_now(self, text: Html) -> Message:
        """A message sent at once (a progress line), outside any transaction."""
        self._check_no_transaction()
        return await self.bot.send_message(self.chat_id, clip(text))

    async def edit_now(
        self, message: Message, text: Html, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Edit a message (sent with `send_now`, or the pressed one) at once, outside any
        transaction."""
        self._check_no_transaction()
        await _edit(message, clip(text), markup)

    async def answer_now(self) -> None:
        """Answer the press at once (before long work), so its button stops spinning."""
        if isinstance(self.event, CallbackQuery) and not self.answered:
            self.answered = True
            await self.bot.answer_callback_query(self.event.id)

    async def document_now(self, data: bytes, filename: str, caption: Html | None = None) -> None:
        self._check_no_transaction()
        await self.bot.send_document(
            self.chat_id, BufferedInputFile(data, filename=filename), caption=caption
        )

    # --- sending ---------------------------------------------------------------------------

    async def _show(self, text: str, markup: InlineKeyboardMarkup | None) -> None:
        if isinstance(self.event, CallbackQuery) and isinstance(self.event.message, Message):
            try:
                await _edit(self.event.message, text, markup)
            except TelegramBadRequest as exc:
                # The message cannot be edited any more (too old, or gone): show it anew.
                logger.info("could not edit a message (%s); sending a new one", exc.message)
            else:
                return
        await self._send(text, markup)

    async def _send(self, text: str, markup: InlineKeyboardMarkup | None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        # The person pressed a button whose screen is already what it would show.
        if "message is not modified" not in exc.message:
            raise
