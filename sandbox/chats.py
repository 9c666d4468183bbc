"""A persona's chat with the bot, whichever messenger they are on: one small interface the page's
JSON API uses, and an adapter per messenger behind it.

Both adapters give the same message view (what the page and `tests/sandbox/client.py` read):
`id` (a number that grows within the chat), `from` ("bot"/"user"), `date`, `time`, `day`,
`edited`, `version` (grows with every edit), `text` + `html` (safe HTML, escaped text and a few
tags), a `document` or `photo` with a download `url`, and `keyboard` rows of buttons
(`text` + `callback_data`, or `url`). On MAX a message's id is its `seq`, a button's
`callback_data` its payload, and "/start payload" typed by a persona is a `bot_started` with that
payload (how MAX deep links arrive).
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sandbox.files import image_size
from sandbox.formatting import detect, to_html
from sandbox.max_state import CallbackRecord, Dialog, MaxFile, MaxMessage, MaxMessenger
from sandbox.state import Chat, Message, Telegram, User

TELEGRAM = "telegram"
MAX = "max"
MESSENGERS = (TELEGRAM, MAX)
TYPING_SECONDS = 5.0
# After a MAX button press changed the chat, how long to wait for a notification too (MAX's
# bot answers a press only when it has something to say, so "answered" cannot be waited for).
MAX_ANSWER_GRACE = 0.3
_START = re.compile(r"^/start(?:\s+(?P<payload>\S.*))?$", re.DOTALL)
# MAX markup types as the entity types `to_html` knows.
_MARKUP = {
    "strong": "bold",
    "emphasized": "italic",
    "strikethrough": "strikethrough",
    "underline": "underline",
    "monospaced": "code",
    "link": "text_link",
}
_INTENTS = {"positive": "success", "negative": "danger"}
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


def _typing(action: tuple[str, float] | None) -> str | None:
    if action is not None and time.monotonic() - action[1] < TYPING_SECONDS:
        return action[0]
    return None


# --- Telegram ------------------------------------------------------------------------------


class TelegramChat(PersonaChat):
    messenger = TELEGRAM

    def __init__(self, telegram: Telegram, chat: Chat, zone: ZoneInfo) -> None:
        super().__init__(zone)
        self.telegram = telegram
        self.chat = chat
        self.persona_id = chat.user.id

    @property
    def revision(self) -> int:
        return self.chat.revision

    def view(self) -> dict[str, Any]:
        chat = self.chat
        return {
            "persona": {"id": chat.user.id, "first_name": chat.user.first_name},
            "messenger": self.messenger,
            "revision": chat.revision,
            "commands": chat.commands
            if chat.commands is not None
            else self.telegram.default_commands,
            "keyboard": _reply_keyboard(chat.keyboard),
            "action": _typing(chat.action),
            "messages": [self.message_view(m) for m in chat.messages.values()],
        }

    def bot_messages_after(self, after: float) -> list[dict[str, Any]]:
        return [
            self.message_view(m)
            for m in self.chat.messages.values()
            if m.outgoing and m.message_id > after
        ]

    def message_view(self, message: Message) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": message.message_id,
            "from": "bot" if message.outgoing else "user",
            **self.stamp(message.date),
            "edited": message.edit_date is not None,
            "version": message.version,
        }
        if message.text is not None:
            view.update(
                text=message.text,
                entities=message.entities,
                html=to_html(message.text, message.entities),
            )
        if message.caption:
            view.update(
                caption=message.caption,
                caption_html=to_html(message.caption, message.caption_entities),
            )
        if message.document is not None:
            view["document"] = {
                **message.document.document(),
                "url": f"/api/files/{message.document.file_id}",
            }
        if message.photo is not None:
            stored, width, height = message.photo
            view["photo"] = {
                "file_id": stored.file_id,
                "width": width,
                "height": height,
                "url": f"/api/files/{stored.file_id}?inline=1",
            }
        rows = (message.reply_markup or {}).get("inline_keyboard") or []
        if rows:
            view["keyboard"] = [[_telegram_button(b) for b in row] for row in rows]
        return view

    def send_text(self, text: str) -> dict[str, Any]:
        return self.message_view(self.telegram.user_message(self.chat, text))

    def send_document(
        self, data: bytes, filename: str | None, content_type: str | None, caption: str
    ) -> dict[str, Any]:
        stored = self.telegram.files.add(data, filename or "document", content_type or "")
        return self.message_view(self.telegram.user_message(self.chat, caption, document=stored))

    async def press(
        self, message_id: Any, label: Any, data: Any, wait_seconds: float
    ) -> dict[str, Any]:
        message, button = self._find_button(message_id, label)
        if button is not None:
            if "url" in button:
                return {"url": button["url"]}
            if "callback_data" not in button:
                raise ChatError(400, "the sandbox presses callback and URL buttons only")
            data = button["callback_data"]
        query = self.telegram.press(self.chat, message, str(data))
        answered = await self.wait_until(lambda: query.answer is not None, wait_seconds)
        return {
            "callback_query_id": query.id,
            "message_id": message.message_id,
            "answered": answered,
            "answer": query.answer,
        }

    def _find_button(self, message_id: Any, label: Any) -> tuple[Message, dict[str, Any] | None]:
        """The message (given, or the newest with that label) and the button with that label."""
        messages = self.chat.messages
        if message_id is not None:
            message = messages.get(int(message_id)) if str(message_id).isdigit() else None
            if message is None or not message.outgoing:
                raise ChatError(404, f"no bot message {message_id} in this chat")
            candidates = [message]
        else:
            candidates = [m for m in reversed(messages.values()) if m.outgoing]
        if label is None:
            if not candidates:
                raise ChatError(404, "no bot message in this chat")
            return candidates[0], None
        rows_of = [(m, (m.reply_markup or {}).get("inline_keyboard") or []) for m in candidates]
        found = _by_label(rows_of, str(label))
        if found is None:
            raise ChatError(404, f"no button labelled {label!r}")
        return found

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        return await self.telegram.wait_until(done, seconds)


def _by_label(
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


def _telegram_button(button: dict[str, Any]) -> dict[str, Any]:
    view = {"text": button.get("text", "")}
    for key in ("callback_data", "url", "style"):
        if key in button:
            view[key] = button[key]
    return view


def _reply_keyboard(markup: dict[str, Any] | None) -> list[list[str]] | None:
    if not markup:
        return None
    return [
        [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
        for row in markup["keyboard"]
    ]


# --- MAX -----------------------------------------------------------------------------------


class MaxChat(PersonaChat):
    messenger = MAX

    def __init__(self, state: MaxMessenger, dialog: Dialog, zone: ZoneInfo) -> None:
        super().__init__(zone)
        self.state = state
        self.dialog = dialog
        self.persona_id = dialog.user.user_id

    @property
    def revision(self) -> int:
        return self.dialog.revision

    def _messages(self) -> list[MaxMessage]:
        return [m for m in self.dialog.messages if not m.deleted]

    def view(self) -> dict[str, Any]:
        commands = self.state.bot.get("commands") or []
        return {
            "persona": {"id": self.persona_id, "first_name": self.dialog.user.first_name},
            "messenger": self.messenger,
            "revision": self.dialog.revision,
            "commands": [
                {"command": c["name"], "description": c.get("description") or ""} for c in commands
            ],
            "keyboard": None,  # MAX has no reply keyboards
            "action": _typing(self.dialog.action),
            "messages": [self.message_view(m) for m in self._messages()],
        }

    def bot_messages_after(self, after: float) -> list[dict[str, Any]]:
        return [self.message_view(m) for m in self._messages() if m.outgoing and m.seq > after]

    def message_view(self, message: MaxMessage) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": message.seq,
            "mid": message.mid,
            "from": "bot" if message.outgoing else "user",
            **self.stamp(message.timestamp // 1000),
            "edited": bool(message.edits),
            "version": len(message.edits),
        }
        if message.text is not None:
            entities = [_entity(m) for m in message.markup]
            entities += detect(message.text, entities)
            view.update(
                text=message.text,
                format=message.format,
                html=to_html(message.text, entities),
            )
        for stored in message.files:
            if stored.kind == "image":
                width, height = image_size(stored.data) or (0, 0)
                view["photo"] = {
                    "file_id": stored.token,
                    "width": width,
                    "height": height,
                    "url": f"/api/files/{stored.token}?inline=1",
                }
            else:
                view["document"] = _document(stored)
        if message.buttons:
            view["keyboard"] = [[_max_button(b) for b in row] for row in message.buttons]
        return view

    def send_text(self, text: str) -> dict[str, Any]:
        start = _START.match(text.strip())
        if start is None:
            return self.message_view(self.state.send_text(self.persona_id, text))
        # Opening the bot (by a deep link with its payload): no message in the dialog.
        self.state.start(self.persona_id, start["payload"])
        last = max((m.seq for m in self.dialog.messages), default=0)
        return {
            "id": last,
            "from": "user",
            **self.stamp(self.state.now_ms() // 1000),
            "edited": False,
            "version": 0,
            "text": text,
            "started": True,
        }

    def send_document(
        self, data: bytes, filename: str | None, content_type: str | None, caption: str
    ) -> dict[str, Any]:
        message = self.state.send_file(
            self.persona_id,
            data,
            filename or "document",
            content_type=content_type,
            text=caption or None,
        )
        return self.message_view(message)

    async def press(
        self, message_id: Any, label: Any, data: Any, wait_seconds: float
    ) -> dict[str, Any]:
        candidates = [m for m in reversed(self._messages()) if m.outgoing]
        if message_id is not None:
            candidates = [m for m in candidates if str(m.seq) == str(message_id)]
            if not candidates:
                raise ChatError(404, f"no bot message {message_id} in this chat")
        if label is not None:
            found = _by_label([(m, m.buttons) for m in candidates], str(label))
            if found is None:
                raise ChatError(404, f"no button labelled {label!r}")
            message, button = found
            if button.get("type") == "link":
                return {"url": button["url"]}
            if button.get("type") != "callback":
                raise ChatError(400, "the sandbox presses callback and link buttons only")
            data = button["payload"]
        else:
            message = candidates[0]
        before = self.dialog.revision
        try:
            record = self.state.press(self.persona_id, message.mid, str(data))
        except LookupError:
            # A MAX client presses only the buttons a message shows: no forged payloads.
            raise ChatError(
                404, f"message {message.seq} shows no button with callback_data {data!r}"
            ) from None
        answered = await self.wait_until(
            lambda: bool(record.answers) or self.dialog.revision > before, wait_seconds
        )
        if answered and not record.answers:
            await self.wait_until(lambda: bool(record.answers), MAX_ANSWER_GRACE)
        return {
            "callback_id": record.callback_id,
            "message_id": message.seq,
            "answered": answered,
            "answer": _answer(record),
        }

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        return await self.state.wait_until(done, seconds)


def _entity(markup: dict[str, Any]) -> dict[str, Any]:
    kind = str(markup.get("type", ""))
    entity: dict[str, Any] = {
        "type": _MARKUP.get(kind, kind),
        "offset": markup.get("from", 0),
        "length": markup.get("length", 0),
    }
    if kind == "link":
        entity["url"] = markup.get("url", "")
    return entity


def _document(stored: MaxFile) -> dict[str, Any]:
    return {
        "file_id": stored.token,
        "file_name": stored.filename,
        "mime_type": stored.content_type,
        "file_size": stored.size,
        "url": f"/api/files/{stored.token}",
    }


def _max_button(button: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {"text": button.get("text", "")}
    kind = button.get("type")
    if kind == "callback":
        view["callback_data"] = button.get("payload", "")
    elif kind == "link":
        view["url"] = button.get("url", "")
    else:
        view["type"] = kind
    style = _INTENTS.get(str(button.get("intent")))
    if style:
        view["style"] = style
    return view


def _answer(record: CallbackRecord) -> dict[str, Any] | None:
    """MAX's answer as the page reads Telegram's: the last notification as a toast."""
    notes = [a["notification"] for a in record.answers if a.get("notification")]
    if not record.answers:
        return None
    return {"text": notes[-1] if notes else None, "show_alert": False}


# --- both ----------------------------------------------------------------------------------


class Chats:
    """Every persona's chat, on either messenger, by persona id (their messenger user id)."""

    def __init__(self, telegram: Telegram, max_state: MaxMessenger, zone: ZoneInfo) -> None:
        self.telegram = telegram
        self.max = max_state
        self.zone = zone

    def get(self, persona_id: int) -> PersonaChat | None:
        chat = self.telegram.chat(persona_id)
        if chat is not None:
            return TelegramChat(self.telegram, chat, self.zone)
        if persona_id in self.max.users:
            return MaxChat(self.max, self.max.dialog_of(persona_id), self.zone)
        return None

    def ids(self) -> set[int]:
        return set(self.telegram.chats) | set(self.max.users)

    def add(
        self,
        persona_id: int,
        messenger: str,
        first_name: str,
        last_name: str = "",
        language: str = "ru",
        *,
        started: bool = False,
    ) -> PersonaChat:
        """A user on that messenger (kept if there); on MAX `started`: they opened the bot."""
        if messenger == MAX:
            dialog = self.max.add_user(
                persona_id, first_name, last_name=last_name or None, locale=language
            )
            dialog.started = dialog.started or started
            return MaxChat(self.max, dialog, self.zone)
        chat = self.telegram.add_user(User(persona_id, first_name, last_name, language))
        return TelegramChat(self.telegram, chat, self.zone)

    def file(self, file_id: str) -> tuple[bytes, str, str] | None:
        """A file either messenger holds: data, name, content type."""
        stored = self.telegram.files.get(file_id)
        if stored is not None:
            return stored.data, stored.filename, stored.mime_type
        on_max = self.max.files.get(file_id)
        if on_max is not None:
            return on_max.data, on_max.filename, on_max.content_type
        return None

    def changed(self) -> None:
        """Wake every waiter on both messengers (the clock moved)."""
        self.telegram.changed()
        self.max.changed()
