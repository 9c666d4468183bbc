"""The fake MAX with its users: `MaxMessenger`, the bot's server (`max_server`) plus what its
users do (for tests and the sandbox page).

Everything lives in memory: users, one dialog (chat) per user, messages with string ids
(`mid.…`), the update queue with its markers (`max_updates`), callbacks and their answers,
uploaded files, webhook subscriptions, and a record of every request the bot made (the records
are in `max_records`, their JSON shapes in `max_json`).

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

from typing import Any

from sandbox.max_records import CallbackRecord, Dialog, MaxFile, MaxMessage, MaxUser
from sandbox.max_rules import START_PAYLOAD_LIMIT
from sandbox.max_server import MaxServer


class MaxMessenger(MaxServer):
    """The server side of MAX for one bot, and its users."""

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
        self.queue.enqueue(update)
        return update

    def block(self, user_id: int) -> None:
        """The user stops the bot: bot_stopped, and sending to them is refused with 403."""
        dialog = self.dialog_of(user_id)
        dialog.blocked = True
        self.touch(dialog)
        self.queue.enqueue(
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
        self.queue.enqueue(
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
        self.queue.enqueue(
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
