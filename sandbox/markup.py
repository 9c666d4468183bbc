"""Keyboards and commands: the rules Telegram enforces beyond the parameter types."""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request

CALLBACK_DATA_LIMIT = 64  # bytes
BUTTONS_LIMIT = 100
# An inline button has a text and exactly one action.
_DECORATION = {"text", "icon_custom_emoji_id", "style"}
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    if markup is None:
        return
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], _check_inline_button)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], _check_keyboard_button)


def _check_rows(rows: list[list[Any]], check: Any) -> None:
    if sum(len(row) for row in rows) > BUTTONS_LIMIT:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            check(button)


def _check_inline_button(button: dict[str, Any]) -> None:
    if not str(button.get("text", "")).strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key, value in button.items() if key not in _DECORATION and value is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of "
            f"{', '.join(sorted(actions))} must be used"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = str(button["url"])
        if not re.match(r"(https?|tg)://\S+$", url, re.IGNORECASE):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _check_keyboard_button(button: Any) -> None:
    text = button if isinstance(button, str) else button.get("text", "")
    if not str(text).strip():
        raise bad_request("BUTTON_TEXT_INVALID")


def check_commands(commands: list[dict[str, Any]]) -> None:
    if len(commands) > BUTTONS_LIMIT:
        raise bad_request("too many commands")
    for command in commands:
        if not _COMMAND.fullmatch(str(command["command"])):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command["description"]).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
