"""What the fake MAX remembers, and the user side of it (for tests and the sandbox page).

Everything lives in memory: users, one dialog (chat) per user, messages with string ids
(`mid.…`), the update queue with its markers, callbacks and their answers, uploaded files, webhook
subscriptions, and a record of every request the bot made.

The user side, all on `MaxMessenger` (ids are MAX user ids; each returns what it created):

    max = MaxMessenger(token="…")
    dialog = max.add_user(5001, "Ира", last_name="Петрова", locale="ru")   # → Dialog
    max.start(5001, payload="invite-abc")      # bot_started (deep link ?start=invite-abc)
    max.send_text(5001, "/catalogue")          # message_created → MaxMessage
    max.send_file(5001, b"...", "consent.pdf") # message_created with a file attachment whose
                                               # url downloads from this server
    max.press(5001, message.mid, "payload")    # message_callback → CallbackRecord
    max.press_button(5001, "Записаться")        # the same, by the label of the newest such button
    max.block(5001)                            # bot_stopped; sends to 5001 now get 403
    max.messages(5001)                         # the dialog's messages, oldest first (MaxMessage:
                                               # .text, .raw_text, .format, .markup, .buttons,
                                               # .files, .edits, .outgoing)
    max.callbacks[callback_id].answers         # what the bot answered ({"message", "notification"})
    max.notifications(5001)                    # every notification the bot showed this user
    await max.wait_until(lambda: ..., seconds) # wake on any change (each dialog has .revision)

`max.requests` lists every request (`RecordedRequest`: method, path, params, body, status,
code, at = time.monotonic()); `max.deliveries` every webhook push.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import mimetypes
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.files import image_size
from sandbox.max_format import format_text
from sandbox.max_rules import (
    BLOCKED,
    START_PAYLOAD_LIMIT,
    TOO_MANY,
    MaxError,
    invalid,
    not_found,
)
from services.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

FIRST_CHAT_ID = 70_000_000_001  # dialog ids differ from user ids, as in MAX
EDIT_WINDOW_MS = 7 * 24 * 3600 * 1000  # dialog messages without a keyboard: 7 days


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


class MaxMessenger:
    """The server side of MAX for one bot, and its users."""

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
        self._dialog_of_user: dict[int, int] = {}
        self.by_mid: dict[str, MaxMessage] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.files: dict[str, MaxFile] = {}  # by token
        self.uploads: dict[str, tuple[str, str | None]] = {}  # upload id → (type, video token)
        self.pending_tokens: set[str] = set()  # video/audio tokens handed out, not yet uploaded
        self.subscriptions: list[Subscription] = []
        self.deliveries: list[dict[str, Any]] = []  # webhook pushes: url, update, status
        self.requests: list[RecordedRequest] = []
        self.updates: list[tuple[int, dict[str, Any]]] = []  # (marker, update), oldest first
        self.closed = False
        self._markers = itertools.count(1)
        self._next_marker = 1
        self._read_below = 1  # updates below this marker were confirmed by a later /updates
        self._seq = itertools.count(1)
        self._chat_ids = itertools.count(FIRST_CHAT_ID)
        self._numbers = itertools.count(1)
        self._recent: deque[float] = deque()
        self._changed = asyncio.Event()
        self._pushes: set[asyncio.Task[None]] = set()

    # --- waiting -------------------------------------------------------------------------

    def changed(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` until `done()`; returns whether it is."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not done():
            left = deadline - loop.time()
            if left <= 0 or self.closed:
                return done()
            signal = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), left)
        return True

    async def close(self) -> None:
        self.closed = True
        self.changed()
        for task in list(self._pushes):
            task.cancel()
        for task in list(self._pushes):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def touch(self, dialog: Dialog) -> None:
        dialog.revision += 1
        self.changed()

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

    # --- users and dialogs ---------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        locale: str = "ru",
    ) -> Dialog:
        user = MaxUser(user_id, first_name, last_name, username, locale)
        self.users[user_id] = user
        chat_id = self._dialog_of_user.get(user_id)
        if chat_id is None:
            chat_id = next(self._chat_ids)
            self._dialog_of_user[user_id] = chat_id
            self.dialogs[chat_id] = Dialog(chat_id, user)
        else:
            self.dialogs[chat_id].user = user
        self.changed()
        return self.dialogs[chat_id]

    def dialog_of(self, user_id: int) -> Dialog:
        chat_id = self._dialog_of_user.get(user_id)
        if chat_id is None:
            raise LookupError(f"no MAX user {user_id}")
        return self.dialogs[chat_id]

    def messages(self, user_id: int) -> list[MaxMessage]:
        return [m for m in self.dialog_of(user_id).messages if not m.deleted]

    def notifications(self, user_id: int) -> list[str]:
        return [
            answer["notification"]
            for record in self.callbacks.values()
            if record.user_id == user_id
            for answer in record.answers
            if answer.get("notification")
        ]

    # --- what users do -------------------------------------------------------------------

    def start(self, user_id: int, payload: str | None = None) -> dict[str, Any]:
        """The user opens the bot (a deep link `https://max.ru/<bot>?start=<payload>`, or the
        Start button); a stopped bot is resumed. MAX drops a payload over 512 characters."""
        dialog = self.dialog_of(user_id)
        dialog.started, dialog.blocked = True, False
        if payload is not None and len(payload) > START_PAYLOAD_LIMIT:
            payload = None
        update = {
            "update_type": "bot_started",
            "timestamp": self.now_ms(),
            "chat_id": dialog.chat_id,
            "user": dialog.user.json(self.now_ms()),
            "payload": payload,
            "user_locale": dialog.user.locale,
        }
        self.touch(dialog)
        self._enqueue(update)
        return update

    def block(self, user_id: int) -> None:
        """The user stops the bot: bot_stopped, and sending to them is refused with 403."""
        dialog = self.dialog_of(user_id)
        dialog.blocked = True
        self.touch(dialog)
        self._enqueue(
            {
                "update_type": "bot_stopped",
                "timestamp": self.now_ms(),
                "chat_id": dialog.chat_id,
                "user": dialog.user.json(self.now_ms()),
                "user_locale": dialog.user.locale,
            }
        )

    def send_text(self, user_id: int, text: str) -> MaxMessage:
        return self._user_message(self.dialog_of(user_id), text, None)

    def send_file(
        self,
        user_id: int,
        data: bytes,
        filename: str,
        *,
        content_type: str | None = None,
        text: str | None = None,
    ) -> MaxMessage:
        stored = self.store_file(data, filename, content_type, "file")
        return self._user_message(self.dialog_of(user_id), text, stored)

    def _user_message(self, dialog: Dialog, text: str | None, stored: MaxFile | None) -> MaxMessage:
        dialog.started = True
        message = self._new_message(dialog, outgoing=False)
        message.text = message.raw_text = text
        if stored is not None:
            message.files = [stored]
            message.attachments = [
                {"type": "file", "payload": {"token": stored.token}, "_file": stored.token}
            ]
        self.touch(dialog)
        self._enqueue(
            {
                "update_type": "message_created",
                "timestamp": message.timestamp,
                "message": self.message_json(message),
                "user_locale": dialog.user.locale,
            }
        )
        return message

    def press(self, user_id: int, mid: str, payload: str) -> CallbackRecord:
        """The user presses the callback button with this payload on this message."""
        dialog = self.dialog_of(user_id)
        message = self.by_mid.get(mid)
        if message is None or message.deleted or message.chat_id != dialog.chat_id:
            raise LookupError(f"no message {mid} in the dialog of {user_id}")
        if not any(
            b.get("type") == "callback" and b.get("payload") == payload
            for row in message.buttons
            for b in row
        ):
            raise LookupError(f"message {mid} has no callback button with payload {payload!r}")
        now = self.now_ms()
        record = CallbackRecord(
            f"cb.{next(self._numbers):08d}.{mid[-8:]}", dialog.chat_id, mid, payload, user_id, now
        )
        self.callbacks[record.callback_id] = record
        self._enqueue(
            {
                "update_type": "message_callback",
                "timestamp": now,
                "callback": {
                    "timestamp": now,
                    "callback_id": record.callback_id,
                    "payload": payload,
                    "user": dialog.user.json(now),
                },
                "message": self.message_json(message),
                "user_locale": dialog.user.locale,
            }
        )
        return record

    def press_button(self, user_id: int, text: str, mid: str | None = None) -> CallbackRecord:
        """Press by label: on message `mid`, or on the newest bot message with such a button."""
        candidates = [
            m for m in self.messages(user_id) if m.outgoing and (mid is None or m.mid == mid)
        ]
        for message in reversed(candidates):
            button = message.button(text)
            if button is not None:
                return self.press(user_id, message.mid, button["payload"])
        raise LookupError(f"no callback button {text!r} in the dialog of {user_id}")

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

    # --- what the bot does (called by MaxApi after the body was checked) -----------------

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
                raise MaxError(
                    400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"
                )
            if stored is None:
                raise invalid(f"attachments[{i}].payload.token: unknown upload token")
            if stored.kind != kind:
                raise invalid(
                    f"attachments[{i}]: the token was uploaded as {stored.kind}, not {kind}"
                )
            if time.monotonic() - stored.uploaded_at < self.attachment_ready_seconds:
                raise MaxError(
                    400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"
                )
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

    # --- updates ---------------------------------------------------------------------------

    def _enqueue(self, update: dict[str, Any]) -> None:
        if self.subscriptions:
            for subscription in self.subscriptions:
                wanted = subscription.update_types
                if not wanted or update["update_type"] in wanted:
                    self._push(subscription, update)
            return
        marker = next(self._markers)
        self.updates.append((marker, update))
        self._next_marker = marker + 1
        self.changed()

    async def get_updates(
        self, marker: int | None, limit: int, poll_seconds: float, types: set[str] | None
    ) -> dict[str, Any]:
        """Long polling: a marker confirms every update below it; without one, the updates not
        yet confirmed. Waits up to `poll_seconds` (the request's timeout) for the first;
        `marker` in the answer is the one to pass next."""
        if marker is not None:
            self._read_below = max(self._read_below, marker)
            self.updates = [(m, u) for m, u in self.updates if m >= self._read_below]
        start = self._read_below

        def pending() -> list[tuple[int, dict[str, Any]]]:
            return [
                (m, u)
                for m, u in self.updates
                if m >= start and (not types or u["update_type"] in types)
            ]

        await self.wait_until(lambda: bool(pending()), poll_seconds)
        batch = pending()[:limit]
        next_marker = batch[-1][0] + 1 if batch else self._next_marker
        return {"updates": [u for _, u in batch], "marker": next_marker}

    def _push(self, subscription: Subscription, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(subscription, update))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _deliver(self, subscription: Subscription, update: dict[str, Any]) -> None:
        headers = {"X-Max-Bot-Api-Secret": subscription.secret} if subscription.secret else {}
        delivery: dict[str, Any] = {"url": subscription.url, "update": update, "status": None}
        self.deliveries.append(delivery)
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
                session.post(subscription.url, json=update, headers=headers) as response,
            ):
                delivery["status"] = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery["status"] = f"failed: {type(exc).__name__}"
            logger.info("MAX webhook push to %s failed: %s", subscription.url, exc)
        self.changed()

    # --- MAX objects -----------------------------------------------------------------------

    def message_json(self, message: MaxMessage) -> dict[str, Any]:
        dialog = self.dialogs[message.chat_id]
        now = self.now_ms()
        bot = {
            k: self.bot[k]
            for k in ("user_id", "first_name", "last_name", "username", "is_bot", "name")
        }
        bot["last_activity_time"] = now
        body: dict[str, Any] = {
            "mid": message.mid,
            "seq": message.seq,
            "text": message.text,
            "attachments": [self._attachment_json(a) for a in message.attachments],
        }
        if message.markup:
            body["markup"] = message.markup
        data: dict[str, Any] = {
            "sender": bot if message.outgoing else dialog.user.json(now),
            "recipient": {
                "chat_id": dialog.chat_id,
                "chat_type": "dialog",
                "user_id": dialog.user.user_id if message.outgoing else self.bot["user_id"],
            },
            "timestamp": message.timestamp,
            "body": body,
        }
        if message.link is not None:
            linked = self.by_mid.get(message.link["mid"])
            if linked is not None:
                data["link"] = {
                    "type": message.link["type"],
                    "sender": self.message_json(linked)["sender"],
                    "chat_id": linked.chat_id,
                    "message": self.message_json(linked)["body"],
                }
        return data

    def _attachment_json(self, attachment: dict[str, Any]) -> dict[str, Any]:
        token = attachment.get("_file")
        if token is None:
            return attachment
        stored = self.files[token]
        url = self.file_url(stored)
        if stored.kind == "image":
            return {
                "type": "image",
                "payload": {"photo_id": stored.number, "token": token, "url": url},
            }
        data: dict[str, Any] = {"type": stored.kind, "payload": {"url": url, "token": token}}
        if stored.kind == "file":
            data["filename"], data["size"] = stored.filename, stored.size
        return data

    def chat_json(self, dialog: Dialog) -> dict[str, Any]:
        now = self.now_ms()
        last = dialog.messages[-1].timestamp if dialog.messages else now
        return {
            "chat_id": dialog.chat_id,
            "type": "dialog",
            "status": "active",
            "title": None,
            "icon": None,
            "last_event_time": last,
            "participants_count": 2,
            "owner_id": None,
            "participants": None,
            "is_public": False,
            "link": None,
            "description": None,
            "dialog_with_user": dialog.user.json(now),
            "messages_count": None,
            "pinned_message": None,
        }

    def image_ok(self, data: bytes) -> bool:
        """An image MAX would take: PNG, GIF or JPEG here, at most 7680×7680 px."""
        size = image_size(data)
        return size is not None and max(size) <= 7680


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
