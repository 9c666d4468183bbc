"""The screen walk: every role of the demo network goes through every menu and flow it can
reach, in Russian and in English, and every screen is checked the way a careful reader would
read it on a phone.

For every screen: no raw locale keys; no HTML entities or tags in button labels; the text
parses with the Bot API's HTML rules; no English on a Russian screen and no Russian on an
English one (apart from the network's own data: names, titles, addresses); every label fits
a phone's row (handlers/ui.ROW_BUDGET); the last message of every answer offers a way on
(a button), so there are no dead ends. Every screen goes into a transcript,
tests/output/screen_walk.md (not committed), so a reviewer can read them all in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

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
from handlers.ui import ROW_BUDGET, width
from models import Account, Course, Group, Holiday, Organisation, Person
from models.enums import Messenger
from sandbox.parse_html import html_error, parse_html
from services.i18n import Translator
from services.import_columns import KINDS
from tests.conftest import START

OUTPUT = Path(__file__).resolve().parent / "output" / "screen_walk.md"
PERSONAS = {
    "student": DEMO_STUDENT_NAME,
    "parent": DEMO_PARENT_NAME,
    "teacher": DEMO_TEACHER_DSHI_NAME,
    "coordinator": DEMO_COORDINATOR_SOSH5_NAME,
    "provider-coordinator": DEMO_COORDINATOR_DSHI_NAME,
    "admin": DEMO_ADMIN_NAME,
}
# Presses that change things for good or start a long typed flow are not made by the walk
# (their screens are walked by the flows' own tests); the buttons are still checked.
SKIP = re.compile(
    r"Отозвать|Подтвердить|Отклонить|Одобрить|Отказать|Отменить|Перенести|Да,|Удалить|"
    r"Сохранить|Отправить|Withdraw|Confirm|Decline|Approve|Reject|Cancel the|Move|Yes,|"
    r"Delete|Save|Send|Пригласить|Invite|Выгрузить мои|Export my|Календар|Calendar|"
    r"Шаблон|template|Коды|codes|Запустить|Run it|^English$|^Русский$"
)
DEPTH = 3
BUTTONS_PER_SCREEN = 10
URL = re.compile(r"https?://\S+")
COMMAND = re.compile(r"/[a-z_]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
ENTITY = re.compile(r"&(?:[a-z]+|#\d+);")
# Words that are the same in both languages: the messengers' names, codes of the data.
NEUTRAL = {"Telegram", "MAX", "Excel", "ics", "pdf", "xlsx", "csv"}
# A spreadsheet's sheet and column names are stable codes in both languages (README), and
# time zones are named as IANA names them (Europe/Moscow).
CODES = {*KINDS, "help", *(column.name for columns in KINDS.values() for column in columns)}
ZONE = re.compile(r"\b[A-Z][a-z]+/[A-Za-z_]+\b")
# Shown in both languages on purpose: the language picker speaks to someone whose language
# the bot does not know yet.
BILINGUAL = ("Выберите язык · Choose your language", "English", "Русский")


# A person's name followed by what is said of them: on their own screen it should say «вы».
THIRD_PERSON = (
    r"\s+(?:зачислен|подал|не был|в листе ожидания|привязан|is enrolled|applied|was absent)"
)


@dataclass
class Walk:
    lang: str
    persona: str
    client: Any
    data: list[str]
    keys: set[str]
    name: str = ""
    messenger: Messenger = Messenger.TELEGRAM
    screens: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, where: str) -> None:
        messages = self.client.new_messages()
        if not messages:
            return
        for message in messages:
            rows = (
                [[b.text for b in row] for row in message.markup.inline_keyboard]
                if message.markup
                else []
            )
            self.check_message(where, message.text, rows)
        last = messages[-1]
        if not last.buttons() and not last.document and not last.photo:
            self.problems.append(f"{where}: a dead end, no button under «{last.text[:60]}»")

    def check_message(self, where: str, text: str, rows: list[list[str]]) -> None:
        heading = f"### {self.persona} · {self.lang} · {self.messenger} · {where}\n\n{text}\n"
        keyboard = "\n".join(" | ".join(f"[{label}]" for label in row) for row in rows)
        self.screens.append(f"{heading}\n{keyboard}" if rows else heading)
        error = html_error(text)
        if error:
            self.problems.append(f"{where}: HTML refused ({error}): {text[:80]!r}")
            plain = text
        else:
            plain, _ = parse_html(text)
        labels = [label for row in rows for label in row]
        for word in re.findall(r"[a-z]+(?:-[a-z0-9]+)+", plain + " " + " ".join(labels)):
            if word in self.keys:
                self.problems.append(f"{where}: raw locale key {word!r}")
        for label in labels:
            if ENTITY.search(label) or re.search(r"</?[a-z]+>", label):
                self.problems.append(f"{where}: HTML in a label {label!r}")
        for row in rows:
            budget = ROW_BUDGET.get(len(row))
            if budget is None:
                self.problems.append(f"{where}: {len(row)} buttons in one row")
                continue
            for label in row:
                if width(label) > budget:
                    self.problems.append(
                        f"{where}: label over {budget} in a row of {len(row)}: {label!r}"
                    )
        self._check_language(where, "\n".join([plain, *labels]))
        self._check_reader(where, plain)
        if self.messenger == Messenger.MAX and "t.me/" in plain:
            self.problems.append(f"{where}: a Telegram link on MAX: {plain[:80]!r}")

    def _check_reader(self, where: str, plain: str) -> None:
        """Texts speak to their reader: no «(а)» forms, and nothing about the reader's own
        doings in the third person («Соколов Артём зачислен» sent to Соколов Артём)."""
        if self.lang == "ru" and re.search(r"\((а|ла|ась|на)\)", plain):
            self.problems.append(f"{where}: a «(а)» form: {plain[:80]!r}")
        about_me = re.escape(self.name) + THIRD_PERSON
        if self.name and re.search(about_me, plain):
            self.problems.append(f"{where}: the reader in the third person: {plain[:80]!r}")

    def _check_language(self, where: str, shown: str) -> None:
        rest = URL.sub(" ", shown)
        for data in self.data:
            rest = rest.replace(data, " ")
        rest = ZONE.sub(" ", COMMAND.sub(" ", rest))
        if self.lang == "ru":
            words = [
                w
                for w in LATIN_WORD.findall(rest)
                if w not in NEUTRAL and w not in CODES and not w.isupper()
            ]
            if words:
                self.problems.append(f"{where}: English on a Russian screen: {words[:5]}")
        elif CYRILLIC.search(rest):
            line = next(line for line in rest.splitlines() if CYRILLIC.search(line))
            self.problems.append(f"{where}: Russian on an English screen: {line.strip()[:80]!r}")


async def _data_strings(session) -> list[str]:
    """The network's own data, which is Russian whatever the reader's language."""
    found: list[str] = []
    for column in (
        Person.full_name,
        Course.title,
        Course.description,
        Course.code,
        Group.code,
        Group.place,
        Organisation.name,
        Organisation.short_name,
        Organisation.address,
        Organisation.code,
        Holiday.name,
    ):
        found += [v for v in (await session.scalars(select(column))).all() if v]
    found += BILINGUAL
    # A long title on a button is cut at a word: its words are data too.
    found += [word for value in found for word in value.split() if len(word) > 2]
    # Longest first, so a name is removed before a shorter name inside it.
    return sorted(set(found), key=len, reverse=True)


async def _walk(walk: Walk, start: str) -> None:
    client = walk.client
    await client.send(start)
    walk.check(start)
    first = client.telegram.last(client.user_id).buttons()
    frontier = [(start, label, data) for label, data in first]
    seen: set[str] = set()
    for depth in range(DEPTH):
        next_frontier = []
        for where, label, data in frontier[: BUTTONS_PER_SCREEN * (depth + 1)]:
            if data in seen or SKIP.search(label):
                continue
            seen.add(data)
            await client.send(start)  # the screen the button was on, fresh
            await client.press(data)
            here = f"{where} → [{label}]"
            walk.check(here)
            last = client.telegram.last(client.user_id)
            next_frontier += [(here, lb, d) for lb, d in last.buttons()[:BUTTONS_PER_SCREEN]]
        frontier = next_frontier


@pytest.fixture(scope="module", autouse=True)
def _fresh_transcript():
    OUTPUT.unlink(missing_ok=True)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # screens, not databases
async def test_every_screen_reads_right(lang, persona, session, client_factory, translator):
    await load_demo_data(session, START - timedelta(days=1))
    person = await session.scalar(select(Person).where(Person.full_name == PERSONAS[persona]))
    if persona == "provider-coordinator":
        from models.enums import Role

        person.active_role = Role.COORDINATOR
    person.language = lang

    user_id = 70_000 + person.id
    session.add(
        Account(person_id=person.id, messenger=Messenger.TELEGRAM, user_id=user_id, chat_id=user_id)
    )
    await session.commit()
    data = await _data_strings(session)
    await session.close()
    keys = set().union(*Translator().keys.values())
    client = client_factory(user_id, language_code=lang)
    walk = Walk(lang, persona, client, data, keys, name=PERSONAS[persona])
    commands = [*ROLE_COMMANDS[person.active_role], *COMMON_COMMANDS]
    for command in ["menu", *commands]:
        await _walk(walk, f"/{command}")
    OUTPUT.parent.mkdir(exist_ok=True)
    with OUTPUT.open("a" if OUTPUT.exists() else "w", encoding="utf-8") as out:
        out.write("\n\n".join(walk.screens) + "\n\n")
    assert len(walk.screens) > 10, "the walk got somewhere"
    assert walk.problems == [], "\n".join(dict.fromkeys(walk.problems))


def test_the_walk_finds_a_reader_spoken_of_in_the_third_person():
    """The reader checks above catch what they are for (a check that cannot fail is none)."""
    walk = Walk("ru", "student", None, [], set(), name="Соколов Артём")
    walk.check_message("a", "✅ Вы зачислены на курс", [["☰ Меню"]])
    assert walk.problems == []
    walk.check_message("b", "✅ Соколов Артём зачислен(а) на курс", [["☰ Меню"]])
    assert [p.split(":")[0] for p in walk.problems] == ["b", "b"]
    on_max = Walk("ru", "parent", None, [], set(), messenger=Messenger.MAX)
    on_max.check_message("c", "Ссылка: https://t.me/bot?start=par-1", [["☰ Меню"]])
    assert on_max.problems == ["c: a Telegram link on MAX: 'Ссылка: https://t.me/bot?start=par-1'"]


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_every_menu_screen_reads_right_on_max(lang, persona, session, hub, translator):
    """The same checks on MAX: each command of the role and each button of its menu (the
    flows behind them are the same handlers, walked deeper on Telegram above)."""
    await load_demo_data(session, START - timedelta(days=1))
    person = await session.scalar(select(Person).where(Person.full_name == PERSONAS[persona]))
    if persona == "provider-coordinator":
        from models.enums import Role

        person.active_role = Role.COORDINATOR
    person.language = lang
    user_id = 80_000 + person.id
    session.add(
        Account(person_id=person.id, messenger=Messenger.MAX, user_id=user_id, chat_id=user_id)
    )
    await session.commit()
    data = await _data_strings(session)
    await session.close()
    keys = set().union(*Translator().keys.values())
    client = hub.client(user_id, locale=lang)
    walk = Walk(lang, persona, client, data, keys, PERSONAS[persona], Messenger.MAX)

    def check(where: str, seen: int) -> None:
        messages = client.bot_messages()
        # What the answer sent, or the screen it edited in place.
        for message in messages[seen:] or messages[-1:]:
            rows = [[b["text"] for b in row] for row in message.buttons]
            walk.check_message(where, message.raw_text or "", rows)
        if messages and not messages[-1].buttons and not messages[-1].files:
            last = (messages[-1].raw_text or "")[:60]
            walk.problems.append(f"{where}: a dead end under «{last}»")

    commands = [*ROLE_COMMANDS[person.active_role], *COMMON_COMMANDS]
    for command in ["menu", *commands]:
        seen = len(client.bot_messages())
        await client.send(f"/{command}")
        check(f"/{command}", seen)
    await client.send("/menu")
    menu = client.bot_messages()[-1]
    for label in [b["text"] for row in menu.buttons for b in row if b.get("type") == "callback"]:
        if SKIP.search(label):
            continue
        await client.send("/menu")
        seen = len(client.bot_messages())
        await client.click(label)
        check(f"/menu → [{label}]", seen)
    OUTPUT.parent.mkdir(exist_ok=True)
    with OUTPUT.open("a" if OUTPUT.exists() else "w", encoding="utf-8") as out:
        out.write("\n\n".join(walk.screens) + "\n\n")
    assert len(walk.screens) > 5, "the walk got somewhere"
    assert walk.problems == [], "\n".join(dict.fromkeys(walk.problems))
