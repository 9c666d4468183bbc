"""The sandbox's JSON API for personas on MAX, with the real bot behind the fake MAX API: the
same views and actions as on Telegram (send, press, wait, upload, download), deep links as
`bot_started`, and accounts that use the MAX dialog's chat id."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from bot import demo_data as demo
from models import Account
from models.enums import Messenger
from sandbox.runner import Sandbox
from tests.sandbox.client import ApiPersona, persona_named
from tests.sandbox.conftest import StartSandbox

ON_MAX = frozenset(
    {demo.DEMO_STUDENT_NAME, demo.DEMO_PARENT_NAME, demo.DEMO_COORDINATOR_SOSH5_NAME}
)


@pytest.fixture
async def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    return await start_sandbox(on_max=ON_MAX)


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=sandbox.url) as session:
        yield session


async def upload(
    http: aiohttp.ClientSession, persona: ApiPersona, name: str, data: bytes
) -> dict[str, object]:
    form = aiohttp.FormData()
    form.add_field("document", data, filename=name, content_type="application/octet-stream")
    async with http.post(f"/api/personas/{persona.id}/documents", data=form) as response:
        assert response.status == 201, await response.text()
        message: dict[str, object] = (await response.json())["message"]
    return message


async def test_demo_personas_on_max_have_started_dialogs_addressed_by_their_ids(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get("/api/personas") as response:
        people = (await response.json())["personas"]
    on_max = {p["name"]: p["id"] for p in people if p["messenger"] == "max"}
    assert set(on_max) == ON_MAX
    async with sandbox.web.session_factory() as session:
        accounts = {
            a.user_id: a
            for a in await session.scalars(
                select(Account).where(Account.messenger == Messenger.MAX)
            )
        }
        assert await sandbox.ensure_accounts(session) == 0  # idempotent
        await session.commit()
    for user_id in on_max.values():
        dialog = sandbox.max.dialog_of(user_id)
        assert dialog.started
        # The bot writes to a MAX dialog by the person's id (MAX's dialog ids differ).
        assert accounts[user_id].chat_id == user_id != dialog.chat_id


async def test_send_press_and_wait_on_max_show_the_same_view_as_on_telegram(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    catalogue = await student.send("/catalogue")
    assert catalogue["from"] == "bot"
    assert "Каталог" in catalogue["text"]
    labels = [b["text"] for row in catalogue["keyboard"] for b in row]
    assert any("Теория музыки" in label for label in labels)
    assert all("callback_data" in b for row in catalogue["keyboard"] for b in row)

    pressed = await student.press("Теория музыки")
    assert pressed["answered"] is True
    assert pressed["message_id"] == catalogue["id"]
    await student.wait_for("Группа MTHEORY-1")
    await student.press("Записаться в MTHEORY-1")
    confirm = await student.wait_for("Подать заявление")
    stale = next(b for row in confirm["keyboard"] for b in row if "Да, подать" in b["text"])
    await student.press("Да, подать")
    done = await student.wait_for("Заявление отправлено")
    assert done["id"] == confirm["id"]
    assert done["edited"]
    assert done["version"] >= 1
    # The bot writes HTML; MAX gets it as such and the page shows its markup as tags.
    assert sandbox.max.messages(student.id)[-1].format == "html"

    # MAX shows only the buttons a message has: the old one cannot be pressed any more.
    async with http.post(
        f"/api/personas/{student.id}/press",
        json={"message_id": confirm["id"], "callback_data": stale["callback_data"]},
    ) as response:
        assert response.status == 404
        assert "no button" in (await response.json())["error"]
    assert (await student.last())["text"] == done["text"]

    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    await parent.wait_for("подал заявление")  # a notification reaches the MAX parent


async def test_a_new_max_persona_links_to_a_child_by_a_deep_link(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    invitation = await student.send("/parent")
    code = re.search(r"<code>([^<]+)</code>", invitation["html"])
    assert code, invitation["html"]

    async with http.post(
        "/api/personas", json={"first_name": "Лена", "messenger": "max"}
    ) as response:
        assert response.status == 201
        created = (await response.json())["persona"]
    assert created["messenger"] == "max"
    assert created["role"] == "new"
    assert not sandbox.max.dialog_of(created["id"]).started  # has not opened the bot yet
    lena = ApiPersona(http, created["id"])

    sent = await lena.send(f"/start par-{code[1]}", reply=False)
    assert sent["started"] is True  # a bot_started with the payload, not a message
    assert sandbox.max.dialog_of(created["id"]).started
    assert not [m for m in sandbox.max.messages(created["id"]) if not m.outgoing]
    await lena.wait_for("Выберите язык")
    await lena.press("Русский")
    await lena.wait_for("фамилию")
    await lena.send("Иванова Елена")
    await lena.wait_for("ваш ребёнок в боте")

    async with http.get("/api/personas") as response:
        people = (await response.json())["personas"]
    listed = next(p for p in people if p["id"] == created["id"])
    assert listed["name"] == "Иванова Елена"
    assert listed["role"] == "parent"
    assert listed["messenger"] == "max"
    assert demo.DEMO_STUDENT_NAME in listed["title"]
    async with sandbox.web.session_factory() as session:
        account = await session.scalar(select(Account).where(Account.user_id == created["id"]))
        await session.commit()
    assert account is not None
    assert account.messenger == Messenger.MAX
    assert account.chat_id == created["id"] != sandbox.max.dialog_of(created["id"]).chat_id


async def test_files_both_ways_on_max(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    coordinator = await persona_named(http, demo.DEMO_COORDINATOR_SOSH5_NAME)

    # The bot sends a file: the page offers it for download under its name.
    await coordinator.send("/template", reply=False)
    template = await coordinator.wait_for("Шаблон для загрузки")
    document = template["document"]
    assert document["file_name"] == "import-template.xlsx"
    async with http.get(document["url"]) as response:
        assert response.status == 200
        assert "attachment" in response.headers["Content-Disposition"]
        assert (await response.read())[:2] == b"PK"

    # The persona sends a file: the bot downloads it from the fake MAX and reads it.
    await coordinator.send("/import")
    sent = await upload(http, coordinator, "catalogue.xlsx", b"not a spreadsheet at all")
    assert sent["document"]["file_name"] == "catalogue.xlsx"  # type: ignore[index]
    async with http.get(sent["document"]["url"]) as response:  # type: ignore[index]
        assert await response.read() == b"not a spreadsheet at all"
    await coordinator.wait_for("Файл повреждён")


async def test_max_text_reaches_the_page_as_safe_html(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    dialog = sandbox.max.dialog_of(parent.id)
    sandbox.max.bot_message(dialog, {"text": '<img src=x onerror="alert(1)">'})
    sandbox.max.bot_message(
        dialog,
        {
            "text": '<b>Жирный</b> <a href="javascript:alert(2)">ссылка</a> <script>x</script>'
            " /menu",
            "format": "html",
        },
    )
    plain, formatted = (await parent.chat())["messages"][-2:]
    assert "<img" not in plain["html"]
    assert "&lt;img" in plain["html"]
    assert "<b>Жирный</b>" in formatted["html"]
    assert "javascript" not in formatted["html"]
    assert "<script" not in formatted["html"]
    assert 'data-command="/menu"' in formatted["html"]  # commands are clickable, as on Telegram


async def test_bad_requests_for_max_personas_are_refused_clearly(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        "/api/personas", json={"first_name": "Лена", "messenger": "icq"}
    ) as response:
        assert response.status == 400
        assert "messenger" in (await response.json())["error"]
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    before = len(sandbox.max.messages(parent.id))
    async with http.post(
        f"/api/personas/{parent.id}/press", json={"button": "Нет такой кнопки"}
    ) as response:
        assert response.status == 404
    async with http.post(f"/api/personas/{parent.id}/messages", json={"text": " "}) as response:
        assert response.status == 400
    assert len(sandbox.max.messages(parent.id)) == before
