"""Fixtures: a whole sandbox (fake Telegram, page, the real bot) on a free port, per test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.settings import Settings
from sandbox.flood import FloodLimits
from sandbox.runner import DEFAULT_ON_MAX, Sandbox, SandboxConfig

MOSCOW = ZoneInfo("Europe/Moscow")
StartSandbox = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
async def start_sandbox(tmp_path: Path, template_db: Path) -> AsyncIterator[StartSandbox]:
    """Start a sandbox with a migrated copy of the test database; stopped after the test."""
    started: list[Sandbox] = []

    async def start(
        limits: FloodLimits | None = None,
        *,
        run_bot: bool = True,
        name: str = "sandbox",
        on_max: frozenset[str] = DEFAULT_ON_MAX,
    ) -> Sandbox:
        database = tmp_path / f"{name}.sqlite3"
        shutil.copy(template_db, database)
        settings = Settings(_env_file=None, admin_ids=[])  # type: ignore[call-arg]
        sandbox = Sandbox(
            settings,
            SandboxConfig(
                port=0,
                database=database,
                limits=limits or FloodLimits(),
                delivery_interval_seconds=0.05,
                run_bot=run_bot,
                on_max=on_max,
            ),
        )
        started.append(sandbox)
        # Tomorrow 10:00 in Moscow: daytime, so the bot holds nothing for quiet hours.
        now = sandbox.clock.now().astimezone(MOSCOW)
        sandbox.clock.advance(
            datetime.combine(now.date() + timedelta(days=1), time(10), MOSCOW) - now
        )
        await sandbox.start()
        return sandbox

    yield start
    for sandbox in reversed(started):
        await sandbox.stop()


@pytest.fixture
async def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    return await start_sandbox()


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sandbox.url) as session:
        yield session
