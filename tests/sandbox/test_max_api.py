"""The fake MAX Bot API, driven by the real `maxapi` library (and raw HTTP where the library
itself would refuse before sending): MAX's answers, refusals and limits."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from maxapi import Bot
from maxapi.client import DefaultConnectionProperties
from maxapi.enums.upload_type import UploadType
from maxapi.exceptions.max import InvalidToken, MaxApiError
from maxapi.types.attachments.buttons import CallbackButton, LinkButton
from maxapi.types.command import BotCommand
from maxapi.types.input_media import InputMediaBuffer
from maxapi.types.updates.message_callback import MessageForCallback
from maxapi.utils.inline_keyboard import InlineKeyboardBuilder

from sandbox.max_api import MaxApi
from sandbox.max_state import MaxMessenger
from services.clock import ManualClock

TOKEN = "max-test-token"
IRA = 5001  # a user who started the bot
OLEG = 5002  # a user who has not


@dataclass
class Server:
    state: MaxMessenger
    url: str


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[Server]:
    state = MaxMessenger(TOKEN, clock=clock, allow_http_webhooks=True)
    state.add_user(IRA, "Ира", last_name="Петрова", username="ira_p")
    state.start(IRA)
    state.add_user(OLEG, "Олег", locale="en")
    runner = web.AppRunner(MaxApi(state).app(), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield Server(state, f"http://127.0.0.1:{runner.addresses[0][1]}")
    await state.close()
    await runner.cleanup()


@pytest.fixture
async def max_bot(server: Server) -> AsyncIterator[Bot]:
    bot = Bot(
        TOKEN,
        default_connection=DefaultConnectionProperties(max_retries=0),
        auto_check_subscriptions=False,
        auto_requests=False,
    )
    bot.set_api_url(server.url)
    yield bot
    await bot.close_session()


@pytest.fixture
async def http(server: Server) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        base_url=server.url, headers={"Authorization": TOKEN}
    ) as session:
        yield session


def keyboard(*rows: list[Any]) -> Any:
    builder = InlineKeyboardBuilder()
    for row in rows:
        builder.row(*row)
    return builder.as_markup()


def png(width: int = 2, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def drain(bot: Bot, marker: int | None = None) -> tuple[list[dict[str, Any]], int]:
    answer = await bot.get_updates(timeout=0, marker=marker)
    return answer["updates"], answer["marker"]


# --- messages, keyboards, callbacks ----------------------------------------------------------


async def test_send_edit_and_delete_a_message_with_a_keyboard(max_bot: Bot, server: Server) -> None:
    sent = await max_bot.send_message(
        user_id=IRA,
        text="<b>Курсы</b> на <i>осень</i>",
        format="html",
        attachments=[
            keyboard(
                [CallbackButton(text="Записаться", payload="apply:7")],
                [LinkButton(text="Сайт", url="https://example.org")],
            )
        ],
    )
    assert sent is not None
    mid = sent.message.body.mid
    assert isinstance(mid, str)
    assert mid.startswith("mid.")
    assert sent.message.recipient.chat_id == server.state.dialog_of(IRA).chat_id != IRA

    [message] = server.state.messages(IRA)
    assert message.outgoing
    assert message.format == "html"
    assert message.raw_text == "<b>Курсы</b> на <i>осень</i>"
    assert message.text == "Курсы на осень"
    assert message.markup == [
        {"type": "strong", "from": 0, "length": 5},
        {"type": "emphasized", "from": 9, "length": 5},
    ]
    assert [[b["text"] for b in row] for row in message.buttons] == [["Записаться"], ["Сайт"]]
    request = next(r for r in server.state.requests if r.method == "POST")
    assert request.path == "/messages"
    assert request.params == {"user_id": str(IRA)}
    assert request.body["attachments"][0]["type"] == "inline_keyboard"

    await max_bot.edit_message(message_id=mid, text="Запись закрыта", attachments=[])
    assert message.text == "Запись закрыта"
    assert message.buttons == []
    assert [v.text for v in message.edits] == ["Курсы на осень"]
    fetched = await max_bot.get_message(mid)
    assert fetched.body is not None
    assert fetched.body.text == "Запись закрыта"

    await max_bot.delete_message(mid)
    assert server.state.messages(IRA) == []
    with pytest.raises(MaxApiError) as missing:
        await max_bot.get_message(mid)
    assert missing.value.code == 404


async def test_a_pressed_button_reaches_the_bot_and_its_answer_reaches_the_user(
    max_bot: Bot, server: Server
) -> None:
    _, marker = await drain(max_bot)
    sent = await max_bot.send_message(
        user_id=IRA,
        text="Подтвердить?",
        attachments=[keyboard([CallbackButton(text="Да", payload="yes")])],
    )
    assert sent is not None
    server.state.press_button(IRA, "Да")
    [update], _ = await drain(max_bot, marker)
    assert update["update_type"] == "message_callback"
    assert update["callback"]["payload"] == "yes"
    assert update["callback"]["user"]["user_id"] == IRA
    assert update["message"]["body"]["mid"] == sent.message.body.mid

    callback_id = update["callback"]["callback_id"]
    await max_bot.send_callback(
        callback_id, message=MessageForCallback(text="Подтверждено"), notification="Готово"
    )
    [message] = server.state.messages(IRA)
    assert message.text == "Подтверждено"
    # A message without `attachments` keeps its keyboard (null means "no change").
    assert message.buttons[0][0]["payload"] == "yes"
    assert server.state.notifications(IRA) == ["Готово"]

    with pytest.raises(MaxApiError) as unknown:
        await max_bot.send_callback("cb.nope", notification="x")
    assert unknown.value.code == 400
    with pytest.raises(LookupError):
        server.state.press(IRA, sent.message.body.mid, "no-such-payload")


# --- long polling ---------------------------------------------------------------------------


async def test_long_polling_loses_and_repeats_nothing(max_bot: Bot, server: Server) -> None:
    _, marker = await drain(max_bot)  # Ira's bot_started
    for text in ("один", "два", "три"):
        server.state.send_text(IRA, text)
    answer = await max_bot.get_updates(marker=marker, limit=2, timeout=0)
    first = [u["message"]["body"]["text"] for u in answer["updates"]]
    answer = await max_bot.get_updates(marker=answer["marker"], timeout=0)
    second = [u["message"]["body"]["text"] for u in answer["updates"]]
    assert (first, second) == (["один", "два"], ["три"])
    marker = answer["marker"]

    # Without a marker: what was not confirmed yet, again.
    again = await max_bot.get_updates(timeout=0)
    assert [u["message"]["body"]["text"] for u in again["updates"]] == ["три"]

    # Nothing new: the request waits for `timeout` seconds, then answers with the same marker.
    began = time.monotonic()
    empty = await max_bot.get_updates(marker=marker, timeout=1)
    assert empty == {"updates": [], "marker": marker}
    assert time.monotonic() - began >= 0.9

    # Something arrives while the bot waits: the long poll answers at once.
    waiting = asyncio.create_task(max_bot.get_updates(marker=marker, timeout=20))
    await asyncio.sleep(0.2)
    began = time.monotonic()
    server.state.send_text(IRA, "четыре")
    news = await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - began < 2
    assert [u["message"]["body"]["text"] for u in news["updates"]] == ["четыре"]
    assert news["marker"] > marker

    # Types filter what comes back.
    server.state.send_text(IRA, "пять")
    server.state.start(IRA, payload="again")
    only = await max_bot.get_updates(marker=news["marker"], timeout=0, types=["bot_started"])
    assert [u["update_type"] for u in only["updates"]] == ["bot_started"]


async def test_deep_link_start_and_message_shapes(max_bot: Bot, server: Server) -> None:
    _, marker = await drain(max_bot)
    server.state.start(OLEG, payload="invite-abc")
    server.state.start(OLEG, payload="x" * 513)  # MAX drops a payload over 512 characters
    server.state.send_text(OLEG, "Hello")
    updates, _ = await drain(max_bot, marker)
    started, restarted, created = updates
    assert started["update_type"] == "bot_started"
    assert started["payload"] == "invite-abc"
    assert started["user"]["user_id"] == OLEG
    assert started["user_locale"] == "en"
    assert started["chat_id"] == server.state.dialog_of(OLEG).chat_id
    assert restarted["payload"] is None
    message = created["message"]
    assert message["sender"]["user_id"] == OLEG
    assert message["recipient"] == {
        "chat_id": started["chat_id"],
        "chat_type": "dialog",
        "user_id": 9_000_001,
    }
    assert isinstance(message["body"]["mid"], str)
    assert message["body"]["text"] == "Hello"


# --- files ----------------------------------------------------------------------------------


async def test_upload_and_send_a_file_and_an_image(max_bot: Bot, server: Server) -> None:
    document = b"%PDF-1.4 consent form"
    await max_bot.send_message(
        user_id=IRA,
        text="Согласие",
        attachments=[InputMediaBuffer(document, filename="consent.pdf", type=UploadType.FILE)],
        sleep_after_input_media=False,
    )
    [message] = server.state.messages(IRA)
    [stored] = message.files
    assert (stored.kind, stored.data) == ("file", document)
    assert stored.filename.startswith("consent")
    assert [r.path for r in server.state.requests][-3:] == [
        "/uploads",
        "/upload/u000001",
        "/messages",
    ]

    image = png()
    await max_bot.send_message(
        user_id=IRA,
        attachments=[InputMediaBuffer(image, filename="plan", type=UploadType.IMAGE)],
        sleep_after_input_media=False,
    )
    photo = server.state.messages(IRA)[-1]
    assert photo.files[0].kind == "image"
    assert photo.files[0].data == image
    assert await max_bot.download_bytes(server.state.file_url(photo.files[0])) == image

    # An upload URL takes one file; an image must be an image.
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("data", b"again", filename="a.txt")
        async with http.post(f"{server.url}/upload/u000001", data=form) as response:
            assert response.status == 400
        url = (await max_bot.get_upload_url(UploadType.IMAGE)).url
        form = aiohttp.FormData()
        form.add_field("data", b"not a picture", filename="x.png")
        async with http.post(url, data=form) as response:
            assert response.status == 400
            assert "image" in (await response.json())["message"]


async def test_the_bot_downloads_a_file_a_user_sent(max_bot: Bot, server: Server) -> None:
    _, marker = await drain(max_bot)
    server.state.send_file(IRA, b"medical certificate", "справка.pdf", text="Справка")
    [update], _ = await drain(max_bot, marker)
    [attachment] = update["message"]["body"]["attachments"]
    assert attachment["type"] == "file"
    assert attachment["filename"] == "справка.pdf"
    assert attachment["size"] == len(b"medical certificate")
    assert await max_bot.download_bytes(attachment["payload"]["url"]) == b"medical certificate"
    async with (
        aiohttp.ClientSession() as http,
        http.get(attachment["payload"]["url"]) as response,
    ):
        assert response.content_disposition is not None
        assert response.content_disposition.filename == "справка.pdf"


async def test_an_unknown_or_unready_upload_token_is_refused(
    http: aiohttp.ClientSession, server: Server
) -> None:
    body = {"attachments": [{"type": "file", "payload": {"token": "nope"}}]}
    async with http.post("/messages", params={"user_id": IRA}, json=body) as response:
        assert response.status == 400
        assert "token" in (await response.json())["message"]
    async with http.post("/uploads", params={"type": "video"}) as response:
        token = (await response.json())["token"]
    body = {"attachments": [{"type": "video", "payload": {"token": token}}]}
    async with http.post("/messages", params={"user_id": IRA}, json=body) as response:
        assert response.status == 400
        assert (await response.json())["code"] == "attachment.not.ready"
    async with http.post("/uploads", params={"type": "photo"}) as response:
        assert response.status == 400
    assert server.state.messages(IRA) == []


# --- refusals ---------------------------------------------------------------------------------


async def test_a_wrong_or_missing_token_is_401(server: Server) -> None:
    bot = Bot("wrong-token", default_connection=DefaultConnectionProperties(max_retries=0))
    bot.set_api_url(server.url)
    try:
        with pytest.raises(InvalidToken):
            await bot.get_me()
    finally:
        await bot.close_session()
    async with aiohttp.ClientSession(base_url=server.url) as http:
        async with http.get("/me") as response:
            assert response.status == 401
            assert await response.json() == {
                "code": "verify.token",
                "message": "Invalid access_token",
            }
        async with http.get("/me", params={"access_token": TOKEN}) as response:
            assert response.status == 200
            assert (await response.json())["is_bot"] is True


async def test_unknown_paths_are_404_and_wrong_verbs_405(http: aiohttp.ClientSession) -> None:
    async with http.get("/telepathy") as response:
        assert response.status == 404
        assert (await response.json())["code"] == "not.found"
    async with http.delete("/me") as response:
        assert response.status == 405
        assert set(await response.json()) == {"code", "message"}


def _buttons(rows: int, per_row: int, kind: str = "callback") -> list[list[dict[str, Any]]]:
    extra = {"payload": "p"} if kind == "callback" else {"url": "https://example.org"}
    return [[{"type": kind, "text": "b", **extra}] * per_row for _ in range(rows)]


def _keyboard_body(buttons: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "text": "x",
        "attachments": [{"type": "inline_keyboard", "payload": {"buttons": buttons}}],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "я" * 4001}, "body.text: 4001 characters, at most 4000"),
        ({"text": "x", "format": "markdownv2"}, "body.format"),
        ({"text": "x", "parse_mode": "html"}, "unknown field 'parse_mode'"),
        ({"text": 5}, "body.text: expected a string"),
        ({}, "needs text or attachments"),
        (_keyboard_body(_buttons(1, 8)), "buttons[0]: 8 buttons in a row, at most 7"),
        (_keyboard_body(_buttons(1, 4, "link")), "buttons[0]: 4 buttons in a row with a link"),
        (_keyboard_body(_buttons(31, 1)), "31 rows, at most 30"),
        (_keyboard_body([]), "at least one row"),
        (_keyboard_body([[]]), "buttons[0]: a row must have at least one button"),
        (
            _keyboard_body([[{"type": "callback", "text": "b", "payload": "p" * 1025}]]),
            "buttons[0][0].payload: 1025 characters, at most 1024",
        ),
        (
            _keyboard_body([[{"type": "callback", "text": "т" * 129, "payload": "p"}]]),
            "buttons[0][0].text: 129 characters, at most 128",
        ),
        (_keyboard_body([[{"type": "callback", "text": "b"}]]), "buttons[0][0].payload"),
        (_keyboard_body([[{"type": "callback", "text": "", "payload": "p"}]]), "must not be empty"),
        (_keyboard_body([[{"type": "teleport", "text": "b"}]]), "unknown button type"),
        (_keyboard_body([[{"type": "link", "text": "b", "url": "не ссылка"}]]), "is not a URL"),
        ({"attachments": [{"type": "gif"}]}, "unknown attachment type"),
    ],
)
async def test_each_documented_limit_is_a_400_naming_the_field(
    http: aiohttp.ClientSession, server: Server, body: dict[str, Any], field: str
) -> None:
    async with http.post("/messages", params={"user_id": IRA}, json=body) as response:
        answer = await response.json()
    assert response.status == 400, answer
    assert answer["code"] == "proto.payload"
    assert field in answer["message"]
    assert server.state.messages(IRA) == []  # nothing was sent


async def test_the_largest_documented_keyboard_and_text_pass(
    http: aiohttp.ClientSession, server: Server
) -> None:
    body = _keyboard_body(_buttons(30, 7))  # 210 buttons
    body["text"] = "я" * 4000
    async with http.post("/messages", params={"user_id": IRA}, json=body) as response:
        assert response.status == 200, await response.text()
    assert sum(map(len, server.state.messages(IRA)[0].buttons)) == 210


async def test_the_library_is_caught_sending_a_payload_max_refuses(max_bot: Bot) -> None:
    # maxapi documents 256 characters and checks nothing; MAX refuses over 1024.
    with pytest.raises(MaxApiError) as refused:
        await max_bot.send_message(
            user_id=IRA,
            text="x",
            attachments=[keyboard([CallbackButton(text="b", payload="p" * 1025)])],
        )
    assert refused.value.code == 400
    assert isinstance(refused.value.raw, dict)
    assert "payload" in refused.value.raw["message"]


async def test_more_than_30_requests_a_second_get_429(max_bot: Bot, server: Server) -> None:
    answers = await asyncio.gather(*(max_bot.get_me() for _ in range(45)), return_exceptions=True)
    refused = [a for a in answers if isinstance(a, MaxApiError)]
    assert refused
    assert all(a.code == 429 for a in refused)
    assert all(isinstance(a, MaxApiError) or a.is_bot for a in answers)
    accepted = [r.at for r in server.state.requests if r.status == 200]
    assert len(accepted) >= 30
    # Never more than 30 accepted within any one second.
    assert all(later - accepted[i] >= 1.0 for i, later in enumerate(accepted[30:]))
    assert {r.code for r in server.state.requests if r.status == 429} == {"too.many.requests"}
    await asyncio.sleep(1.05)
    assert (await max_bot.get_me()).is_bot


async def test_a_user_who_stopped_the_bot_is_403_until_they_start_it(
    max_bot: Bot, server: Server
) -> None:
    _, marker = await drain(max_bot)
    server.state.block(IRA)
    with pytest.raises(MaxApiError) as refused:
        await max_bot.send_message(user_id=IRA, text="Напоминание")
    assert refused.value.code == 403
    assert isinstance(refused.value.raw, dict)
    assert refused.value.raw["code"] == "chat.denied"
    [stopped], marker = await drain(max_bot, marker)
    assert stopped["update_type"] == "bot_stopped"
    with pytest.raises(MaxApiError) as never_started:
        await max_bot.send_message(user_id=OLEG, text="Hi")
    assert never_started.value.code == 403

    server.state.start(IRA)
    await max_bot.send_message(user_id=IRA, text="Снова здесь")
    assert [m.text for m in server.state.messages(IRA)] == ["Снова здесь"]


# --- formatting, edits, chats, commands, webhooks --------------------------------------------


async def test_html_tags_max_does_not_know_are_stripped_and_markdown_is_parsed(
    max_bot: Bot, server: Server
) -> None:
    await max_bot.send_message(
        user_id=IRA,
        text='<div>Курс</div> <a href="https://example.org">ссылка</a> <blockquote>q</blockquote>',
        format="html",
    )
    await max_bot.send_message(user_id=IRA, text="**Жирный** и ^^важно^^", format="markdown")
    html, markdown = server.state.messages(IRA)
    assert html.text == "Курс ссылка q"
    assert html.markup == [{"type": "link", "from": 5, "length": 6, "url": "https://example.org"}]
    assert markdown.text == "Жирный и важно"
    assert [m["type"] for m in markdown.markup] == ["strong", "highlighted"]


async def test_a_message_without_keyboard_cannot_be_edited_after_7_days(
    max_bot: Bot, server: Server, clock: ManualClock
) -> None:
    sent = await max_bot.send_message(user_id=IRA, text="Старое")
    assert sent is not None
    clock.advance(timedelta(days=8))
    with pytest.raises(MaxApiError) as refused:
        await max_bot.edit_message(message_id=sent.message.body.mid, text="Новое")
    assert refused.value.code == 400
    assert server.state.messages(IRA)[0].text == "Старое"


async def test_chat_info_actions_and_commands(
    max_bot: Bot, server: Server, http: aiohttp.ClientSession
) -> None:
    chat_id = server.state.dialog_of(IRA).chat_id
    chat = await max_bot.get_chat_by_id(chat_id)
    assert chat.type == "dialog"
    assert chat.dialog_with_user is not None
    assert chat.dialog_with_user.user_id == IRA
    await max_bot.send_action(chat_id, "typing_on")
    assert server.state.dialog_of(IRA).action is not None
    async with http.post(f"/chats/{chat_id}/actions", json={"action": "dancing"}) as response:
        assert response.status == 400
    async with http.get("/chats/12345") as response:
        assert response.status == 404

    await max_bot.set_commands(BotCommand(name="start", description="Начать"))
    me = await max_bot.get_me()
    assert me.commands is not None
    assert [c.name for c in me.commands] == ["start"]
    too_many = [{"name": f"c{i}", "description": "d"} for i in range(33)]
    async with http.patch("/me", json={"commands": too_many}) as response:
        assert response.status == 400
        assert "at most 32" in (await response.json())["message"]
    async with http.patch("/me", json={"description": "Школы сети"}) as response:
        assert response.status == 200
        assert (await response.json())["description"] == "Школы сети"
    assert [c["name"] for c in server.state.bot["commands"]] == ["start"]  # kept


async def test_a_webhook_subscription_pushes_updates_and_stops_long_polling(
    max_bot: Bot, server: Server
) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Max-Bot-Api-Secret")))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        with pytest.warns(UserWarning, match="HTTPS"):  # maxapi warns; the fake allows http here
            await max_bot.subscribe_webhook(
                url, update_types=["message_created"], secret="s3cret-1"
            )
        assert [s.url for s in (await max_bot.get_subscriptions()).subscriptions] == [url]
        server.state.send_text(IRA, "через вебхук")
        server.state.block(IRA)  # bot_stopped is not among the subscribed types
        assert await server.state.wait_until(lambda: bool(received), 5)
        await asyncio.sleep(0.1)
        [(update, secret)] = received
        assert update["message"]["body"]["text"] == "через вебхук"
        assert secret == "s3cret-1"
        with pytest.raises(MaxApiError) as polling:
            await max_bot.get_updates(timeout=0)
        assert polling.value.code == 405
        await max_bot.unsubscribe_webhook(url)
        server.state.send_text(IRA, "снова опрос")
        updates, _ = await drain(max_bot)
        assert updates[-1]["message"]["body"]["text"] == "снова опрос"
    finally:
        await runner.cleanup()

    strict = MaxMessenger(TOKEN)
    async with aiohttp.ClientSession() as http:
        runner = web.AppRunner(MaxApi(strict).app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            async with http.post(
                f"http://127.0.0.1:{runner.addresses[0][1]}/subscriptions",
                headers={"Authorization": TOKEN},
                json={"url": "http://example.org/hook"},
            ) as response:
                assert response.status == 400
                assert "https://" in (await response.json())["message"]
        finally:
            await strict.close()
            await runner.cleanup()
