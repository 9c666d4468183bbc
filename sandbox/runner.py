"""Putting the sandbox together: its database, the fake Telegram, the fake MAX (under /max),
the page, and the real bot.

The bot is the ordinary `bot.app.run_polling`, pointed at this server with made-up tokens for
both messengers, the sandbox's database and its clock; it long-polls both exactly as it would
poll Telegram and MAX.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from bot import demo_data as demo
from bot.app import run_polling
from bot.demo_data import load_demo_data
from bot.settings import Settings
from models.db import create_engine, create_session_factory
from models.migrate import upgrade
from sandbox.botapi import BotApi
from sandbox.chats import Chats
from sandbox.flood import FloodControl, FloodLimits
from sandbox.max_api import MaxApi
from sandbox.max_state import MaxMessenger
from sandbox.persona_chat import MAX
from sandbox.personas import ensure_demo_accounts, max_personas, telegram_names
from sandbox.spec import Spec
from sandbox.state import Telegram
from sandbox.timetravel import TimeMachine
from sandbox.web import SandboxWeb
from services.clock import OffsetClock

logger = logging.getLogger(__name__)

SANDBOX_TOKEN = "123456:SANDBOX"  # noqa: S105  (made up: the fake Telegram takes it)
DEFAULT_DATABASE = Path("data/sandbox.sqlite3")  # of the current folder; see bot/paths.py
BOT_USER = {
    "id": int(SANDBOX_TOKEN.partition(":")[0]),
    "is_bot": True,
    "first_name": "School network",
    "username": "school_network_sandbox_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TOKEN = "sandbox-max-token"  # noqa: S105  (made up: the fake MAX takes it)
MAX_PREFIX = "/max"
UPLOAD_LIMIT = 60 * 1024 * 1024
# Demo personas on MAX unless told otherwise: a mixed family, the child on Telegram and the
# parent on MAX, as in real life.
DEFAULT_ON_MAX = frozenset({demo.DEMO_PARENT_NAME})


class SandboxError(Exception):
    """The sandbox cannot start; the message says why in one line."""


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 8080  # 0: any free port
    database: Path = DEFAULT_DATABASE
    limits: FloodLimits = field(default_factory=FloodLimits)
    delivery_interval_seconds: float | None = None  # None: as in the settings
    run_bot: bool = True  # off: only the fake messengers and the page (tests of the server alone)
    on_max: frozenset[str] = DEFAULT_ON_MAX  # full names of the demo personas on MAX


class Sandbox:
    def __init__(self, settings: Settings, config: SandboxConfig) -> None:
        self.config = config
        self.clock = OffsetClock()
        self.time = TimeMachine(
            self.clock, settings.default_timezone, config.database.with_suffix(".clock")
        )
        self.database_url = f"sqlite+aiosqlite:///{config.database}"
        self.base_settings = settings
        self.telegram = Telegram(dict(BOT_USER), self.clock)
        self.flood = FloodControl(config.limits)
        self.api = BotApi(self.telegram, Spec.load(), SANDBOX_TOKEN, self.flood)
        self.max = MaxMessenger(
            MAX_TOKEN,
            clock=self.clock,
            bot_name=str(BOT_USER["first_name"]),
            bot_username=str(BOT_USER["username"]),
        )
        self.max_api = MaxApi(self.max, MAX_PREFIX)
        self.chats = Chats(self.telegram, self.max, self.time.zone)
        self.engine = create_engine(self.database_url)
        self.web = SandboxWeb(self.chats, create_session_factory(self.engine), self.time)
        self.url = ""
        self.skipped_night = False
        self._runner: web.AppRunner | None = None
        self._bot: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        app = web.Application(client_max_size=UPLOAD_LIMIT)
        app.add_routes(self.api.routes() + self.max_api.routes() + self.web.routes())
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        try:
            await site.start()
        except OSError as exc:
            raise SandboxError(
                f"Cannot listen on {self.config.host}:{self.config.port}: {exc.strerror}"
            ) from None
        port = self._runner.addresses[0][1]
        self.url = f"http://{self.config.host}:{port}"
        self.max.public_url = self.url + MAX_PREFIX  # where files sent on MAX download from
        self.skipped_night = self.time.skip_quiet_hours(
            self.base_settings.quiet_start, self.base_settings.quiet_end
        )
        await self._prepare_database()
        await self.web.personas()  # every persona gets a chat before the bot starts
        if self.config.run_bot:
            self._bot = asyncio.create_task(
                run_polling(
                    self.bot_settings(),
                    clock=self.clock,
                    handle_signals=False,
                    stop=self._stop,
                    wake=self.time.moved,
                ),
                name="sandbox-bot",
            )

    def bot_settings(self) -> Settings:
        update: dict[str, object] = {
            "bot_token": SecretStr(SANDBOX_TOKEN),
            "database_url": self.database_url,
            "bot_api_base_url": self.url,
            "max_bot_token": SecretStr(MAX_TOKEN),
            "max_api_base_url": self.url + MAX_PREFIX,
            "admin_ids": [],
        }
        if self.config.delivery_interval_seconds is not None:
            update["delivery_interval_seconds"] = self.config.delivery_interval_seconds
        return self.base_settings.model_copy(update=update)

    async def _prepare_database(self) -> None:
        self.config.database.parent.mkdir(parents=True, exist_ok=True)
        await upgrade(self.database_url)
        async with self.web.session_factory() as session:
            await load_demo_data(session, self.clock.now())
            await self.ensure_accounts(session)
            await session.commit()

    async def ensure_accounts(self, session: AsyncSession) -> int:
        """The demo personas' accounts on their messengers, and every MAX persona's dialog
        (started: MAX lets the bot write only to people who opened it); returns how many
        accounts were added or moved."""
        changed = await ensure_demo_accounts(session, self.config.on_max)
        for user_id, full_name in await max_personas(session):
            first, last = telegram_names(full_name)
            self.chats.add(user_id, MAX, first, last, started=True)
        return changed

    async def wait(self, stopping: asyncio.Event) -> None:
        """Run until `stopping` is set or the bot ends (it ends only if it crashes)."""
        waits: list[asyncio.Future[object]] = [asyncio.ensure_future(stopping.wait())]
        if self._bot is not None:
            waits.append(asyncio.shield(self._bot))  # Ctrl+C cancels the waiter, not the bot
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waits[0].cancel()
        if self._bot is not None and self._bot.done():
            await self._bot  # the bot crashed: let its error be seen

    async def stop(self) -> None:
        if self._bot is not None and not self._bot.done():
            self._stop.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._bot), 15)
            except TimeoutError:
                self._bot.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._bot
        self.telegram.close()  # ends a long poll still waiting on the server side
        await self.max.close()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.engine.dispose()


async def run_sandbox(settings: Settings, config: SandboxConfig) -> None:
    """The `python -m bot sandbox` command: start, print the URL, run until interrupted."""
    for noisy in ("aiogram.event", "aiogram.dispatcher"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sandbox = Sandbox(settings, config)
    stopping = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # SIGINT is Ctrl+C, handled by asyncio.run
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    try:
        await sandbox.start()
        note = " Its clock starts after the night's quiet hours." if sandbox.skipped_night else ""
        print(f"Sandbox: open {sandbox.url}/ (no token needed; Ctrl+C stops it).{note}", flush=True)
        await sandbox.wait(stopping)
    finally:
        await sandbox.stop()
