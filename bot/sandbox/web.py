"""The page and its JSON API: act as a persona, read their chat, wait for news, travel in time.

The page (static/) uses nothing but this API; README's "Sandbox" section documents it.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sandbox.files import DOCUMENT_LIMIT
from bot.sandbox.formatting import to_html
from bot.sandbox.personas import (
    NEW_BASE,
    Persona,
    held_notifications,
    load_personas,
    telegram_names,
)
from bot.sandbox.state import Chat, Message, Telegram, User
from bot.sandbox.timetravel import TimeMachine

STATIC = Path(__file__).with_name("static")
TEXT_LIMIT = 4096
WAIT_LIMIT = 60.0
TYPING_SECONDS = 5.0


def _json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with Cyrillic as it is, so curl output stays readable."""
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _error(status: int, message: str) -> web.HTTPException:
    kind = web.HTTPNotFound if status == 404 else web.HTTPBadRequest
    return kind(text=_dumps({"error": message}), content_type="application/json")


class SandboxWeb:
    def __init__(
        self,
        telegram: Telegram,
        session_factory: async_sessionmaker[AsyncSession],
        time_machine: TimeMachine,
    ) -> None:
        self.telegram = telegram
        self.session_factory = session_factory
        self.time = time_machine
        self.zone: ZoneInfo = time_machine.zone
        self.newcomers: dict[int, Persona] = {}  # created on the page, not registered yet

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self.index),
            web.static("/static", STATIC),
            web.get("/api/personas", self.list_personas),
            web.post("/api/personas", self.create_persona),
            web.get("/api/personas/{id}/chat", self.read_chat),
            web.get("/api/personas/{id}/wait", self.wait_message),
            web.post("/api/personas/{id}/messages", self.send_message),
            web.post("/api/personas/{id}/press", self.press_button),
            web.post("/api/personas/{id}/documents", self.upload_document),
            web.get("/api/files/{file_id}", self.download),
            web.get("/api/clock", self.read_clock),
            web.post("/api/clock/advance", self.advance_clock),
        ]

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    # --- personas --------------------------------------------------------------------------

    async def personas(self) -> list[Persona]:
        """Everyone with a sandbox account, plus newcomers who have not written yet; each has a
        chat with the bot."""
        async with self.session_factory() as session:
            known = await load_personas(session)
        for persona in known:
            self.newcomers.pop(persona.user_id, None)
            if self.telegram.chat(persona.user_id) is None:
                registered = persona.role != "new"
                first, last = telegram_names(persona.name) if registered else ("Guest", "")
                self.telegram.add_user(User(persona.user_id, first, last))
        return known + list(self.newcomers.values())

    async def list_personas(self, request: web.Request) -> web.Response:
        return _json_response({"personas": [p.json() for p in await self.personas()]})

    async def create_persona(self, request: web.Request) -> web.Response:
        body = await _json(request)
        first_name = " ".join(str(body.get("first_name", "")).split())
        language = str(body.get("language_code") or "ru")
        if not 1 <= len(first_name) <= 64:
            raise _error(400, "first_name must be 1 to 64 characters")
        if language not in ("ru", "en"):
            raise _error(400, "language_code must be ru or en")
        user_id = max([NEW_BASE, *self.telegram.chats]) + 1
        self.telegram.add_user(User(user_id, first_name, language_code=language))
        persona = Persona(user_id, first_name, "new", "New user, not registered yet", demo=False)
        self.newcomers[user_id] = persona
        return _json_response({"persona": persona.json()}, status=201)

    def chat(self, request: web.Request) -> Chat:
        try:
            chat = self.telegram.chat(int(request.match_info["id"]))
        except ValueError:
            chat = None
        if chat is None:
            raise _error(404, "no such persona; GET /api/personas lists them")
        return chat

    # --- reading ---------------------------------------------------------------------------

    async def read_chat(self, request: web.Request) -> web.Response:
        chat = self.chat(request)
        after = _number(request.query.get("after_revision"), -1)
        wait = min(_number(request.query.get("wait"), 0), WAIT_LIMIT)
        if wait > 0:
            await self.telegram.wait_until(lambda: chat.revision > after, wait)
        view = self.chat_view(chat)
        view["held"] = await self.held(chat.user.id)
        return _json_response(view)

    async def held(self, user_id: int) -> list[dict[str, Any]]:
        """What the bot holds back for this persona (quiet hours, retries), and until when."""
        now = self.time.clock.now()
        async with self.session_factory() as session:
            rows = await held_notifications(session, user_id, now)
        return [
            {
                "kind": kind,
                "due": due.isoformat(),
                "due_local": due.astimezone(self.zone).strftime("%a %d %b, %H:%M"),
                "in_seconds": max(0, int((due - now).total_seconds()) + 1),
            }
            for kind, due in rows
        ]

    async def wait_message(self, request: web.Request) -> web.Response:
        """New messages from the bot with ids above `after`, waiting up to `timeout` seconds."""
        chat = self.chat(request)
        after = _number(request.query.get("after"), 0)
        timeout = min(_number(request.query.get("timeout"), 10), WAIT_LIMIT)

        def fresh() -> list[Message]:
            return [m for m in chat.messages.values() if m.outgoing and m.message_id > after]

        await self.telegram.wait_until(lambda: bool(fresh()), timeout)
        messages = fresh()
        return _json_response(
            {"messages": [self.message_view(m) for m in messages], "timed_out": not messages}
        )

    def chat_view(self, chat: Chat) -> dict[str, Any]:
        action = None
        if chat.action is not None and time.monotonic() - chat.action[1] < TYPING_SECONDS:
            action = chat.action[0]
        return {
            "persona": {"id": chat.user.id, "first_name": chat.user.first_name},
            "revision": chat.revision,
            "commands": chat.commands
            if chat.commands is not None
            else self.telegram.default_commands,
            "keyboard": _reply_keyboard(chat.keyboard),
            "action": action,
            "messages": [self.message_view(m) for m in chat.messages.values()],
        }

    def message_view(self, message: Message) -> dict[str, Any]:
        moment = datetime.fromtimestamp(message.date, UTC).astimezone(self.zone)
        view: dict[str, Any] = {
            "id": message.message_id,
            "from": "bot" if message.outgoing else "user",
            "date": message.date,
            "time": moment.strftime("%H:%M"),
            "day": moment.strftime("%a %d %b %Y"),
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
            view["keyboard"] = [[_button(b) for b in row] for row in rows]
        return view

    # --- acting ----------------------------------------------------------------------------

    async def send_message(self, request: web.Request) -> web.Response:
        chat = self.chat(request)
        text = str((await _json(request)).get("text", ""))
        if not text.strip() or len(text) > TEXT_LIMIT:
            raise _error(400, f"text must be 1 to {TEXT_LIMIT} characters")
        message = self.telegram.user_message(chat, text)
        return _json_response({"message": self.message_view(message)}, status=201)

    async def press_button(self, request: web.Request) -> web.Response:
        """Press a button by its label (or send raw callback data, as a stale or forged client
        would), then wait for the bot's answerCallbackQuery."""
        chat = self.chat(request)
        body = await _json(request)
        label = body.get("button")
        data = body.get("callback_data")
        message_id = body.get("message_id")
        if (label is None) == (data is None):
            raise _error(400, 'give either "button" (a label) or "callback_data"')
        if data is not None and message_id is None:
            raise _error(400, '"callback_data" needs "message_id"')
        message, button = _find_button(chat, message_id, label)
        if button is not None:
            if "url" in button:
                return _json_response({"url": button["url"]})
            if "callback_data" not in button:
                raise _error(400, "the sandbox presses callback and URL buttons only")
            data = button["callback_data"]
        query = self.telegram.press(chat, message, str(data))
        timeout = min(_number(body.get("timeout"), 10), WAIT_LIMIT)
        answered = await self.telegram.wait_until(lambda: query.answer is not None, timeout)
        return _json_response(
            {
                "callback_query_id": query.id,
                "message_id": message.message_id,
                "answered": answered,
                "answer": query.answer,
            }
        )

    async def upload_document(self, request: web.Request) -> web.Response:
        chat = self.chat(request)
        if not request.content_type.startswith("multipart/"):
            raise _error(400, 'post multipart/form-data with a "document" file')
        form = await request.post()
        upload = form.get("document")
        if not isinstance(upload, web.FileField):
            raise _error(400, 'post multipart/form-data with a "document" file')
        data = upload.file.read()
        if not data or len(data) > DOCUMENT_LIMIT:
            raise _error(400, "a document must be 1 byte to 50 MB")
        stored = self.telegram.files.add(data, upload.filename, upload.content_type)
        caption = str(form.get("caption") or "")[:1024]
        message = self.telegram.user_message(chat, caption, document=stored)
        return _json_response({"message": self.message_view(message)}, status=201)

    async def download(self, request: web.Request) -> web.Response:
        stored = self.telegram.files.get(request.match_info["file_id"])
        if stored is None:
            raise _error(404, "no such file")
        disposition = "inline" if request.query.get("inline") else "attachment"
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(stored.filename)}"
            },
        )

    # --- time ------------------------------------------------------------------------------

    async def read_clock(self, request: web.Request) -> web.Response:
        return _json_response(self.time.view())

    async def advance_clock(self, request: web.Request) -> web.Response:
        try:
            self.time.advance(float((await _json(request)).get("seconds", 0)))
        except (TypeError, ValueError) as exc:
            raise _error(400, str(exc)) from None
        self.telegram.changed()
        return _json_response(self.time.view())


def _find_button(chat: Chat, message_id: Any, label: Any) -> tuple[Message, dict[str, Any] | None]:
    """The message (given, or the newest with that label) and the button with that label."""
    if message_id is not None:
        message = chat.messages.get(int(message_id)) if str(message_id).isdigit() else None
        if message is None or not message.outgoing:
            raise _error(404, f"no bot message {message_id} in this chat")
        candidates = [message]
    else:
        candidates = [m for m in reversed(chat.messages.values()) if m.outgoing]
    if label is None:
        return candidates[0], None
    for exact in (True, False):
        for message in candidates:
            for row in (message.reply_markup or {}).get("inline_keyboard") or []:
                for button in row:
                    text = button.get("text", "")
                    if text == label if exact else str(label) in text:
                        return message, button
    raise _error(404, f"no button labelled {label!r}")


def _button(button: dict[str, Any]) -> dict[str, Any]:
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


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _error(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise _error(400, "the body must be a JSON object")
    return body


def _number(value: Any, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise _error(400, f"not a number: {value!r}") from None
