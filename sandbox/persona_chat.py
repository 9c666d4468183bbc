"""A persona's chat with the bot, whichever messenger they are on: one small interface the page's
JSON API uses, and an adapter per messenger behind it (`telegram_chat`, `max_chat`).

Both adapters give the same message view (what the page and `tests/sandbox/client.py` read):
`id` (a number that grows within the chat), `from` ("bot"/"user"), `date`, `time`, `day`,
`edited`, `version` (grows with every edit), `text` + `html` (safe HTML, escaped text and a few
tags), a `document` or `photo` with a download `url`, and `keyboard` rows of buttons
(`text` + `callback_data`, or `url`). On MAX a message's id is its `seq`, a button's
`callback_data` its payload, and "/start payload" typed by a persona is a `bot_started` with that
payload (how MAX deep links arrive).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

TELEGRAM = "telegram"
MAX = "max"
MESSENGERS = (TELEGRAM, MAX)
TYPING_SECONDS = 5.0
M = TypeVar("M")


class ChatError(Exception):
    """A request the chat cannot do: the status (400 or 404) and a message saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class PersonaChat(ABC):
    """One persona's private chat with the bot."""

    messenger: str
    persona_id: int

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    @property
    @abstractmethod
    def revision(self) -> int:
        """Grows with every change to the chat."""

    @abstractmethod
    def view(self) -> dict[str, Any]:
        """The whole chat: persona, messenger, revision, commands, keyboard, action, messages."""

    @abstractmethod
    def bot_messages_after(self, after: float) -> list[dict[str, Any]]:
        """Views of the bot's messages with ids above `after`."""

    @abstractmethod
    def send_text(self, text: str) -> dict[str, Any]:
        """The persona writes; returns the view of what they sent."""

    @abstractmethod
    def send_document(
        self, data: bytes, filename: str | None, content_type: str | None, caption: str
    ) -> dict[str, Any]:
        """The persona sends a file; returns the view of the message."""

    @abstractmethod
    async def press(
        self, message_id: Any, label: Any, data: Any, wait_seconds: float
    ) -> dict[str, Any]:
        """Press a button by label (or by raw callback data on a given message); returns
        {"message_id", "answered", "answer"} or {"url"} for a link button."""

    @abstractmethod
    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` until `done()`, waking on any change in this messenger."""

    def stamp(self, date: int) -> dict[str, Any]:
        moment = datetime.fromtimestamp(date, UTC).astimezone(self.zone)
        return {
            "date": date,
            "time": moment.strftime("%H:%M"),
            "day": moment.strftime("%a %d %b %Y"),
        }


def typing_action(action: tuple[str, float] | None) -> str | None:
    if action is not None and time.monotonic() - action[1] < TYPING_SECONDS:
        return action[0]
    return None


def by_label(
    rows_of: list[tuple[M, list[list[dict[str, Any]]]]], label: str
) -> tuple[M, dict[str, Any]] | None:
    """The first (message, button) whose label is `label`, else contains it."""
    for exact in (True, False):
        for message, rows in rows_of:
            for row in rows:
                for button in row:
                    text = str(button.get("text", ""))
                    if text == label if exact else label in text:
                        return message, button
    return None
