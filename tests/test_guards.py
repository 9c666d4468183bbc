"""Guards that nothing else pins down: each test here fails if its rule is deleted (issue #19).

- the catalogue is the students': a parent, a coordinator, a teacher or a former student
  pressing a forged catalogue button (a list, a filter, a course card, applying) is refused
  and sees nothing, and a student without a grade cannot apply;
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
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.catalogue import ApplyStep, CourseView, Pick, View
from handlers.nav import Menu, Screen
from models import (
    Application,
    AuditRecord,
    Group,
    Lesson,
    LessonEvent,
    Notification,
    Person,
    RoleGrant,
)
from models.enums import ApplicationState, LessonStatus, NotificationState, Role
from services import attendance, catalogue, enrollment, groups, lessons, seats
from services.errors import Conflict, Forbidden, NotFound
from services.people import load_actor
from services.text import REASON_MAX
from tests import factories
from tests.conftest import START
from tests.telegram_fake import html_error, shown_length
from tests.test_chat_lessons import TUE, lesson_by_id, msk, network_with_lessons, open_lesson

S = ApplicationState
STUDENTS_ONLY = "Это доступно только ученикам."
REASON_TOO_LONG = f"Причина слишком длинная: не больше {REASON_MAX} символов."
PLACE_TOO_LONG = f"Слишком длинно: не больше {lessons.PLACE.limit} символов."
TELEGRAM_LIMIT = 4096
ADMIN = 900
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
        assert await student.press(data) == (
            "Чтобы подать заявление, в вашем профиле нужен класс, а он не указан. "
            "Попросите координатора вашей школы его добавить."
        )
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
    assert "➕ Вы добавили занятие" in teacher.screen()
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


# --- mutation testing: permission and seat rules no other test pinned ---------------------------
# Each test below kills mutants of services/ that survived `mutmut run` (README, "Mutation
# testing"): a condition flipped, a bound moved by one, a correlation dropped.


async def test_marking_opens_half_an_hour_before_and_the_teachers_week_is_kept_exactly(
    session, clock
):
    """Bounds included: the roll opens exactly 30 minutes before the start and the teacher may
    still change it exactly seven days after; a teacher who coordinates another organisation
    keeps the week, only the provider's coordinators mark any time."""
    net = await network_with_lessons(session, provider_coordinator=True)
    session.add(
        RoleGrant(person_id=net.teacher.id, role=Role.COORDINATOR, organisation_id=net.home.id)
    )
    await session.commit()
    lesson = await session.scalar(select(Lesson).where(Lesson.starts_at == msk(TUE, 15)))
    info = await lessons.lesson_info(session, lesson.id)
    teacher = await net.actor(session, net.teacher)
    assert teacher.has(Role.COORDINATOR, net.home.id)
    provider_coordinator = await load_actor(
        session, await session.scalar(select(Person).where(Person.full_name == "Орлов Пётр"))
    )
    second = timedelta(seconds=1)
    opens = lesson.starts_at - attendance.OPENS_BEFORE_START
    closes = lesson.starts_at + attendance.TEACHER_EDIT_WINDOW

    with pytest.raises(Conflict) as refused:
        attendance.check_can_mark(teacher, info, opens - second)
    assert refused.value.key == "error-attendance-too-early"
    attendance.check_can_mark(teacher, info, opens)
    attendance.check_can_mark(teacher, info, closes)
    with pytest.raises(Forbidden) as refused:
        attendance.check_can_mark(teacher, info, closes + second)
    assert (refused.value.key, refused.value.params) == ("error-attendance-closed", {"days": 7})
    attendance.check_can_mark(provider_coordinator, info, closes + timedelta(days=30))

    info.lesson.status = LessonStatus.CANCELLED
    with pytest.raises(Conflict) as refused:
        attendance.check_can_mark(provider_coordinator, info, opens)
    assert refused.value.key == "error-lesson-cancelled"


async def test_the_catalogue_lists_only_groups_still_open(session):
    """A cancelled group and one that ended yesterday are gone; one that ends today is open."""
    net = await factories.network(session)
    today = START.date()
    cancelled = await factories.course_with_group(session, net.provider, title="Акварель")
    cancelled.cancelled_at = START
    ended = await factories.course_with_group(session, net.provider, title="Бисероплетение")
    ended.end_date = today - timedelta(days=1)
    last_day = await factories.course_with_group(session, net.provider, title="Вокал")
    last_day.end_date = today
    await session.flush()

    page = await catalogue.list_courses(
        session, grade=8, flt=catalogue.CatalogueFilter(), today=today
    )
    assert [line.title for line in page.items] == ["Вокал", "Олимпиадная математика"]
    for group in (cancelled, ended):
        card = await catalogue.course_card(session, group.course_id, grade=8, today=today)
        assert card.groups == []
    card = await catalogue.course_card(session, last_day.course_id, grade=8, today=today)
    assert [g.id for g in card.groups] == [last_day.id]


async def test_a_freed_seat_goes_to_the_first_waiting_for_that_group_only(session, clock):
    """Two enrolled in a group of two, two waiting, and someone waiting earlier for another
    full group: one withdrawal promotes exactly this group's first; the group, back at its
    minimum, is confirmed and its families told."""
    net = await factories.network(session, capacity=2, min_size=2)
    elsewhere = await factories.course_with_group(session, net.provider, title="Хор", capacity=1)
    people = [
        await factories.person(session, f"Ученик {n}", Role.STUDENT, net.home.id, grade=8)
        for n in range(4)
    ]
    await factories.enrolled(session, elsewhere, people[0])
    waiting_elsewhere = await factories.enrolled(session, elsewhere, people[1], S.WAITLISTED)
    leaving = await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    first = await factories.enrolled(session, net.group, people[2], S.WAITLISTED)
    second = await factories.enrolled(session, net.group, people[3], S.WAITLISTED)
    await session.commit()

    student = await net.actor(session, net.student)
    await enrollment.withdraw(session, student, leaving.id, clock.now())
    await session.commit()
    states = {
        a.id: a.state
        for a in await session.scalars(
            select(Application).execution_options(populate_existing=True)
        )
    }
    assert states[first.id] == S.ENROLLED
    assert states[second.id] == S.WAITLISTED
    assert states[waiting_elsewhere.id] == S.WAITLISTED
    assert await seats.count(session, net.group.id) == 2
    assert await seats.count(session, elsewhere.id) == 1
    group = await session.get(Group, net.group.id, populate_existing=True)
    assert group.confirmed_at == clock.now()
    told = await session.scalars(
        select(Notification.person_id).where(Notification.kind == "notify-group-confirmed")
    )
    assert net.other_student.id in set(told)


async def test_suggestions_after_a_cancellation_count_each_groups_own_seats(session, clock):
    """Another group of the direction with a seat left is suggested, a full one is not, however
    many students other groups hold."""
    net = await factories.network(session)
    roomy = await factories.course_with_group(session, net.provider, title="Геометрия", capacity=3)
    full = await factories.course_with_group(session, net.provider, title="Алгебра", capacity=1)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    await factories.enrolled(session, roomy, net.student)
    await factories.enrolled(session, full, net.other_student)
    await session.flush()
    cancelled = await catalogue.group_with_course(session, net.group.id)
    suggested = await groups.suggestions_for(session, cancelled, clock.now())
    assert suggested == [f"Геометрия ({roomy.code}) — МБУ ДО ДШИ"]


async def test_before_asking_for_input_a_stranger_finds_nothing_and_a_viewer_is_told_why(
    session,
):
    """`require_action`: an application one may not see is not found (never "not yours", which
    would confirm it exists); one may see but not act on says whose it is."""
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_PARENT)
    await session.commit()
    stranger = await net.actor(session, net.other_parent)
    for application_id in (app.id, app.id + 1000):
        with pytest.raises(NotFound):
            await enrollment.require_action(session, stranger, application_id, "confirm")
    student = await net.actor(session, net.student)
    with pytest.raises(Forbidden) as refused:
        await enrollment.require_action(session, student, app.id, "confirm")
    assert refused.value.key == "error-not-your-child"
    coordinator = await net.actor(session, net.coordinator)
    await enrollment.require_action(
        session, await net.actor(session, net.parent), app.id, "confirm"
    )
    app.state = S.AWAITING_SCHOOL
    await session.flush()
    await enrollment.require_action(session, coordinator, app.id, "approve")
    with pytest.raises(Forbidden) as refused:
        await enrollment.require_action(session, student, app.id, "approve")
    assert refused.value.key == "error-not-your-student"


async def test_the_review_queue_starts_with_the_longest_waiting(session):
    net = await factories.network(session)
    newer = await factories.enrolled(session, net.group, net.student, S.AWAITING_SCHOOL)
    later = await factories.person(session, "Орлов Кирилл", Role.STUDENT, net.home.id, grade=8)
    older = await factories.enrolled(session, net.group, later, S.AWAITING_SCHOOL)
    newer.updated_at = START + timedelta(hours=2)
    older.updated_at = START + timedelta(hours=1)
    await session.flush()
    coordinator = await net.actor(session, net.coordinator)
    queue = await enrollment.review_queue(session, coordinator)
    assert [line.application.id for line in queue] == [older.id, newer.id]


async def test_seats_are_counted_per_group_whatever_the_groups_are_given_as(session):
    """Counts and rosters group by group: a query over several groups never merges them nor
    adds a group not asked about; the ids may come as any iterable, once."""
    net = await factories.network(session)
    small = await factories.course_with_group(session, net.provider, title="Хор")
    unasked = await factories.course_with_group(session, net.provider, title="Лепка")
    empty = await factories.course_with_group(session, net.provider, title="Шахматы")
    extra = await factories.person(session, "Орлов Кирилл", Role.STUDENT, net.home.id, grade=8)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    await factories.enrolled(session, net.group, extra, S.WAITLISTED)
    await factories.enrolled(session, small, extra)
    await factories.enrolled(session, unasked, net.student)
    await session.flush()

    wanted = [net.group.id, small.id, empty.id]
    expected = {net.group.id: 2, small.id: 1, empty.id: 0}
    assert await seats.counts(session, wanted) == expected
    assert await seats.counts(session, (gid for gid in wanted)) == expected
    assert await seats.students_by_group(session, wanted) == {
        net.group.id: [net.student.id, net.other_student.id],
        small.id: [extra.id],
        empty.id: [],
    }
    assert await seats.students_by_group(session, []) == {}


async def test_only_groups_a_student_is_enrolled_in_clash(session):
    """A clash warning names courses the student holds a seat in, not ones left or waited
    for."""
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)  # Tuesdays 15:00-16:30
    left = await factories.course_with_group(session, net.provider, title="Хор", start=(15, 0))
    await factories.enrolled(session, left, net.student, S.WITHDRAWN)
    wanted = await factories.course_with_group(
        session, net.provider, title="Шахматы", start=(15, 30), end=(17, 0)
    )
    await session.flush()
    assert await enrollment.clashes(session, net.student.id, wanted.id) == [
        "Олимпиадная математика"
    ]


async def test_no_new_application_once_the_parent_withdrew_consent(session, clock):
    """`check_apply` looks up the applicant's own consent; the refusal says why."""
    net = await factories.network(session)
    await session.commit()
    parent = await net.actor(session, net.parent)
    await enrollment.withdraw_consent(session, parent, net.student.id, clock.now())
    await session.commit()
    student = await net.actor(session, net.student)
    with pytest.raises(Forbidden) as refused:
        await enrollment.check_apply(session, student, net.group.id, clock.now())
    assert refused.value.key == "error-consent-withdrawn"
    other = await net.actor(session, net.other_student)
    await enrollment.check_apply(session, other, net.group.id, clock.now())


async def test_an_approval_is_in_the_action_log_with_its_outcome(session, clock):
    net = await factories.network(session, capacity=1)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_SCHOOL)
    later = await factories.enrolled(session, net.group, net.other_student, S.AWAITING_SCHOOL)
    await session.commit()
    home = await net.actor(session, net.coordinator)
    other = await net.actor(session, net.other_coordinator)
    await enrollment.school_approve(session, home, app.id, clock.now())
    await enrollment.school_approve(session, other, later.id, clock.now())
    await session.commit()
    rows = (await session.scalars(select(AuditRecord).order_by(AuditRecord.id))).all()
    assert [(r.action, r.object_id, r.details) for r in rows] == [
        ("application.approved", app.id, {"result": "enrolled"}),
        ("application.approved", later.id, {"result": "waitlisted"}),
    ]
