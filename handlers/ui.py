"""Showing a screen: edit the message in place on a button press, send a new one otherwise."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from services import text as texts

logger = logging.getLogger(__name__)
TELEGRAM_START_LINK = "https://t.me/{username}?start={payload}"
# Telegram's limits for one message.
TEXT_LIMIT = 4096
BUTTON_TEXT_LIMIT = 64


async def start_link(bot: Bot, payload: str) -> str:
    """A link that opens this bot with `payload`, on the messenger this bot is on (a MAX bot's
    session names MAX's link pattern; aiogram's own helper knows only Telegram's)."""
    me = await bot.me()
    pattern = getattr(bot.session, "start_link_pattern", TELEGRAM_START_LINK)
    return str(pattern).format(username=me.username, payload=payload)


def button(text: str, data: CallbackData | str) -> InlineKeyboardButton:
    text = texts.clip(text, BUTTON_TEXT_LIMIT, html=False)
    payload = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=payload)


def keyboard(*rows: list[InlineKeyboardButton] | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def clip(text: str) -> str:
    """Keep a screen within one message; screens are built to fit, this is the last guard."""
    return texts.clip(text, TEXT_LIMIT, at="\n", mark="\n…")


async def show(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    text = clip(text)
    if isinstance(event, CallbackQuery) and isinstance(event.message, Message):
        try:
            await event.message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            # The message cannot be edited any more (too old, or gone): show it anew below.
            logger.info("could not edit a message (%s); sending a new one", exc.message)
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
    elif event.bot is not None:  # the pressed message is too old to edit: send a new one
        await event.bot.send_message(event.from_user.id, text, reply_markup=markup)


async def typed_text(message: Message) -> bool:
    """Text a person typed as an answer: commands are not answers, they go to their handlers."""
    return bool(message.text) and not message.text.startswith("/")  # type: ignore[union-attr]


def shorten(text: str, limit: int) -> str:
    """Cut free text (a description) at a word boundary so a screen stays readable."""
    return texts.clip(text, limit, html=False)
