"""Scenarios across schools, scripted through the sandbox's JSON API as anyone could."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot import demo_data as demo
from sandbox.runner import Sandbox
from tests.sandbox.client import ApiPersona, persona_named
from tests.sandbox.conftest import StartSandbox

FAMILY = frozenset({demo.DEMO_STUDENT_NAME, demo.DEMO_PARENT_NAME})


@pytest.fixture(params=["telegram", "max"], ids=["family-on-telegram", "family-on-max"])
async def family_on(
    request: pytest.FixtureRequest, start_sandbox: StartSandbox
) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    """A sandbox whose demo student and parent are both on Telegram, or both on MAX (everyone
    else on Telegram); the messenger and a client of the sandbox's JSON API."""
    messenger: str = request.param
    sandbox = await start_sandbox(on_max=FAMILY if messenger == "max" else frozenset())
    async with aiohttp.ClientSession(base_url=sandbox.url) as http:
        yield messenger, http


async def enroll_in_music_theory(student: ApiPersona, parent: ApiPersona, home: ApiPersona) -> None:
    """The demo student applies to music theory, the parent confirms, the school approves."""
    await student.send("/catalogue")
    await student.press("Теория музыки")
    await student.press("Записаться в MTHEORY-1")
    await student.press("Да, подать")
    await parent.wait_for("подал заявление")
    await parent.send("/children")
    await parent.press("Теория музыки")
    await parent.press("Подтвердить")
    await home.wait_for("Новое заявление")
    await home.send("/review")
    await home.press(demo.DEMO_STUDENT_NAME)
    await home.press("Одобрить")


async def test_a_cancelled_lesson_reaches_the_parent_of_a_student_from_another_school(
    family_on: tuple[str, aiohttp.ClientSession],
) -> None:
    """A student of СОШ № 5 enrolls in the art school's music theory; the art school cancels
    the next lesson; the student's parent, in another school's family, is told at once —
    whether the family is on Telegram or on MAX (the schools' staff are on Telegram)."""
    messenger, http = family_on
    async with http.get("/api/personas") as response:
        on = {p["name"]: p["messenger"] for p in (await response.json())["personas"]}
    assert on[demo.DEMO_STUDENT_NAME] == on[demo.DEMO_PARENT_NAME] == messenger
    assert on[demo.DEMO_COORDINATOR_DSHI_NAME] == "telegram"
    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    home = await persona_named(http, demo.DEMO_COORDINATOR_SOSH5_NAME)
    provider = await persona_named(http, demo.DEMO_COORDINATOR_DSHI_NAME)

    await enroll_in_music_theory(student, parent, home)
    await parent.wait_for("Соколов Артём зачислен на курс")

    week = await provider.send("/week")  # the art school's lessons, past week and next
    upcoming = [
        button
        for row in week.get("keyboard", [])
        for button in row
        if "Теория музыки" in button["text"] and button["text"].startswith("🕒")
    ]
    assert upcoming, (week.get("text"), week.get("keyboard"))
    await provider.press(callback_data=upcoming[-1]["callback_data"], message_id=week["id"])
    await provider.press("Отменить занятие")
    await provider.wait_for("Почему занятие отменяется")
    await provider.send("Педагог на конкурсе")
    await provider.press("Да, отменить")
    await provider.wait_for("Вы отменили занятие; всем")

    alert = await parent.wait_for("Занятие отменено")
    assert "Теория музыки" in alert["text"]
    assert "Педагог на конкурсе" in alert["text"]
    await student.wait_for("Занятие отменено")
    await home.wait_for("Занятие отменено")  # the student's home coordinator too


async def test_time_travel_brings_the_evening_reminder_at_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    """Jump to the evening before the student's next lesson: the reminder comes without
    waiting for the scheduler's next minute."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models import Group, Lesson

    student = await persona_named(http, demo.DEMO_STUDENT_NAME)
    parent = await persona_named(http, demo.DEMO_PARENT_NAME)
    home = await persona_named(http, demo.DEMO_COORDINATOR_SOSH5_NAME)
    await enroll_in_music_theory(student, parent, home)
    await student.wait_for("Вы зачислены на курс")

    moscow = ZoneInfo("Europe/Moscow")
    now = sandbox.clock.now()
    async with sandbox.web.session_factory() as session:
        starts = await session.scalar(
            select(Lesson.starts_at)
            .join(Group, Group.id == Lesson.group_id)
            .where(Group.code == "MTHEORY-1", Lesson.starts_at > now + timedelta(days=1))
            .order_by(Lesson.starts_at)
        )
    evening = datetime.combine(
        starts.astimezone(moscow).date() - timedelta(days=1), time(18, 5), moscow
    )
    async with http.post(
        "/api/clock/advance", json={"seconds": (evening - now).total_seconds()}
    ) as response:
        assert response.status == 200
    reminder = await student.wait_for("Завтра", timeout=5)
    assert "Теория музыки" in reminder["text"]
