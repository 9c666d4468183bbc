"""`python -m bot sandbox` as a person starts it: no token, its own database, one line."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "BOT_API_BASE_URL"}}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'main.sqlite3'}"
    env["PYTHONPATH"] = str(ROOT)
    return env


async def _start(tmp_path: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        "--database",
        str(tmp_path / "sandbox.sqlite3"),
        *args,
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
async def test_sandbox_starts_without_a_token_and_stops_cleanly(
    tmp_path: Path, stop: signal.Signals
) -> None:
    proc = await _start(tmp_path, "--port", "0")
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line.startswith("Sandbox: open http://127.0.0.1:")
        url = line.split()[2].rstrip("/")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/api/personas") as response:
                assert len((await response.json())["personas"]) == 12
            async with http.get(f"{url}/") as response:
                page = await response.text()
        assert "<title>Sandbox" in page
        assert "http" not in page.replace("http-equiv", "")
    finally:
        proc.send_signal(stop)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert "Traceback" not in err.decode()
    assert proc.returncode in (0, 130)
    assert (tmp_path / "sandbox.sqlite3").exists()
    assert not (tmp_path / "main.sqlite3").exists()  # the normal database is not touched


async def test_a_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = await _start(tmp_path, "--port", str(port))
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith(f"Cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in err.decode()
