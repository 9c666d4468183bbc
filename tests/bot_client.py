"""A person in a test conversation: `await alice.send("/start")`, `await alice.click("Yes")`."""

from __future__ import annotations

import itertools
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from tests.telegram_fake import ChatMessage, FakeTelegram

_update_ids = itertools.count(1)
_user_message_ids = itertools.count(1_000_000)
_callback_ids = itertools.count(1)


class BotClient:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        telegram: FakeTelegram,
        user_id: int,
        first_name: str = "Test",
        language_code: str = "ru",
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.telegram = telegram
        self.user_id = user_id
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        telegram.known_chats.add(user_id)
        self._seen = 0

    async def _feed(self, raw: dict[str, Any]) -> None:
        self._seen = len(self.telegram.messages(self.user_id))
        update = Update.model_validate(
            {"update_id": next(_update_ids), **raw}, context={"bot": self.bot}
        )
        await self.dp.feed_update(self.bot, update)

    async def send(self, text: str) -> None:
        await self._feed(
            {
                "message": {
                    "message_id": next(_user_message_ids),
                    "date": 1_700_000_000,
                    "chat": {"id": self.user_id, "type": "private"},
                    "from": self.user,
                    "text": text,
                    **(
                        {
                            "entities": [
                                {
                                    "type": "bot_command",
                                    "offset": 0,
                                    "length": len(text.split(maxsplit=1)[0]),
                                }
                            ]
                        }
                        if text.startswith("/")
                        else {}
                    ),
                }
            }
        )

    async def send_document(self, name: str, data: bytes, caption: str | None = None) -> None:
        """Send a file, as a person attaching a document; the bot can download it back."""
        file_id = f"up{next(_user_message_ids)}"
        self.telegram.files[file_id] = data
        await self._feed(
            {
                "message": {
                    "message_id": next(_user_message_ids),
                    "date": 1_700_000_000,
                    "chat": {"id": self.user_id, "type": "private"},
                    "from": self.user,
                    "document": {
                        "file_id": file_id,
                        "file_unique_id": f"u-{file_id}",
                        "file_name": name,
                        "file_size": len(data),
                    },
                    **({"caption": caption} if caption else {}),
                }
            }
        )

    def find_button(self, text: str) -> tuple[ChatMessage, str]:
        """The newest message with a button whose label contains `text`."""
        for message in reversed(self.telegram.messages(self.user_id)):
            for label, data in message.buttons():
                if text in label:
                    return message, data
        raise AssertionError(f"no button {text!r}; last screen: {self.screen()!r}")

    async def click(self, text: str) -> str | None:
        """Press a button; returns the callback answer's text (an alert, if any)."""
        message, data = self.find_button(text)
        return await self.press(data, message.message_id)

    async def press(self, data: str, message_id: int | None = None) -> str | None:
        """Send callback data as if a button carrying it were pressed (forged or stale ones too)."""
        if message_id is None:
            message_id = self.telegram.last(self.user_id).message_id
        message = self.telegram.chats.get(self.user_id, {}).get(message_id)
        query_id = str(next(_callback_ids))
        await self._feed(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user,
                    "chat_instance": "ci",
                    "data": data,
                    "message": FakeTelegram.message_json(message)
                    if message
                    else {
                        "message_id": message_id,
                        "date": 1_700_000_000,
                        "chat": {"id": self.user_id, "type": "private"},
                        "text": "old",
                    },
                }
            }
        )
        answers = [
            c
            for c in self.telegram.calls
            if type(c).__name__ == "AnswerCallbackQuery" and c.callback_query_id == query_id
        ]
        assert len(answers) == 1, f"callback answered {len(answers)} times"
        return answers[0].text

    def screen(self) -> str:
        """What the newest message shows: its text, then its buttons, one per line."""
        messages = self.telegram.messages(self.user_id)
        if not messages:
            return ""
        last = messages[-1]
        return "\n".join([last.text, *(f"[{label}]" for label, _ in last.buttons())])

    def new_messages(self) -> list[ChatMessage]:
        """The messages the bot sent in answer to the last update."""
        return self.telegram.messages(self.user_id)[self._seen :]

    def replies(self) -> str:
        """Every new message the bot sent in answer to the last update, one after another."""
        return "\n\n".join(m.text for m in self.new_messages())

    def texts(self) -> list[str]:
        return [m.text for m in self.telegram.messages(self.user_id)]
