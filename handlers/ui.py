"""Building screens: buttons, keyboards, limits of one message, and the routers' shared bits."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from services.i18n import Label

TELEGRAM_START_LINK = "https://t.me/{username}?start={payload}"
# Telegram's limits for one message.
TEXT_LIMIT = 4096
BUTTON_TEXT_LIMIT = 64
# A handler flagged so only reads: its transaction takes no write lock (see bot/middlewares).
READ_ONLY: dict[str, Any] = {"read_only": True}


async def start_link(bot: Bot, payload: str) -> str:
    """A link that opens this bot with `payload`, on the messenger this bot is on (a MAX bot's
    session names MAX's link pattern; aiogram's own helper knows only Telegram's)."""
    me = await bot.me()
    pattern = getattr(bot.session, "start_link_pattern", TELEGRAM_START_LINK)
    return str(pattern).format(username=me.username, payload=payload)


def button(text: Label, data: CallbackData | str) -> InlineKeyboardButton:
    """A button: its label is plain text (never HTML), cut to what Telegram shows."""
    if len(text) > BUTTON_TEXT_LIMIT:
        text = Label(text[: BUTTON_TEXT_LIMIT - 1] + "…")
    payload = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=payload)


def keyboard(*rows: list[InlineKeyboardButton] | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def clip(text: str) -> str:
    """Keep a screen within one message; screens are built to fit, this is the last guard."""
    if len(text) <= TEXT_LIMIT:
        return text
    cut = text.rfind("\n", 0, TEXT_LIMIT - 2)
    return text[: cut if cut > 0 else TEXT_LIMIT - 2] + "\n…"


async def typed_text(message: Message) -> bool:
    """Text a person typed as an answer: commands are not answers, they go to their handlers."""
    return bool(message.text) and not message.text.startswith("/")  # type: ignore[union-attr]


def shorten(text: str, limit: int) -> str:
    """Cut free text (a description) at a word boundary so a screen stays readable."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"


def only_buttons_of(*kinds: type[CallbackData]) -> Any:
    """A router's filter for presses: a flow takes only its own buttons, so a press of
    another flow's skips it with one prefix check instead of a failed parse per handler."""
    prefixes = tuple(kind.__prefix__ + kind.__separator__ for kind in kinds)
    return F.data.startswith(prefixes)
