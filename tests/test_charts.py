"""Charts for a phone: the PNG's size, text no smaller than ~11 px on a 360 px wide screen,
integer counts, every word given by the caller, long names wrapped, nothing overlapping.

The demo network's charts are drawn through the chat in both languages at the end;
`CHART_PNGS=dir` keeps copies of them for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from bot.demo_data import DEMO_ADMIN_NAME, load_demo_data
from handlers.reports import Rep
from models import Account, Application, AttendanceMark, Lesson, Person
from models.enums import ApplicationState, AttendanceStatus, Messenger
from services import charts
from services.charts import Bar, Labels, Week
from tests.conftest import START

WEEK_LABELS = Labels("Заголовок", "Ось", "Линия", "Ориентир")
SIZE_LABELS = Labels("Заголовок", "Ось", "Набрали", "Минимум", "Не набрали")
NUMBER = re.compile(r"^[\d\s.,−%-]*$")
LONG = (
    "Основы программирования на Python и проектная деятельность для учащихся "
    "восьмых–одиннадцатых классов"
)


def weeks(count: int, skip: tuple[int, ...] = ()) -> list[Week]:
    monday = date(2026, 9, 7)
    return [
        Week(monday + timedelta(weeks=i), f"{(monday + timedelta(weeks=i)).day} сен", 0.5)
        for i in range(count)
        if i not in skip
    ]


BARS = [
    Bar("Хоровое пение", "CHOIR-1", 0, 3),
    Bar("Теория музыки", "MTHEORY-1", 2, 3),
    Bar("Хореография", "DANCE-1", 4, 3),
]


def texts(figure: Any) -> list[Any]:
    """The figure's texts that are drawn and say something (a tick outside the axis's view
    keeps a label that is not drawn)."""
    from matplotlib.text import Text

    figure.canvas.draw()
    hidden = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible()
        and id(t) not in hidden
        and t.get_text().strip()
        and t.get_window_extent().width > 0
    ]


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def assert_readable_on_a_phone(figure: Any, data: bytes) -> None:
    width, height = png_size(data)
    assert width == charts.WIDTH_PX == 2 * charts.PHONE_PX
    assert 300 < height <= 2.8 * width  # a phone's screen, scrolled once at most
    for text in texts(figure):
        shown_px = text.get_fontsize() * figure.dpi / 72 * charts.PHONE_PX / width
        assert shown_px >= 11, (text.get_text(), shown_px)
        # Still 11 px in a message bubble about 300 px wide.
        assert shown_px * 300 / charts.PHONE_PX >= 10.8, (text.get_text(), shown_px)


@pytest.mark.parametrize("count", [1, 5, 22])
def test_the_weeks_chart_is_readable_on_a_phone(count: int) -> None:
    figure = charts.weeks_figure(weeks(count), 0.5, WEEK_LABELS)
    assert_readable_on_a_phone(figure, charts.png(figure))


@pytest.mark.parametrize("count", [1, 13, charts.BAR_LIMIT + 5])
def test_the_sizes_chart_is_readable_on_a_phone(count: int) -> None:
    bars = [Bar(LONG if i % 2 else f"Курс {i}", f"G-{i}", i, 10) for i in range(count)]
    figure = charts.sizes_figure(bars, SIZE_LABELS)
    assert_readable_on_a_phone(figure, charts.png(figure))


def test_counts_are_whole_numbers_on_the_axis() -> None:
    """Groups of 0, 2 and 4 students: the axis says 0, 1, 2, … never 2.5."""
    figure = charts.sizes_figure(BARS, SIZE_LABELS)
    axes = figure.axes[0]
    figure.canvas.draw()
    low, high = axes.get_xlim()
    ticks = [t for t in axes.get_xticks() if low <= t <= high]
    assert len(ticks) >= 3
    assert all(float(t).is_integer() for t in ticks), ticks
    labels = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
    assert labels
    assert all(re.fullmatch(r"\d+", label) for label in labels), labels


def test_every_word_on_a_chart_is_the_caller_s() -> None:
    """Titles, axes, legends, names and week labels come in already translated; the charts
    add numbers only."""
    cases = [
        (charts.weeks_figure(weeks(6, skip=(2,)), 0.5, WEEK_LABELS), WEEK_LABELS),
        (charts.sizes_figure([*BARS, Bar(LONG, "PY-1", 5, 10)], SIZE_LABELS), SIZE_LABELS),
    ]
    for figure, labels in cases:
        given = {labels.title, labels.axis, labels.series, labels.reference, labels.short}
        given |= {w.tick for w in weeks(6)} | {charts.bar_name(b) for b in BARS}
        given.add(charts.bar_name(Bar(LONG, "PY-1", 5, 10)))
        words = [t.get_text() for t in texts(figure) if not NUMBER.match(t.get_text())]
        assert words
        assert set(words) <= given, set(words) - given


def test_a_long_name_is_wrapped_and_shortened() -> None:
    name = charts.bar_name(Bar(LONG, "PY-ADVANCED-2026", 5, 10))
    lines = name.split("\n")
    assert len(lines) == charts.NAME_LINES
    assert all(len(line) <= charts.NAME_LINE_CHARS for line in lines)
    # The course is cut; the group's code, which tells two groups of a course apart, stays.
    assert name.endswith("… (PY-ADVANCED-2026)")
    assert charts.bar_name(BARS[0]) == "Хоровое пение (CHOIR-1)"
    # A group code is not broken at its hyphen.
    hard = Bar("Решение задач повышенной сложности", "MATH-ADV-1", 5, 10)
    assert charts.bar_name(hard) == "Решение задач повышенной сложности\n(MATH-ADV-1)"


@pytest.mark.parametrize(
    "figure",
    [
        lambda: charts.weeks_figure(weeks(22, skip=(3, 4, 10)), 0.5, WEEK_LABELS),
        lambda: charts.weeks_figure(weeks(2), 0.5, WEEK_LABELS),
        lambda: charts.sizes_figure(
            [Bar(LONG, "PY-1", 9, 10), Bar(LONG, "PY-2", 10, 10), Bar("Короткое", "A-1", 0, 10)],
            SIZE_LABELS,
        ),
    ],
    ids=["22 weeks", "2 weeks", "long names"],
)
def test_no_text_overlaps_another_or_leaves_the_picture(figure: Any) -> None:
    drawn = figure()
    found = texts(drawn)
    page = drawn.bbox
    boxes = [(t.get_text(), t.get_window_extent()) for t in found]
    for text, box in boxes:
        assert page.x0 - 1 <= box.x0, text
        assert box.x1 <= page.x1 + 1, text
        assert page.y0 - 1 <= box.y0, text
        assert box.y1 <= page.y1 + 1, text
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            assert not a.overlaps(b), (first, second)


def test_week_labels_step_over_weeks_not_data_points() -> None:
    """Labels are spaced by calendar weeks, so a skipped week does not crowd them."""
    few = weeks(3)
    assert charts.week_ticks([0, 1, 2], [w.tick for w in few]) == [0, 1, 2]
    many = [float(i) for i in range(22)]
    chosen = charts.week_ticks(many, ["14 сен"] * 22)
    assert chosen[0] == 0
    assert 4 <= len(chosen) <= 7
    assert charts.week_ticks([], []) == []


# --- the demo network's charts, through the chat, in both languages ------------------------


@pytest.fixture
def keep(tmp_path: Path) -> Path:
    folder = tmp_path / "charts"
    folder.mkdir()
    yield folder
    wanted = os.environ.get("CHART_PNGS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        for png in folder.iterdir():
            (Path(wanted) / png.name).write_bytes(png.read_bytes())


async def demo_with_marks(session) -> Person:
    """The demo network six weeks into its term, every past lesson marked but for one week's
    (a holiday), and its admin on Telegram."""
    await load_demo_data(session, START - timedelta(weeks=6))
    enrolled = await session.execute(
        select(Application.group_id, Application.student_id).where(
            Application.state == ApplicationState.ENROLLED
        )
    )
    students: dict[int, list[int]] = {}
    for group_id, student_id in enrolled:
        students.setdefault(group_id, []).append(student_id)
    n = 0
    for lesson in await session.scalars(select(Lesson).where(Lesson.starts_at < START)):
        week = (START - lesson.starts_at).days // 7
        if week == 3:
            continue
        for student_id in students.get(lesson.group_id, []):
            n += 1  # about one in (week + 4) absent: attendance changes from week to week
            absent = n % (week + 4) == 0
            session.add(
                AttendanceMark(
                    lesson_id=lesson.id,
                    student_id=student_id,
                    status=AttendanceStatus.ABSENT if absent else AttendanceStatus.PRESENT,
                    marked_by_id=None,
                    marked_at=lesson.ends_at,
                )
            )
    admin = await session.scalar(select(Person).where(Person.full_name == DEMO_ADMIN_NAME))
    session.add(
        Account(person_id=admin.id, messenger=Messenger.TELEGRAM, user_id=9000, chat_id=9000)
    )
    await session.commit()
    return admin


@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_the_demo_network_s_charts(lang, session, client_factory, keep):
    admin = await demo_with_marks(session)
    admin.language = lang
    await session.commit()
    client = client_factory(9000, language_code=lang)
    for chart in ("weeks", "sizes"):
        await client.send("/reports")
        await client.press(Rep(r=chart).pack())
        photo = client.telegram.last(9000).photo
        assert photo is not None, client.screen()
        name, data = photo
        width, height = png_size(data)
        assert width == 720
        assert height <= 2 * width  # the demo's 13 groups fit a phone's screen
        (keep / f"{lang}-{name}").write_bytes(data)
