"""Guards that nothing else pins down: each test here fails if its rule is deleted (issue #19).

- the catalogue is the students': a parent, a coordinator or a teacher pressing a forged
  catalogue button (a list, a filter, a course card, applying) is refused and sees nothing;
- a lesson's reason and place keep their limits in chat too: a reason or a place that is
  too long is refused with its own text, nothing changes, and the question stands;
- a second tap of a button whose screen is already shown ("message is not modified") sends
  no second copy, raises nothing and logs nothing;
- a text longer than Telegram's 4096 is clipped on a screen and split when delivered, each
  message within the limit, and no HTML entity (`&amp;`) is ever cut in half;
- and the permission and seat rules that mutation testing showed unguarded (README,
  "Mutation testing").
"""

from __future__ import annotations

import html
import logging
import re

from sqlalchemy import func, select

from handlers.catalogue import ApplyStep, CourseView, Pick, View
from handlers.nav import Menu, Screen
from models import Application, Lesson, LessonEvent, Notification
from models.enums import LessonStatus, NotificationState, Role
from services import lessons
from services.text import REASON_MAX
from tests import factories
from tests.telegram_fake import html_error, shown_length
from tests.test_chat_lessons import TUE, lesson_by_id, msk, network_with_lessons, open_lesson

STUDENTS_ONLY = "Это доступно только ученикам."
REASON_TOO_LONG = f"Причина слишком длинная: не больше {REASON_MAX} символов."
ADMIN = 900
PLACE_TOO_LONG = f"Слишком длинно: не больше {lessons.PLACE.limit} символов."
TELEGRAM_LIMIT = 4096
# An ampersand that does not begin a whole entity: an entity cut in half.
BROKEN_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+);)")


async def _count(session_factory, model, *where) -> int:
    async with session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# --- a. the catalogue is the students' ---------------------------------------------------------


async def test_only_a_student_gets_the_catalogue_its_filters_cards_and_applying(
    session, session_factory, client_factory
):
    net = await factories.network(session)
    # A person with a grade but no student role any more (a former student, now a parent).
    await factories.person(session, "Орлова Вера", Role.PARENT, grade=8, telegram_id=205)
    await session.commit()
    forged = [
        Menu(action=Screen.CATALOGUE).pack(),
        View().pack(),
        View(p=1).pack(),
        *(View(to=pick).pack() for pick in Pick if pick != Pick.LIST),
        CourseView(id=net.group.course_id).pack(),
        ApplyStep(group_id=net.group.id).pack(),
        ApplyStep(group_id=net.group.id, confirm=True).pack(),
    ]
    for uid in (102, 103, 301, 205):  # a parent, a coordinator, a teacher, a former student
        client = client_factory(uid)
        await client.send("/catalogue")
        assert client.screen() == STUDENTS_ONLY, uid
        shown = client.screen()
        for data in forged:
            answer = await client.press(data)
            assert answer == STUDENTS_ONLY, (uid, data, answer)
            assert client.screen() == shown, (uid, data)
    assert await _count(session_factory, Application) == 0

    # The same buttons work for a student: the rule refuses roles, not buttons.
    student = client_factory(101)
    await student.send("/catalogue")
    assert "[Олимпиадная математика · МБУ ДО ДШИ]" in student.screen()
    for data in forged[:-1]:
        assert await student.press(data) is None, data
    assert "Да, подать" in student.screen()
    assert await student.press(forged[-1]) is None
    assert await _count(session_factory, Application) == 1


async def test_a_student_without_a_grade_cannot_apply(session, session_factory, client_factory):
    """A grade is what a course is open to: without one (an import that left it empty) the
    application is refused, not attempted."""
    net = await factories.network(session)
    await factories.person(session, "Орлов Кирилл", Role.STUDENT, net.home.id, telegram_id=120)
    await session.commit()
    student = client_factory(120)
    await student.send("/start")
    for data in (
        ApplyStep(group_id=net.group.id).pack(),
        ApplyStep(group_id=net.group.id, confirm=True).pack(),
    ):
        assert await student.press(data) == STUDENTS_ONLY
    assert await _count(session_factory, Application) == 0


# --- b. a lesson's reason and place keep their limits in chat ----------------------------------


async def test_a_too_long_cancel_reason_is_refused_and_the_question_stands(
    session, session_factory, client_factory
):
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    lesson = await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Отменить занятие")

    await teacher.send("я" * (REASON_MAX + 1))
    assert teacher.screen() == REASON_TOO_LONG
    assert await _count(session_factory, LessonEvent) == 0
    assert await _count(session_factory, Notification) == 0
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED

    await teacher.send("я" * REASON_MAX)  # the limit itself is allowed: still asked here
    assert "[❌ Да, отменить]" in teacher.screen()
    await teacher.click("Да, отменить")
    cancelled = await lesson_by_id(session_factory, lesson.id)
    assert (cancelled.status, cancelled.reason) == (LessonStatus.CANCELLED, "я" * REASON_MAX)


async def test_a_too_long_place_or_reason_of_a_move_is_refused_and_asked_again(
    session, session_factory, client_factory
):
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    lesson = await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Перенести")
    await teacher.click("чт 26.11")
    await teacher.send("16:00")

    await teacher.send("к" * (lessons.PLACE.limit + 1))
    assert teacher.screen() == PLACE_TOO_LONG
    await teacher.send("к" * lessons.PLACE.limit)
    assert "Почему переносится?" in teacher.screen()

    await teacher.send("я" * (REASON_MAX + 1))
    assert teacher.screen() == REASON_TOO_LONG
    assert "Да, перенести" not in teacher.screen()
    unchanged = await lesson_by_id(session_factory, lesson.id)
    assert (unchanged.status, unchanged.place, unchanged.sequence) == (
        LessonStatus.SCHEDULED,
        "каб. 21",
        0,
    )
    assert await _count(session_factory, LessonEvent) == 0

    await teacher.send("Концерт")
    await teacher.click("Да, перенести")
    moved = await lesson_by_id(session_factory, lesson.id)
    assert (moved.status, moved.place) == (LessonStatus.MOVED, "к" * lessons.PLACE.limit)


async def test_a_too_long_place_of_an_extra_lesson_adds_nothing_and_is_asked_again(
    session, session_factory, client_factory
):
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    before = await _count(session_factory, Lesson)
    await teacher.send("/groups")
    await teacher.click(f"➕ Занятие для {net.group.code}")
    await teacher.click("ср 25.11")
    await teacher.send("15:00-16:30")

    await teacher.send("к" * (lessons.PLACE.limit + 1))
    assert teacher.screen() == PLACE_TOO_LONG
    assert await _count(session_factory, Lesson) == before
    assert await _count(session_factory, LessonEvent) == 0
    assert await _count(session_factory, Notification) == 0

    await teacher.send("Актовый зал")
    assert "➕ Занятие добавлено" in teacher.screen()
    assert await _count(session_factory, Lesson, Lesson.place == "Актовый зал") == 1


# --- c. a second tap of the same button --------------------------------------------------------


async def test_a_second_tap_of_a_shown_screen_sends_nothing_and_logs_nothing(
    session, client_factory, telegram, caplog
):
    await factories.network(session)
    await session.commit()
    student = client_factory(101)
    await student.send("/catalogue")
    message, data = student.find_button("Олимпиадная математика")
    assert await student.press(data, message.message_id) is None
    card, messages = student.screen(), len(telegram.messages(101))
    assert "Записаться" in card

    caplog.clear()
    with caplog.at_level(logging.INFO):
        # Both taps of a double tap carry the pressed message; the second finds it shown.
        assert await student.press(data, message.message_id) is None
    assert len(telegram.messages(101)) == messages, "no second copy of the screen"
    assert student.screen() == card
    assert telegram.chats[101][message.message_id].edits == 1
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("handlers", "bot"))] == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_second_tap_of_an_export_already_shown_is_no_error(session, client_factory, caplog):
    """A progress message edited at once (`edit_now`) to what it shows already."""
    await factories.network(session)
    await session.commit()
    teacher = client_factory(301)
    await teacher.send("/export")
    await teacher.click("Посещаемость")
    await teacher.click("Всё, что мне доступно")
    message, data = teacher.find_button("Полугодие")
    await teacher.press(data, message.message_id)
    assert "выгружать нечего" in teacher.screen()
    shown = teacher.screen()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert await teacher.press(data, message.message_id) is None
    assert teacher.screen() == shown
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- d. texts longer than a message ------------------------------------------------------------


def _whole_entities(text: str) -> bool:
    return BROKEN_ENTITY.search(text) is None


async def test_a_screen_over_telegrams_limit_is_clipped_typed_or_pressed(
    session, client_factory, telegram
):
    """The network overview has a paragraph per organisation: forty of them, with names in
    bold and an `&` each, run past 4096; the screen is cut after a whole paragraph, its tags
    closed, its keyboard kept."""
    for n in range(40):
        await factories.org(session, f"Центр № {n} «Наука & искусство для всех»", code=f"c{n}")
    await factories.person(session, "Григорьева Наталья", Role.ADMIN, telegram_id=ADMIN)
    await session.commit()
    admin = client_factory(ADMIN)
    await admin.send("/network")
    typed = telegram.last(ADMIN)
    await admin.send("/menu")
    await admin.press(Menu(action=Screen.NETWORK).pack())
    pressed = telegram.last(ADMIN)
    assert pressed.edits == 1, "the menu was edited into the overview"
    for message in (typed, pressed):
        assert message.text.startswith("В сети 40 организаций:")
        assert message.text.endswith("\n…")
        assert shown_length(message.text) <= TELEGRAM_LIMIT
        assert html_error(message.text) is None
        assert _whole_entities(message.text)
        assert "Наука &amp; искусство" in message.text
        assert any("Пригласить" in label for label, _ in message.buttons())


async def test_a_text_over_telegrams_limit_is_clipped_on_screen_and_split_when_delivered(
    session, session_factory, client_factory, deliverer, telegram
):
    """3000 characters, each emoji two of Telegram's units and every other character an
    `&` or a `<` (an entity of four or five characters in HTML): 4500 units, no space."""
    await factories.network(session)
    await session.commit()
    client_factory(101)  # the student's chat, to deliver to
    coordinator = client_factory(103)
    text = "🎉&" * 1000 + "🎉<" * 500
    assert len(text) == 3000
    assert shown_length(html.escape(text, quote=False)) == 4500

    await coordinator.send("/broadcast")
    await coordinator.click("Ученикам")
    await coordinator.send(text)
    preview = telegram.last(103)
    assert "Предпросмотр рассылки" in preview.text
    assert preview.text.endswith("…")
    assert shown_length(preview.text) <= TELEGRAM_LIMIT
    assert html_error(preview.text) is None
    assert _whole_entities(preview.text), preview.text[-40:]
    assert "&amp;" in preview.text
    await coordinator.click("Отправить")

    for _ in range(5):
        await deliverer.deliver_due()
    async with session_factory() as s:
        (row,) = (
            await s.scalars(select(Notification).where(Notification.kind == "notify-broadcast"))
        ).all()
    assert row.state == NotificationState.SENT, row.last_error
    pieces = [m.text for m in telegram.messages(101) if "🎉" in m.text]
    assert len(pieces) == 2
    for piece in pieces:
        assert shown_length(piece) <= TELEGRAM_LIMIT
        assert html_error(piece) is None
        assert _whole_entities(piece), piece[-40:]
    assert html.unescape("".join(pieces)).endswith(text), "every character arrives, once"
