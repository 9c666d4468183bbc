"""A persona's chat on the fake Telegram, as the page's JSON API shows it (see `persona_chat`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.formatting import to_html
from sandbox.persona_chat import TELEGRAM, ChatError, PersonaChat, by_label, typing_action
from sandbox.state import Chat, Message, Telegram


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
            "action": typing_action(chat.action),
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
        found = by_label(rows_of, str(label))
        if found is None:
            raise ChatError(404, f"no button labelled {label!r}")
        return found

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        return await self.telegram.wait_until(done, seconds)


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
