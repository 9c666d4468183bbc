"""/export in chat: XLSX files read back with openpyxl equal the data (real dates, headers in
the reader's language, widths, a frozen header row), per organisation, group and student, for
ready and typed periods; progress is edited in place; scope is enforced on forged buttons.

The network is `known_network` from tests/test_reports.py (its docstring lists who is who).
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handlers.export import Exp
from models import AuditRecord, Person
from services import exports
from tests.test_reports import MATHS, known_network

RU_ATTENDANCE = [
    "Занятие",
    "Курс",
    "Группа",
    "Организация курса",
    "Ученик",
    "Школа ученика",
    "Отметка",
    "Отмечено",
]


def workbook(message):
    assert message.document is not None, message.text
    name, data = message.document
    book = load_workbook(io.BytesIO(data))
    return name, book.active


def rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def document(client):
    found = [m for m in client.telegram.messages(client.user_id) if m.document]
    assert found, client.screen()
    return found[-1]


async def test_admin_exports_attendance_of_the_term(session, session_factory, client_factory):
    k = await known_network(session)
    maths_code = k.net.group.code
    admin = client_factory(501)
    await admin.send("/export")
    assert "Что выгрузить?" in admin.screen()
    await admin.click("Посещаемость")
    await admin.click("Всё, что мне доступно")
    assert "За какой период?" in admin.screen()
    await admin.click("Полугодие")

    message = document(admin)
    assert (
        message.text == "Посещаемость · всё, что вам доступно · 1 сентября 2026 — 31 декабря 2026"
    )
    name, sheet = workbook(message)
    assert name == "attendance-20260901-20261231.xlsx"
    data = rows(sheet)
    assert data[0] == RU_ATTENDANCE
    physics_code = data[1][2]
    assert data[1:] == [
        [
            datetime(2026, 11, 16, 10, 0),
            "Физика",
            physics_code,
            "МАОУ «СОШ №4»",
            "Морозова Полина",
            "МАОУ «СОШ №4»",
            "опоздал",
            datetime(2026, 11, 16, 11, 0),
        ],
        [
            datetime(2026, 11, 17, 15, 0),
            MATHS,
            maths_code,
            "МБУ ДО ДШИ",
            "Морозова Полина",
            "МАОУ «СОШ №4»",
            "отсутствовал",
            datetime(2026, 11, 17, 16, 30),
        ],
        [
            datetime(2026, 11, 17, 15, 0),
            MATHS,
            maths_code,
            "МБУ ДО ДШИ",
            "Соколов Артём",
            "МБОУ СОШ № 5",
            "присутствовал",
            datetime(2026, 11, 17, 16, 30),
        ],
    ]
    # Real dates shown the Russian way, a frozen header, columns wide enough for their words.
    lesson = sheet["A2"]
    assert lesson.is_date
    assert lesson.number_format == "DD.MM.YYYY HH:MM"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["E"].width >= len("Морозова Полина")
    assert sheet.column_dimensions["G"].width >= len("присутствовал")
    # The message that showed the progress says the file is ready, with what to do next.
    status = admin.telegram.messages(501)[-2]
    assert status.text == "Файл готов: 3 строки."
    assert "Ещё выгрузка" in status.buttons()[0][0]

    # The export is in the audit log, with its scope.
    async with session_factory() as check:
        assert (
            await check.scalar(
                select(func.count(AuditRecord.id)).where(AuditRecord.action == "report.exported")
            )
            == 1
        )


async def test_headers_and_dates_in_english(session, client_factory):
    k = await known_network(session)
    (await session.get(Person, k.admin.id)).language = "en"
    await session.commit()
    admin = client_factory(501, language_code="en")
    await admin.send("/export")
    await admin.click("Enrollments")
    await admin.click("Group…")
    await admin.click(MATHS)
    await admin.click("This term")
    _, sheet = workbook(document(admin))
    data = rows(sheet)
    assert data[0] == [
        "Student",
        "Student's school",
        "Grade",
        "Course",
        "Direction",
        "Group",
        "Course provider",
        "Teacher",
        "Enrolled on",
        "Group starts",
        "Group ends",
    ]
    assert [row[0] for row in data[1:]] == ["Морозова Полина", "Соколов Артём"]
    assert data[2][2:] == [
        8,
        MATHS,
        "Mathematics",
        k.net.group.code,
        "МБУ ДО ДШИ",
        "Белова Анна Сергеевна",
        datetime(2026, 11, 23),
        datetime(2026, 11, 16),
        datetime(2027, 3, 1),
    ]
    assert sheet["I2"].is_date
    assert sheet["I2"].number_format == "YYYY-MM-DD"


async def test_applications_export_for_an_organisation(session, client_factory):
    k = await known_network(session)
    coordinator = client_factory(203)  # sosh4: its student 201 and its physics group
    await coordinator.send("/export")
    await coordinator.click("Заявления")
    await coordinator.click("Организация")
    await coordinator.click("МАОУ «СОШ №4»")
    await coordinator.click("Этот месяц")
    name, sheet = workbook(document(coordinator))
    assert name == "applications-20261101-20261130.xlsx"
    data = rows(sheet)
    assert data[0][:7] == [
        "Ученик",
        "Школа ученика",
        "Класс",
        "Курс",
        "Группа",
        "Организация курса",
        "Состояние",
    ]
    # 201's two applications; 101 of sosh5 is not theirs even in a shared group.
    assert sorted((row[0], row[3], row[6]) for row in data[1:]) == [
        ("Морозова Полина", MATHS, "одобрено, зачисление в группу"),
        ("Морозова Полина", "Физика", "одобрено, зачисление в группу"),
    ]
    assert data[1][7] == datetime(2026, 11, 23, 9, 0)  # 06:00 UTC on a Moscow clock
    assert k.net.other.short_name == "МАОУ «СОШ №4»"


async def test_coordinator_exports_a_student_found_by_name(session, client_factory):
    await known_network(session)
    coordinator = client_factory(103)
    await coordinator.send("/export")
    await coordinator.click("Посещаемость")
    await coordinator.click("Ученик")
    await coordinator.send("морозова")  # another school's student: not found
    assert "Никого не нашлось" in coordinator.screen()
    await coordinator.send("соколов")
    assert "Найдено: 1" in coordinator.screen()
    await coordinator.click("Соколов Артём")
    await coordinator.click("30 дней")
    message = document(coordinator)
    assert "Соколов Артём" in message.text
    data = rows(workbook(message)[1])
    assert [(row[4], row[6]) for row in data[1:]] == [("Соколов Артём", "присутствовал")]


async def test_typed_range_is_validated(session, client_factory):
    await known_network(session)
    teacher = client_factory(302)  # physics
    await teacher.send("/export")
    await teacher.click("Посещаемость")
    await teacher.click("Всё, что мне доступно")
    await teacher.click("Свой период")
    assert "01.09.2026–31.12.2026" in teacher.screen()
    for typed, answer in (
        ("с сентября по декабрь", "Не понял период."),
        ("31.12.2026–01.09.2026", "Начало периода позже конца."),
        ("30.02.2026–01.03.2026", "Такой даты нет в календаре."),
        ("01.01.2024–31.12.2026", "Слишком длинный период: не больше 731 дня."),
    ):
        await teacher.send(typed)
        assert teacher.screen().startswith(answer), typed
    assert not any(m.document for m in teacher.telegram.messages(302))
    await teacher.send("01.11.2026 – 30.11.2026")
    name, sheet = workbook(document(teacher))
    assert name == "attendance-20261101-20261130.xlsx"
    assert [(row[1], row[6]) for row in rows(sheet)[1:]] == [("Физика", "опоздал")]


async def test_an_empty_period_sends_no_file(session, client_factory):
    await known_network(session)
    teacher = client_factory(301)
    await teacher.send("/export")
    await teacher.click("Посещаемость")
    await teacher.click("Всё, что мне доступно")
    await teacher.click("Свой период")
    await teacher.send("01.01.2026–31.01.2026")
    assert "выгружать нечего" in teacher.screen()
    assert not any(m.document for m in teacher.telegram.messages(301))


async def test_big_exports_show_progress_in_place(session, client_factory, monkeypatch):
    await known_network(session)
    monkeypatch.setattr(exports, "CHUNK", 1)
    admin = client_factory(501)
    await admin.send("/export")
    await admin.click("Посещаемость")
    await admin.click("Всё, что мне доступно")
    await admin.click("Полугодие")
    status = next(m for m in admin.telegram.messages(501) if "Файл готов" in m.text)
    edits = [
        c.text
        for c in admin.telegram.calls
        if type(c).__name__ == "EditMessageText" and c.message_id == status.message_id
    ]
    assert edits[-4:] == [
        "Готовлю файл: 3 строки…",
        "Готовлю файл: 1 из 3…",
        "Готовлю файл: 2 из 3…",
        "Файл готов: 3 строки.",
    ]
    assert len(rows(workbook(document(admin))[1])) == 4


async def test_teacher_exports_attendance_only(session, client_factory):
    k = await known_network(session)
    teacher = client_factory(301)
    await teacher.send("/export")
    labels = [label for label, _ in teacher.telegram.last(301).buttons()]
    assert "Посещаемость" in labels
    assert "Заявления" not in labels
    alert = await teacher.press(Exp(k="applications", s="all", p="term").pack())
    assert alert == "Педагог может выгрузить только посещаемость своих групп."
    alert = await teacher.press(Exp(k="attendance", s="group", i=k.physics_group_id).pack())
    assert alert.startswith("Эта группа вам не доступна")
    alert = await teacher.press(Exp(k="attendance", s="org", i=k.net.provider.id, p="term").pack())
    assert alert == "Это данные другой организации: вам доступна только своя."
    assert not any(m.document for m in teacher.telegram.messages(301))


@pytest.mark.parametrize(
    ("subject", "alert"),
    [
        ("org", "Это данные другой организации: вам доступна только своя."),
        ("group", "Эта группа вам не доступна"),
        ("student", "Этот ученик вам не доступен."),
    ],
)
async def test_forged_buttons_for_another_organisation(session, client_factory, subject, alert):
    k = await known_network(session)
    target = {
        "org": k.net.other.id,
        "group": k.physics_group_id,
        "student": k.net.other_student.id,
    }[subject]
    coordinator = client_factory(103)
    await coordinator.send("/export")
    for period in ("term", ""):
        answer = await coordinator.press(Exp(k="attendance", s=subject, i=target, p=period).pack())
        assert answer.startswith(alert)
    assert not any(m.document for m in coordinator.telegram.messages(103))


async def test_enrolled_on_is_a_date_not_a_string(session):
    """Straight from the service: the workbook holds dates, whatever the reader's language."""
    k = await known_network(session)
    from services.i18n import Translator
    from services.people import load_actor
    from services.reports import Period, Subject, SubjectKind, scope_of

    actor = await load_actor(session, k.admin)
    tr = Translator().for_reader("ru", "Europe/Moscow")
    table = await exports.load(
        session,
        scope_of(actor, k.admin.active_role),
        exports.ExportKind.ENROLLMENTS,
        Subject(SubjectKind.ALL),
        Period(date(2026, 9, 1), date(2026, 12, 31)),
        tr,
        datetime(2026, 11, 23, 6, 0).astimezone(),
    )
    assert all(isinstance(row[8], date) for row in table.rows)
    data = await exports.build_xlsx(table, "ru")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == len(table.rows) + 1 == 4
    assert sheet["I2"].is_date
    assert sheet["I2"].number_format == "DD.MM.YYYY"


async def test_a_teacher_exports_everything_or_a_group_never_one_student(session, client_factory):
    """The rule lives in services/exports.check_subject: a forged button naming a student of
    the teacher's own group (whom the teacher's reports may show) gets no file."""
    from services.errors import Forbidden
    from services.people import load_actor
    from services.reports import Role, Subject, SubjectKind, scope_of

    k = await known_network(session)
    physics_teacher = await session.scalar(select(Person).where(Person.full_name == "Орлова Вера"))
    scope = scope_of(await load_actor(session, physics_teacher), Role.TEACHER)
    student = Subject(SubjectKind.STUDENT, k.net.other_student.id)
    with pytest.raises(Forbidden, match="error-export-teacher-attendance"):
        await exports.check_subject(session, scope, exports.ExportKind.ATTENDANCE, student)
    group = Subject(SubjectKind.GROUP, k.physics_group_id)
    assert await exports.check_subject(session, scope, exports.ExportKind.ATTENDANCE, group)
    assert exports.subject_kinds(scope) == [SubjectKind.GROUP]
    student_id = k.net.other_student.id
    await session.rollback()  # the bot's own sessions take over

    teacher = client_factory(302)
    await teacher.send("/export")
    for period in ("term", ""):
        forged = Exp(k="attendance", s="student", i=student_id, p=period)
        assert await teacher.press(forged.pack()) == (
            "Педагог может выгрузить только посещаемость своих групп."
        )
    assert await teacher.press(Exp(k="attendance", s="students").pack()) == (
        "Педагог может выгрузить только посещаемость своих групп."
    )
    assert not any(m.document for m in teacher.telegram.messages(302))
