"""What the fake MAX keeps: its users, dialogs, messages (and their earlier versions), uploaded
files, button presses, webhook subscriptions and the requests the bot made. Plain records; the
rules that change them are in `max_server` (the bot's side) and `max_state` (the users' side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class MaxUser:
    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    locale: str = "ru"

    def json(self, now_ms: int) -> dict[str, Any]:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return {
            "user_id": self.user_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "is_bot": False,
            "last_activity_time": now_ms,
            "name": name,
        }


@dataclass
class MaxFile:
    token: str
    kind: str  # image, video, audio, file
    filename: str
    content_type: str
    data: bytes
    number: int
    uploaded_at: float  # time.monotonic()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Version:
    """A message as it was before an edit."""

    text: str | None
    raw_text: str | None
    format: str | None
    markup: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    timestamp: int


@dataclass
class MaxMessage:
    mid: str
    seq: int
    chat_id: int
    outgoing: bool  # sent by the bot
    timestamp: int  # milliseconds
    text: str | None = None  # as the user sees it (formatting applied)
    raw_text: str | None = None  # as the bot sent it
    format: str | None = None
    markup: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)  # request shapes, resolved
    files: list[MaxFile] = field(default_factory=list)
    link: dict[str, Any] | None = None
    notify: bool = True
    edits: list[Version] = field(default_factory=list)
    deleted: bool = False

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        for attachment in self.attachments:
            if attachment["type"] == "inline_keyboard":
                rows: list[list[dict[str, Any]]] = attachment["payload"]["buttons"]
                return rows
        return []

    def button(self, text: str) -> dict[str, Any] | None:
        """The callback button with this label (exactly, else as a substring)."""
        flat = [b for row in self.buttons for b in row if b.get("type") == "callback"]
        exact = [b for b in flat if b["text"] == text]
        found = exact or [b for b in flat if text in b["text"]]
        return found[0] if found else None

    def snapshot(self) -> Version:
        return Version(
            self.text, self.raw_text, self.format, self.markup, self.attachments, self.timestamp
        )


@dataclass
class Dialog:
    chat_id: int
    user: MaxUser
    messages: list[MaxMessage] = field(default_factory=list)
    started: bool = False
    blocked: bool = False
    action: tuple[str, float] | None = None  # the last sender action and when (monotonic)
    revision: int = 0


@dataclass
class CallbackRecord:
    callback_id: str
    chat_id: int
    mid: str
    payload: str
    user_id: int
    timestamp: int
    answers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    body: Any  # parsed JSON, "<upload>" for a file upload, None without a body
    at: float  # time.monotonic() when it arrived
    status: int = 0
    code: str | None = None  # the error code of a refusal


@dataclass
class Subscription:
    url: str
    time: int
    update_types: list[str] | None
    secret: str | None

    def json(self) -> dict[str, Any]:
        return {"url": self.url, "time": self.time, "update_types": self.update_types}
