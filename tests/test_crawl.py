"""Every screen every demo persona can reach in two taps opens without an error."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.demo_data import (
    DEMO_ADMIN_NAME,
    DEMO_COORDINATOR_DSHI_NAME,
    DEMO_COORDINATOR_SOSH5_NAME,
    DEMO_PARENT_NAME,
    DEMO_STUDENT_NAME,
    DEMO_TEACHER_DSHI_NAME,
    load_demo_data,
)
from handlers.menu import COMMON_COMMANDS, ROLE_COMMANDS
from models import Account, Person
from models.enums import Messenger
from tests.conftest import START

PERSONAS = [
    DEMO_STUDENT_NAME,
    DEMO_PARENT_NAME,
    DEMO_TEACHER_DSHI_NAME,
    DEMO_COORDINATOR_SOSH5_NAME,
    DEMO_COORDINATOR_DSHI_NAME,
    DEMO_ADMIN_NAME,
]
# Buttons that would leave the menu for a prompt or change things for good are not pressed.
SKIP = (
    "Отозвать",
    "Подтвердить",
    "Отклонить",
    "Одобрить",
    "Отказать",
    "Отменить",
    "Перенести",
    "Да,",
    "Пригласить",
    "Администратор",
    "Учитель",
    "Координатор",
    "Сохранить",
)


@pytest.mark.parametrize("name", PERSONAS)
async def test_every_reachable_screen_opens(name, session, client_factory, caplog):
    await load_demo_data(session, START - __import__("datetime").timedelta(days=1))
    person = await session.scalar(select(Person).where(Person.full_name == name))
    session.add(
        Account(
            person_id=person.id,
            messenger=Messenger.TELEGRAM,
            user_id=70_000 + person.id,
            chat_id=70_000 + person.id,
        )
    )
    await session.commit()
    client = client_factory(70_000 + person.id)
    caplog.set_level(logging.ERROR)
    commands = [*ROLE_COMMANDS[person.active_role], *COMMON_COMMANDS]
    visited: set[str] = set()
    for command in commands:
        await client.send(f"/{command}")
        first = [
            (label, data)
            for label, data in _buttons(client)
            if not any(word in label for word in SKIP)
        ]
        for _label, data in first[:12]:
            if data in visited:
                continue
            visited.add(data)
            await client.press(data)
            for inner_label, inner in _buttons(client)[:6]:
                if inner in visited or any(word in inner_label for word in SKIP):
                    continue
                visited.add(inner)
                await client.press(inner)
            await client.send(f"/{command}")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert len(visited) > 3, "the crawl got somewhere"


def _buttons(client):
    last = client.telegram.last(client.user_id)
    return last.buttons()
