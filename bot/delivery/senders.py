"""How a rendered notification reaches one chat of one messenger.

The delivery loop knows nothing of Telegram: each messenger gets a sender that turns its
library's errors into the three outcomes the loop cares about. Both messengers are aiogram
Bots (MAX's speaks MAX through its session and raises aiogram's errors), so one sender class
serves both, with each messenger's own text limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


@dataclass
class SendFailed(Exception):
    """`unreachable`: the person blocked us; `permanent`: retrying cannot help;
    `retry_after`: the messenger asked us to wait this many seconds."""

    reason: str
    unreachable: bool = False
    permanent: bool = False
    retry_after: float | None = None

    def __str__(self) -> str:
        return self.reason


# Rows of (label, callback data): what a messenger turns into its own inline keyboard.
Buttons = list[list[tuple[str, str]]]


class Sender(Protocol):
    text_limit: int

    async def send_text(self, chat_id: int, text: str, buttons: Buttons | None = None) -> None: ...


class BotSender:
    def __init__(self, bot: Bot, text_limit: int = 4096) -> None:
        self.bot = bot
        self.text_limit = text_limit

    async def send_text(self, chat_id: int, text: str, buttons: Buttons | None = None) -> None:
        markup = None
        if buttons:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
                    for row in buttons
                ]
            )
        try:
            await self.bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as exc:
            raise SendFailed("retry after", retry_after=exc.retry_after) from exc
        except TelegramForbiddenError as exc:
            raise SendFailed(exc.message, unreachable=True) from exc
        except (TelegramBadRequest, TelegramNotFound, TelegramUnauthorizedError) as exc:
            raise SendFailed(exc.message, permanent=True) from exc
        except Exception as exc:  # network errors, timeouts, 5xx: try again later
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
