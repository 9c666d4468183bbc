"""A fake Telegram for handler tests: a Bot API session that keeps chats in memory.

It answers like Telegram does, including its refusals (text too long, callback data over
64 bytes, broken HTML, editing a missing message, "message is not modified", answering a
callback twice, a chat that blocked the bot), so a test fails where Telegram would.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from sandbox.entity_builder import EntityError, u16len
from sandbox.parse_html import html_error, parse_html

BOT_ID = 4242
BOT_USERNAME = "network_test_bot"


def shown_length(text: str) -> int:
    """Length of HTML text as shown, in UTF-16 code units like Telegram."""
    try:
        plain, _ = parse_html(text)
    except EntityError:
        return u16len(text)
    return u16len(plain)


@dataclass
class ChatMessage:
    message_id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None
    edits: int = 0
    document: tuple[str, bytes] | None = None  # file name and content
    photo: tuple[str, bytes] | None = None  # file name and content

    def buttons(self) -> list[tuple[str, str]]:
        if self.markup is None:
            return []
        return [(b.text, b.callback_data or "") for row in self.markup.inline_keyboard for b in row]


@dataclass
class FakeTelegram(BaseSession):
    """Recording session: `calls` keeps every method in order; `chats` what each chat shows."""

    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    chats: dict[int, dict[int, ChatMessage]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    commands: dict[int, list[str]] = field(default_factory=dict)
    known_chats: set[int] = field(default_factory=set)
    # Failures to answer the next sendMessage calls to a chat with: (status, description, retry).
    failures: dict[int, list[tuple[int, str, int | None]]] = field(default_factory=dict)
    # Files people sent, by file id: getFile and the download serve them back.
    files: dict[str, bytes] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _retry_after: int | None = None

    def __post_init__(self) -> None:
        super().__init__()

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        data = self.files.get(url.rsplit("/", 1)[-1], b"")
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    # --- what the bot may do -----------------------------------------------------------------

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        self.calls.append(method)
        status, result = self._handle(bot, method)
        body: dict[str, Any] = {"ok": True, "result": result}
        if status != 200:
            body = {"ok": False, "error_code": status, "description": result}
            if isinstance(method, SendMessage) and self._retry_after is not None:
                body["parameters"] = {"retry_after": self._retry_after}
        return self.check_response(bot, method, status, json.dumps(body)).result

    def _handle(self, bot: Bot, method: TelegramMethod[Any]) -> tuple[int, Any]:
        if isinstance(method, GetMe):
            return 200, {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Network",
                "username": BOT_USERNAME,
            }
        if isinstance(method, GetFile):
            if method.file_id not in self.files:
                return 400, "Bad Request: invalid file_id"
            return 200, {
                "file_id": method.file_id,
                "file_unique_id": f"u-{method.file_id}",
                "file_size": len(self.files[method.file_id]),
                "file_path": f"documents/{method.file_id}",
            }
        if isinstance(method, DeleteWebhook):
            return 200, True
        if isinstance(method, SetMyCommands):
            scope = method.scope
            chat_id = getattr(scope, "chat_id", 0)
            self.commands[int(chat_id)] = [c.command for c in method.commands]
            return 200, True
        if isinstance(method, AnswerCallbackQuery):
            if self.answered.get(method.callback_query_id):
                return 400, "Bad Request: query is too old and response timeout expired"
            if method.text and len(method.text) > 200:
                return 400, "Bad Request: MESSAGE_TOO_LONG"
            self.answered[method.callback_query_id] = 1
            return 200, True
        if isinstance(method, SendMessage):
            chat_id = int(method.chat_id)
            self._retry_after = None
            if self.failures.get(chat_id):
                status, description, self._retry_after = self.failures[chat_id].pop(0)
                return status, description
            if chat_id in self.blocked:
                return 403, "Forbidden: bot was blocked by the user"
            if chat_id not in self.known_chats:
                return 400, "Bad Request: chat not found"
            error = self._check_text(bot, method.text, method.parse_mode, method.reply_markup)
            if error:
                return 400, error
            message = ChatMessage(
                next(self._ids),
                chat_id,
                method.text,
                method.reply_markup
                if isinstance(method.reply_markup, InlineKeyboardMarkup)
                else None,
            )
            self.chats.setdefault(chat_id, {})[message.message_id] = message
            return 200, self.message_json(message)
        if isinstance(method, SendDocument):
            chat_id = int(method.chat_id)
            if chat_id not in self.known_chats:
                return 400, "Bad Request: chat not found"
            document = method.document
            if not isinstance(document, BufferedInputFile):
                return 400, "Bad Request: the fake accepts uploaded files only"
            caption = method.caption or ""
            if len(caption) > 1024:
                return 400, "Bad Request: message caption is too long"
            message = ChatMessage(
                next(self._ids),
                chat_id,
                caption,
                None,
                document=(document.filename or "file", document.data),
            )
            self.chats.setdefault(chat_id, {})[message.message_id] = message
            data = self.message_json(message)
            data["document"] = {
                "file_id": f"doc{message.message_id}",
                "file_unique_id": f"u{message.message_id}",
                "file_name": document.filename,
            }
            data.pop("text")
            data["caption"] = caption
            return 200, data
        if isinstance(method, SendPhoto):
            chat_id = int(method.chat_id)
            if chat_id not in self.known_chats:
                return 400, "Bad Request: chat not found"
            photo = method.photo
            if not isinstance(photo, BufferedInputFile):
                return 400, "Bad Request: the fake accepts uploaded files only"
            caption = method.caption or ""
            if len(caption) > 1024:
                return 400, "Bad Request: message caption is too long"
            message = ChatMessage(
                next(self._ids), chat_id, caption, None, photo=(photo.filename or "", photo.data)
            )
            self.chats.setdefault(chat_id, {})[message.message_id] = message
            data = self.message_json(message)
            data.pop("text")
            data["caption"] = caption
            data["photo"] = [
                {
                    "file_id": f"photo{message.message_id}",
                    "file_unique_id": f"p{message.message_id}",
                    "width": 960,
                    "height": 540,
                }
            ]
            return 200, data
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            chat_id = int(method.chat_id or 0)
            message = self.chats.get(chat_id, {}).get(method.message_id or 0)
            if message is None:
                return 400, "Bad Request: message to edit not found"
            text = method.text if isinstance(method, EditMessageText) else message.text
            error = self._check_text(
                bot, text, getattr(method, "parse_mode", None), method.reply_markup
            )
            if error:
                return 400, error
            if text == message.text and method.reply_markup == message.markup:
                return 400, (
                    "Bad Request: message is not modified: specified new message "
                    "content and reply markup are exactly the same"
                )
            message.text = text
            message.markup = method.reply_markup
            message.edits += 1
            return 200, self.message_json(message)
        return 400, f"Bad Request: method {type(method).__name__} is not faked"

    def _check_text(self, bot: Bot, text: str, parse_mode: Any, markup: Any) -> str | None:
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        if not text or not text.strip():
            return "Bad Request: message text is empty"
        shown = shown_length(text) if parse_mode == "HTML" else len(text.encode("utf-16-le")) // 2
        if shown > 4096:
            return "Bad Request: message is too long"
        if parse_mode == "HTML" and (error := html_error(text)):
            return f"Bad Request: can't parse entities: {error}"
        if isinstance(markup, InlineKeyboardMarkup):
            buttons = [b for row in markup.inline_keyboard for b in row]
            if len(buttons) > 100:
                return "Bad Request: reply markup is too long"
            for b in buttons:
                if b.callback_data is not None and not 1 <= len(b.callback_data.encode()) <= 64:
                    return "Bad Request: BUTTON_DATA_INVALID"
                if not b.text:
                    return "Bad Request: text buttons are unallowed in the inline keyboard"
        return None

    @staticmethod
    def message_json(message: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": 1_700_000_000,
            "chat": {"id": message.chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Network"},
            "text": message.text,
        }
        if message.markup is not None:
            data["reply_markup"] = message.markup.model_dump(exclude_none=True)
        return data

    # --- what tests look at ------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[ChatMessage]:
        return list(self.chats.get(chat_id, {}).values())

    def fail_next(
        self, chat_id: int, status: int, description: str, retry_after: int | None = None
    ) -> None:
        self.failures.setdefault(chat_id, []).append((status, description, retry_after))

    def last(self, chat_id: int) -> ChatMessage:
        return self.messages(chat_id)[-1]
