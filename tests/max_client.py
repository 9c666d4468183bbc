"""A person talking to the bot on MAX, through the real `maxapi` library and the fake MAX API:
the same `send` / `click` / `screen` / `texts` as `BotClient` on Telegram, so one conversation
can be checked on both messengers."""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.max import feed
from bot.max.session import MaxSession
from sandbox.max_api import MaxApi
from sandbox.max_records import MaxMessage
from sandbox.max_state import MaxMessenger

MAX_TOKEN = "max-test-token"


async def serve_max(state: MaxMessenger) -> tuple[web.AppRunner, str]:
    """The fake MAX API on a free port: its runner (clean it up) and address."""
    runner = web.AppRunner(MaxApi(state).app(), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


class MaxHub:
    """Takes the updates MAX holds for the bot, as long polling does, and hands each to the
    dispatcher; a test waits for all of them to be handled before it looks."""

    def __init__(self, state: MaxMessenger, dp: Dispatcher, bot: Bot) -> None:
        self.state = state
        self.dp = dp
        self.bot = bot
        self.marker: int | None = None

    async def pump(self) -> None:
        assert isinstance(self.bot.session, MaxSession)
        client = self.bot.session.client
        while True:
            limiter = self.bot.session.limiter  # polling counts against MAX's limit too
            async with limiter.request() if limiter else contextlib.nullcontext():
                reply: dict[str, Any] = await client.get_updates(marker=self.marker, timeout=0)
            self.marker = reply.get("marker", self.marker)
            updates = reply.get("updates") or []
            if not updates:
                return
            for raw in updates:
                await feed(self.dp, self.bot, raw)

    def client(
        self, user_id: int, first_name: str = "Test", locale: str = "ru", *, started: bool = True
    ) -> MaxClient:
        """A MAX user; `started`: they opened the dialog with the bot some time ago (MAX lets
        a bot write only to people who did)."""
        if user_id not in self.state.users:
            self.state.add_user(user_id, first_name, locale=locale)
        self.state.dialog_of(user_id).started = started
        return MaxClient(self, user_id)


class MaxClient:
    def __init__(self, hub: MaxHub, user_id: int) -> None:
        self.hub = hub
        self.state = hub.state
        self.user_id = user_id

    async def start(self, payload: str | None = None) -> None:
        self.state.start(self.user_id, payload)
        await self.hub.pump()

    async def send(self, text: str) -> None:
        self.state.send_text(self.user_id, text)
        await self.hub.pump()

    async def send_file(self, data: bytes, filename: str) -> None:
        self.state.send_file(self.user_id, data, filename)
        await self.hub.pump()

    async def click(self, text: str) -> str | None:
        """Press a button by its label; returns the notification MAX showed, if any."""
        record = self.state.press_button(self.user_id, text)
        await self.hub.pump()
        answers = [a.get("notification") for a in record.answers if a.get("notification")]
        return answers[-1] if answers else None

    def bot_messages(self) -> list[MaxMessage]:
        return [m for m in self.state.messages(self.user_id) if m.outgoing and not m.deleted]

    def screen(self) -> str:
        """The newest bot message as sent (its HTML), then its buttons, one per line."""
        messages = self.bot_messages()
        if not messages:
            return ""
        last = messages[-1]
        labels = [f"[{b['text']}]" for row in last.buttons for b in row]
        return "\n".join([last.raw_text or "", *labels])

    def texts(self) -> list[str]:
        return [m.raw_text or "" for m in self.bot_messages()]
