"""The sender killed mid-batch, again and again: nothing is lost, and each crash repeats at
most the one message that was on the wire."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from models import Account, Notification, Person
from models.db import create_engine, create_session_factory
from models.enums import Messenger, NotificationState
from models.migrate import upgrade
from tests.http_bot_api import HttpBotApi

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 500
CRASHES = 4


async def _fill(url: str) -> None:
    await upgrade(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    async with create_session_factory(engine)() as session:
        await session.execute(
            insert(Person),
            [
                {"id": n, "full_name": f"Родитель {n}", "language": "ru", "created_at": now}
                for n in range(1, PEOPLE + 1)
            ],
        )
        await session.execute(
            insert(Account),
            [
                {
                    "person_id": n,
                    "messenger": Messenger.TELEGRAM,
                    "user_id": 10_000 + n,
                    "chat_id": 10_000 + n,
                    "created_at": now,
                }
                for n in range(1, PEOPLE + 1)
            ],
        )
        await session.execute(
            insert(Notification),
            [
                {
                    "person_id": n,
                    "kind": "notify-group-confirmed",
                    "dedupe_key": f"k{n}",
                    "params": {"course": "Хоровое пение", "group": f"G{n}"},
                    "priority": 2,
                    "state": NotificationState.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "last_error": "",
                }
                for n in range(1, PEOPLE + 1)
            ],
        )
        await session.commit()
    await engine.dispose()


async def _start_worker(tmp_path: Path, url: str, api: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "BOT_TOKEN": "42:CRASH",
        "BOT_API_BASE_URL": api,
        "SEND_RATE": "1000",
        "CHAT_INTERVAL_SECONDS": "0",
        "QUIET_START": "00:00",
        "QUIET_END": "00:00",
        "DELIVERY_INTERVAL_SECONDS": "0.05",
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _wait_for(condition, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _wait_until_all_sent(url: str, seconds: float) -> bool:
    engine = create_engine(url)
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        while asyncio.get_running_loop().time() < deadline:
            async with create_session_factory(engine)() as session:
                unsent = await session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.state != NotificationState.SENT)
                )
                await session.commit()
            if unsent == 0:
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await engine.dispose()


async def test_killed_sender_loses_nothing_and_repeats_little(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'crash.sqlite3'}"
    await _fill(url)
    api = HttpBotApi()
    base = await api.start()
    try:
        for crash in range(CRASHES):
            before = len(api.delivered)
            worker = await _start_worker(tmp_path, url, base)
            assert await _wait_for(lambda b=before: len(api.delivered) >= b + 40, 30), (
                f"no progress before crash {crash}"
            )
            worker.send_signal(signal.SIGKILL)  # no chance to clean up
            await worker.wait()
        assert len(api.per_chat()) < PEOPLE, "the crashes came before the work was done"
        worker = await _start_worker(tmp_path, url, base)
        assert await _wait_for(lambda: len(api.per_chat()) == PEOPLE, 60)
        # A row a killed sender had claimed goes out again last (it may be the one repeat):
        # the work is done when the outbox says so, not when every chat has a message.
        assert await _wait_until_all_sent(url, 60)
        worker.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(worker.communicate(), 30)
        assert worker.returncode == 0, err.decode()[-2000:]
    finally:
        await api.stop()

    counts = api.per_chat()
    assert set(counts) == {10_000 + n for n in range(1, PEOPLE + 1)}, "none lost"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= CRASHES, f"{duplicates} duplicates after {CRASHES} crashes"
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        states = dict(
            (
                await session.execute(
                    select(Notification.state, func.count()).group_by(Notification.state)
                )
            ).all()
        )
    await engine.dispose()
    assert states == {NotificationState.SENT: PEOPLE}
