"""The page and its JSON API: act as a persona, read their chat, wait for news, travel in time.

The page (static/) uses nothing but this API; README's "Sandbox" section documents it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sandbox.chats import Chats
from sandbox.files import DOCUMENT_LIMIT
from sandbox.persona_chat import MESSENGERS, TELEGRAM, ChatError, PersonaChat
from sandbox.personas import (
    NEW_BASE,
    Persona,
    held_notifications,
    load_personas,
    telegram_names,
)
from sandbox.timetravel import TimeMachine

STATIC = Path(__file__).with_name("static")
TEXT_LIMIT = 4096
WAIT_LIMIT = 60.0


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
        chats: Chats,
        session_factory: async_sessionmaker[AsyncSession],
        time_machine: TimeMachine,
    ) -> None:
        self.chats = chats
        self.session_factory = session_factory
        self.time = time_machine
        self.zone: ZoneInfo = time_machine.zone
        self.newcomers: dict[int, Persona] = {}  # created on the page, not registered yet

    def routes(self) -> list[web.AbstractRouteDef]:
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
        chat with the bot (on MAX, one they have started: they registered through it)."""
        async with self.session_factory() as session:
            known = await load_personas(session)
        for persona in known:
            self.newcomers.pop(persona.user_id, None)
            if self.chats.get(persona.user_id) is None:
                registered = persona.role != "new"
                first, last = telegram_names(persona.name) if registered else ("Guest", "")
                self.chats.add(persona.user_id, persona.messenger, first, last, started=True)
        return known + list(self.newcomers.values())

    async def list_personas(self, request: web.Request) -> web.Response:
        return _json_response({"personas": [p.json() for p in await self.personas()]})

    async def create_persona(self, request: web.Request) -> web.Response:
        body = await _json(request)
        first_name = " ".join(str(body.get("first_name", "")).split())
        language = str(body.get("language_code") or "ru")
        messenger = str(body.get("messenger") or TELEGRAM)
        if not 1 <= len(first_name) <= 64:
            raise _error(400, "first_name must be 1 to 64 characters")
        if language not in ("ru", "en"):
            raise _error(400, "language_code must be ru or en")
        if messenger not in MESSENGERS:
            raise _error(400, "messenger must be telegram or max")
        user_id = max([NEW_BASE, *self.chats.ids()]) + 1
        self.chats.add(user_id, messenger, first_name, language=language)
        persona = Persona(
            user_id, first_name, "new", "New user, not registered yet", False, messenger
        )
        self.newcomers[user_id] = persona
        return _json_response({"persona": persona.json()}, status=201)

    def chat(self, request: web.Request) -> PersonaChat:
        try:
            chat = self.chats.get(int(request.match_info["id"]))
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
            await chat.wait_until(lambda: chat.revision > after, wait)
        view = chat.view()
        view["held"] = await self.held(chat)
        return _json_response(view)

    async def held(self, chat: PersonaChat) -> list[dict[str, Any]]:
        """What the bot holds back for this persona (quiet hours, retries), and until when."""
        now = self.time.clock.now()
        async with self.session_factory() as session:
            rows = await held_notifications(session, chat.persona_id, now, chat.messenger)
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
        await chat.wait_until(lambda: bool(chat.bot_messages_after(after)), timeout)
        messages = chat.bot_messages_after(after)
        return _json_response({"messages": messages, "timed_out": not messages})

    # --- acting ----------------------------------------------------------------------------

    async def send_message(self, request: web.Request) -> web.Response:
        chat = self.chat(request)
        text = str((await _json(request)).get("text", ""))
        if not text.strip() or len(text) > TEXT_LIMIT:
            raise _error(400, f"text must be 1 to {TEXT_LIMIT} characters")
        return _json_response({"message": chat.send_text(text)}, status=201)

    async def press_button(self, request: web.Request) -> web.Response:
        """Press a button by its label (or send raw callback data, as a stale or forged client
        would), then wait for the bot's answer."""
        chat = self.chat(request)
        body = await _json(request)
        label = body.get("button")
        data = body.get("callback_data")
        message_id = body.get("message_id")
        if (label is None) == (data is None):
            raise _error(400, 'give either "button" (a label) or "callback_data"')
        if data is not None and message_id is None:
            raise _error(400, '"callback_data" needs "message_id"')
        timeout = min(_number(body.get("timeout"), 10), WAIT_LIMIT)
        try:
            result = await chat.press(message_id, label, data, timeout)
        except ChatError as exc:
            raise _error(exc.status, exc.message) from None
        return _json_response(result)

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
        caption = str(form.get("caption") or "")[:1024]
        message = chat.send_document(data, upload.filename, upload.content_type, caption)
        return _json_response({"message": message}, status=201)

    async def download(self, request: web.Request) -> web.Response:
        stored = self.chats.file(request.match_info["file_id"])
        if stored is None:
            raise _error(404, "no such file")
        data, filename, content_type = stored
        disposition = "inline" if request.query.get("inline") else "attachment"
        return web.Response(
            body=data,
            content_type=content_type,
            headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
        )

    # --- time ------------------------------------------------------------------------------

    async def read_clock(self, request: web.Request) -> web.Response:
        return _json_response(self.time.view())

    async def advance_clock(self, request: web.Request) -> web.Response:
        try:
            self.time.advance(float((await _json(request)).get("seconds", 0)))
        except (TypeError, ValueError) as exc:
            raise _error(400, str(exc)) from None
        self.chats.changed()
        return _json_response(self.time.view())


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
