"""The command line as an operator meets it: clear one-line errors, idempotent demo data,
invites, and `run` long-polling a Bot API server (a local fake here, never Telegram)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.__main__ import COMMAND_LIST, build_parser
from models import Invite, Organisation
from models.db import create_engine, create_session_factory
from sandbox.max_state import MaxMessenger
from tests.max_client import MAX_TOKEN, serve_max
from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BOT_TOKEN", "MAX_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "BOT_API_BASE_URL"}
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env.update(extra)
    return env


async def _cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await stop(proc, None, timeout=60)  # it ends by itself
    return proc.returncode or 0, out.decode(), err.decode()


@pytest.fixture(autouse=True)
def _importable_from_tmp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


async def test_run_without_token_says_so_in_one_line(tmp_path: Path) -> None:
    code, _, err = await _cli(tmp_path, "run")
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "BOT_TOKEN" in err
    assert "MAX_BOT_TOKEN" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"WEBHOOK_URL": "http://plain.example.org"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces!"}, "WEBHOOK_SECRET"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"SEND_RATE": "lots"}, "SEND_RATE"),
    ],
)
async def test_a_malformed_setting_is_named(tmp_path: Path, env: dict[str, str], name: str) -> None:
    code, _, err = await _cli(tmp_path, "migrate", **env)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert name in lines[0]
    assert "Traceback" not in err


async def test_migrate_demo_data_twice_and_invite(tmp_path: Path) -> None:
    assert (await _cli(tmp_path, "migrate"))[0] == 0
    code, out, _ = await _cli(tmp_path, "demo-data")
    assert code == 0
    assert out.startswith("Loaded: 4 organisations")
    code, again, _ = await _cli(tmp_path, "demo-data")
    assert code == 0
    assert again.startswith("Already loaded: 4 organisations")
    assert out.split(":", 1)[1] == again.split(":", 1)[1]

    code, out, _ = await _cli(
        tmp_path, "invite", "--role", "coordinator", "--org", "sosh5", "--count", "2"
    )
    assert code == 0
    lines = out.split()
    assert len(lines) == 4
    assert lines[0] == "/start"
    assert lines[1].startswith("inv-")
    code, _, err = await _cli(tmp_path, "invite", "--role", "teacher", "--org", "nowhere")
    assert code == 1
    assert "Unknown organisation 'nowhere'" in err
    code, _, err = await _cli(tmp_path, "invite", "--role", "teacher")
    assert code == 1
    assert "--org" in err

    engine = create_engine(_env(tmp_path)["DATABASE_URL"])
    async with create_session_factory(engine)() as session:
        assert await session.scalar(select(func.count(Organisation.id))) == 4
        assert await session.scalar(select(func.count(Invite.id))) == 2
    await engine.dispose()


class FakeBotApi:
    """Just enough of the Bot API over HTTP for one conversation turn."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []
        self.updates = [
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": {"id": 77, "type": "private"},
                    "from": {"id": 77, "is_bot": False, "first_name": "Ира"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        ]
        self.got_message = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        form = dict(await request.post())
        result: object = True
        if method == "getme":
            result = {"id": 42, "is_bot": True, "first_name": "Bot", "username": "net_bot"}
        elif method == "getupdates":
            offset = int(form.get("offset", 0) or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if not pending:
                await asyncio.sleep(0.2)
            result = pending
        elif method == "sendmessage":
            self.sent.append(form)
            self.got_message.set()
            result = {
                "message_id": len(self.sent) + 100,
                "date": 1_700_000_000,
                "chat": {"id": int(form["chat_id"]), "type": "private"},
                "text": form["text"],
            }
        return web.json_response({"ok": True, "result": result})


async def test_run_long_polls_a_bot_api_server(tmp_path: Path) -> None:
    api = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(tmp_path, BOT_TOKEN="42:TEST", BOT_API_BASE_URL=f"http://127.0.0.1:{port}"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(api.got_message.wait(), 30)
    finally:
        try:
            _, err = await stop(proc, signal.SIGINT)
        finally:
            await runner.cleanup()
    assert api.sent[0]["chat_id"] == "77"
    assert "Выберите язык" in api.sent[0]["text"]
    markup = json.loads(api.sent[0]["reply_markup"])
    assert [b["text"] for b in markup["inline_keyboard"][0]] == ["Русский", "English"]
    assert "Traceback" not in err.decode()


async def test_run_with_only_a_max_token_serves_max(tmp_path: Path) -> None:
    """`run` with MAX_BOT_TOKEN alone polls MAX (a local fake MAX API here) and answers there;
    SIGINT stops it cleanly."""
    state = MaxMessenger(MAX_TOKEN)
    state.add_user(5001, "Ира")
    state.start(5001)  # the person opens the bot: MAX's bot_started update
    runner, url = await serve_max(state)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(tmp_path, MAX_BOT_TOKEN=MAX_TOKEN, MAX_API_BASE_URL=url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        answered = await state.wait_until(lambda: any(m.outgoing for m in state.messages(5001)), 30)
    finally:
        try:
            _, err = await stop(proc, signal.SIGINT)
        finally:
            await state.close()
            await runner.cleanup()
    assert answered, err.decode()[-2000:]
    [greeting] = [m for m in state.messages(5001) if m.outgoing]
    assert "Выберите язык" in (greeting.raw_text or "")
    assert [b["text"] for b in greeting.buttons[0]] == ["Русский", "English"]
    assert proc.returncode == 0
    assert "Traceback" not in err.decode()


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*args, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_every_command_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    overview = _help(capsys)
    for command in COMMAND_LIST:
        assert re.search(rf"^ +{command.name}\b", overview, re.MULTILINE), command.name
        text = _help(capsys, command.name)
        # usage, a blank line, then the description before the options
        description = text.split("\n\n", 1)[1].split("\noptions:", 1)[0].strip()
        assert len(description.split()) >= 15, (command.name, description)
    assert "MAX_BOT_TOKEN" in _help(capsys, "run")
    assert "BOT_TOKEN" in _help(capsys, "run")
    assert "MAX" in _help(capsys, "webhook")
    assert "MAX" in _help(capsys, "set-webhook")
