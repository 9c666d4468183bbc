"""Spreadsheet import in chat: the template, all-or-nothing checks, idempotency, progress,
changed timetables told to the people concerned, join codes, who may import.

Files are built in the tests with openpyxl and csv. Telegram ids from `factories.network`:
coordinator 103 of sosh5, coordinator 203 of sosh4, student 101 (sosh5) and parent 102, teacher
301 of the provider dshi; the tests add the provider's coordinator 401 and an admin 501. The
clock starts on Monday 23 November 2026, 09:00 Moscow.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import zipfile
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from aiogram.methods import EditMessageText
from sqlalchemy import func, select

import handlers.imports
from models import (
    Account,
    AuditRecord,
    Course,
    Group,
    Lesson,
    NetworkSettings,
    Notification,
    Person,
    RoleGrant,
    WeeklySlot,
)
from models.enums import LessonStatus, Role
from services import lessons, sheets
from tests import factories
from tests.bot_client import BotClient

MSK = ZoneInfo("Europe/Moscow")

COURSES = ["org", "code", "title", "direction", "format", "grade_min", "grade_max", "hours"]
TEACHERS = ["org", "code", "full_name"]
GROUPS = ["org", "code", "course", "teacher", "place", "capacity", "start_date", "end_date"]
SLOTS = ["group", "weekday", "start", "end"]
STUDENTS = ["org", "code", "full_name", "grade"]


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[list[Any]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def catalogue(org: str = "sosh5", **changes: Any) -> dict[str, list[list[Any]]]:
    """A valid file: a course, a teacher, a group meeting on Wednesdays, two students."""
    group = [org, "ROBO-A", "ROBO", "T-7", "каб. 5", 15, date(2026, 12, 1), date(2027, 5, 31)]
    group = changes.get("group", group)
    return {
        "courses": [COURSES, [org, "ROBO", "Робототехника", "technology", "in_person", 5, 9, 34]],
        "teachers": [TEACHERS, [org, "T-7", "Гусева Алла Петровна"]],
        "groups": [GROUPS, group],
        "slots": [SLOTS, ["ROBO-A", 3, time(15, 0), time(16, 30)]],
        "students": [
            STUDENTS,
            [org, "S-1", "Зайцев Глеб", 7],
            [org, "S-2", "Волкова Яна", 8],
        ],
    }


async def counts(session_factory) -> dict[str, int]:
    async with session_factory() as s:
        return {
            name: await s.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (
                ("courses", Course),
                ("groups", Group),
                ("slots", WeeklySlot),
                ("people", Person),
                ("lessons", Lesson),
                ("notifications", Notification),
            )
        }


async def previewing(client: BotClient, name: str, data: bytes) -> str:
    """/import, send the file; the status message's text: the preview, or why not."""
    await client.send("/import")
    await client.send_document(name, data)
    return status_text(client)


def confirm_data(client: BotClient) -> str | None:
    """The callback data of «Импортировать» on the newest message, if it offers it."""
    last = client.telegram.messages(client.user_id)[-1]
    found = [data for label, data in last.buttons() if label in ("✅ Импортировать", "✅ Import")]
    return found[0] if found else None


async def importing(client: BotClient, name: str, data: bytes) -> str:
    """/import, send the file and, if the preview offers it, import it; the status message's
    final text."""
    await previewing(client, name, data)
    confirm = confirm_data(client)
    if confirm is not None:
        await client.press(confirm)
    return status_text(client)


def status_text(client: BotClient) -> str:
    texts = [m.text for m in client.telegram.messages(client.user_id) if m.document is None]
    return texts[-1]


def filled_in(template: bytes, **rows: list[list[Any]]) -> bytes:
    """The template as a person fills it in: the example rows typed over with their own codes
    (EXAMPLE-… becomes …), and more rows added below them."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("EXAMPLE-"):
                    cell.value = cell.value.removeprefix("EXAMPLE-")
    for name, extra in rows.items():
        for row in extra:
            book[name].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_rows(template: bytes, **rows: list[list[Any]]) -> bytes:
    """The template with rows added below its examples, which are left in place."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for name, extra in rows.items():
        for row in extra:
            book[name].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def template_of(client: BotClient) -> bytes:
    await client.send("/template")
    document = client.telegram.last(client.user_id).document
    assert document is not None
    assert document[0] == "import-template.xlsx"
    return document[1]


@pytest.fixture
async def net(session):
    network = await factories.network(session)
    await session.commit()
    return network


# --- the template and a whole import ----------------------------------------------------------


async def test_the_template_as_sent_imports_nothing(net, session_factory, client_factory):
    coordinator = client_factory(103)
    data = await template_of(coordinator)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["help", "courses", "teachers", "groups", "slots", "students"]
    assert [c.value for c in book["students"][2]] == ["sosh5", "EXAMPLE-S-0001", "Смирнов Илья", 7]
    assert book["students"][2][1].font.italic, "an example row looks like one"
    before = await counts(session_factory)

    text = await previewing(coordinator, "import-template.xlsx", data)
    assert "в файле только примеры" in text.lower(), text
    assert confirm_data(coordinator) is None
    assert await counts(session_factory) == before
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AuditRecord)) == 0
    # Saved as CSV from Excel, an example sheet is still only an example.
    slots = [[c.value for c in row] for row in book["slots"].iter_rows()]
    text = await previewing(coordinator, "slots.csv", csv_file(slots, delimiter=";"))
    assert "в файле только примеры" in text.lower(), text
    assert await counts(session_factory) == before


async def test_template_filled_in_imports_and_the_same_file_again_changes_nothing(
    net, session_factory, client_factory
):
    coordinator = client_factory(103)
    data = filled_in(await template_of(coordinator))
    book = openpyxl.load_workbook(io.BytesIO(await template_of(coordinator)))
    help_text = " ".join(str(c.value) for row in book["help"].iter_rows() for c in row if c.value)
    assert "Постоянный код курса" in help_text
    assert "Контакты родителей" in help_text
    assert "примеры: они не загружаются никогда" in help_text
    before = await counts(session_factory)

    text = await importing(coordinator, "import-template.xlsx", data)
    assert "Таблица загружена" in text
    assert "Курсы: новых 1, изменено 0, без изменений 0" in text
    assert "Время занятий: новых 2" in text
    assert "Ученики: новых 1" in text
    after = await counts(session_factory)
    assert after["courses"] == before["courses"] + 1
    assert after["people"] == before["people"] + 2
    async with session_factory() as s:
        group = await s.scalar(select(Group).where(Group.code == "ART-01-A"))
        assert group is not None
        assert group.place == "каб. 12"
        student = await s.scalar(select(Person).where(Person.external_code == "S-0001"))
        assert (student.full_name, student.grade, student.home_org_id) == (
            "Смирнов Илья",
            7,
            net.home.id,
        )
        teacher = await s.scalar(select(Person).where(Person.external_code == "T-001"))
        assert group.teacher_id == teacher.id
        planned = (
            await s.scalars(select(Lesson.starts_at).where(Lesson.group_id == group.id))
        ).all()
        # Tuesdays and Thursdays 15:00, from today on.
        assert planned
        assert all(t.astimezone(MSK).weekday() in (1, 3) for t in planned)
        assert min(planned) > datetime(2026, 11, 23, 9, 0, tzinfo=MSK)

    again = await importing(coordinator, "import-template.xlsx", data)
    assert "ничего не изменилось" in again
    assert await counts(session_factory) == after
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AuditRecord)) == 1


async def test_an_example_row_left_among_real_rows_is_skipped_and_said_so(
    net, session_factory, client_factory
):
    coordinator = client_factory(103)
    data = with_rows(await template_of(coordinator), students=[["sosh5", "S-77", "Орлова Вера", 8]])
    before = await counts(session_factory)
    text = await previewing(coordinator, "import-template.xlsx", data)
    assert "Ученики: новых 1, изменится 0, без изменений 0" in text, text
    assert "Курсы:" not in text
    assert (
        "Пропущено 6 строк-примеров (courses: строка 2; teachers: строка 2; groups: строка 2;"
        " slots: строки 2, 3; students: строка 2): примеры не загружаются." in text
    ), text
    assert await counts(session_factory) == before
    await coordinator.press(confirm_data(coordinator))
    assert "Ученики: новых 1" in status_text(coordinator)
    async with session_factory() as s:
        codes = set(
            await s.scalars(select(Person.external_code).where(Person.external_code.is_not(None)))
        )
        assert codes == {"S-77"}
        assert await s.scalar(select(func.count()).select_from(Course)) == before["courses"]


async def test_a_real_row_may_not_name_an_example_record(net, session_factory, client_factory):
    coordinator = client_factory(103)
    group = ["sosh5", "ROBO-B", "EXAMPLE-ART-01", "", "", 15, date(2026, 12, 1), date(2027, 5, 31)]
    data = with_rows(
        await template_of(coordinator),
        groups=[group],
        slots=[["ROBO-B", 3, "15:00", "16:00"]],
    )
    before = await counts(session_factory)
    text = await importing(coordinator, "import-template.xlsx", data)
    assert (
        "groups, строка 3, course: это код строки-примера, а примеры не загружаются:"
        " укажите код своей записи (указано «EXAMPLE-ART-01»)" in text
    ), text
    assert await counts(session_factory) == before


# --- the preview: nothing written before «Импортировать» -------------------------------------


async def timetable_change(session) -> tuple[Any, dict[str, list[list[Any]]]]:
    """The network's group with planned lessons and an enrolled student, its provider's
    coordinator 401, and a file that moves the group to Wednesdays 16:00 in a new place."""
    net = await factories.network(session)
    slots = list(
        (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == net.group.id))).all()
    )
    await lessons.generate_lessons(session, net.group, slots, net.provider.timezone)
    await factories.enrolled(session, net.group, net.student)
    await factories.person(
        session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    course_code = await session.scalar(select(Course.code).where(Course.id == net.group.course_id))
    await session.commit()
    row = ["dshi", net.group.code, course_code, "ул. Новая, 3", 12, "16.11.2026", "01.03.2027"]
    return net, {
        "groups": [GROUPS[:3] + GROUPS[4:], row],
        "slots": [SLOTS, [net.group.code, "ср", "16:00", "17:30"]],
    }


async def lesson_times(session_factory, group_id: int) -> list[datetime]:
    async with session_factory() as s:
        return list(
            (
                await s.scalars(
                    select(Lesson.starts_at)
                    .where(Lesson.group_id == group_id)
                    .order_by(Lesson.starts_at)
                )
            ).all()
        )


async def test_the_preview_says_what_will_change_and_writes_nothing_until_confirmed(
    session, session_factory, client_factory
):
    net, sheets = await timetable_change(session)
    coordinator = client_factory(401)
    before = await counts(session_factory)
    lessons_before = await lesson_times(session_factory, net.group.id)

    text = await previewing(coordinator, "timetable.xlsx", xlsx(sheets))
    assert "Файл проверен, ошибок нет" in text
    assert "Группы: новых 0, изменится 1, без изменений 0" in text
    assert "Время занятий: новых 1, изменится 0, без изменений 0" in text
    planned = int(text.split("Будет запланировано ")[1].split()[0])
    dropped = int(text.split("Будет снято с прежнего времени ")[1].split()[0])
    assert planned > 0
    assert dropped > 0
    assert "Сообщение о новом расписании придёт 2 ученикам и родителям и 1 педагогу." in text
    assert "Пока вы не нажмёте «Импортировать», ничего не записано." in text
    assert "[✅ Импортировать]" in coordinator.screen()
    assert "[✖ Отмена]" in coordinator.screen()
    assert await counts(session_factory) == before
    assert await lesson_times(session_factory, net.group.id) == lessons_before

    await coordinator.click("Импортировать")
    text = status_text(coordinator)
    assert "Таблица загружена" in text, text
    assert "[✅ Импортировать]" not in coordinator.screen()
    # What was written is what the preview said.
    after = await counts(session_factory)
    assert after["lessons"] == before["lessons"] + planned - dropped
    assert after["notifications"] == before["notifications"] + 3
    assert after["slots"] == before["slots"]  # its one weekly time replaced by another
    assert f"Запланировано занятий: {planned}" in text
    assert f"Снято с прежнего времени занятий: {dropped}" in text
    async with session_factory() as s:
        assert await s.scalar(select(Group.place).where(Group.id == net.group.id)) == (
            "ул. Новая, 3"
        )


async def test_a_new_catalogue_previews_its_counts_and_then_writes_just_them(
    net, session_factory, client_factory
):
    coordinator = client_factory(103)
    before = await counts(session_factory)
    text = await previewing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    for line in (
        "Курсы: новых 1, изменится 0, без изменений 0",
        "Педагоги: новых 1, изменится 0, без изменений 0",
        "Группы: новых 1, изменится 0, без изменений 0",
        "Время занятий: новых 1, изменится 0, без изменений 0",
        "Ученики: новых 2, изменится 0, без изменений 0",
        "Сообщений об изменении расписания никто не получит.",
    ):
        assert line in text, line
    planned = int(text.split("Будет запланировано ")[1].split()[0])
    assert "Будет снято" not in text
    assert await counts(session_factory) == before
    await coordinator.click("Импортировать")
    after = await counts(session_factory)
    assert after == {
        **before,
        "courses": before["courses"] + 1,
        "groups": before["groups"] + 1,
        "slots": before["slots"] + 1,
        "people": before["people"] + 3,
        "lessons": before["lessons"] + planned,
    }


async def test_cancel_writes_nothing_and_its_import_button_is_stale(
    net, session_factory, client_factory
):
    coordinator = client_factory(103)
    before = await counts(session_factory)
    await previewing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    confirm = confirm_data(coordinator)
    preview_id = coordinator.telegram.messages(103)[-1].message_id
    await coordinator.click("Отмена")
    assert "Загрузка отменена, ничего не изменено." in coordinator.screen()
    assert await counts(session_factory) == before
    alert = await coordinator.press(confirm, preview_id)
    assert alert == "Эта кнопка устарела. Откройте меню заново: /menu"
    assert await counts(session_factory) == before
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AuditRecord)) == 0


async def test_a_second_press_of_import_writes_nothing_more(
    session, session_factory, client_factory
):
    net, sheets = await timetable_change(session)
    coordinator = client_factory(401)
    await previewing(coordinator, "timetable.xlsx", xlsx(sheets))
    confirm = confirm_data(coordinator)
    preview_id = coordinator.telegram.messages(401)[-1].message_id
    await coordinator.press(confirm, preview_id)
    assert "Таблица загружена" in status_text(coordinator)
    written = await counts(session_factory)
    lessons_written = await lesson_times(session_factory, net.group.id)
    # Pressed twice in a row: the second press waits for the first, then finds it done.
    assert await coordinator.press(confirm, preview_id) == (
        "Эта кнопка устарела. Откройте меню заново: /menu"
    )
    assert await counts(session_factory) == written
    assert await lesson_times(session_factory, net.group.id) == lessons_written
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AuditRecord)) == 1


async def test_a_newer_file_makes_the_older_preview_stale(net, session_factory, client_factory):
    coordinator = client_factory(103)
    before = await counts(session_factory)
    await previewing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    older = confirm_data(coordinator)
    older_id = coordinator.telegram.messages(103)[-1].message_id
    changed = catalogue()
    changed["students"] = changed["students"][:2]
    await coordinator.send_document("catalogue.xlsx", xlsx(changed))
    assert "Ученики: новых 1" in status_text(coordinator)
    assert await coordinator.press(older, older_id) == (
        "Эта кнопка устарела. Откройте меню заново: /menu"
    )
    assert await counts(session_factory) == before
    await coordinator.click("Импортировать")
    assert (await counts(session_factory))["people"] == before["people"] + 2


async def test_import_checks_the_database_again_and_shows_what_changed_meanwhile(
    net, session, session_factory, client_factory
):
    """The preview was right when it was shown; by the press the course exists (the admin
    imported it), so the press writes nothing and shows the file's effect now."""
    await factories.person(session, "Лебедева Ирина", Role.ADMIN, telegram_id=501)
    await session.commit()
    coordinator, admin = client_factory(103), client_factory(501)
    await previewing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    confirm = confirm_data(coordinator)
    preview_id = coordinator.telegram.messages(103)[-1].message_id
    elsewhere = catalogue()
    elsewhere["courses"][1][2] = "Робототехника для всех"
    await importing(admin, "catalogue.xlsx", xlsx({"courses": elsewhere["courses"]}))
    written = await counts(session_factory)

    await coordinator.press(confirm, preview_id)
    text = status_text(coordinator)
    assert "данные в боте изменились" in text, text
    assert "Курсы: новых 0, изменится 1, без изменений 0" in text
    assert await counts(session_factory) == written
    assert await coordinator.press(confirm, preview_id) == (
        "Эта кнопка устарела. Откройте меню заново: /menu"
    )
    await coordinator.click("Импортировать")
    assert "Таблица загружена" in status_text(coordinator)
    async with session_factory() as s:
        assert await s.scalar(select(Course.title).where(Course.code == "ROBO")) == "Робототехника"


async def test_an_updated_file_updates_records_found_by_code(net, session_factory, client_factory):
    coordinator = client_factory(103)
    await importing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    changed = catalogue()
    changed["courses"][1][2] = "Робототехника и электроника"
    changed["students"][2][3] = 9
    text = await importing(coordinator, "catalogue.xlsx", xlsx(changed))
    assert "Курсы: новых 0, изменено 1, без изменений 0" in text
    assert "Ученики: новых 0, изменено 1, без изменений 1" in text
    async with session_factory() as s:
        course = await s.scalar(select(Course).where(Course.code == "ROBO"))
        assert course.title == "Робототехника и электроника"
        assert await s.scalar(select(Person.grade).where(Person.external_code == "S-2")) == 9


async def test_a_new_group_without_a_minimum_takes_the_networks_default(
    net, session_factory, client_factory
):
    async with session_factory() as s:
        s.add(NetworkSettings(id=1, min_group_size=6))
        await s.commit()
    coordinator = client_factory(103)
    await importing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    async with session_factory() as s:
        assert await s.scalar(select(Group.min_size).where(Group.code == "ROBO-A")) == 6


async def test_a_group_without_dates_takes_the_academic_year_or_keeps_its_own(
    net, session_factory, client_factory
):
    coordinator = client_factory(103)
    undated = ["sosh5", "ROBO-A", "ROBO", "T-7", "каб. 5", 15, None, None]

    async def dates() -> tuple[date, date]:
        async with session_factory() as s:
            group = await s.scalar(select(Group).where(Group.code == "ROBO-A"))
            return group.start_date, group.end_date

    before = await counts(session_factory)
    text = await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(group=undated)))
    assert "groups, строка 2, start_date: дата не указана, а учебный год не задан" in text
    assert "groups, строка 2, end_date: дата не указана, а учебный год не задан" in text
    assert await counts(session_factory) == before

    async with session_factory() as s:
        s.add(NetworkSettings(id=1, year_start=date(2026, 9, 1), year_end=date(2027, 5, 31)))
        await s.commit()
    late = ["sosh5", "ROBO-A", "ROBO", "T-7", "каб. 5", 15, date(2027, 6, 10), None]
    text = await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(group=late)))
    assert "groups, строка 2, end_date: конец раньше начала" in text
    assert await counts(session_factory) == before

    text = await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(group=undated)))
    assert "Таблица загружена" in text, text
    assert await dates() == (date(2026, 9, 1), date(2027, 5, 31))

    # An existing group's empty dates are its own, not the year's.
    dated = ["sosh5", "ROBO-A", "ROBO", "T-7", "каб. 5", 15, date(2026, 12, 1), date(2027, 4, 30)]
    await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(group=dated)))
    assert await dates() == (date(2026, 12, 1), date(2027, 4, 30))
    await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(group=undated)))
    assert await dates() == (date(2026, 12, 1), date(2027, 4, 30))


async def test_an_empty_minimum_cell_is_the_networks_default_too(
    net, session_factory, client_factory
):
    async with session_factory() as s:
        s.add(NetworkSettings(id=1, min_group_size=6))
        await s.commit()
    sheets = catalogue()
    sheets["groups"][0] = [*GROUPS, "min_size"]
    sheets["groups"][1].append(None)
    await importing(client_factory(103), "catalogue.xlsx", xlsx(sheets))
    async with session_factory() as s:
        assert await s.scalar(select(Group.min_size).where(Group.code == "ROBO-A")) == 6


async def test_english_reader_gets_english_texts(net, session, session_factory, client_factory):
    net.coordinator.language = "en"
    session.add(net.coordinator)
    await session.commit()
    coordinator = client_factory(103, language_code="en")
    text = await importing(coordinator, "catalogue.xlsx", xlsx(catalogue(org="nowhere")))
    assert "The file was not imported" in text
    assert "courses, row 2, org: there is no such organisation in the network" in text
    text = await previewing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    assert "The file was checked: no problems." in text
    assert "Students: 2 new, 0 to change, 0 unchanged" in text
    assert "Nobody will get a message about a changed timetable." in text
    assert 'Nothing is written until you press "Import".' in text
    assert "[✅ Import]" in coordinator.screen()
    await coordinator.click("Import")
    assert "Spreadsheet imported." in status_text(coordinator)


# --- bad files: a clear message, nothing changed ----------------------------------------------


def _zip_with(member: str, content: bytes, base: bytes) -> bytes:
    """A copy of the workbook `base` with one part replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(member, content)
    return out.getvalue()


def valid_with_students(*rows: list[Any], header: list[str] = STUDENTS) -> bytes:
    sheets = catalogue()
    sheets["students"] = [header, *rows]
    return xlsx(sheets)


def zip_bomb() -> bytes:
    """A workbook with a sheet that inflates from ~100 KB to 100 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(io.BytesIO(xlsx(catalogue()))) as source:
            for info in source.infolist():
                z.writestr(info.filename, source.read(info.filename))
        with z.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
            zeros = b"\0" * (1 << 20)
            for _ in range(100):
                part.write(zeros)
    return out.getvalue()


def lying_sizes() -> bytes:
    """A part that says it holds 1,000 bytes and inflates to 10 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 10_000_000 + b"</a>")
    data = bytearray(out.getvalue())
    data[22:26] = (1000).to_bytes(4, "little")  # the local header's size
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def huge_shared_strings() -> bytes:
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>xxxxxxxxxx</t></si>" * 800_000 + b"</sst>"
    return _zip_with("xl/sharedStrings.xml", strings, xlsx(catalogue()))


def xml_bomb() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _zip_with("xl/worksheets/sheet1.xml", laughs, xlsx(catalogue()))


BAD_FILES = {
    "missing column": (
        "students.csv",
        lambda: csv_file([["org", "code", "full_name"], ["sosh5", "S-1", "Зайцев Глеб"]]),
        "students, строка 1, grade: нет обязательного столбца",
    ),
    "extra unknown column": (
        "catalogue.xlsx",
        lambda: valid_with_students(
            ["sosh5", "S-1", "Зайцев Глеб", 7, "+7 900 000-00-00"],
            header=[*STUDENTS, "parent_phone"],
        ),
        (
            "students, строка 1, parent_phone: неизвестный столбец;"
            " допустимые: org, code, full_name, grade"
        ),
    ),
    "wrong date format": (
        "catalogue.xlsx",
        lambda: xlsx(
            catalogue(group=["sosh5", "ROBO-A", "ROBO", "T-7", "", 15, "2026/12/01", "31.05.2027"])
        ),
        (
            "groups, строка 2, start_date: дата не распознана: нужно ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"
            " (указано «2026/12/01»)"
        ),
    ),
    "end before start": (
        "catalogue.xlsx",
        lambda: xlsx(
            catalogue(group=["sosh5", "ROBO-A", "ROBO", "T-7", "", 15, "01.12.2026", "2026-11-30"])
        ),
        "groups, строка 2, end_date: конец раньше начала",
    ),
    "unknown organisation": (
        "catalogue.xlsx",
        lambda: valid_with_students(["sosh99", "S-1", "Зайцев Глеб", 7]),
        "students, строка 2, org: такой организации в сети нет (указано «sosh99»)",
    ),
    "another organisation": (
        "catalogue.xlsx",
        lambda: valid_with_students(["sosh4", "S-1", "Зайцев Глеб", 7]),
        "students, строка 2, org: загружать можно только в свою организацию",
    ),
    "duplicate code": (
        "catalogue.xlsx",
        lambda: valid_with_students(
            ["sosh5", "S-1", "Зайцев Глеб", 7], ["sosh5", "S-1", "Волкова Яна", 8]
        ),
        "students, строка 3, code: код повторяется (впервые — в строке 2)",
    ),
    "text in a number column": (
        "catalogue.xlsx",
        lambda: valid_with_students(["sosh5", "S-1", "Зайцев Глеб", "седьмой"]),
        "students, строка 2, grade: нужно целое число (указано «седьмой»)",
    ),
    "empty file": ("students.csv", lambda: b"", "Файл пустой."),
    "headers only": ("students.csv", lambda: csv_file([STUDENTS]), "В файле нет строк"),
    "not a spreadsheet": ("photo.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "Это не таблица"),
    "binary with a csv name": ("list.csv", lambda: b"\x00\x01\x02" * 50, "Это не таблица"),
    "old excel": ("list.xls", lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 64, "старого формата"),
    "damaged xlsx": ("catalogue.xlsx", lambda: xlsx(catalogue())[:1500], "Файл повреждён"),
    "a zip that is no workbook": (
        "catalogue.xlsx",
        lambda: _zip_with("readme.txt", b"hello", _zip_with("x", b"", b"PK\x05\x06" + b"\0" * 18)),
        "Файл повреждён",
    ),
    "zip bomb": ("catalogue.xlsx", zip_bomb, "распаковывается в слишком большой объём"),
    "sizes that lie": ("catalogue.xlsx", lying_sizes, "Файл повреждён"),
    "huge shared strings": (
        "catalogue.xlsx",
        huge_shared_strings,
        "распаковывается в слишком большой объём",
    ),
    "entity expansion": ("catalogue.xlsx", xml_bomb, "Файл повреждён"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    case, net, session_factory, client_factory
):
    name, build, expected = BAD_FILES[case]
    coordinator = client_factory(103)
    before = await counts(session_factory)
    text = await importing(coordinator, name, build())
    assert expected in text, text
    assert "Таблица загружена" not in text
    assert await counts(session_factory) == before


async def test_every_problem_is_reported_at_once(net, session_factory, client_factory):
    sheets = catalogue()
    sheets["courses"][1][5] = 10  # grade_min above grade_max
    sheets["groups"][1][2] = "NOPE"  # a course nobody has
    sheets["slots"].append(["ROBO-A", "пятница", "17:00", "16:00"])
    sheets["students"].append(["sosh5", "S 3", "", 12])
    before = await counts(session_factory)
    text = await importing(client_factory(103), "catalogue.xlsx", xlsx(sheets))
    assert "найдено 6 ошибок" in text
    for line in (
        "courses, строка 2, grade_max: последний класс меньше первого",
        "groups, строка 2, course: курса с таким кодом нет ни в файле, ни в вашей организации",
        "slots, строка 3, end: конец раньше начала",
        "students, строка 4, code: код — от 1 до 32 латинских букв",
        "students, строка 4, full_name: ячейка не заполнена",
        "students, строка 4, grade: число должно быть от 1 до 11 (указано «12»)",
    ):
        assert line in text, line
    assert await counts(session_factory) == before


async def test_many_problems_come_back_as_a_file(net, session_factory, client_factory):
    rows = [["sosh5", f"S-{i}", "Зайцев Глеб", "x"] for i in range(40)]
    coordinator = client_factory(103)
    text = await importing(coordinator, "catalogue.xlsx", valid_with_students(*rows))
    assert "найдено 40 ошибок" in text
    assert "…и ещё 25. Все ошибки — в файле ниже." in text
    assert len(text) < 4000
    report = coordinator.telegram.last(103)
    assert report.document is not None
    assert report.document[0] == "import-problems.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(report.document[1])).active
    found = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(found) == 40
    assert found[0] == ("students", 2, "grade", "x", "нужно целое число")
    # Then the person's own sheets, each bad row marked in red with what is wrong.
    book = openpyxl.load_workbook(io.BytesIO(report.document[1]))
    students = book["students"]
    header = [c.value for c in students[1]]
    assert header[:4] == ["org", "code", "full_name", "grade"]
    assert len(header) == 5
    marked = [c.value for c in students[2]]
    assert marked[:4] == ["sosh5", "S-0", "Зайцев Глеб", "x"]
    assert "grade" in marked[4]
    assert "нужно целое число" in marked[4]
    assert students[2][0].fill.fgColor.rgb.endswith("FFC7CE")
    courses = book["courses"]
    assert courses[2][0].fill.fgColor.rgb in (None, "00000000"), "a good row is not marked"
    assert courses.max_column == len(COURSES) + 1


async def test_a_bad_header_is_marked_in_the_returned_file_too(
    net, session_factory, client_factory
):
    sheets = catalogue()
    sheets["courses"][0] = [*COURSES, "price"]
    sheets["courses"][1].append(1000)
    sheets["students"] += [["sosh5", f"S-{i}", "Зайцев Глеб", "x"] for i in range(20)]
    coordinator = client_factory(103)
    text = await importing(coordinator, "catalogue.xlsx", xlsx(sheets))
    assert "courses, строка 1, price: неизвестный столбец" in text
    report = coordinator.telegram.last(103)
    assert report.document is not None
    assert report.document[0] == "import-problems.xlsx"
    courses = openpyxl.load_workbook(io.BytesIO(report.document[1]))["courses"]
    header = [c.value for c in courses[1]]
    assert header[:9] == [*COURSES, "price"]
    assert header[9].startswith("Что не так: price: неизвестный столбец"), header[9]
    assert courses[1][0].fill.fgColor.rgb.endswith("FFC7CE")
    assert courses[2][0].fill.fgColor.rgb in (None, "00000000"), "its rows are fine"


async def test_a_file_name_excel_cannot_take_as_a_sheet_title_still_gets_its_problems_file(
    net, session_factory, client_factory
):
    rows = [["sosh5", f"S-{i}", "Зайцев Глеб", "x"] for i in range(20)]
    coordinator = client_factory(103)
    text = await importing(coordinator, "students[1].csv", csv_file([STUDENTS, *rows]))
    assert "найдено 20 ошибок" in text
    report = coordinator.telegram.last(103)
    assert report.document is not None
    assert report.document[0] == "import-problems.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(report.document[1]))
    assert book.sheetnames[1] == "students 1 "
    assert book.worksheets[1][2][0].fill.fgColor.rgb.endswith("FFC7CE")


async def test_csv_from_russian_excel_semicolons_and_windows_1251(
    net, session_factory, client_factory
):
    data = csv_file(
        [STUDENTS, ["sosh5", "S-1", "Зайцев Глеб", 7], ["sosh5", "S-2", "Волкова Яна", "8"]],
        delimiter=";",
        encoding="cp1251",
    )
    text = await importing(client_factory(103), "7Б класс.csv", data)
    assert "Ученики: новых 2" in text
    async with session_factory() as s:
        assert await s.scalar(select(Person.full_name).where(Person.external_code == "S-1")) == (
            "Зайцев Глеб"
        )


# --- big files: progress, and the database is not held ----------------------------------------


async def test_ten_thousand_rows_import_with_progress(
    net, session_factory, client_factory, monkeypatch
):
    monkeypatch.setattr(handlers.imports, "PROGRESS_EVERY", 0.0)
    rows = [STUDENTS] + [
        ["sosh5", f"S-{i:05}", f"Ученик Номер {i}", 1 + i % 11] for i in range(10_000)
    ]
    data = xlsx({"students": rows})
    coordinator = client_factory(103)
    text = await importing(coordinator, "students.xlsx", data)
    assert "Ученики: новых 10\u00a0000, изменено 0, без изменений 0" in text
    edits = [c.text for c in coordinator.telegram.calls if isinstance(c, EditMessageText)]
    assert "⏳ Проверено 4\u00a0000 из 10\u00a0000 строк…" in edits
    assert "⏳ Проверено 10\u00a0000 из 10\u00a0000 строк…" in edits
    # One message, edited in place.
    assert (
        len({c.message_id for c in coordinator.telegram.calls if isinstance(c, EditMessageText)})
        == 1
    )
    async with session_factory() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(RoleGrant)
                .where(RoleGrant.role == Role.STUDENT, RoleGrant.organisation_id == net.home.id)
            )
            == 10_001
        )
    again = await importing(coordinator, "students.xlsx", data)
    assert "ничего не изменилось" in again


# --- a changed timetable ----------------------------------------------------------------------


async def test_changed_time_and_place_move_future_lessons_and_tell_the_people_concerned(
    session, session_factory, client_factory, clock
):
    net = await factories.network(session)
    slots = list(
        (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == net.group.id))).all()
    )
    await lessons.generate_lessons(session, net.group, slots, net.provider.timezone)
    await factories.enrolled(session, net.group, net.student)
    await factories.person(
        session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    course_code = await session.scalar(select(Course.code).where(Course.id == net.group.course_id))
    group_code, group_id = net.group.code, net.group.id
    await session.commit()
    row = ["dshi", group_code, course_code, "", "ул. Новая, 3", 12, "16.11.2026", "01.03.2027"]
    sheets = {
        "groups": [GROUPS[:3] + GROUPS[4:], row[:3] + row[4:]],
        "slots": [SLOTS, [group_code, "ср", "16:00", "17:30"]],
    }

    text = await importing(client_factory(401), "timetable.xlsx", xlsx(sheets))
    assert "Группы: новых 0, изменено 1" in text
    assert "Об изменении расписания сообщено 3 людям." in text
    async with session_factory() as s:
        kept = (
            await s.scalars(
                select(Lesson).where(Lesson.group_id == group_id).order_by(Lesson.starts_at)
            )
        ).all()
        past = [ls for ls in kept if ls.starts_at < clock.now()]
        future = [ls for ls in kept if ls.starts_at > clock.now()]
        # The lesson of Tuesday 17 November stays as it was; from now on, Wednesdays 16:00.
        assert [ls.starts_at.astimezone(MSK) for ls in past] == [
            datetime(2026, 11, 17, 15, 0, tzinfo=MSK)
        ]
        assert future
        assert all(
            (ls.starts_at.astimezone(MSK).weekday(), ls.starts_at.astimezone(MSK).time())
            == (2, time(16, 0))
            for ls in future
        )
        assert {ls.place for ls in future} == {"ул. Новая, 3"}
        assert future[0].starts_at == datetime(2026, 11, 25, 16, 0, tzinfo=MSK)
        told = (
            await s.scalars(
                select(Notification.person_id).where(
                    Notification.kind == "notify-group-timetable-changed"
                )
            )
        ).all()
        assert sorted(told) == sorted([net.student.id, net.parent.id, net.teacher.id])
    # The same file again: nothing changes and nobody is told twice.
    again = await importing(client_factory(401), "timetable.xlsx", xlsx(sheets))
    assert "ничего не изменилось" in again
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(Notification)) == 3


async def test_a_moved_or_cancelled_lesson_is_not_planned_again(session, session_factory, clock):
    """Following a new timetable keeps what people changed by hand."""
    net = await factories.network(session)
    slots = list(
        (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == net.group.id))).all()
    )
    await lessons.generate_lessons(session, net.group, slots, net.provider.timezone)
    tuesday = datetime(2026, 11, 24, 15, 0, tzinfo=MSK)
    lesson = await session.scalar(select(Lesson).where(Lesson.starts_at == tuesday))
    lesson.original_starts_at = tuesday
    lesson.starts_at = datetime(2026, 11, 26, 15, 0, tzinfo=MSK)
    lesson.ends_at = datetime(2026, 11, 26, 16, 30, tzinfo=MSK)
    lesson.status = LessonStatus.MOVED
    await session.flush()
    planned = await lessons.follow_timetable(
        session, net.group, slots, net.provider.timezone, clock.now()
    )
    assert planned == 0
    assert await session.scalar(select(Lesson.id).where(Lesson.starts_at == tuesday)) is None


# --- who may import ---------------------------------------------------------------------------


async def test_a_coordinator_of_another_organisation_is_refused(
    net, session_factory, client_factory
):
    before = await counts(session_factory)
    text = await importing(client_factory(203), "catalogue.xlsx", xlsx(catalogue()))
    assert "courses, строка 2, org: загружать можно только в свою организацию" in text
    assert "students, строка 3, org: загружать можно только в свою организацию" in text
    assert await counts(session_factory) == before


@pytest.mark.parametrize("user_id", [101, 102, 301])
async def test_students_parents_and_teachers_cannot_import(
    user_id, net, session_factory, client_factory
):
    client = client_factory(user_id)
    await client.send("/import")
    assert client.screen() == "Загружать таблицы могут только координаторы и администратор сети."
    await client.send("/template")
    assert client.telegram.last(user_id).document is None
    before = await counts(session_factory)
    await client.send_document("catalogue.xlsx", xlsx(catalogue()))
    assert await counts(session_factory) == before


async def test_the_admin_imports_for_any_organisation(
    net, session, session_factory, client_factory
):
    await factories.person(session, "Лебедева Ирина", Role.ADMIN, telegram_id=501)
    await session.commit()
    sheets = catalogue(org="dshi")
    sheets["students"] = [STUDENTS, ["sosh4", "S-40", "Волкова Яна", 8]]
    text = await importing(client_factory(501), "catalogue.xlsx", xlsx(sheets))
    assert "Таблица загружена" in text
    async with session_factory() as s:
        assert await s.scalar(select(Course.provider_org_id).where(Course.code == "ROBO")) == (
            net.provider.id
        )
        assert await s.scalar(select(Person.home_org_id).where(Person.external_code == "S-40")) == (
            net.other.id
        )


# --- join codes -------------------------------------------------------------------------------


async def test_imported_people_join_with_a_one_time_code(net, session_factory, client_factory):
    coordinator = client_factory(103)
    await importing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    await coordinator.send("/import")
    await coordinator.click("Коды для входа")
    sheet_message = coordinator.telegram.last(103)
    assert sheet_message.document is not None
    assert "Коды для входа: 3 человека" in sheet_message.text
    rows = list(
        openpyxl.load_workbook(io.BytesIO(sheet_message.document[1])).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    by_code = {row[2]: row for row in rows}
    assert set(by_code) == {"T-7", "S-1", "S-2"}
    student_row, teacher_row = by_code["S-1"], by_code["T-7"]
    assert student_row[:5] == ("sosh5", "Ученик", "S-1", "Зайцев Глеб", 7)
    assert student_row[6].startswith("https://t.me/network_test_bot?start=inv-")

    newcomer = client_factory(777)
    await newcomer.send(student_row[5])  # "/start inv-…"
    await newcomer.click("Русский")
    assert any("Ваша роль: Ученик" in t for t in newcomer.texts())
    teacher = client_factory(778)
    await teacher.send(teacher_row[5])
    await teacher.click("Русский")
    async with session_factory() as s:
        joined = await s.scalar(select(Person).join(Account).where(Account.user_id == 777))
        assert (joined.external_code, joined.full_name, joined.grade) == ("S-1", "Зайцев Глеб", 7)
        assert joined.home_org_id == net.home.id
        assert (
            await s.scalar(
                select(func.count()).select_from(Person).where(Person.external_code == "S-1")
            )
            == 1
        )
        joined_teacher = await s.scalar(select(Person).join(Account).where(Account.user_id == 778))
        group = await s.scalar(select(Group).where(Group.code == "ROBO-A"))
        assert group.teacher_id == joined_teacher.id
    # The same code does not work for someone else; the next sheet lists only who is left.
    intruder = client_factory(779)
    await intruder.send(student_row[5])
    await intruder.click("Русский")
    assert "уже использовал другой человек" in "\n".join(intruder.texts())
    await coordinator.send("/import")
    await coordinator.click("Коды для входа")
    left = coordinator.telegram.last(103)
    assert "Коды для входа: 1 человек" in left.text
    rows = list(
        openpyxl.load_workbook(io.BytesIO(left.document[1])).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert [(r[2], r[5]) for r in rows] == [("S-2", by_code["S-2"][5])]  # the same code again
    # A re-import finds the people who joined by their codes: nothing changes.
    again = await importing(coordinator, "catalogue.xlsx", xlsx(catalogue()))
    assert "ничего не изменилось" in again


async def test_typed_text_instead_of_a_file_gets_a_hint(net, client_factory):
    coordinator = client_factory(103)
    await coordinator.send("/import")
    assert "Загрузка из таблицы" in coordinator.screen()
    await coordinator.send("вот файл")
    assert coordinator.screen().startswith("Пришлите таблицу файлом")


async def test_other_people_are_served_while_a_file_is_read(net, client_factory, monkeypatch):
    """The file is read in a worker thread with no database transaction open: a student's
    update goes through meanwhile (on SQLite a held write lock would make it wait)."""
    gate = threading.Event()
    read_file = sheets.read_file

    def slow_read(name: str, data: bytes):
        assert gate.wait(20)
        return read_file(name, data)

    monkeypatch.setattr(sheets, "read_file", slow_read)
    coordinator, student = client_factory(103), client_factory(101)
    await coordinator.send("/import")
    upload = asyncio.create_task(coordinator.send_document("catalogue.xlsx", xlsx(catalogue())))
    for _ in range(200):
        if status_text(coordinator) == "⏳ Читаю файл…":
            break
        await asyncio.sleep(0.01)
    assert status_text(coordinator) == "⏳ Читаю файл…"
    await asyncio.wait_for(student.send("/menu"), 5)
    assert "Соколов Артём" in student.screen()
    gate.set()
    await upload
    await coordinator.click("Импортировать")
    assert "Таблица загружена" in status_text(coordinator)
