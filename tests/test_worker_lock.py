"""Exactly one worker is active: a second one waits and takes over when the first dies."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.leader import leadership
from tests.http_bot_api import HttpBotApi

ROOT = Path(__file__).resolve().parent.parent


async def test_a_second_leader_waits_for_the_first(db_url) -> None:
    async def second() -> None:
        async with leadership(db_url, retry_seconds=0.05):
            pass

    async with leadership(db_url, retry_seconds=0.05):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.4)
        assert not waiting.done(), "two workers would be active at once"
    await asyncio.wait_for(waiting, 5)


async def _worker(tmp_path: Path, db_url: str, api: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "BOT_TOKEN": "42:WORKER",
        "BOT_API_BASE_URL": api,
        "LOG_LEVEL": "INFO",
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


async def _wait_for_line(proc: asyncio.subprocess.Process, text: str, seconds: float) -> bool:
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(seconds):
            while line := await proc.stderr.readline():
                if text in line.decode():
                    return True
    except TimeoutError:
        return False
    return False


async def test_the_waiting_worker_takes_over_when_the_active_one_dies(db_url, tmp_path) -> None:
    api = HttpBotApi()
    base = await api.start()
    first = await _worker(tmp_path, db_url, base)
    second = None
    try:
        assert await _wait_for_line(first, "this worker is active", 30)
        second = await _worker(tmp_path, db_url, base)
        assert await _wait_for_line(second, "another worker is active; waiting", 30)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert await _wait_for_line(second, "this worker is active", 30)
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 30)
        assert second.returncode == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.returncode is None:
                proc.kill()
                await proc.wait()
        await api.stop()
