"""The fake MAX's objects as MAX's API shows them: a message (with its sender, recipient,
attachments and link), an attachment with its download URL, a dialog as a chat."""

from __future__ import annotations

from typing import Any, Protocol

from sandbox.max_records import Dialog, MaxFile, MaxMessage

_SENDER_FIELDS = ("user_id", "first_name", "last_name", "username", "is_bot", "name")


class Lookup(Protocol):
    """What rendering reads from the fake MAX's memory."""

    bot: dict[str, Any]
    dialogs: dict[int, Dialog]
    by_mid: dict[str, MaxMessage]
    files: dict[str, MaxFile]

    def now_ms(self) -> int: ...

    def file_url(self, stored: MaxFile) -> str: ...


def message_json(state: Lookup, message: MaxMessage) -> dict[str, Any]:
    dialog = state.dialogs[message.chat_id]
    now = state.now_ms()
    bot = {k: state.bot[k] for k in _SENDER_FIELDS}
    bot["last_activity_time"] = now
    body: dict[str, Any] = {
        "mid": message.mid,
        "seq": message.seq,
        "text": message.text,
        "attachments": [attachment_json(state, a) for a in message.attachments],
    }
    if message.markup:
        body["markup"] = message.markup
    data: dict[str, Any] = {
        "sender": bot if message.outgoing else dialog.user.json(now),
        "recipient": {
            "chat_id": dialog.chat_id,
            "chat_type": "dialog",
            "user_id": dialog.user.user_id if message.outgoing else state.bot["user_id"],
        },
        "timestamp": message.timestamp,
        "body": body,
    }
    if message.link is not None:
        linked = state.by_mid.get(message.link["mid"])
        if linked is not None:
            data["link"] = {
                "type": message.link["type"],
                "sender": message_json(state, linked)["sender"],
                "chat_id": linked.chat_id,
                "message": message_json(state, linked)["body"],
            }
    return data


def attachment_json(state: Lookup, attachment: dict[str, Any]) -> dict[str, Any]:
    """An attachment as stored (a request's shape, a stored file's token under "_file") as MAX
    returns it."""
    token = attachment.get("_file")
    if token is None:
        return attachment
    stored = state.files[token]
    url = state.file_url(stored)
    if stored.kind == "image":
        return {
            "type": "image",
            "payload": {"photo_id": stored.number, "token": token, "url": url},
        }
    data: dict[str, Any] = {"type": stored.kind, "payload": {"url": url, "token": token}}
    if stored.kind == "file":
        data["filename"], data["size"] = stored.filename, stored.size
    return data


def chat_json(state: Lookup, dialog: Dialog) -> dict[str, Any]:
    now = state.now_ms()
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
