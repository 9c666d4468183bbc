"""MAX's updates as aiogram's: a typed message, a pressed button, a started dialog (with its
deep-link payload, as `/start payload`) and a sent file become the updates the handlers
already serve. Anything else (group chats, reactions, edits) is not for this bot.

A dialog is named by the person's user id, as Telegram names a private chat: MAX accepts a
user id wherever the bot writes to a person, and handlers may then use either id.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from maxapi.enums.chat_type import ChatType
from maxapi.types.updates import UpdateUnionAdapter
from maxapi.types.updates.bot_started import BotStarted
from maxapi.types.updates.message_callback import MessageCallback
from maxapi.types.updates.message_created import MessageCreated
from pydantic import ValidationError

from bot.max.session import MaxSession

logger = logging.getLogger(__name__)


def _update_id(*parts: object) -> int:
    """A stable number for an update (MAX has no update ids): a redelivered webhook call
    carries the same message or callback, so it gets the same number and is handled once."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:7], "big")


def _user(user: Any, locale: str | None) -> dict[str, Any]:
    return {
        "id": user.user_id,
        "is_bot": bool(user.is_bot),
        "first_name": user.first_name or "",
        "last_name": user.last_name,
        "username": user.username,
        "language_code": (locale or "").split("-")[0] or None,
    }


def _date(timestamp_ms: int) -> datetime:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC)


def _document(attachments: list[Any] | None) -> dict[str, Any] | None:
    for attachment in attachments or []:
        payload = getattr(attachment, "payload", None)
        if getattr(attachment, "type", None) == "file" and payload is not None:
            return {
                "file_id": payload.url,
                "file_unique_id": str(payload.token or payload.url),
                "file_name": getattr(attachment, "filename", None),
                "file_size": getattr(attachment, "size", None),
            }
    return None


async def to_aiogram(raw: dict[str, Any], bot: Bot, session: MaxSession) -> Update | None:
    """The aiogram update for a MAX update, or None for one this bot does not serve."""
    try:
        event = UpdateUnionAdapter.validate_python(raw)
    except (ValidationError, ValueError):
        logger.info("MAX update of type %r ignored", raw.get("update_type"))
        return None
    data: dict[str, Any] | None = None
    if isinstance(event, MessageCreated):
        message = event.message
        body = message.body
        if message.recipient.chat_type != ChatType.DIALOG or message.sender is None or body is None:
            return None
        chat_id = message.sender.user_id
        payload: dict[str, Any] = {
            "message_id": 0,  # a person's own message is never edited by the bot
            "date": _date(message.timestamp),
            "chat": {"id": chat_id, "type": "private"},
            "from": _user(message.sender, event.user_locale),
        }
        document = _document(body.attachments)
        if document is not None:
            payload["document"] = document
            payload["caption"] = body.text
        else:
            payload["text"] = body.text or ""
        data = {"update_id": _update_id("m", body.mid), "message": payload}
    elif isinstance(event, MessageCallback):
        callback = event.callback
        pressed = event.message
        if pressed is None or pressed.body is None:
            return None
        chat_id = callback.user.user_id
        data = {
            "update_id": _update_id("c", callback.callback_id),
            "callback_query": {
                "id": callback.callback_id,
                "from": _user(callback.user, event.user_locale),
                "chat_instance": str(chat_id),
                "data": callback.payload,
                "message": {
                    "message_id": await session.number(pressed.body.mid),
                    "date": _date(pressed.timestamp),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": bot.id, "is_bot": True, "first_name": "bot"},
                    "text": pressed.body.text or "",
                },
            },
        }
    elif isinstance(event, BotStarted):
        text = f"/start {event.payload}" if event.payload else "/start"
        data = {
            "update_id": _update_id("s", event.chat_id, event.timestamp),
            "message": {
                "message_id": 0,
                "date": _date(event.timestamp),
                "chat": {"id": event.user.user_id, "type": "private"},
                "from": _user(event.user, event.user_locale),
                "text": text,
            },
        }
    if data is None:
        return None
    return Update.model_validate(data, context={"bot": bot})
