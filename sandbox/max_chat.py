"""A persona's dialog on the fake MAX, as the page's JSON API shows it (see `persona_chat`): MAX's
markup becomes the entities the page knows, a button's payload its callback data, and
"/start payload" typed by a persona a `bot_started` with that payload."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.files import image_size
from sandbox.formatting import detect, to_html
from sandbox.max_records import CallbackRecord, Dialog, MaxFile, MaxMessage
from sandbox.max_state import MaxMessenger
from sandbox.persona_chat import MAX, ChatError, PersonaChat, by_label, typing_action

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
            "action": typing_action(self.dialog.action),
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
            found = by_label([(m, m.buttons) for m in candidates], str(label))
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
