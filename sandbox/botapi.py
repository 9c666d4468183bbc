"""The local Bot API server: `POST /bot{token}/{method}` and `GET /file/bot{token}/{path}`.

Each method checks its parameters against the specification, then against Telegram's own rules
(text limits, entities, keyboards, flood limits), and answers in Telegram's shape.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.entity_builder import u16len
from sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request, too_many_requests
from sandbox.files import (
    DOCUMENT_LIMIT,
    DOWNLOAD_LIMIT,
    PHOTO_LIMIT,
    StoredFile,
    image_size,
)
from sandbox.flood import FloodControl
from sandbox.formatting import EntityError, UnknownParseMode, parse
from sandbox.markup import check_commands, check_reply_markup
from sandbox.spec import Spec, Upload
from sandbox.state import Chat, Message, Telegram

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ANSWER_LIMIT = 200
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

Params = dict[str, Any]
Handler = Callable[["BotApi", Params], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


class BotApi:
    def __init__(self, telegram: Telegram, spec: Spec, token: str, flood: FloodControl) -> None:
        self.telegram = telegram
        self.spec = spec
        self.token = token
        self.flood = flood
        self.calls: Counter[tuple[str, int]] = Counter()  # (method, HTTP status) → count

    def routes(self) -> list[web.RouteDef]:
        return [
            web.route("*", "/bot{token}/{method}", self.handle),
            web.get("/file/bot{token}/{path:.+}", self.download),
        ]

    async def handle(self, request: web.Request) -> web.Response:
        name = self.spec.canonical(request.match_info["method"]) or ""
        try:
            if request.match_info["token"] != self.token:
                raise UNAUTHORIZED
            handler = HANDLERS.get(name)
            if handler is None:
                name = request.match_info["method"]
                raise NOT_FOUND
            params = self.spec.check(name, await _read_params(request))
            result = await handler(self, params)
        except ApiError as error:
            self.calls[name, error.status] += 1
            if error.status != 409:
                logger.info("%s refused: %s", name, error.description)
            return web.json_response(error.body(), status=error.status)
        self.calls[name, 200] += 1
        return web.json_response({"ok": True, "result": result})

    async def download(self, request: web.Request) -> web.Response:
        stored = self.telegram.files.by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(NOT_FOUND.body(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # --- helpers for the methods ---------------------------------------------------------

    def chat(self, chat_id: int | str) -> Chat:
        chat = self.telegram.chat(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def message(self, params: Params, verb: str) -> tuple[Chat, Message]:
        """The message an edit or delete is about (bots edit only their own messages)."""
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.chat(params["chat_id"])
        message = chat.messages.get(params["message_id"])
        if message is None:
            raise bad_request(f"message to {verb} not found")
        if verb == "edit" and not message.outgoing:
            raise bad_request("message can't be edited")
        return chat, message

    def check_flood(self, chat: Chat) -> None:
        retry_after = self.flood.check(chat.user.id, time.monotonic())
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def reply_to(self, chat: Chat, params: Params) -> None:
        reply = params.get("reply_parameters")
        if not reply:
            return
        if reply["message_id"] not in chat.messages and not reply.get(
            "allow_sending_without_reply"
        ):
            raise bad_request("message to be replied not found")

    def keyboard(self, chat: Chat, markup: dict[str, Any] | None) -> dict[str, Any] | None:
        """Check a reply_markup; a reply keyboard stays with the chat, an inline one with the
        message."""
        check_reply_markup(markup)
        if markup is None:
            return None
        if "keyboard" in markup:
            chat.keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.keyboard = None
        return markup if "inline_keyboard" in markup else None

    def upload(self, value: Upload | str, limit: int, folder: str) -> StoredFile:
        if isinstance(value, Upload):
            if len(value.data) > limit:
                raise ApiError(413, "Request Entity Too Large")
            return self.telegram.files.add(value.data, value.filename, value.content_type, folder)
        stored = self.telegram.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored


def formatted(
    text: str, params: Params, mode_key: str, entities_key: str, limit: int, what: str
) -> tuple[str, list[dict[str, Any]]]:
    """Text (or caption) after entity parsing, with Telegram's refusals."""
    try:
        plain, entities = parse(text, params.get(mode_key), params.get(entities_key))
    except EntityError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    except UnknownParseMode:
        raise bad_request("unsupported parse_mode") from None
    if what == "text" and not plain.strip():
        raise bad_request("message text is empty")
    if u16len(plain) > limit:  # Telegram counts UTF-16 code units: an emoji may count two
        raise bad_request(
            "message is too long" if what == "text" else "message caption is too long"
        )
    return plain, entities


async def _read_params(request: web.Request) -> Params:
    """Query string, then the body: JSON, urlencoded or multipart (files become Uploads)."""
    params: Params = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON request body")
            params.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    params[key] = value
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = params.get(value.removeprefix("attach://"))
            if not isinstance(attached, Upload):
                raise bad_request(f"file {value} not found in the request")
            params[key] = attached
    return params


# --- the methods ----------------------------------------------------------------------------


@method("getMe")
async def get_me(api: BotApi, params: Params) -> Any:
    return api.telegram.bot


@method("getUpdates")
async def get_updates(api: BotApi, params: Params) -> Any:
    allowed = params.get("allowed_updates")
    return await api.telegram.get_updates(
        offset=params.get("offset", 0),
        limit=min(max(params.get("limit", 100), 1), 100),
        poll_seconds=max(params.get("timeout", 0), 0),
        allowed=allowed if allowed is not None else None,
    )


@method("deleteWebhook")
async def delete_webhook(api: BotApi, params: Params) -> Any:
    if params.get("drop_pending_updates"):
        api.telegram.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, params: Params) -> Any:
    return {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(api.telegram.updates),
    }


@method("sendMessage")
async def send_message(api: BotApi, params: Params) -> Any:
    chat = api.chat(params["chat_id"])
    text, entities = formatted(params["text"], params, "parse_mode", "entities", TEXT_LIMIT, "text")
    markup = api.keyboard(chat, params.get("reply_markup"))
    api.reply_to(chat, params)
    api.check_flood(chat)
    message = api.telegram.bot_message(chat, text=text, entities=entities, reply_markup=markup)
    return api.telegram.message_json(message)


@method("sendDocument")
async def send_document(api: BotApi, params: Params) -> Any:
    chat = api.chat(params["chat_id"])
    caption, entities = formatted(
        params.get("caption", ""),
        params,
        "parse_mode",
        "caption_entities",
        CAPTION_LIMIT,
        "caption",
    )
    markup = api.keyboard(chat, params.get("reply_markup"))
    api.reply_to(chat, params)
    stored = api.upload(params["document"], DOCUMENT_LIMIT, "documents")
    api.check_flood(chat)
    message = api.telegram.bot_message(
        chat,
        document=stored,
        caption=caption or None,
        caption_entities=entities,
        reply_markup=markup,
    )
    return api.telegram.message_json(message)


@method("sendPhoto")
async def send_photo(api: BotApi, params: Params) -> Any:
    chat = api.chat(params["chat_id"])
    caption, entities = formatted(
        params.get("caption", ""),
        params,
        "parse_mode",
        "caption_entities",
        CAPTION_LIMIT,
        "caption",
    )
    markup = api.keyboard(chat, params.get("reply_markup"))
    api.reply_to(chat, params)
    stored = api.upload(params["photo"], PHOTO_LIMIT, "photos")
    size = image_size(stored.data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    api.check_flood(chat)
    message = api.telegram.bot_message(
        chat,
        photo=(stored, *size),
        caption=caption or None,
        caption_entities=entities,
        reply_markup=markup,
    )
    return api.telegram.message_json(message)


@method("editMessageText")
async def edit_message_text(api: BotApi, params: Params) -> Any:
    chat, message = api.message(params, "edit")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if "text" not in params:
        raise bad_request("message text is empty")
    text, entities = formatted(params["text"], params, "parse_mode", "entities", TEXT_LIMIT, "text")
    markup = params.get("reply_markup")
    check_reply_markup(markup)
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = text, entities, markup
    api.telegram.edited(chat, message)
    return api.telegram.message_json(message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApi, params: Params) -> Any:
    chat, message = api.message(params, "edit")
    markup = params.get("reply_markup")
    check_reply_markup(markup)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    api.telegram.edited(chat, message)
    return api.telegram.message_json(message)


@method("deleteMessage")
async def delete_message(api: BotApi, params: Params) -> Any:
    chat, message = api.message(params, "delete")
    api.telegram.delete(chat, message.message_id)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(api: BotApi, params: Params) -> Any:
    query = api.telegram.callbacks.get(params["callback_query_id"])
    if query is None or query.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.get("text", "")
    if len(text) > ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": bool(params.get("show_alert")),
        "url": params.get("url"),
    }
    api.telegram.changed()
    return True


@method("sendChatAction")
async def send_chat_action(api: BotApi, params: Params) -> Any:
    chat = api.chat(params["chat_id"])
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.action = (params["action"], time.monotonic())
    api.telegram.touch(chat)
    return True


def _scope_chat(api: BotApi, params: Params) -> Chat | None:
    scope = params.get("scope") or {"type": "default"}
    if scope["type"] in ("default", "all_private_chats"):
        return None
    if scope["type"] != "chat":
        raise bad_request("the sandbox has private chats only; use a default or chat scope")
    return api.chat(scope["chat_id"])


@method("setMyCommands")
async def set_my_commands(api: BotApi, params: Params) -> Any:
    check_commands(params["commands"])
    chat = _scope_chat(api, params)
    commands = [
        {"command": c["command"], "description": c["description"]} for c in params["commands"]
    ]
    if chat is None:
        api.telegram.default_commands = commands
    else:
        chat.commands = commands
        api.telegram.touch(chat)
    return True


@method("getMyCommands")
async def get_my_commands(api: BotApi, params: Params) -> Any:
    chat = _scope_chat(api, params)
    if chat is None or chat.commands is None:
        return api.telegram.default_commands
    return chat.commands


@method("deleteMyCommands")
async def delete_my_commands(api: BotApi, params: Params) -> Any:
    chat = _scope_chat(api, params)
    if chat is None:
        api.telegram.default_commands = []
    else:
        chat.commands = None
        api.telegram.touch(chat)
    return True


@method("getFile")
async def get_file(api: BotApi, params: Params) -> Any:
    stored = api.telegram.files.get(params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return stored.file()


__all__ = ["HANDLERS", "BotApi"]
