"""/reports in chat: the menu per role, reports with period buttons, charts as photos, and
refusals for people outside a report's scope (forged buttons too).

The network is `known_network` from tests/test_reports.py (its docstring lists who is who).
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from handlers.export import Exp
from handlers.reports import Rep
from models import Person
from services import charts
from tests import factories
from tests.test_reports import known_network

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"
CYRILLIC, LATIN = re.compile("[а-яё]", re.IGNORECASE), re.compile("[a-z]", re.IGNORECASE)
STAFF_ONLY = "Отчёты и выгрузки — для координаторов, педагогов и администратора сети."


async def test_admin_reads_every_report(session, client_factory):
    await known_network(session)
    admin = client_factory(501)
    await admin.send("/reports")
    screen = admin.screen()
    assert "<b>Отчёты</b> · 1 сентября 2026 — 31 декабря 2026" in screen
    for label in ("Набор по курсам", "Показатели программы", "Часы", "Группы и минимум"):
        assert label in screen

    await admin.click("Набор по курсам")
    screen = admin.screen()
    assert (
        "<b>Олимпиадная математика</b> (МБУ ДО ДШИ): зачислено 2 из 12 мест, 1 группа, "
        "в листе ожидания 0" in screen
    )
    assert "Всего зачислено: <b>3</b>" in screen

    await admin.click("Отчёты")
    await admin.click("По направлениям")
    assert "<b>Математика</b>: зачислено 2 из 12 мест" in admin.screen()
    assert "<b>Естественные науки</b>: зачислено 1 из 8 мест" in admin.screen()

    await admin.click("Отчёты")
    await admin.click("Группы ниже минимума")
    screen = admin.screen()
    assert "2 группы не набрали минимум." in screen
    assert "<b>Физика</b> (" in screen
    assert "1 из 5, не хватает 4" in screen

    await admin.click("Отчёты")
    await admin.click("Посещаемость по школам")
    screen = admin.screen()
    assert "<b>МАОУ «СОШ №4»</b>: 50\xa0% (1 из 2)" in screen
    assert "<b>МБОУ СОШ № 5</b>: 100\xa0% (1 из 1)" in screen

    await admin.click("Отчёты")
    await admin.click("Показатели программы")
    screen = admin.screen()
    assert (
        "вовлечённых в сетевые курсы: <b>75\xa0%</b> (3 из 4) ✅ цель 50\xa0% достигнута" in screen
    )
    assert "<b>66,7\xa0%</b> (2 из 3) ✅" in screen

    # Another period from the report's own buttons.
    await admin.click("Отчёты")
    await admin.click("Посещаемость по школам")
    await admin.click("Этот месяц")
    assert "• Этот месяц" in admin.screen()
    assert "1 ноября 2026" in admin.screen()


async def test_reports_in_english_with_english_numbers(session, client_factory):
    k = await known_network(session)
    (await session.get(Person, k.admin.id)).language = "en"
    await session.commit()
    admin = client_factory(501, language_code="en")
    await admin.send("/reports")
    await admin.click("Programme indicators")
    screen = admin.screen()
    assert (
        "Organisations involved in network courses: <b>75%</b> (3 of 4) ✅ target 50% met" in screen
    )
    assert "<b>66.7%</b> (2 of 3)" in screen


async def test_coordinator_reports_cover_own_organisation(session, client_factory):
    await known_network(session)
    coordinator = client_factory(103)
    await coordinator.send("/reports")
    await coordinator.click("По курсам")
    screen = coordinator.screen()
    assert "<b>Олимпиадная математика</b>: 100\xa0% (1 из 1)" in screen
    assert "Физика" not in screen
    await coordinator.send("/reports")
    await coordinator.click("Показатели программы")
    assert "(1 из 1)" in coordinator.screen()


async def test_college_misses_the_target(session, client_factory):
    await known_network(session)
    coordinator = client_factory(404)
    await coordinator.send("/reports")
    await coordinator.click("Показатели программы")
    assert "<b>0\xa0%</b> (0 из 1) ❌ цель 50\xa0% не достигнута" in coordinator.screen()


async def test_teacher_gets_own_groups_reports_only(session, client_factory):
    await known_network(session)
    teacher = client_factory(301)
    await teacher.send("/reports")
    screen = teacher.screen()
    assert "Показатели программы" not in screen
    assert "Набор по курсам" not in screen
    await teacher.click("По курсам")
    assert "<b>Олимпиадная математика</b>: 50\xa0% (1 из 2)" in teacher.screen()
    assert "Физика" not in teacher.screen()
    # A forged button for a report meant for coordinators.
    alert = await teacher.press(Rep(r="indicators").pack())
    assert alert == "Этот отчёт — для координаторов и администратора сети."


async def test_forged_export_buttons_are_refused_clearly(session, client_factory):
    await known_network(session)
    admin = client_factory(501)
    await admin.send("/export")
    screen = admin.screen()
    for data in (
        Exp(k="attendance", s="nobody", p="term"),  # a subject kind that does not exist
        Exp(k="attendance", s="nobody", p="custom"),
        Exp(k="nothing", s="all", p="term"),
    ):
        alert = await admin.press(data.pack())
        assert alert == "Такой вариант недоступен. Пожалуйста, пользуйтесь кнопками.", data
    assert admin.screen() == screen
    assert not any(m.document for m in admin.telegram.messages(501))


async def test_students_and_parents_are_refused(session, client_factory):
    await known_network(session)
    for user_id in (101, 102):
        client = client_factory(user_id)
        await client.send("/reports")
        assert client.screen().startswith(STAFF_ONLY)
        await client.send("/export")
        assert client.screen().startswith(STAFF_ONLY)
        alert = await client.press(Rep(r="course").pack())
        assert alert.startswith(STAFF_ONLY)
        alert = await client.press(Exp(k="attendance", s="all", p="term").pack())
        assert alert.startswith(STAFF_ONLY)
        assert not any(m.document or m.photo for m in client.telegram.messages(user_id))


async def test_charts_are_png_photos(session, client_factory):
    await known_network(session)
    admin = client_factory(501)
    await admin.send("/reports")
    await admin.click("Посещаемость по неделям")
    photo = admin.telegram.last(501)
    assert photo.photo is not None
    name, data = photo.photo
    assert name == "weeks.png"
    assert data.startswith(PNG)
    assert len(data) > 5_000
    assert photo.text.startswith("Посещаемость по неделям · 1 сентября 2026")

    await admin.send("/reports")
    await admin.click("Группы и минимум")
    name, data = admin.telegram.last(501).photo
    assert name == "sizes.png"
    assert data.startswith(PNG)
    assert len(data) > 5_000
    # The PNG header's size fields: a real picture, wider than tall.
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 100


async def test_a_chart_without_data_says_so(session, client_factory):
    await known_network(session)
    teacher = client_factory(303)  # the college's teacher has no groups
    await teacher.send("/reports")
    alert = await teacher.click("Посещаемость по неделям")
    assert alert == "Нечего рисовать: за этот период нет данных."
    assert not any(m.photo for m in teacher.telegram.messages(303))


async def test_reports_are_in_the_menu_and_the_command_list(session, client_factory):
    await known_network(session)
    coordinator = client_factory(103)
    await coordinator.send("/menu")
    await coordinator.click("Отчёты")
    assert "Выберите отчёт" in coordinator.screen()
    await coordinator.click("Выгрузка в Excel")
    assert "Что выгрузить?" in coordinator.screen()


def test_matplotlib_and_openpyxl_load_only_when_used():
    """The bot process does not pay for a chart or a workbook until one is made."""
    code = (
        "import sys; import bot.factory, handlers, handlers.reports, services.reports; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


async def test_a_chart_s_words_are_the_reader_s_and_empty_weeks_are_left_out(
    session, client_factory, monkeypatch
):
    """The term has marks in one week only (16 November): that week is the chart, with its
    label in the reader's language, and so are the titles, the axes and the legends."""
    known = await known_network(session)
    drawn: dict[str, tuple] = {}

    def spy(name, original):
        def draw(*args):
            drawn[name] = args
            return original(*args)

        monkeypatch.setattr(charts, name, draw)

    spy("attendance_weeks_png", charts.attendance_weeks_png)
    spy("groups_minimum_png", charts.groups_minimum_png)
    admin = client_factory(501)
    for lang, tick, alphabet in (("ru", "16 ноя", CYRILLIC), ("en", "16 Nov", LATIN)):
        known.admin.language = lang
        await session.commit()
        await admin.send("/reports")
        await admin.press(Rep(r="weeks").pack())
        weeks, _target, labels = drawn.pop("attendance_weeks_png")
        assert [(w.monday, w.tick) for w in weeks] == [(date(2026, 11, 16), tick)]
        assert weeks[0].rate == pytest.approx(2 / 3)
        await admin.press(Rep(r="sizes").pack())
        bars, sizes = drawn.pop("groups_minimum_png")
        assert [(b.enrolled, b.minimum) for b in bars] == [
            (2, 10),
            (1, 5),
        ]  # furthest from the minimum first
        for words in (labels, sizes):
            for text in (words.title, words.axis, words.series, words.reference):
                assert alphabet.search(text), (lang, text)
                assert not (CYRILLIC if lang == "en" else LATIN).search(text), (lang, text)
        assert sizes.short


async def test_a_sizes_chart_says_what_it_leaves_out(session, client_factory):
    known = await known_network(session)
    for n in range(charts.BAR_LIMIT):
        await factories.course_with_group(session, known.net.provider, title=f"Курс {n}")
    await session.commit()
    admin = client_factory(501)
    await admin.send("/reports")
    await admin.click("Группы и минимум")
    caption = admin.telegram.last(501).text
    assert caption.endswith("Показаны 15 из 17 групп: сначала те, кому дальше всего до минимума.")
