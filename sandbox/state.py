"""What the fake Telegram remembers: users, their private chats with the bot, the update queue,
callback queries waiting for an answer, and files.

Everything lives in memory for one sandbox run. Waiting (long polling by the bot, live updates
for the page) uses one "something changed" signal that every waiter re-checks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError
from sandbox.files import FileStore, StoredFile
from sandbox.formatting import parse
from sandbox.waiting import Changes
from services.clock import Clock

# Update types Telegram sends when allowed_updates is empty (it leaves these three out).
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)


@dataclass
class User:
    """A Telegram user: a persona in the sandbox."""

    id: int
    first_name: str
    last_name: str = ""
    language_code: str = "ru"

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        data["language_code"] = self.language_code
        return data


@dataclass
class Message:
    message_id: int
    chat_id: int
    outgoing: bool  # sent by the bot
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    document: StoredFile | None = None
    photo: tuple[StoredFile, int, int] | None = None  # the file, width, height
    reply_markup: dict[str, Any] | None = None
    edit_date: int | None = None
    version: int = 0  # grows with every edit, so the page knows what to redraw


@dataclass
class Chat:
    user: User
    messages: dict[int, Message] = field(default_factory=dict)
    commands: list[dict[str, Any]] | None = None
    keyboard: dict[str, Any] | None = None  # a reply keyboard shown under the input box
    action: tuple[str, float] | None = None  # sendChatAction: what and when (monotonic)
    revision: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self) -> int:
        return next(self._ids)

    def json(self) -> dict[str, Any]:
        data = {"id": self.user.id, "type": "private", "first_name": self.user.first_name}
        if self.user.last_name:
            data["last_name"] = self.user.last_name
        return data


@dataclass
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None


class Telegram:
    """The server side of Telegram for one bot."""

    def __init__(self, bot: dict[str, Any], clock: Clock) -> None:
        self.bot = bot  # the bot's User object, as getMe returns it
        self.clock = clock
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.callbacks: dict[str, CallbackQuery] = {}
        self.default_commands: list[dict[str, Any]] = []
        self.allowed_updates: set[str] = set()
        self.updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._poller = 0
        self.changes = Changes()

    # --- waiting -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.changes.closed

    def changed(self) -> None:
        """Wake every waiter; each checks whether what it waits for has happened."""
        self.changes.changed()

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` until `done()`; returns whether it is."""
        return await self.changes.wait_until(done, seconds)

    def close(self) -> None:
        self.changes.close()

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    # --- users and chats ------------------------------------------------------------------

    def add_user(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user)
        else:
            chat.user = user
        return chat

    def chat(self, chat_id: int) -> Chat | None:
        return self.chats.get(chat_id)

    def touch(self, chat: Chat) -> None:
        chat.revision += 1
        self.changed()

    # --- what users do -------------------------------------------------------------------

    def user_message(
        self, chat: Chat, text: str | None = None, document: StoredFile | None = None
    ) -> Message:
        """A message a person sends; it becomes an update for the bot."""
        message = Message(chat.next_id(), chat.user.id, outgoing=False, date=self.now())
        if document is not None:
            message.document = document
            message.caption = text or None
            if message.caption:
                message.caption, message.caption_entities = parse(message.caption, None)
        else:
            message.text, message.entities = parse(text or "", None)
        chat.messages[message.message_id] = message
        self.touch(chat)
        self._enqueue({"message": self.message_json(message)})
        return message

    def press(self, chat: Chat, message: Message, data: str) -> CallbackQuery:
        """A button press; the bot answers it with answerCallbackQuery."""
        query = CallbackQuery(str(next(self._callback_ids)), chat.user.id, message.message_id, data)
        self.callbacks[query.id] = query
        self._enqueue(
            {
                "callback_query": {
                    "id": query.id,
                    "from": chat.user.json(),
                    "message": self.message_json(message),
                    "chat_instance": str(chat.user.id),
                    "data": data,
                }
            }
        )
        return query

    # --- what the bot does ---------------------------------------------------------------

    def bot_message(self, chat: Chat, **content: Any) -> Message:
        message = Message(chat.next_id(), chat.user.id, outgoing=True, date=self.now(), **content)
        chat.messages[message.message_id] = message
        self.touch(chat)
        return message

    def edited(self, chat: Chat, message: Message) -> None:
        message.edit_date = self.now()
        message.version += 1
        self.touch(chat)

    def delete(self, chat: Chat, message_id: int) -> None:
        del chat.messages[message_id]
        self.touch(chat)

    # --- updates -------------------------------------------------------------------------

    def _enqueue(self, payload: dict[str, Any]) -> None:
        kind = next(iter(payload))
        allowed = self.allowed_updates
        if (allowed and kind not in allowed) or (not allowed and kind in _OPT_IN_UPDATES):
            return
        self.updates.append({"update_id": next(self._update_ids), **payload})
        self.changed()

    async def get_updates(
        self, offset: int, limit: int, poll_seconds: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """Telegram's semantics: updates below a positive offset are confirmed and forgotten;
        a negative offset keeps only the last -offset updates; long polling waits up to
        `poll_seconds` (getUpdates' timeout) for the first update; a newer call ends an older
        waiting one (409)."""
        if allowed is not None:
            self.allowed_updates = set(allowed)
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        self._poller += 1
        mine = self._poller
        self.changed()  # an older long poll still waiting ends with 409
        await self.wait_until(lambda: bool(self.updates) or self._poller != mine, poll_seconds)
        if self._poller != mine:
            raise CONFLICT
        return self.updates[:limit]

    # --- Telegram objects ----------------------------------------------------------------

    def message_json(self, message: Message) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot if message.outgoing else chat.user.json(),
            "chat": chat.json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.document is not None:
            data["document"] = message.document.document()
        if message.photo is not None:
            stored, width, height = message.photo
            data["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": stored.size,
                    "width": width,
                    "height": height,
                }
            ]
        if message.caption is not None:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = message.caption_entities
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data
