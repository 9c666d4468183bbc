"""The fake MAX's memory and the bot's side of it: what `MaxApi` calls once a request's body was
checked (send, edit and delete messages, resolve uploaded attachments, find the dialog to write
to), with MAX's refusals, its request rate and the record of every request.

The users' side (users write, start the bot, press buttons, send files) is `max_state`, on top
of this class; both change the memory through the records of `max_records`."""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sandbox import max_json
from sandbox.files import image_size
from sandbox.max_format import format_text
from sandbox.max_records import (
    CallbackRecord,
    Dialog,
    MaxFile,
    MaxMessage,
    MaxUser,
    RecordedRequest,
    Subscription,
)
from sandbox.max_rules import BLOCKED, TOO_MANY, MaxError, invalid, not_found
from sandbox.max_updates import UpdateQueue
from sandbox.waiting import Changes
from services.clock import Clock, SystemClock

FIRST_CHAT_ID = 70_000_000_001  # dialog ids differ from user ids, as in MAX
EDIT_WINDOW_MS = 7 * 24 * 3600 * 1000  # dialog messages without a keyboard: 7 days
NOT_READY = MaxError(
    400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"
)


class MaxServer:
    """The server side of MAX for one bot."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 9_000_001,
        bot_name: str = "School network",
        bot_username: str = "school_network_bot",
        clock: Clock | None = None,
        requests_per_second: float = 30.0,
        allow_http_webhooks: bool = False,
        attachment_ready_seconds: float = 0.0,
    ) -> None:
        self.token = token
        self.clock: Clock = clock or SystemClock()
        self.bot: dict[str, Any] = {
            "user_id": bot_id,
            "first_name": bot_name,
            "last_name": None,
            "username": bot_username,
            "is_bot": True,
            "name": bot_name,
            "description": None,
            "avatar_url": None,
            "full_avatar_url": None,
            "commands": None,
        }
        self.requests_per_second = requests_per_second
        self.allow_http_webhooks = allow_http_webhooks
        self.attachment_ready_seconds = attachment_ready_seconds
        self.public_url = ""  # where this server is reached; set by MaxApi from the first request
        self.users: dict[int, MaxUser] = {}
        self.dialogs: dict[int, Dialog] = {}  # by chat_id
        self.by_mid: dict[str, MaxMessage] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.files: dict[str, MaxFile] = {}  # by token
        self.uploads: dict[str, tuple[str, str | None]] = {}  # upload id → (type, video token)
        self.pending_tokens: set[str] = set()  # video/audio tokens handed out, not yet uploaded
        self.requests: list[RecordedRequest] = []
        self.changes = Changes()
        self.queue = UpdateQueue(self.changes)
        self._dialog_of_user: dict[int, int] = {}
        self._seq = itertools.count(1)
        self._chat_ids = itertools.count(FIRST_CHAT_ID)
        self._numbers = itertools.count(1)
        self._recent: deque[float] = deque()

    # --- waiting and updates ---------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.changes.closed

    def changed(self) -> None:
        self.changes.changed()

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` until `done()`; returns whether it is."""
        return await self.changes.wait_until(done, seconds)

    async def close(self) -> None:
        self.changes.close()
        await self.queue.close()

    def touch(self, dialog: Dialog) -> None:
        dialog.revision += 1
        self.changed()

    @property
    def subscriptions(self) -> list[Subscription]:
        return self.queue.subscriptions

    @subscriptions.setter
    def subscriptions(self, value: list[Subscription]) -> None:
        self.queue.subscriptions = value

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook push: url, update, status."""
        return self.queue.deliveries

    @property
    def updates(self) -> list[tuple[int, dict[str, Any]]]:
        return self.queue.updates

    async def get_updates(
        self, marker: int | None, limit: int, poll_seconds: float, types: set[str] | None
    ) -> dict[str, Any]:
        return await self.queue.get_updates(marker, limit, poll_seconds, types)

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    # --- requests and flood control ------------------------------------------------------

    def record(self, request: RecordedRequest) -> RecordedRequest:
        self.requests.append(request)
        return request

    def check_rate(self, now: float) -> None:
        """MAX allows 30 requests per second per bot; more get 429."""
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.requests_per_second:
            raise TOO_MANY
        self._recent.append(now)

    # --- files ---------------------------------------------------------------------------

    def store_file(
        self, data: bytes, filename: str, content_type: str | None, kind: str
    ) -> MaxFile:
        number = next(self._numbers)
        digest = hashlib.sha256(data + number.to_bytes(8, "big")).hexdigest()
        filename = filename or f"file_{number}"
        stored = MaxFile(
            token=f"{kind[0]}{number:06d}_{digest[:32]}",
            kind=kind,
            filename=filename,
            content_type=content_type
            or mimetypes.guess_type(filename)[0]
            or "application/octet-stream",
            data=data,
            number=number,
            uploaded_at=time.monotonic(),
        )
        self.files[stored.token] = stored
        return stored

    def file_url(self, stored: MaxFile) -> str:
        return f"{self.public_url}/files/{stored.token}"

    def image_ok(self, data: bytes) -> bool:
        """An image MAX would take: PNG, GIF or JPEG here, at most 7680×7680 px."""
        size = image_size(data)
        return size is not None and max(size) <= 7680

    # --- what the bot does (called by MaxApi after the body was checked) -----------------

    def dialog_of(self, user_id: int) -> Dialog:
        chat_id = self._dialog_of_user.get(user_id)
        if chat_id is None:
            raise LookupError(f"no MAX user {user_id}")
        return self.dialogs[chat_id]

    def dialog_for(self, chat_id: int | None, user_id: int | None) -> Dialog:
        if chat_id is None and user_id is None:
            raise invalid("chat_id or user_id is required")
        dialog: Dialog | None = None
        if chat_id is not None:
            dialog = self.dialogs.get(chat_id)
            if dialog is None:
                raise not_found(f"chat {chat_id} not found")
            if user_id is not None and dialog.user.user_id != user_id:
                raise invalid(f"user_id {user_id} is not the user of chat {chat_id}")
        else:
            assert user_id is not None
            if user_id not in self._dialog_of_user:
                raise not_found(f"user {user_id} not found")
            dialog = self.dialog_of(user_id)
        if dialog.blocked:
            raise BLOCKED
        if not dialog.started:
            raise MaxError(403, "chat.denied", "the user has not started a dialog with the bot")
        return dialog

    def resolve(
        self, attachments: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[MaxFile]]:
        """Attachments of a request with their upload tokens resolved to stored files."""
        out: list[dict[str, Any]] = []
        files: list[MaxFile] = []
        for i, attachment in enumerate(attachments):
            kind = attachment["type"]
            payload = attachment.get("payload") or {}
            token: str | None = None
            if kind in ("file", "video", "audio") or (kind == "image" and payload.get("token")):
                token = payload["token"]
            elif kind == "image" and payload.get("photos"):
                photos = payload["photos"]
                first = next(iter(photos.values()), None) if isinstance(photos, dict) else None
                if not isinstance(first, dict) or not isinstance(first.get("token"), str):
                    raise invalid(f"attachments[{i}].payload.photos: expected {{id: {{token}}}}")
                token = first["token"]
            if token is None:
                out.append(_without_nulls(attachment))
                continue
            stored = self.files.get(token)
            if stored is None and token in self.pending_tokens:
                raise NOT_READY
            if stored is None:
                raise invalid(f"attachments[{i}].payload.token: unknown upload token")
            if stored.kind != kind:
                raise invalid(
                    f"attachments[{i}]: the token was uploaded as {stored.kind}, not {kind}"
                )
            if time.monotonic() - stored.uploaded_at < self.attachment_ready_seconds:
                raise NOT_READY
            files.append(stored)
            out.append({"type": kind, "payload": {"token": token}, "_file": token})
        return out, files

    def bot_message(self, dialog: Dialog, body: dict[str, Any]) -> MaxMessage:
        if not body.get("text") and not body.get("attachments"):
            raise invalid("body: a message needs text or attachments")
        attachments, files = self.resolve(body.get("attachments") or [])
        link = body.get("link")
        if link is not None and link["mid"] not in self.by_mid:
            raise invalid(f"body.link.mid: message {link['mid']} not found")
        message = self._new_message(dialog, outgoing=True)
        self._set_text(message, body.get("text"), body.get("format"))
        message.attachments, message.files = attachments, files
        message.link = link
        message.notify = body.get("notify", True) is not False
        self.touch(dialog)
        return message

    def edit(self, message: MaxMessage, body: dict[str, Any]) -> None:
        """PUT /messages: a null field keeps what was there; an empty attachments list removes
        every attachment."""
        if not message.outgoing:
            raise MaxError(403, "access.denied", "a bot can edit only its own messages")
        if not message.buttons and self.now_ms() - message.timestamp > EDIT_WINDOW_MS:
            raise invalid("message is older than 7 days and has no keyboard: it cannot be edited")
        before = message.snapshot()
        if body.get("attachments") is not None:
            message.attachments, message.files = self.resolve(body["attachments"])
        if body.get("text") is not None or body.get("format") is not None:
            text = body["text"] if body.get("text") is not None else message.raw_text
            self._set_text(message, text, body.get("format"))
        if not message.text and not message.attachments:
            message.text, message.attachments = before.text, before.attachments
            raise invalid("body: the message would have neither text nor attachments")
        message.edits.append(before)
        self.touch(self.dialogs[message.chat_id])

    def delete(self, message: MaxMessage) -> None:
        if not message.outgoing:
            raise MaxError(
                403, "access.denied", "a bot can delete only its own messages in a dialog"
            )
        message.deleted = True
        del self.by_mid[message.mid]
        self.touch(self.dialogs[message.chat_id])

    def _set_text(self, message: MaxMessage, text: str | None, fmt: str | None) -> None:
        formatted = format_text(text or "", fmt)
        message.raw_text, message.format = text, fmt
        message.text = formatted.text if text is not None else None
        message.markup = formatted.markup

    def _new_message(self, dialog: Dialog, *, outgoing: bool) -> MaxMessage:
        seq = next(self._seq)
        message = MaxMessage(
            mid=f"mid.{dialog.chat_id:016x}{seq:016x}",
            seq=seq,
            chat_id=dialog.chat_id,
            outgoing=outgoing,
            timestamp=self.now_ms(),
        )
        dialog.messages.append(message)
        self.by_mid[message.mid] = message
        return message

    # --- MAX objects -----------------------------------------------------------------------

    def message_json(self, message: MaxMessage) -> dict[str, Any]:
        return max_json.message_json(self, message)

    def chat_json(self, dialog: Dialog) -> dict[str, Any]:
        return max_json.chat_json(self, dialog)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
