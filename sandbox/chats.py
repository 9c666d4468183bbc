"""Every persona's chat with the bot, on either messenger: `Chats` finds or adds one by persona
id and gives the page's JSON API a `PersonaChat` (see `persona_chat`) for it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sandbox.max_chat import MaxChat
from sandbox.max_state import MaxMessenger
from sandbox.persona_chat import MAX, PersonaChat
from sandbox.state import Telegram, User
from sandbox.telegram_chat import TelegramChat


class Chats:
    """Every persona's chat, on either messenger, by persona id (their messenger user id)."""

    def __init__(self, telegram: Telegram, max_state: MaxMessenger, zone: ZoneInfo) -> None:
        self.telegram = telegram
        self.max = max_state
        self.zone = zone

    def get(self, persona_id: int) -> PersonaChat | None:
        chat = self.telegram.chat(persona_id)
        if chat is not None:
            return TelegramChat(self.telegram, chat, self.zone)
        if persona_id in self.max.users:
            return MaxChat(self.max, self.max.dialog_of(persona_id), self.zone)
        return None

    def ids(self) -> set[int]:
        return set(self.telegram.chats) | set(self.max.users)

    def add(
        self,
        persona_id: int,
        messenger: str,
        first_name: str,
        last_name: str = "",
        language: str = "ru",
        *,
        started: bool = False,
    ) -> PersonaChat:
        """A user on that messenger (kept if there); on MAX `started`: they opened the bot."""
        if messenger == MAX:
            dialog = self.max.add_user(
                persona_id, first_name, last_name=last_name or None, locale=language
            )
            dialog.started = dialog.started or started
            return MaxChat(self.max, dialog, self.zone)
        chat = self.telegram.add_user(User(persona_id, first_name, last_name, language))
        return TelegramChat(self.telegram, chat, self.zone)

    def file(self, file_id: str) -> tuple[bytes, str, str] | None:
        """A file either messenger holds: data, name, content type."""
        stored = self.telegram.files.get(file_id)
        if stored is not None:
            return stored.data, stored.filename, stored.mime_type
        on_max = self.max.files.get(file_id)
        if on_max is not None:
            return on_max.data, on_max.filename, on_max.content_type
        return None

    def changed(self) -> None:
        """Wake every waiter on both messengers (the clock moved)."""
        self.telegram.changed()
        self.max.changed()
