"""`python -m bot sandbox` as a person starts it: no token, its own database, one line."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path
from typing import Literal

import aiohttp
import pytest

from tests.processes import bot_command, stop

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "BOT_API_BASE_URL"}}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'main.sqlite3'}"
    env["PYTHONPATH"] = str(ROOT)
    return env


async def _start(
    tmp_path: Path, *args: str, sigint: Literal["SIG_DFL", "SIG_IGN"] | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *bot_command(
            "sandbox", "--database", str(tmp_path / "sandbox.sqlite3"), *args, sigint=sigint
        ),
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize(
    ("signal_", "sigint"),
    [
        (signal.SIGINT, "SIG_DFL"),
        # A sandbox started with `&` from a script inherits SIGINT ignored: it stops all the same.
        (signal.SIGINT, "SIG_IGN"),
        (signal.SIGTERM, "SIG_DFL"),
    ],
    ids=["sigint", "sigint-in-a-background-job", "sigterm"],
)
async def test_sandbox_starts_without_a_token_and_stops_cleanly(
    tmp_path: Path, signal_: signal.Signals, sigint: Literal["SIG_DFL", "SIG_IGN"]
) -> None:
    proc = await _start(tmp_path, "--port", "0", sigint=sigint)
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
        assert "<title>Песочница" in page
        assert "http" not in page.replace("http-equiv", "")
    finally:
        _, err = await stop(proc, signal_)
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
        _, err = await stop(proc, None)  # it ends by itself
    assert proc.returncode == 1
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith(f"Cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in err.decode()
