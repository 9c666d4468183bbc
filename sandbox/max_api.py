"""A fake MAX Platform API (https://platform-api2.max.ru) for tests and the local sandbox.

The bot's MAX adapter (the `maxapi` library) talks to it after `bot.set_api_url(url)`. It answers
the methods the bot uses, in MAX's shapes, and refuses what MAX would refuse, naming the field
(see `max_rules`, written from the MAX Bot API schema 0.0.32):

    GET /me · PATCH /me · PATCH /me/commands
    GET|POST|DELETE /subscriptions            (a subscription turns long polling off: 405)
    GET /updates?marker&limit&timeout&types   (long polling: {"updates": [...], "marker": N})
    POST /messages?chat_id|user_id · PUT|DELETE /messages?message_id
    GET /messages?chat_id|message_ids · GET /messages/{mid}
    POST /answers?callback_id                 (body: message and/or notification)
    POST /uploads?type=image|video|audio|file → {"url"} (+ "token" for video and audio)
    POST /chats/{chatId}/actions · GET /chats/{chatId}
    POST /upload/{id}   the upload URL: multipart field `data` (or the raw body) → token
    GET /files/{token}  download URL of every file attachment (the bot's and users')

Authorization is the raw token in the `Authorization` header or the `access_token` query
parameter (the schema's apiKey); anything else is 401 `verify.token`. More than 30 requests in
any second (upload and download URLs aside: they are other hosts in MAX) get 429; a user who
stopped the bot gets 403 `chat.denied`. Unknown paths are 404 and known paths with another verb
405, in MAX's error shape, in the application `MaxApi.app()` builds.

Every request is recorded in `state.requests` (method, path, params, body, status, time).
The in-memory state is a `max_server.MaxServer`; with the user side (users write, start, press,
send files, stop the bot) it is `max_state.MaxMessenger`, whose docstring lists that API.

    state = MaxMessenger(token="max-test-token")
    api = MaxApi(state)
    runner = web.AppRunner(api.app()); ...    # or app.add_routes(api.routes()) beside others
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import hdrs, web

from sandbox.max_records import MaxFile, MaxMessage, RecordedRequest, Subscription
from sandbox.max_rules import (
    BLOCKED,
    UNAUTHORIZED,
    UPDATE_TYPES,
    MaxError,
    check_action,
    check_bot_patch,
    check_callback_answer,
    check_commands,
    check_new_message,
    check_subscription,
    invalid,
    not_found,
    query_bool,
    query_int,
)
from sandbox.max_server import MaxServer

# MAX's upload limits by type (schema 0.0.32, POST /uploads).
UPLOAD_LIMITS = {
    "image": 50 * 1024 * 1024,
    "video": 250 * 1024 * 1024,
    "audio": 256 * 1024 * 1024,
    "file": 4 * 1024 * 1024 * 1024,
}
CLIENT_MAX_SIZE = 300 * 1024 * 1024
OK = {"success": True}

Params = dict[str, str]
Handler = Callable[[web.Request, Params, Any], Awaitable[Any]]


class MaxApi:
    def __init__(self, state: MaxServer, prefix: str = "") -> None:
        self.state = state
        self.prefix = prefix.rstrip("/")
        self._uploads = 0
        self._used: set[str] = set()  # upload ids already used: one file per upload URL

    # --- wiring --------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        p = self.prefix
        api = self._api
        return [
            web.get(f"{p}/me", api(self.get_me)),
            web.patch(f"{p}/me", api(self.patch_me)),
            web.patch(f"{p}/me/commands", api(self.patch_commands)),
            web.get(f"{p}/subscriptions", api(self.get_subscriptions)),
            web.post(f"{p}/subscriptions", api(self.subscribe)),
            web.delete(f"{p}/subscriptions", api(self.unsubscribe)),
            web.get(f"{p}/updates", api(self.get_updates)),
            web.get(f"{p}/messages", api(self.get_messages)),
            web.post(f"{p}/messages", api(self.send_message)),
            web.put(f"{p}/messages", api(self.edit_message)),
            web.delete(f"{p}/messages", api(self.delete_message)),
            web.get(f"{p}/messages/{{mid}}", api(self.get_message)),
            web.post(f"{p}/answers", api(self.answer)),
            web.post(f"{p}/uploads", api(self.get_upload_url)),
            web.post(f"{p}/chats/{{chat_id}}/actions", api(self.send_action)),
            web.get(f"{p}/chats/{{chat_id}}", api(self.get_chat)),
            web.post(f"{p}/upload/{{upload_id}}", self.upload),
            web.get(f"{p}/files/{{token}}", self.download),
        ]

    def app(self) -> web.Application:
        """A stand-alone application: the routes, and 404/405 in MAX's shape."""
        app = web.Application(client_max_size=CLIENT_MAX_SIZE, middlewares=[self._errors])
        app.add_routes(self.routes())
        return app

    @web.middleware
    async def _errors(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            error = not_found(f"Path {request.path} not found")
        except web.HTTPMethodNotAllowed:
            error = MaxError(
                405, "method.not.allowed", f"{request.method} {request.path} is not allowed"
            )
        self.state.record(
            RecordedRequest(
                request.method,
                request.path,
                dict(request.query),
                None,
                time.monotonic(),
                error.status,
                error.code,
            )
        )
        return web.json_response(error.body(), status=error.status)

    def _api(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def endpoint(request: web.Request) -> web.Response:
            params = dict(request.query)
            params.pop("v", None)  # the API version every request may carry
            record = self.state.record(
                RecordedRequest(request.method, request.path, params, None, time.monotonic())
            )
            if not self.state.public_url:
                self.state.public_url = f"{request.url.origin()}{self.prefix}"
            try:
                token = request.headers.get(hdrs.AUTHORIZATION) or params.pop("access_token", None)
                params.pop("access_token", None)
                body = await _read_json(request, record)
                if token != self.state.token:
                    raise UNAUTHORIZED
                self.state.check_rate(record.at)
                result = await handler(request, params, body)
            except MaxError as error:
                record.status, record.code = error.status, error.code
                return web.json_response(error.body(), status=error.status)
            record.status = 200
            return web.json_response(result)

        return endpoint

    # --- the bot ---------------------------------------------------------------------------

    async def get_me(self, request: web.Request, params: Params, body: Any) -> Any:
        return {**self.state.bot, "last_activity_time": self.state.now_ms()}

    async def patch_me(self, request: web.Request, params: Params, body: Any) -> Any:
        patch = check_bot_patch(body)
        for name in ("first_name", "last_name", "description", "commands"):
            if patch.get(name) is not None:
                self.state.bot[name] = patch[name]
        if patch.get("first_name"):
            self.state.bot["name"] = patch["first_name"]
        return await self.get_me(request, params, None)

    async def patch_commands(self, request: web.Request, params: Params, body: Any) -> Any:
        if not isinstance(body, dict):
            raise invalid("body: expected a JSON object with commands")
        commands = check_commands(body.get("commands", []), "body.commands")
        self.state.bot["commands"] = commands or None
        return {"commands": commands}

    # --- subscriptions and updates ---------------------------------------------------------

    async def get_subscriptions(self, request: web.Request, params: Params, body: Any) -> Any:
        return {"subscriptions": [s.json() for s in self.state.subscriptions]}

    async def subscribe(self, request: web.Request, params: Params, body: Any) -> Any:
        body = check_subscription(body, allow_http=self.state.allow_http_webhooks)
        self.state.subscriptions = [s for s in self.state.subscriptions if s.url != body["url"]]
        self.state.subscriptions.append(
            Subscription(
                body["url"], self.state.now_ms(), body.get("update_types"), body.get("secret")
            )
        )
        return OK

    async def unsubscribe(self, request: web.Request, params: Params, body: Any) -> Any:
        url = params.get("url")
        if not url:
            raise invalid("url: required query parameter")
        before = len(self.state.subscriptions)
        self.state.subscriptions = [s for s in self.state.subscriptions if s.url != url]
        if len(self.state.subscriptions) == before:
            return {"success": False, "message": f"no subscription for {url}"}
        return OK

    async def get_updates(self, request: web.Request, params: Params, body: Any) -> Any:
        if self.state.subscriptions:
            raise MaxError(
                405, "method.not.allowed", "long polling is off while a webhook subscription exists"
            )
        limit = query_int(params, "limit", low=1, high=1000)
        timeout = query_int(params, "timeout", low=0, high=90)
        marker = query_int(params, "marker")
        types = {t for t in params.get("types", "").split(",") if t}
        unknown = sorted(types - UPDATE_TYPES)
        if unknown:
            raise invalid(f"types: unknown update type {unknown[0]!r}")
        return await self.state.get_updates(
            marker, 100 if limit is None else limit, 30 if timeout is None else timeout, types
        )

    # --- messages --------------------------------------------------------------------------

    async def send_message(self, request: web.Request, params: Params, body: Any) -> Any:
        chat_id = query_int(params, "chat_id")
        user_id = query_int(params, "user_id")
        query_bool(params, "disable_link_preview")
        body = check_new_message(body)
        dialog = self.state.dialog_for(chat_id, user_id)
        message = self.state.bot_message(dialog, body)
        return {"message": self.state.message_json(message)}

    async def edit_message(self, request: web.Request, params: Params, body: Any) -> Any:
        message = self._message(params)
        body = check_new_message(body)
        if self.state.dialogs[message.chat_id].blocked:
            raise BLOCKED
        self.state.edit(message, body)
        return OK

    async def delete_message(self, request: web.Request, params: Params, body: Any) -> Any:
        self.state.delete(self._message(params))
        return OK

    async def get_message(self, request: web.Request, params: Params, body: Any) -> Any:
        message = self.state.by_mid.get(request.match_info["mid"])
        if message is None:
            raise not_found(f"message {request.match_info['mid']} not found")
        return self.state.message_json(message)

    async def get_messages(self, request: web.Request, params: Params, body: Any) -> Any:
        count = query_int(params, "count", low=1, high=100) or 50
        if params.get("message_ids"):
            found = [self.state.by_mid.get(mid) for mid in params["message_ids"].split(",")]
            messages = [m for m in found if m is not None]
        else:
            chat_id = query_int(params, "chat_id")
            if chat_id is None:
                raise invalid("chat_id or message_ids is required")
            dialog = self.state.dialogs.get(chat_id)
            if dialog is None:
                raise not_found(f"chat {chat_id} not found")
            messages = [m for m in reversed(dialog.messages) if not m.deleted][:count]
        return {"messages": [self.state.message_json(m) for m in messages]}

    def _message(self, params: Params) -> MaxMessage:
        mid = params.get("message_id")
        if not mid:
            raise invalid("message_id: required query parameter")
        message = self.state.by_mid.get(mid)
        if message is None:
            raise not_found(f"message {mid} not found")
        return message

    async def answer(self, request: web.Request, params: Params, body: Any) -> Any:
        callback_id = params.get("callback_id", "")
        if not callback_id.strip():
            raise invalid("callback_id: required query parameter")
        record = self.state.callbacks.get(callback_id)
        if record is None:
            raise invalid(f"callback_id: unknown callback {callback_id!r}")
        message_body, notification = check_callback_answer(body)
        if message_body is not None:
            message = self.state.by_mid.get(record.mid)
            if message is None:
                raise not_found(f"message {record.mid} of this callback was deleted")
            self.state.edit(message, message_body)
        record.answers.append(
            {"message": message_body, "notification": notification, "at": self.state.now_ms()}
        )
        self.state.touch(self.state.dialogs[record.chat_id])
        return OK

    # --- chats -----------------------------------------------------------------------------

    def _chat(self, request: web.Request) -> Any:
        raw = request.match_info["chat_id"]
        try:
            chat_id = int(raw)
        except ValueError:
            raise invalid(f"chatId: expected an integer, got {raw!r}") from None
        dialog = self.state.dialogs.get(chat_id)
        if dialog is None:
            raise not_found(f"chat {chat_id} not found")
        return dialog

    async def get_chat(self, request: web.Request, params: Params, body: Any) -> Any:
        return self.state.chat_json(self._chat(request))

    async def send_action(self, request: web.Request, params: Params, body: Any) -> Any:
        dialog = self._chat(request)
        action = check_action(body)
        if dialog.blocked:
            raise BLOCKED
        dialog.action = (action, time.monotonic())
        self.state.touch(dialog)
        return OK

    # --- files ------------------------------------------------------------------------------

    async def get_upload_url(self, request: web.Request, params: Params, body: Any) -> Any:
        kind = params.get("type")
        if kind == "photo":
            raise invalid("type: photo is no longer supported, use image")
        if kind not in UPLOAD_LIMITS:
            raise invalid(f"type: {kind!r} is not one of image, video, audio, file")
        self._uploads += 1
        upload_id = f"u{self._uploads:06d}"
        token = None
        if kind in ("video", "audio"):  # these get their token before the upload
            token = f"{kind[0]}{upload_id}_pending"
            self.state.pending_tokens.add(token)
        self.state.uploads[upload_id] = (kind, token)
        answer = {"url": f"{self.state.public_url}/upload/{upload_id}"}
        if token is not None:
            answer["token"] = token
        return answer

    async def upload(self, request: web.Request) -> web.Response:
        record = self.state.record(
            RecordedRequest("POST", request.path, dict(request.query), "<upload>", time.monotonic())
        )
        try:
            stored = await self._store_upload(request)
        except MaxError as error:
            record.status, record.code = error.status, error.code
            return web.json_response(error.body(), status=error.status)
        record.status = 200
        if stored.kind == "image":
            return web.json_response({"photos": {str(stored.number): {"token": stored.token}}})
        if stored.kind == "file":
            return web.json_response({"token": stored.token})
        return web.json_response({"retval": "ok"})

    async def _store_upload(self, request: web.Request) -> MaxFile:
        """The upload URL's file, stored under the token POST /uploads promised (video and
        audio) or a new one."""
        upload_id = request.match_info["upload_id"]
        entry = self.state.uploads.get(upload_id)
        if entry is None:
            raise not_found("unknown upload URL")
        kind, token = entry
        if upload_id in self._used:
            raise invalid("this upload URL was used already; ask POST /uploads for another")
        data, filename, content_type = await _read_upload(request)
        if len(data) > UPLOAD_LIMITS[kind]:
            raise MaxError(413, "file.too.big", f"{kind} over {UPLOAD_LIMITS[kind]} bytes")
        if kind == "image" and not self.state.image_ok(data):
            raise invalid("data: not an image MAX can take (PNG, GIF, JPEG up to 7680×7680)")
        stored = self.state.store_file(data, filename, content_type, kind)
        if token is not None:  # video/audio: the token promised by POST /uploads
            del self.state.files[stored.token]
            stored.token = token
            self.state.files[token] = stored
            self.state.pending_tokens.discard(token)
        self._used.add(upload_id)
        return stored

    async def download(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["token"])
        if stored is None:
            return web.json_response(not_found("file not found").body(), status=404)
        return web.Response(
            body=stored.data,
            content_type=stored.content_type,
            headers={
                hdrs.CONTENT_DISPOSITION: "attachment; filename*=UTF-8''"
                + quote(stored.filename, safe="")
            },
        )


async def _read_json(request: web.Request, record: RecordedRequest) -> Any:
    if request.method not in ("POST", "PUT", "PATCH") or not request.can_read_body:
        return None
    raw = await request.text()
    if not raw.strip():
        return None
    try:
        record.body = json.loads(raw)
    except ValueError:
        record.body = raw
        raise invalid("body: not valid JSON") from None
    return record.body


async def _read_upload(request: web.Request) -> tuple[bytes, str, str | None]:
    """The uploaded file: multipart field `data`, or the whole body (resumable upload)."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        field = form.get("data")
        if not isinstance(field, web.FileField):
            raise invalid("data: multipart field 'data' with the file is required")
        return field.file.read(), field.filename, field.content_type
    disposition = request.headers.get(hdrs.CONTENT_DISPOSITION, "")
    filename = disposition.partition("filename=")[2].strip('"') or "file"
    return await request.read(), filename, request.content_type


__all__ = ["MaxApi"]
