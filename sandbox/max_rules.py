"""What the fake MAX refuses, and how: request bodies checked against the documented rules.

Encoded by hand from the MAX Bot API schema 0.0.32 (the official OpenAPI file
`schema_2026_07_01.yaml` of max-messenger-bot/max-bot-api-schemas) and, for the keyboard's size,
MAX's guide "Клавиатура для чат-бота" (up to 210 buttons in up to 30 rows, up to 7 buttons in a
row, up to 3 when the row has a link, open_app, request_geo_location or request_contact
button). Nothing here is generated from the schema; each rule names the field it is about, so
a refusal says exactly what our adapter sent wrong.

Errors have MAX's shape `{"code": "...", "message": "..."}`. The schema documents the shape and
`verify.token`; the other codes are the ones MAX is seen answering with (`proto.payload` for an
invalid request, `chat.denied` for a user who stopped the bot, `attachment.not.ready`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.max_format import FORMATS

TEXT_LIMIT = 4000  # NewMessageBody.text maxLength
BUTTON_TEXT_LIMIT = 128  # Button.text maxLength (minLength 1)
PAYLOAD_LIMIT = 1024  # CallbackButton.payload / ClipboardButton.payload maxLength
URL_LIMIT = 2048  # LinkButton.url maxLength
CHAT_TITLE_LIMIT = 200
CHAT_DESCRIPTION_LIMIT = 400
START_PAYLOAD_LIMIT = 512  # ChatButton.start_payload; a deep link's payload too
MAX_ROWS = 30
MAX_BUTTONS = 210  # documented too, and follows from the two limits around it
MAX_ROW_BUTTONS = 7
MAX_ROW_WIDE_BUTTONS = 3  # a row with a link / open_app / request_* button
WIDE_BUTTONS = {"link", "open_app", "request_geo_location", "request_contact"}
BUTTON_TYPES = {
    "callback",
    "link",
    "request_geo_location",
    "request_contact",
    "open_app",
    "message",
    "clipboard",
    "chat",
}
INTENTS = {"positive", "negative", "default"}
LINK_TYPES = {"forward", "reply"}
MEDIA_TYPES = {"image", "video", "audio", "file"}  # UploadType
# AttachmentRequest types; file, audio, sticker and contact "must be the only attachment".
ATTACHMENT_TYPES = MEDIA_TYPES | {"sticker", "contact", "inline_keyboard", "location", "share"}
ALONE_TYPES = {"file", "audio", "sticker", "contact"}
SENDER_ACTIONS = {"typing_on", "sending_photo", "sending_video", "sending_audio", "sending_file"}
UPDATE_TYPES = {
    "bot_added",
    "bot_started",
    "bot_stopped",
    "bot_removed",
    "chat_title_changed",
    "dialog_cleared",
    "dialog_muted",
    "dialog_unmuted",
    "dialog_removed",
    "message_callback",
    "message_created",
    "message_edited",
    "message_removed",
    "message_chat_created",
    "user_added",
    "user_removed",
}
NEW_MESSAGE_FIELDS = {"text", "attachments", "link", "notify", "format"}
SECRET = re.compile(r"[a-zA-Z0-9_-]{5,256}")


@dataclass
class MaxError(Exception):
    status: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def invalid(message: str) -> MaxError:
    return MaxError(400, "proto.payload", message)


def not_found(message: str) -> MaxError:
    return MaxError(404, "not.found", message)


UNAUTHORIZED = MaxError(401, "verify.token", "Invalid access_token")
BLOCKED = MaxError(403, "chat.denied", "error.dialog.suspended: the user stopped the bot")
TOO_MANY = MaxError(429, "too.many.requests", "More than 30 requests per second")


# --- small type checks -------------------------------------------------------------------


def _string(value: Any, where: str, *, limit: int | None = None, minimum: int = 0) -> str:
    if not isinstance(value, str):
        raise invalid(f"{where}: expected a string, got {_kind(value)}")
    if len(value) < minimum:
        raise invalid(f"{where}: must not be empty" if minimum == 1 else f"{where}: too short")
    if limit is not None and len(value) > limit:
        raise invalid(f"{where}: {len(value)} characters, at most {limit} allowed")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def query_int(
    params: dict[str, str], name: str, *, low: int | None = None, high: int | None = None
) -> int | None:
    """An integer query parameter (None when absent), within [low, high] when given."""
    raw = params.get(name)
    if raw is None or raw in {"", "null"}:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name}: expected an integer, got {raw!r}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid(f"{name}: {value} is out of range {low}..{high}")
    return value


def query_bool(params: dict[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise invalid(f"{name}: expected true or false, got {raw!r}")
    return raw == "true"


# --- NewMessageBody ------------------------------------------------------------------------


def check_new_message(body: Any, where: str = "body") -> dict[str, Any]:
    """A NewMessageBody: types, text length, format and each attachment. Returns the body."""
    if not isinstance(body, dict):
        raise invalid(f"{where}: expected a JSON object (NewMessageBody), got {_kind(body)}")
    unknown = sorted(set(body) - NEW_MESSAGE_FIELDS)
    if unknown:
        raise invalid(f"{where}: unknown field {unknown[0]!r} in NewMessageBody")
    text = body.get("text")
    if text is not None:
        _string(text, f"{where}.text", limit=TEXT_LIMIT)
    fmt = body.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise invalid(f"{where}.format: {fmt!r} is not one of markdown, html")
    notify = body.get("notify")
    if notify is not None and not isinstance(notify, bool):
        raise invalid(f"{where}.notify: expected a boolean, got {_kind(notify)}")
    link = body.get("link")
    if link is not None:
        if not isinstance(link, dict):
            raise invalid(f"{where}.link: expected an object, got {_kind(link)}")
        if link.get("type") not in LINK_TYPES:
            raise invalid(f"{where}.link.type: {link.get('type')!r} is not one of forward, reply")
        _string(link.get("mid"), f"{where}.link.mid", minimum=1)
    attachments = body.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise invalid(f"{where}.attachments: expected an array, got {_kind(attachments)}")
        for i, attachment in enumerate(attachments):
            check_attachment(attachment, f"{where}.attachments[{i}]")
        kinds = [a["type"] for a in attachments]
        if kinds.count("inline_keyboard") > 1:
            raise invalid(f"{where}.attachments: at most one inline_keyboard per message")
        media = [k for k in kinds if k != "inline_keyboard"]
        alone = [k for k in media if k in ALONE_TYPES]
        if alone and len(media) > 1:
            raise invalid(
                f"{where}.attachments: a {alone[0]} must be the only attachment in a message"
            )
    return body


def check_attachment(attachment: Any, where: str) -> None:
    if not isinstance(attachment, dict):
        raise invalid(f"{where}: expected an object, got {_kind(attachment)}")
    kind = attachment.get("type")
    if kind not in ATTACHMENT_TYPES:
        raise invalid(f"{where}.type: unknown attachment type {kind!r}")
    payload = attachment.get("payload")
    if kind == "location":
        for axis in ("latitude", "longitude"):
            value = attachment.get(axis)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise invalid(f"{where}.{axis}: expected a number")
        return
    if not isinstance(payload, dict):
        raise invalid(f"{where}.payload: required object, got {_kind(payload)}")
    if kind == "inline_keyboard":
        check_keyboard(payload, f"{where}.payload")
    elif kind == "image":
        given = [k for k in ("url", "token", "photos") if payload.get(k) is not None]
        if len(given) != 1:
            raise invalid(f"{where}.payload: exactly one of url, token, photos is required")
    elif kind in ("video", "audio", "file"):
        _string(payload.get("token"), f"{where}.payload.token", minimum=1)
    elif kind == "sticker":
        _string(payload.get("code"), f"{where}.payload.code", minimum=1)
    elif kind == "contact" and "name" not in payload:
        raise invalid(f"{where}.payload.name: required")


def check_keyboard(payload: dict[str, Any], where: str) -> None:
    rows = payload.get("buttons")
    if not isinstance(rows, list):
        raise invalid(f"{where}.buttons: required array of rows, got {_kind(rows)}")
    if not rows:
        raise invalid(f"{where}.buttons: at least one row is required")
    if len(rows) > MAX_ROWS:
        raise invalid(f"{where}.buttons: {len(rows)} rows, at most {MAX_ROWS} allowed")
    for r, row in enumerate(rows):
        here = f"{where}.buttons[{r}]"
        if not isinstance(row, list):
            raise invalid(f"{here}: expected an array of buttons, got {_kind(row)}")
        if not row:
            raise invalid(f"{here}: a row must have at least one button")
        for b, button in enumerate(row):
            check_button(button, f"{here}[{b}]")
        wide = any(button["type"] in WIDE_BUTTONS for button in row)
        limit = MAX_ROW_WIDE_BUTTONS if wide else MAX_ROW_BUTTONS
        if len(row) > limit:
            which = " with a link, open_app or request button" if wide else ""
            raise invalid(f"{here}: {len(row)} buttons in a row{which}, at most {limit} allowed")


def check_button(button: Any, where: str) -> None:
    if not isinstance(button, dict):
        raise invalid(f"{where}: expected a button object, got {_kind(button)}")
    kind = button.get("type")
    if kind not in BUTTON_TYPES:
        raise invalid(f"{where}.type: unknown button type {kind!r}")
    _string(button.get("text"), f"{where}.text", limit=BUTTON_TEXT_LIMIT, minimum=1)
    if kind in ("callback", "clipboard"):
        _string(button.get("payload"), f"{where}.payload", limit=PAYLOAD_LIMIT)
    if kind == "callback" and button.get("intent") not in (None, *INTENTS):
        raise invalid(f"{where}.intent: {button.get('intent')!r} is not one of {sorted(INTENTS)}")
    if kind == "link":
        url = _string(button.get("url"), f"{where}.url", limit=URL_LIMIT, minimum=1)
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$", url):
            raise invalid(f"{where}.url: {url!r} is not a URL")
    if kind == "chat":
        _string(button.get("chat_title"), f"{where}.chat_title", limit=CHAT_TITLE_LIMIT, minimum=1)
        for name, limit in (
            ("chat_description", CHAT_DESCRIPTION_LIMIT),
            ("start_payload", START_PAYLOAD_LIMIT),
        ):
            if button.get(name) is not None:
                _string(button[name], f"{where}.{name}", limit=limit)
    if kind == "open_app" and button.get("web_app") is None and button.get("contact_id") is None:
        raise invalid(f"{where}: an open_app button needs web_app or contact_id")


# --- other bodies ---------------------------------------------------------------------------


def check_callback_answer(body: Any) -> tuple[dict[str, Any] | None, str | None]:
    """CallbackAnswer: `message` (a NewMessageBody) and/or `notification`; one is required."""
    if not isinstance(body, dict):
        raise invalid(f"body: expected a JSON object (CallbackAnswer), got {_kind(body)}")
    unknown = sorted(set(body) - {"message", "notification"})
    if unknown:
        raise invalid(f"body: unknown field {unknown[0]!r} in CallbackAnswer")
    message = body.get("message")
    notification = body.get("notification")
    if message is None and notification is None:
        raise invalid("body: a callback answer needs message or notification")
    if notification is not None:
        _string(notification, "body.notification", minimum=1)
    if message is not None:
        check_new_message(message, "body.message")
    return message, notification


def check_commands(commands: Any, where: str) -> list[dict[str, Any]]:
    """BotCommand[]: at most 32, name 1..64, description 1..128."""
    if not isinstance(commands, list):
        raise invalid(f"{where}: expected an array, got {_kind(commands)}")
    if len(commands) > 32:
        raise invalid(f"{where}: {len(commands)} commands, at most 32 allowed")
    out = []
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            raise invalid(f"{where}[{i}]: expected an object")
        name = _string(command.get("name"), f"{where}[{i}].name", limit=64, minimum=1)
        description = command.get("description")
        if description is not None:
            _string(description, f"{where}[{i}].description", limit=128, minimum=1)
        out.append({"name": name, "description": description})
    return out


def check_bot_patch(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid(f"body: expected a JSON object (BotPatch), got {_kind(body)}")
    unknown = sorted(
        set(body) - {"first_name", "last_name", "name", "description", "commands", "photo"}
    )
    if unknown:
        raise invalid(f"body: unknown field {unknown[0]!r} in BotPatch")
    for name, limit in (("first_name", 64), ("last_name", 64), ("description", 16000)):
        if body.get(name) is not None:
            _string(body[name], f"body.{name}", limit=limit, minimum=1)
    if body.get("commands") is not None:
        body["commands"] = check_commands(body["commands"], "body.commands")
    return body


def check_subscription(body: Any, *, allow_http: bool) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("body: expected a JSON object (SubscriptionRequestBody)")
    url = _string(body.get("url"), "body.url", minimum=1)
    if not url.startswith("https://") and not (allow_http and url.startswith("http://")):
        raise invalid("body.url: a webhook URL must start with https://")
    types = body.get("update_types")
    if types is not None and (
        not isinstance(types, list) or any(t not in UPDATE_TYPES for t in types)
    ):
        raise invalid(f"body.update_types: unknown update type in {types!r}")
    secret = body.get("secret")
    if secret is not None and not (isinstance(secret, str) and SECRET.fullmatch(secret)):
        raise invalid("body.secret: 5 to 256 characters of A-Z, a-z, 0-9, _ and -")
    return body


def check_action(body: Any) -> str:
    if not isinstance(body, dict) or body.get("action") not in SENDER_ACTIONS:
        action = body.get("action") if isinstance(body, dict) else None
        raise invalid(f"body.action: {action!r} is not one of {sorted(SENDER_ACTIONS)}")
    return str(body["action"])
