"""The sandbox's JSON API with the real bot behind it: personas, chats, buttons, time, files."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import func, select

from bot import demo_data as demo
from models import Account
from sandbox.flood import FloodLimits
from sandbox.personas import DEMO_PEOPLE
from sandbox.runner import SANDBOX_TOKEN, Sandbox
from tests.sandbox.client import ApiPersona, bot_api, persona_named
from tests.sandbox.conftest import StartSandbox


async def test_every_demo_persona_is_listed_once_and_accounts_are_idempotent(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get("/api/personas") as response:
        people = (await response.json())["personas"]
    names = [p["name"] for p in people]
    assert sorted(names) == sorted(DEMO_PEOPLE)
    roles = {p["role"] for p in people}
    assert roles == {"student", "parent", "teacher", "coordinator", "admin"}
    parent = next(p for p in people if p["name"] == demo.DEMO_PARENT_NAME)
    assert parent["title"] == f"Parent of {demo.DEMO_STUDENT_NAME}"
    # The same in parts, which the page says in its own language.
    assert parent["about"] == {
        "roles": ["parent"],
        "children": [demo.DEMO_STUDENT_NAME],
        "orgs": [],
        "grade": None,
    }
    student = next(p for p in people if p["name"] == demo.DEMO_STUDENT_NAME)
    assert student["about"]["roles"] == ["student"]
    assert student["about"]["orgs"]
    assert student["about"]["grade"]
    # A mixed family by default: the child on Telegram, the parent on MAX.
    assert parent["messenger"] == "max"
    assert {p["messenger"] for p in people if p["name"] != demo.DEMO_PARENT_NAME} == {"telegram"}
    async with sandbox.web.session_factory() as session:
        assert await sandbox.ensure_accounts(session) == 0
        count = await session.scalar(select(func.count(Account.id)))
    assert count == len(DEMO_PEOPLE)


async def test_full_loop_over_the_json_api(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    coordinator = await persona_named(http, demo.DEMO_COORDINATOR_SOSH5_NAME)

    await student.send("/catalogue")
    await student.wait_for("Каталог")
    await student.press("Теория музыки")
    await student.wait_for("Группа MTHEORY-1")
    await student.press("Записаться в MTHEORY-1")
    await student.press("Да, подать")
    await student.wait_for("Заявление отправлено")

    await parent.wait_for("подал заявление")
    await parent.send("/children")
    await parent.press("Теория музыки")
    await parent.press("Подтвердить")
    await parent.wait_for("согласие записано")

    await coordinator.wait_for("Новое заявление")
    await coordinator.send("/review")
    await coordinator.press(demo.DEMO_STUDENT_NAME)
    await coordinator.press("Одобрить")
    await coordinator.wait_for("ученик зачислен")

    await student.wait_for("Вы зачислены на курс")
    await parent.wait_for("Соколов Артём зачислен на курс")


async def test_a_stale_button_gets_a_clear_alert(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    await student.send("/catalogue")
    await student.wait_for("Каталог")
    await student.press("Теория музыки")
    await student.press("Записаться в MTHEORY-1")
    confirm = await student.wait_for("Подать заявление")
    stale = next(b for row in confirm["keyboard"] for b in row if "Да, подать" in b["text"])
    await student.press("Да, подать")
    done = await student.wait_for("Заявление отправлено")
    assert done["id"] == confirm["id"]  # edited in place
    assert done["edited"]

    # The old "Да, подать" is gone from the message; a client that still shows it presses it.
    result = await student.press(callback_data=stale["callback_data"], message_id=confirm["id"])
    assert result["answered"] is True
    assert result["answer"]["show_alert"] is True
    assert result["answer"]["text"]  # the bot says why, instead of applying twice
    assert (await student.last())["text"] == done["text"]


async def test_new_persona_registers_through_start(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post("/api/personas", json={"first_name": "Ира"}) as response:
        assert response.status == 201
        created = (await response.json())["persona"]
    assert created["role"] == "new"
    assert created["about"] == {"roles": [], "children": [], "orgs": [], "grade": None}
    ira = ApiPersona(http, created["id"])
    await ira.send("/start")
    await ira.wait_for("Выберите язык")
    await ira.press("Русский")
    await ira.press("Родитель")
    await ira.wait_for("Напишите ваши фамилию")
    await ira.send("Иванова Ирина Петровна")
    await ira.wait_for("Иванова Ирина Петровна")
    async with http.get("/api/personas") as response:
        people = (await response.json())["personas"]
    listed = next(p for p in people if p["id"] == created["id"])
    assert listed["name"] == "Иванова Ирина Петровна"
    assert listed["role"] == "parent"
    chat = await ira.chat()
    assert {c["command"] for c in chat["commands"]} >= {"menu", "help"}


async def test_time_travel_moves_the_bots_clock(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    before, offset = sandbox.clock.now(), sandbox.clock.offset.total_seconds()
    async with http.post("/api/clock/advance", json={"seconds": 86400}) as response:
        assert response.status == 200
        view = await response.json()
    assert view["offset_seconds"] == pytest.approx(offset + 86400)
    assert (sandbox.clock.now() - before).total_seconds() >= 86400
    async with http.post("/api/clock/advance", json={"seconds": -5}) as response:
        assert response.status == 400
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    sent = await student.send("/menu", reply=False)
    assert abs(sent["date"] - view_timestamp(view)) < 60


def view_timestamp(view: dict[str, object]) -> float:
    return datetime.fromisoformat(str(view["now"])).timestamp()


async def test_documents_both_ways(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    form = aiohttp.FormData()
    form.add_field("document", b"a;b\n1;2\n", filename="marks.csv", content_type="text/csv")
    form.add_field("caption", "my marks")
    async with http.post(f"/api/personas/{student.id}/documents", data=form) as response:
        assert response.status == 201
        sent = (await response.json())["message"]
    assert sent["document"]["file_name"] == "marks.csv"
    assert sent["caption"] == "my marks"

    # What the bot can do with it: getFile, then download by file_path.
    status, body = await bot_api(http, "getFile", file_id=sent["document"]["file_id"])
    assert status == 200
    path = body["result"]["file_path"]  # type: ignore[index]
    async with http.get(f"/file/bot{SANDBOX_TOKEN}/{path}") as response:
        assert await response.read() == b"a;b\n1;2\n"

    # The bot sends a document; the page offers it for download under its name.
    form = aiohttp.FormData(quote_fields=False)  # as aiogram posts it
    form.add_field("chat_id", str(student.id))
    form.add_field("document", "attach://report")
    form.add_field("caption", "<b>Отчёт</b>")
    form.add_field("parse_mode", "HTML")
    form.add_field("report", "Отчёт;1\n".encode(), filename="отчёт.csv")
    async with http.post(f"/bot{SANDBOX_TOKEN}/sendDocument", data=form) as response:
        assert response.status == 200, await response.text()
    message = await student.last()
    assert message["caption_html"] == "<b>Отчёт</b>"
    async with http.get(message["document"]["url"]) as response:
        assert "attachment" in response.headers["Content-Disposition"]
        assert "%D0%BE%D1%82%D1%87%D1%91%D1%82.csv" in response.headers["Content-Disposition"]
        assert (await response.read()).decode() == "Отчёт;1\n"


async def test_the_page_never_gets_raw_html_from_a_message(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    attack = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'
    status, _ = await bot_api(http, "sendMessage", chat_id=student.id, text=attack)
    assert status == 200
    status, body = await bot_api(
        http,
        "sendMessage",
        chat_id=student.id,
        text='<a href="javascript:alert(3)">link</a> & <b>bold</b>',
        parse_mode="HTML",
    )
    assert status == 200, body
    plain, formatted = (await student.chat())["messages"][-2:]
    assert "<img" not in plain["html"]
    assert "<script" not in plain["html"]
    assert "&lt;img" in plain["html"]
    assert "javascript" not in formatted["html"]
    assert formatted["html"] == '<span class="ent-link">link</span> &amp; <b>bold</b>'


async def test_flooding_gets_429_and_delivery_still_gets_every_message_through(
    start_sandbox: StartSandbox,
) -> None:
    sandbox = await start_sandbox(
        FloodLimits(bot_per_second=2, chat_per_second=1, chat_burst=1), on_max=frozenset()
    )
    from services import outbox

    async with aiohttp.ClientSession(base_url=sandbox.url) as http:
        people = [
            await persona_named(http, name)
            for name in (demo.DEMO_STUDENT_NAME, demo.DEMO_PARENT_NAME, demo.DEMO_ADMIN_NAME)
        ]
        person_ids = await _person_ids(sandbox, [p.id for p in people])
        async with sandbox.web.session_factory() as session:
            for n in range(3):
                for person_id in person_ids:
                    await outbox.notify(
                        session,
                        person_id=person_id,
                        kind="notify-parent-linked",
                        params={"parent": f"Родитель {n}"},
                        dedupe_key=f"flood:{person_id}:{n}",
                        now=sandbox.clock.now(),
                    )
            await session.commit()
        for persona in people:
            for n in range(3):
                await persona.wait_for(f"Родитель {n}", timeout=15)
    assert sandbox.flood.refused > 0
    assert sandbox.api.calls["sendMessage", 429] == sandbox.flood.refused
    assert sandbox.api.calls["sendMessage", 200] == 9


async def _person_ids(sandbox: Sandbox, user_ids: list[int]) -> list[int]:
    async with sandbox.web.session_factory() as session:
        rows = await session.scalars(select(Account.person_id).where(Account.user_id.in_(user_ids)))
        return list(rows)


async def test_api_errors_are_clear(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get("/api/personas/999/chat") as response:
        assert response.status == 404
        assert "no such persona" in (await response.json())["error"]
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    async with http.post(f"/api/personas/{student.id}/messages", json={"text": ""}) as response:
        assert response.status == 400
    async with http.post(
        f"/api/personas/{student.id}/press", json={"button": "Нет такой кнопки"}
    ) as response:
        assert response.status == 404
    async with http.post(f"/api/personas/{student.id}/messages", data="not json") as response:
        assert response.status == 400
        assert json.loads(await response.text())["error"]


async def test_a_reply_telegram_slows_down_does_not_undo_what_it_announced(
    start_sandbox: StartSandbox,
) -> None:
    sandbox = await start_sandbox(FloodLimits(chat_per_second=1, chat_burst=1))
    async with aiohttp.ClientSession(base_url=sandbox.url) as http:
        async with http.post("/api/personas", json={"first_name": "Ира"}) as response:
            ira = ApiPersona(http, (await response.json())["persona"]["id"])
        await ira.send("/start")
        for label in ("Русский", "Ученик", "МБОУ СОШ № 5", "8"):
            await ira.press(label)
        await asyncio.sleep(1.1)  # the chat's one message per second is free again
        done = await ira.send("Иванова Ира")  # the bot answers "Готово!", then the menu
        assert "Готово" in done["text"]
        # The menu, naming the new student, comes once Telegram lets it: the reply waits out
        # the 429 instead of failing and undoing the registration it announced.
        await ira.wait_for("Иванова Ира", timeout=5)


async def test_time_travel_delivers_what_quiet_hours_held(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    zone = ZoneInfo("Europe/Moscow")
    now = sandbox.clock.now().astimezone(zone)
    sandbox.clock.advance(datetime.combine(now.date(), time(21, 30), zone) - now)
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    await student.send("/catalogue")
    await student.press("Теория музыки")
    await student.press("Записаться в MTHEORY-1")
    await student.press("Да, подать")
    await student.wait_for("Заявление отправлено")

    for _ in range(50):  # the delivery loop postpones it to the morning
        held = (await parent.chat())["held"]
        if held:
            break
        await asyncio.sleep(0.1)
    assert [h["kind"] for h in held] == ["notify-parent-consent-needed"]
    assert held[0]["due_local"].endswith("08:00")
    assert not any(m["from"] == "bot" for m in (await parent.chat())["messages"])

    async with http.post("/api/clock/advance", json={"seconds": held[0]["in_seconds"]}) as r:
        assert r.status == 200
    await parent.wait_for("подал заявление")
    assert (await parent.chat())["held"] == []
