"""The fake Bot API on its own (no bot polling it): Telegram's answers, refusals and limits."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox import botapi
from sandbox.flood import FloodLimits
from sandbox.runner import SANDBOX_TOKEN, Sandbox
from sandbox.spec import SPEC_PATH, Spec
from tests.sandbox.client import ApiPersona, bot_api
from tests.sandbox.conftest import StartSandbox


@pytest.fixture
async def server(start_sandbox: StartSandbox) -> Sandbox:
    return await start_sandbox(run_bot=False)


@pytest.fixture
async def api(server: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=server.url) as session:
        yield session


@pytest.fixture
async def chat_id(server: Sandbox) -> int:
    return min(server.telegram.chats)


def _keyboard(*labels_and_data: tuple[str, str]) -> str:
    return json.dumps(
        {"inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in labels_and_data]}
    )


async def _refused(
    api: aiohttp.ClientSession, method: str, status: int = 400, **params: Any
) -> str:
    code, body = await bot_api(api, method, **params)
    assert code == status, body
    assert body["ok"] is False
    assert body["error_code"] == status
    return str(body["description"])


# --- the specification ------------------------------------------------------------------------


def test_the_spec_is_the_projects_own_copy_and_covers_every_method() -> None:
    assert SPEC_PATH.parent == Path(botapi.__file__).parent
    spec = Spec.load()
    assert spec.version == "Bot API 10.1"
    assert set(botapi.HANDLERS) == set(spec.methods)
    for entry in [*spec.methods.values(), *spec.types.values()]:
        for field in entry.get("fields", []):
            for kind in field["types"]:
                inner = kind.removeprefix("Array of ").removeprefix("Array of ")
                assert inner in {"Integer", "String", "Boolean", "Float"} or inner in spec.types
    assert (SPEC_PATH.parent / "NOTICE.md").read_text().count("MIT") >= 1


async def test_unknown_method_and_wrong_token(api: aiohttp.ClientSession) -> None:
    assert await _refused(api, "sendTelepathy", 404) == "Not Found"
    async with api.post("/bot1:WRONG/getMe") as response:
        assert response.status == 401
        assert (await response.json())["description"] == "Unauthorized"
    # Method names are case-insensitive, as in Telegram.
    code, body = await bot_api(api, "GETME")
    assert code == 200
    assert body["result"]["username"]


async def test_missing_and_mistyped_parameters(api: aiohttp.ClientSession, chat_id: int) -> None:
    assert await _refused(api, "sendMessage", text="hi") == "Bad Request: chat_id is empty"
    assert await _refused(api, "sendMessage", chat_id=chat_id) == (
        "Bad Request: message text is empty"
    )
    assert 'parameter "file_id" is required' in await _refused(api, "getFile")
    assert 'parameter "limit": expected Integer' in await _refused(api, "getUpdates", limit="ten")
    assert "expected Boolean" in await _refused(
        api, "answerCallbackQuery", callback_query_id="1", show_alert="maybe"
    )
    assert "serialised as JSON" in await _refused(
        api, "sendMessage", chat_id=chat_id, text="x", reply_markup="{not json"
    )
    assert "text is required in InlineKeyboardButton" in await _refused(
        api,
        "sendMessage",
        chat_id=chat_id,
        text="x",
        reply_markup=json.dumps({"inline_keyboard": [[{"callback_data": "a"}]]}),
    )
    assert "expected Integer" in await _refused(
        api, "editMessageText", chat_id=chat_id, message_id="first", text="x"
    )


async def test_json_bodies_work_too(api: aiohttp.ClientSession, chat_id: int) -> None:
    async with api.post(
        f"/bot{SANDBOX_TOKEN}/sendMessage",
        json={"chat_id": chat_id, "text": "hi", "reply_markup": {"inline_keyboard": []}},
    ) as response:
        assert response.status == 200, await response.text()


# --- texts, entities and keyboards -------------------------------------------------------------


async def test_text_limits(api: aiohttp.ClientSession, chat_id: int) -> None:
    code, _ = await bot_api(api, "sendMessage", chat_id=chat_id, text="я" * 4096)
    assert code == 200
    too_long = await _refused(api, "sendMessage", chat_id=chat_id, text="я" * 4097)
    assert too_long == "Bad Request: message is too long"
    # Telegram counts UTF-16 code units: this emoji counts two.
    code, _ = await bot_api(api, "sendMessage", chat_id=chat_id, text="😀" * 2048)
    assert code == 200
    too_long = await _refused(api, "sendMessage", chat_id=chat_id, text="😀" * 2048 + "я")
    assert too_long == "Bad Request: message is too long"
    # The limit counts text after entity parsing: tags do not count.
    code, _ = await bot_api(
        api, "sendMessage", chat_id=chat_id, text=f"<b>{'я' * 4096}</b>", parse_mode="HTML"
    )
    assert code == 200
    assert await _refused(api, "sendMessage", chat_id=chat_id, text="  \n ") == (
        "Bad Request: message text is empty"
    )
    assert await _refused(
        api, "sendMessage", chat_id=chat_id, text="<b> </b>", parse_mode="HTML"
    ) == ("Bad Request: message text is empty")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Оценка <5", "Unclosed start tag at byte offset 13"),
    ],
)
async def test_malformed_html_is_refused(
    api: aiohttp.ClientSession, chat_id: int, text: str, error: str
) -> None:
    description = await _refused(api, "sendMessage", chat_id=chat_id, text=text, parse_mode="HTML")
    assert description == f"Bad Request: can't parse entities: {error}"


async def test_markdown_v2_reserved_characters(api: aiohttp.ClientSession, chat_id: int) -> None:
    description = await _refused(
        api, "sendMessage", chat_id=chat_id, text="Итого: 5.", parse_mode="MarkdownV2"
    )
    assert "Character '.' is reserved" in description
    code, body = await bot_api(
        api, "sendMessage", chat_id=chat_id, text="*Итого*: 5\\.", parse_mode="MarkdownV2"
    )
    assert code == 200
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 5}]  # type: ignore[index]
    assert "unsupported parse_mode" in await _refused(
        api, "sendMessage", chat_id=chat_id, text="x", parse_mode="BBCode"
    )


async def test_callback_data_is_at_most_64_bytes(api: aiohttp.ClientSession, chat_id: int) -> None:
    code, _ = await bot_api(
        api, "sendMessage", chat_id=chat_id, text="ok", reply_markup=_keyboard(("a", "ж" * 32))
    )
    assert code == 200  # 32 Cyrillic letters are 64 bytes
    description = await _refused(
        api, "sendMessage", chat_id=chat_id, text="x", reply_markup=_keyboard(("a", "ж" * 33))
    )
    assert description == "Bad Request: BUTTON_DATA_INVALID"
    text_only = json.dumps({"inline_keyboard": [[{"text": "just text"}]]})
    assert "Text buttons are unallowed" in await _refused(
        api, "sendMessage", chat_id=chat_id, text="x", reply_markup=text_only
    )


async def test_unknown_chat(api: aiohttp.ClientSession) -> None:
    assert await _refused(api, "sendMessage", chat_id=1, text="x") == "Bad Request: chat not found"
    assert await _refused(api, "sendMessage", chat_id="@nobody", text="x") == (
        "Bad Request: chat not found"
    )


async def test_edits(api: aiohttp.ClientSession, chat_id: int, server: Sandbox) -> None:
    assert await _refused(api, "editMessageText", chat_id=chat_id, message_id=999, text="x") == (
        "Bad Request: message to edit not found"
    )
    keyboard = _keyboard(("Go", "go"))
    _, sent = await bot_api(
        api,
        "sendMessage",
        chat_id=chat_id,
        text="<b>A</b>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    message_id = sent["result"]["message_id"]  # type: ignore[index]
    same = await _refused(
        api,
        "editMessageText",
        chat_id=chat_id,
        message_id=message_id,
        text="<b>A</b>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    assert same.startswith("Bad Request: message is not modified")
    # Same words, different formatting: a real change.
    code, _ = await bot_api(
        api,
        "editMessageText",
        chat_id=chat_id,
        message_id=message_id,
        text="A",
        reply_markup=keyboard,
    )
    assert code == 200
    # Editing the text without reply_markup removes the keyboard, as in Telegram.
    code, body = await bot_api(
        api, "editMessageText", chat_id=chat_id, message_id=message_id, text="B"
    )
    assert code == 200
    assert "reply_markup" not in body["result"]
    assert (
        await _refused(api, "editMessageReplyMarkup", chat_id=chat_id, message_id=message_id)
    ).startswith("Bad Request: message is not modified")
    message = server.telegram.chats[chat_id].messages[message_id]
    assert message.version == 2
    assert message.edit_date is not None
    code, _ = await bot_api(api, "deleteMessage", chat_id=chat_id, message_id=message_id)
    assert code == 200
    assert await _refused(api, "deleteMessage", chat_id=chat_id, message_id=message_id) == (
        "Bad Request: message to delete not found"
    )


async def test_callback_queries_are_answered_once(
    api: aiohttp.ClientSession, server: Sandbox, chat_id: int
) -> None:
    _, sent = await bot_api(
        api, "sendMessage", chat_id=chat_id, text="Pick", reply_markup=_keyboard(("Yes", "y"))
    )
    persona = ApiPersona(api, chat_id)
    pressing = asyncio.create_task(persona.press("Yes", timeout=5))
    await server.telegram.wait_until(lambda: bool(server.telegram.callbacks), 5)
    query_id = next(iter(server.telegram.callbacks))
    assert (
        await _refused(api, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
        == "Bad Request: MESSAGE_TOO_LONG"
    )
    code, _ = await bot_api(
        api, "answerCallbackQuery", callback_query_id=query_id, text="Done", show_alert="true"
    )
    assert code == 200
    result = await pressing
    assert result["answer"] == {"text": "Done", "show_alert": True, "url": None}
    assert result["message_id"] == sent["result"]["message_id"]  # type: ignore[index]
    assert "query is too old" in await _refused(
        api, "answerCallbackQuery", callback_query_id=query_id
    )


async def test_commands(api: aiohttp.ClientSession, chat_id: int, server: Sandbox) -> None:
    commands = json.dumps([{"command": "menu", "description": "Меню"}])
    scope = json.dumps({"type": "chat", "chat_id": chat_id})
    code, _ = await bot_api(api, "setMyCommands", commands=commands, scope=scope)
    assert code == 200
    assert server.telegram.chats[chat_id].commands == [{"command": "menu", "description": "Меню"}]
    _, body = await bot_api(api, "getMyCommands", scope=scope)
    assert body["result"] == [{"command": "menu", "description": "Меню"}]
    bad = json.dumps([{"command": "Меню!", "description": "x"}])
    assert await _refused(api, "setMyCommands", commands=bad) == "Bad Request: BOT_COMMAND_INVALID"
    assert "type is not a supported value" in await _refused(
        api, "setMyCommands", commands=commands, scope=json.dumps({"type": "galaxy"})
    )


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_photos_and_files(api: aiohttp.ClientSession, chat_id: int) -> None:
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("chat_id", str(chat_id))
    form.add_field("photo", _png(3, 2), filename="dot.png", content_type="image/png")
    async with api.post(f"/bot{SANDBOX_TOKEN}/sendPhoto", data=form) as response:
        body = await response.json()
    assert body["ok"], body
    photo = body["result"]["photo"][0]
    assert (photo["width"], photo["height"]) == (3, 2)
    _, file = await bot_api(api, "getFile", file_id=photo["file_id"])
    async with api.get(f"/file/bot{SANDBOX_TOKEN}/{file['result']['file_path']}") as response:  # type: ignore[index]
        assert await response.read() == _png(3, 2)
    async with api.get(f"/file/bot1:WRONG/{file['result']['file_path']}") as response:  # type: ignore[index]
        assert response.status == 404

    form = aiohttp.FormData(quote_fields=False)
    form.add_field("chat_id", str(chat_id))
    form.add_field("photo", b"not an image", filename="x.png")
    async with api.post(f"/bot{SANDBOX_TOKEN}/sendPhoto", data=form) as response:
        assert (await response.json())["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    assert "invalid file_id" in await _refused(api, "getFile", file_id="nope")
    assert "wrong file identifier" in await _refused(
        api, "sendDocument", chat_id=chat_id, document="https://example.com/x.pdf"
    )


# --- updates ------------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_timeout(
    api: aiohttp.ClientSession, chat_id: int
) -> None:
    persona = ApiPersona(api, chat_id)
    for text in ("one", "two", "three"):
        await persona.send(text, reply=False)

    async def updates(**params: Any) -> list[dict[str, Any]]:
        code, body = await bot_api(api, "getUpdates", **params)
        assert code == 200, body
        return body["result"]  # type: ignore[return-value]

    first = await updates(limit=2)
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = await updates()  # nothing was confirmed yet
    assert [u["update_id"] for u in again] == [u["update_id"] for u in first] + [
        first[-1]["update_id"] + 1
    ]
    last_id = again[-1]["update_id"]
    # An offset confirms everything below it: those updates are gone for good.
    assert [u["message"]["text"] for u in await updates(offset=last_id)] == ["three"]
    assert [u["message"]["text"] for u in await updates(offset=0)] == ["three"]
    assert await updates(offset=last_id + 1, timeout=0) == []
    assert await updates() == []

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await updates(offset=last_id + 1, timeout=1) == []
    assert 0.9 <= loop.time() - started < 2.5  # long polling waited for the timeout

    # A long poll returns as soon as an update arrives.
    started = loop.time()
    waiting = asyncio.create_task(updates(offset=last_id + 1, timeout=10))
    await asyncio.sleep(0.2)
    await persona.send("four", reply=False)
    assert [u["message"]["text"] for u in await waiting] == ["four"]
    assert loop.time() - started < 2

    # Negative offsets keep only the newest updates.
    for text in ("five", "six"):
        await persona.send(text, reply=False)
    assert [u["message"]["text"] for u in await updates(offset=-1)] == ["six"]


async def test_a_second_long_poll_ends_the_first_with_409(
    api: aiohttp.ClientSession,
) -> None:
    first = asyncio.create_task(bot_api(api, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(bot_api(api, "getUpdates", timeout=1))
    code, body = await first
    assert code == 409
    assert "terminated by other getUpdates request" in str(body["description"])
    assert (await second)[0] == 200


async def test_flood_limits_answer_429_with_retry_after(start_sandbox: StartSandbox) -> None:
    server = await start_sandbox(
        FloodLimits(bot_per_second=2, chat_per_second=1, chat_burst=1), run_bot=False
    )
    first, second, third = sorted(server.telegram.chats)[:3]
    async with aiohttp.ClientSession(base_url=server.url) as api:
        assert (await bot_api(api, "sendMessage", chat_id=first, text="1"))[0] == 200
        code, body = await bot_api(api, "sendMessage", chat_id=first, text="2")
        assert code == 429
        assert body["description"] == "Too Many Requests: retry after 1"
        assert body["parameters"] == {"retry_after": 1}
        # Another chat is fine until the bot-wide limit (2 per second here) is reached.
        assert (await bot_api(api, "sendMessage", chat_id=second, text="1"))[0] == 200
        code, body = await bot_api(api, "sendMessage", chat_id=third, text="1")
        assert code == 429
        assert body["parameters"]["retry_after"] >= 1
        await asyncio.sleep(1.05)
        assert (await bot_api(api, "sendMessage", chat_id=first, text="2"))[0] == 200
