"""Lessons in chat: a teacher's day, attendance from a phone, cancelling and moving lessons,
schedules, calendar files, writing to a group, schedule clashes, the profile day, digests.

Every test drives the real Dispatcher with real Updates through the fake Telegram session
(which refuses what Telegram refuses) and checks what the bot sent and what the database
holds. Telegram ids from `factories.network`: student 101 (school sosh5), parent 102,
coordinator 103, other student 201 (school sosh4), other parent 202, other coordinator 203,
teacher 301 of the provider "МБУ ДО ДШИ"; the tests add the provider's coordinator 401,
a second teacher 302 and an admin 501. The clock starts on Monday 23 November 2026, 09:00
Moscow; the factory group meets on Tuesdays 15:00–16:30, so /week (the past seven days and the
next seven) lists both its lesson of 17 November and that of 24 November under the same label
«вт 15:00»: tests open the lesson they mean by its id (`open_lesson`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import func, select

from handlers.lesson_card import LessonAct, LessonOpen
from handlers.roster import Mark
from handlers.schedule import ChildView
from models import (
    Account,
    Application,
    AttendanceMark,
    Group,
    GroupMessage,
    Lesson,
    LessonEvent,
    NetworkSettings,
    Notification,
    Person,
    WeeklySlot,
)
from models.enums import AttendanceStatus, LessonStatus, OrgKind, Role
from services import attendance, lessons
from services import digests as digest_service
from tests import factories
from tests.bot_client import BotClient
from tests.telegram_fake import ChatMessage, FakeTelegram

MSK = ZoneInfo("Europe/Moscow")
EKB = ZoneInfo("Asia/Yekaterinburg")
A = AttendanceStatus
MON, TUE, WED, THU = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
NEXT_TUE = date(2026, 12, 1)
COURSE = "Олимпиадная математика"
NOT_YOURS = "Это могут сделать только педагог группы и координаторы её школы."


# --- helpers -----------------------------------------------------------------------------------


def msk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), MSK)


async def make_lessons(session, group: Group, timezone: str) -> None:
    slots = (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == group.id))).all()
    await lessons.generate_lessons(session, group, list(slots), timezone)


async def network_with_lessons(session, *, provider_coordinator: bool = False):
    """The factory network, its group's lessons generated, both students enrolled."""
    net = await factories.network(session)
    await make_lessons(session, net.group, net.provider.timezone)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    if provider_coordinator:
        await factories.person(
            session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
        )
    return net


async def lesson_at(session_factory, group_id: int, starts: datetime) -> Lesson:
    async with session_factory() as s:
        found = await s.scalar(
            select(Lesson).where(Lesson.group_id == group_id, Lesson.starts_at == starts)
        )
        assert found is not None, f"no lesson of group {group_id} at {starts}"
        return found


async def lesson_by_id(session_factory, lesson_id: int) -> Lesson:
    async with session_factory() as s:
        found = await s.get(Lesson, lesson_id)
        assert found is not None
        return found


async def marks_of(session_factory, lesson_id: int) -> dict[int, tuple[A, int | None]]:
    async with session_factory() as s:
        rows = await s.scalars(select(AttendanceMark).where(AttendanceMark.lesson_id == lesson_id))
        return {m.student_id: (m.status, m.marked_by_id) for m in rows}


async def count(session_factory, model, *where) -> int:
    async with session_factory() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def add_lesson_row(session_factory, group_id: int, starts: datetime, ends: datetime) -> int:
    async with session_factory() as s:
        lesson = Lesson(group_id=group_id, starts_at=starts, ends_at=ends, place="каб. 5")
        s.add(lesson)
        await s.commit()
        return lesson.id


async def person_by_telegram(session_factory, telegram_id: int) -> Person:
    async with session_factory() as s:
        found = await s.scalar(
            select(Person)
            .join(Account, Account.person_id == Person.id)
            .where(Account.user_id == telegram_id)
        )
        assert found is not None
        return found


# The coordinators' daily digest: applications to review, own groups below the minimum and
# own students' absences elsewhere not reported before.
DIGEST_KIND = "notify-coordinator-digest"


async def queue_digests(session_factory, moment: datetime) -> int:
    async with session_factory() as s:
        queued = await digest_service.queue_coordinator_digests(s, moment, time(18, 0))
        await s.commit()
        return queued


async def deliver_all(deliverer) -> int:
    total = 0
    while delivered := await deliverer.deliver_due():
        total += delivered
    return total


def received(telegram: FakeTelegram, chat_id: int, needle: str) -> list[str]:
    """Texts of the messages a chat holds that contain `needle`."""
    return [m.text for m in telegram.messages(chat_id) if needle in m.text]


def labels(client: BotClient) -> list[str]:
    return [label for label, _ in client.telegram.last(client.user_id).buttons()]


def roster_labels(client: BotClient) -> list[str]:
    """The roster's student buttons (the ones with a "·" between name and school)."""
    return [label for label in labels(client) if " · " in label]


def telegram_buttons(client: BotClient) -> list[tuple[str, str]]:
    return client.telegram.last(client.user_id).buttons()


def only_message(client: BotClient) -> ChatMessage:
    messages = client.telegram.messages(client.user_id)
    assert len(messages) == 1, [m.text for m in messages]
    return messages[0]


def everyone(client_factory) -> dict[int, BotClient]:
    """Chats for every person of the network, so that notifications can reach them."""
    return {uid: client_factory(uid) for uid in (101, 102, 103, 201, 202, 203, 301, 302, 401)}


async def open_today_lesson(teacher: BotClient, label: str = "вт 15:00") -> None:
    """Open today's lesson by weekday and time ("вт 15:00"); the label also shows the date."""
    weekday, hhmm = label.split()
    await teacher.send("/today")
    for text, data in telegram_buttons(teacher):
        if text.split()[1:2] == [weekday] and f" {hhmm} ·" in text:
            await teacher.press(data)
            return
    raise AssertionError(f"no lesson {label!r} today: {teacher.screen()!r}")


def lesson_buttons(client: BotClient) -> list[tuple[str, str]]:
    """The lesson buttons (label and data) of the newest message."""
    return [(label, data) for label, data in telegram_buttons(client) if data.startswith("les:")]


async def open_lesson(
    client: BotClient, session_factory, group_id: int, starts: datetime, command: str = "/week"
) -> Lesson:
    """List lessons with `command` and open the group's lesson starting at `starts`.

    /week lists the past seven days and the next seven, so a label such as «вт 15:00» may
    stand for two lessons; the button is picked by the lesson's id, and it must be listed.
    """
    lesson = await lesson_at(session_factory, group_id, starts)
    await client.send(command)
    data = LessonOpen(id=lesson.id).pack()
    assert data in [d for _, d in lesson_buttons(client)], client.screen()
    await client.press(data)
    return lesson


# --- 1. the teacher's day ----------------------------------------------------------------------


async def test_teacher_sees_own_lessons_today_and_this_week(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    other_teacher = await factories.person(
        session, "Орлова Вера", Role.TEACHER, net.provider.id, telegram_id=302
    )
    chess = await factories.course_with_group(
        session,
        net.provider,
        title="Шахматы",
        teacher=other_teacher,
        weekday=3,
        start=(10, 0),
        end=(11, 30),
    )
    await make_lessons(session, chess, net.provider.timezone)
    await session.commit()
    teacher, other = client_factory(301), client_factory(302)

    past_tue = date(2026, 11, 17)
    # Last Tuesday's lesson has ended (it is there for its attendance); this one is ahead.
    # The group's code would not fit a phone's button beside this title: it is left out.
    math_labels = [
        f"{icon} вт {d} 15:00 · {COURSE}" for icon, d in (("☑️", "17.11"), ("🕒", "24.11"))
    ]
    math_lessons = [
        await lesson_at(session_factory, net.group.id, msk(day, 15))
        for day in (past_tue, TUE, NEXT_TUE)
    ]

    # The past seven days (attendance can still be marked) and the next seven, in order;
    # 1 December is eight days away.
    await teacher.send("/week")
    assert "<b>Прошедшие и ближайшие 7 дней</b>: 2 занятия" in teacher.screen()
    assert lesson_buttons(teacher) == [
        (math_labels[0], LessonOpen(id=math_lessons[0].id).pack()),
        (math_labels[1], LessonOpen(id=math_lessons[1].id).pack()),
    ]
    assert "Шахматы" not in teacher.screen()

    await teacher.send("/today")  # Monday: nothing
    assert "<b>Сегодня, пн, 23 ноября</b>: занятий нет." in teacher.screen()
    assert not any("🕒" in label for label in labels(teacher))

    clock.set(msk(TUE, 8))
    await teacher.send("/today")
    assert "<b>Сегодня, вт, 24 ноября</b>: 1 занятие" in teacher.screen()
    assert [label for label in labels(teacher) if "🕒" in label] == [math_labels[1]]

    await other.send("/week")
    assert "<b>Прошедшие и ближайшие 7 дней</b>: 2 занятия" in other.screen()
    assert lesson_buttons(other) == [
        (
            f"{icon} чт {day:%d.%m} 10:00 · Шахматы ({chess.code})",
            LessonOpen(id=(await lesson_at(session_factory, chess.id, msk(day, 10))).id).pack(),
        )
        for icon, day in (("☑️", date(2026, 11, 19)), ("🕒", THU))
    ]
    assert COURSE not in other.screen()
    await other.send("/today")
    assert "занятий нет" in other.screen()


async def test_lesson_card_shows_what_a_teacher_needs(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    card = teacher.screen()
    assert f"<b>{COURSE}</b>, группа {net.group.code} (МБУ ДО ДШИ)" in card
    assert "🕒 вт, 24 ноября, 15:00–16:30" in card
    assert "📍 каб. 21" in card
    assert "Статус: по плану · записано: 2" in card
    assert labels(teacher) == [
        "✅ Посещаемость",
        "❌ Отменить занятие",
        "🔁 Перенести",
        "✉️ Написать группе",
        "◀ Назад",
    ]
    await teacher.click("Назад")
    assert "<b>Прошедшие и ближайшие 7 дней</b>: 2 занятия" in teacher.screen()
    assert len(teacher.texts()) == 1, "the list and the card share one message"


# --- 1. attendance -----------------------------------------------------------------------------


async def test_attendance_cycles_in_place_saves_and_tells_parents_once(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    clock.set(msk(TUE, 15, 5))
    teacher = everyone(client_factory)[301]

    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    assert f"<b>{COURSE}</b> ({net.group.code}), вт, 24 ноября, 15:00" in teacher.screen()
    # Name and home school only: no parents, no Telegram ids, no contacts.
    assert roster_labels(teacher) == [
        "▫️ Морозова Полина · МАОУ «СОШ №4»",
        "▫️ Соколов Артём · МБОУ СОШ № 5",
    ]
    screen = teacher.screen()
    for private in ("Соколова Елена", "Морозов Дмитрий", "101", "102", "201", "202", "@"):
        assert private not in screen, private
    message = only_message(teacher)
    edits = message.edits

    for icon in ("✅", "❌", "⏰", "📝", "✅"):
        await teacher.click("Соколов Артём")
        assert f"{icon} Соколов Артём · МБОУ СОШ № 5" in roster_labels(teacher)
        assert "▫️ Морозова Полина · МАОУ «СОШ №4»" in roster_labels(teacher)
        assert only_message(teacher).message_id == message.message_id
        edits += 1
        assert message.edits == edits, "the roster is edited in place, not sent again"
    assert await marks_of(session_factory, lesson.id) == {}, "nothing is saved before «Сохранить»"

    await teacher.click("Все присутствуют")
    assert roster_labels(teacher) == [
        "✅ Морозова Полина · МАОУ «СОШ №4»",
        "✅ Соколов Артём · МБОУ СОШ № 5",
    ]
    await teacher.click("Соколов Артём")
    assert "❌ Соколов Артём · МБОУ СОШ № 5" in roster_labels(teacher)
    await teacher.click("Сохранить")
    assert "💾 Сохранено отметок: 2; 1 родителю сообщено об отсутствии." in teacher.screen()
    assert f"<b>{COURSE}</b>, группа" in teacher.screen(), "back on the lesson card"
    assert len(teacher.texts()) == 1

    assert await marks_of(session_factory, lesson.id) == {
        net.student.id: (A.ABSENT, net.teacher.id),
        net.other_student.id: (A.PRESENT, net.teacher.id),
    }
    await deliver_all(deliverer)
    notice = "❗ Соколов Артём не был на занятии «Олимпиадная математика» вт, 24 ноября, 15:00."
    assert received(telegram, 102, "на занятии «") == [notice]
    assert received(telegram, 202, "на занятии «") == []
    assert received(telegram, 101, "на занятии «") == [], "the parents are told, not the student"

    # Saved again with the same marks (four taps bring the absent mark round): nobody is told.
    await teacher.click("Посещаемость")
    assert roster_labels(teacher) == [
        "✅ Морозова Полина · МАОУ «СОШ №4»",
        "❌ Соколов Артём · МБОУ СОШ № 5",
    ]
    for _ in range(4):
        await teacher.click("Соколов Артём")
    assert "❌ Соколов Артём · МБОУ СОШ № 5" in roster_labels(teacher)
    await teacher.click("Сохранить")
    assert "💾 Сохранено отметок: 1." in teacher.screen()
    await teacher.click("Посещаемость")
    await teacher.click("Сохранить")
    assert "💾 Сохранено отметок: 0." in teacher.screen()
    await deliver_all(deliverer)
    assert len(received(telegram, 102, "на занятии «")) == 1

    # Next day the present student turns out to have been absent: their parents are told.
    clock.advance(timedelta(days=1))
    await teacher.click("Посещаемость")
    await teacher.click("Морозова Полина")
    assert "❌ Морозова Полина · МАОУ «СОШ №4»" in roster_labels(teacher)
    await teacher.click("Сохранить")
    await deliver_all(deliverer)
    assert received(telegram, 202, "на занятии «") == [
        "❗ Морозова Полина не была на занятии «Олимпиадная математика» вт, 24 ноября, 15:00."
    ]
    assert len(received(telegram, 102, "на занятии «")) == 1

    # Absent → present → absent again: the second turn to absent is told once more.
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")  # ❌ → ⏰
    await teacher.click("Соколов Артём")  # ⏰ → 📝
    await teacher.click("Соколов Артём")  # 📝 → ✅
    await teacher.click("Сохранить")
    assert (await marks_of(session_factory, lesson.id))[net.student.id][0] == A.PRESENT
    await deliver_all(deliverer)
    assert len(received(telegram, 102, "на занятии «")) == 1
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")  # ✅ → ❌
    await teacher.click("Сохранить")
    await deliver_all(deliverer)
    assert received(telegram, 102, "на занятии «") == [notice, notice]
    assert len(received(telegram, 202, "на занятии «")) == 1
    assert await count(session_factory, Notification, Notification.kind == "notify-absent") == 3


async def test_student_enrolled_after_the_lesson_began_is_not_on_its_roster(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    apps = (await session.scalars(select(Application))).all()
    for app in apps:
        late = app.student_id == net.other_student.id
        app.enrolled_at = msk(TUE, 15, 30) if late else msk(MON, 8)
    await session.commit()
    teacher = client_factory(301)
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))

    clock.set(msk(TUE, 16))
    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    assert roster_labels(teacher) == ["▫️ Соколов Артём · МБОУ СОШ № 5"]
    await teacher.click("Все присутствуют")
    await teacher.click("Сохранить")
    assert await marks_of(session_factory, lesson.id) == {
        net.student.id: (A.PRESENT, net.teacher.id)
    }
    answer = await teacher.press(Mark(lesson=lesson.id, student=net.other_student.id).pack())
    assert answer == "Этого ученика нет в списке занятия."
    assert net.other_student.id not in await marks_of(session_factory, lesson.id)

    # The next week's lesson is theirs.
    clock.set(msk(NEXT_TUE, 15))
    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    assert roster_labels(teacher) == [
        "▫️ Морозова Полина · МАОУ «СОШ №4»",
        "▫️ Соколов Артём · МБОУ СОШ № 5",
    ]


async def test_attendance_opens_half_an_hour_before_the_lesson(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    teacher = client_factory(301)

    clock.set(msk(TUE, 14, 29))
    await open_today_lesson(teacher)
    card = teacher.screen()
    answer = await teacher.click("Посещаемость")
    assert answer == "Отмечать посещаемость можно за полчаса до начала занятия."
    assert teacher.screen() == card
    answer = await teacher.press(Mark(lesson=lesson.id, student=net.student.id).pack())
    assert answer == "Отмечать посещаемость можно за полчаса до начала занятия."
    answer = await teacher.press(LessonAct(id=lesson.id, action="save").pack())
    assert answer == "Отмечать посещаемость можно за полчаса до начала занятия."
    assert await marks_of(session_factory, lesson.id) == {}

    clock.set(msk(TUE, 14, 31))
    await teacher.click("Посещаемость")
    assert "▫️ Соколов Артём · МБОУ СОШ № 5" in roster_labels(teacher)


async def test_after_seven_days_only_the_providers_coordinator_may_change_attendance(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    teacher, coordinator = client_factory(301), client_factory(401)

    clock.set(msk(TUE, 15, 10))
    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    await teacher.click("Все присутствуют")
    await teacher.click("Сохранить")

    # Six days later the teacher may still correct it from the same card.
    clock.set(msk(TUE + timedelta(days=6), 20))
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")
    await teacher.click("Сохранить")
    assert (await marks_of(session_factory, lesson.id))[net.student.id][0] == A.ABSENT

    clock.set(msk(NEXT_TUE, 15, 1))
    card = teacher.screen()
    answer = await teacher.click("Посещаемость")
    assert answer is not None
    assert "7 дней" in answer, answer
    assert teacher.screen() == card
    for data in (
        Mark(lesson=lesson.id, student=net.student.id).pack(),
        LessonAct(id=lesson.id, action="all").pack(),
        LessonAct(id=lesson.id, action="save").pack(),
    ):
        answer = await teacher.press(data)
        assert answer is not None, data
        assert "7 дней" in answer, (data, answer)
    assert (await marks_of(session_factory, lesson.id))[net.student.id][0] == A.ABSENT

    # The provider's coordinator finds last week's lesson on /week and corrects it.
    await open_lesson(coordinator, session_factory, net.group.id, msk(TUE, 15))
    assert "🕒 вт, 24 ноября, 15:00–16:30" in coordinator.screen()
    await coordinator.click("Посещаемость")
    assert "❌ Соколов Артём · МБОУ СОШ № 5" in roster_labels(coordinator)
    await coordinator.click("Соколов Артём")  # ❌ → ⏰
    await coordinator.click("Сохранить")
    assert "💾 Сохранено отметок: 1." in coordinator.screen()
    coordinator_id = (await person_by_telegram(session_factory, 401)).id
    assert await marks_of(session_factory, lesson.id) == {
        net.student.id: (A.LATE, coordinator_id),
        net.other_student.id: (A.PRESENT, net.teacher.id),
    }


# --- 2. authorisation --------------------------------------------------------------------------


async def test_another_teacher_cannot_open_or_mark_the_lesson(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await factories.person(session, "Орлова Вера", Role.TEACHER, net.provider.id, telegram_id=302)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    clock.set(msk(TUE, 15, 5))
    intruder = client_factory(302)
    await intruder.send("/today")
    before = intruder.screen()
    assert COURSE not in before

    for data in (
        LessonOpen(id=lesson.id).pack(),
        LessonAct(id=lesson.id, action="roll").pack(),
        LessonAct(id=lesson.id, action="all").pack(),
        Mark(lesson=lesson.id, student=net.student.id).pack(),
        LessonAct(id=lesson.id, action="save").pack(),
        LessonAct(id=lesson.id, action="cancel").pack(),
        LessonAct(id=lesson.id, action="move").pack(),
        f"day:move:{lesson.id}:20261126",
    ):
        answer = await intruder.press(data)
        assert answer == NOT_YOURS, (data, answer)
    assert intruder.screen() == before
    assert len(intruder.texts()) == 1
    assert await count(session_factory, AttendanceMark) == 0
    same = await lesson_by_id(session_factory, lesson.id)
    assert (same.status, same.starts_at, same.sequence) == (LessonStatus.SCHEDULED, msk(TUE, 15), 0)
    assert await count(session_factory, LessonEvent) == 0

    # Typing after the refused buttons is not taken as a cancel reason or a new time.
    await intruder.send("16:00")
    assert "Сейчас я не жду сообщения" in intruder.replies()


async def test_students_parents_and_home_coordinators_cannot_mark_or_change_lessons(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    clock.set(msk(TUE, 15, 5))

    for uid in (101, 102, 103):  # a student, a parent, a coordinator of a student's school
        who = client_factory(uid)
        await who.send("/menu")
        before = who.screen()
        for data in (
            LessonOpen(id=lesson.id).pack(),
            LessonAct(id=lesson.id, action="roll").pack(),
            LessonAct(id=lesson.id, action="all").pack(),
            Mark(lesson=lesson.id, student=net.student.id).pack(),
            LessonAct(id=lesson.id, action="save").pack(),
            LessonAct(id=lesson.id, action="cancel").pack(),
            LessonAct(id=lesson.id, action="cancel_yes").pack(),
            LessonAct(id=lesson.id, action="move").pack(),
        ):
            answer = await who.press(data)
            assert answer, (uid, data)
            assert answer in (NOT_YOURS, "Эта кнопка устарела. Откройте меню заново: /menu"), (
                uid,
                data,
                answer,
            )
        assert who.screen() == before
        for command in ("/today", "/week"):
            await who.send(command)
            if uid == 103:
                # A coordinator lists the lessons their own school provides: here none.
                assert "занятий нет" in who.screen(), (command, who.screen())
                assert "только учителям" not in who.screen()
                assert lesson_buttons(who) == []
            else:
                assert who.screen() == "Это доступно только учителям.", (uid, command)
        await who.send("Педагог заболел")  # no reason is being asked for
        assert "Сейчас я не жду сообщения" in who.replies()
    assert await count(session_factory, AttendanceMark) == 0
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED


async def test_forged_mark_for_a_student_not_on_the_roster_is_refused(
    session_factory, session, client_factory, clock
):
    net = await factories.network(session)
    await make_lessons(session, net.group, net.provider.timezone)
    await factories.enrolled(session, net.group, net.student)
    chess = await factories.course_with_group(session, net.provider, title="Шахматы", weekday=3)
    await factories.enrolled(session, chess, net.other_student)  # another group's student
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    clock.set(msk(TUE, 15, 5))
    teacher = client_factory(301)

    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    assert roster_labels(teacher) == ["▫️ Соколов Артём · МБОУ СОШ № 5"]
    roster = teacher.screen()
    for student_id in (net.other_student.id, net.parent.id, 999_999):
        answer = await teacher.press(Mark(lesson=lesson.id, student=student_id).pack())
        assert answer == "Этого ученика нет в списке занятия.", (student_id, answer)
    assert teacher.screen() == roster
    await teacher.click("Сохранить")
    assert await marks_of(session_factory, lesson.id) == {}

    # The own student's mark forged onto a lesson of a group the teacher does not teach.
    chess_lesson_id = await add_lesson_row(session_factory, chess.id, msk(TUE, 15), msk(TUE, 16))
    answer = await teacher.press(Mark(lesson=chess_lesson_id, student=net.student.id).pack())
    assert answer == NOT_YOURS
    assert await count(session_factory, AttendanceMark) == 0


# --- 3. cancelling -----------------------------------------------------------------------------


async def test_teacher_cancels_a_lesson_and_everyone_concerned_is_told(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    net = await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    chats = everyone(client_factory)
    teacher, student = chats[301], chats[101]

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Отменить занятие")
    assert "Почему занятие отменяется?" in teacher.screen()
    await teacher.send("   ")
    assert teacher.screen() == "Пожалуйста, напишите причину."
    sent = len(teacher.texts())
    await teacher.send("Педагог <заболел> & на больничном")
    assert len(teacher.texts()) == sent + 1, "the confirm screen is a new message"
    assert teacher.screen() == (
        f"Отменить занятие «{COURSE}» ({net.group.code}), вт, 24 ноября, 15:00?\n"
        "Причина: «Педагог &lt;заболел&gt; &amp; на больничном».\n"
        "Сообщение сразу получат 7 человек: ученики, их родители, координаторы и педагог.\n"
        "[❌ Да, отменить]\n[◀ Назад]"
    )
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED
    assert await count(session_factory, LessonEvent) == 0
    assert await count(session_factory, Notification) == 0
    await teacher.click("Да, отменить")
    card = teacher.screen()
    assert "❌ Вы отменили занятие; всем, кого это касается, отправляются уведомления." in card
    assert "Статус: ❌ отменено" in card
    assert "Причина: Педагог &lt;заболел&gt; &amp; на больничном" in card
    assert "отменено (было вт, 24 ноября, 15:00)" in card
    assert "Посещаемость" not in card
    assert "Перенести" not in card

    cancelled = await lesson_by_id(session_factory, lesson.id)
    assert cancelled.status == LessonStatus.CANCELLED
    assert cancelled.reason == "Педагог <заболел> & на больничном"
    assert cancelled.sequence == 1
    async with session_factory() as s:
        events = (await s.scalars(select(LessonEvent))).all()
    assert [(e.lesson_id, e.action, e.actor_id, e.old_starts_at) for e in events] == [
        (lesson.id, "cancelled", net.teacher.id, msk(TUE, 15))
    ]

    await deliver_all(deliverer)
    details = (
        f": {COURSE} ({net.group.code}), вт, 24 ноября, 15:00. "
        "Причина: Педагог &lt;заболел&gt; &amp; на больничном"
    )
    expected = f"❌ <b>Занятие отменено</b>{details}"
    for uid in (101, 103, 201, 203, 401):
        assert received(telegram, uid, "Занятие отменено") == [expected], uid
    # A parent is told whose lesson it is.
    assert received(telegram, 102, "Занятие отменено") == [
        f"❌ <b>Занятие отменено</b> у Соколова Артёма{details}"
    ]
    assert received(telegram, 202, "Занятие отменено") == [
        f"❌ <b>Занятие отменено</b> у Морозовой Полины{details}"
    ]
    assert received(telegram, 302, "Занятие отменено") == []

    # The teacher's list and the student's schedule show it cancelled.
    await teacher.send("/week")
    assert (
        f"❌ вт 24.11 15:00 · {COURSE}",
        LessonOpen(id=lesson.id).pack(),
    ) in (lesson_buttons(teacher))
    await teacher.press(LessonOpen(id=lesson.id).pack())
    assert "Статус: ❌ отменено" in teacher.screen()
    assert "Отменить занятие" not in teacher.screen()
    await student.send("/schedule")
    schedule = student.screen()
    assert f"<s>15:00–16:30 {COURSE} ({net.group.code}), каб. 21</s>" in schedule
    assert "❌ отменено: Педагог &lt;заболел&gt; &amp; на больничном" in schedule

    # A cancelled lesson cannot be cancelled again with an old button.
    answer = await teacher.press(LessonAct(id=lesson.id, action="cancel_yes").pack())
    assert answer is not None
    assert await count(session_factory, LessonEvent) == 1


async def test_the_teacher_hears_when_a_coordinator_cancels_and_the_coordinator_does_not(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    """Whoever changes a lesson sees it on their screen, written to them; everyone else
    concerned, the group's teacher included, gets the alert once."""
    net = await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    chats = everyone(client_factory)
    coordinator = chats[401]
    await open_lesson(coordinator, session_factory, net.group.id, msk(TUE, 15))
    await coordinator.click("Отменить занятие")
    await coordinator.send("Ремонт в кабинете")
    assert "Сообщение сразу получат 7 человек" in coordinator.screen()
    await coordinator.click("Да, отменить")
    assert "❌ Вы отменили занятие" in coordinator.screen()

    await deliver_all(deliverer)
    for uid in (101, 102, 103, 201, 202, 203, 301):
        assert len(received(telegram, uid, "Занятие отменено")) == 1, uid
    assert received(telegram, 401, "Занятие отменено") == [], "not about one's own action"
    assert received(telegram, 302, "Занятие отменено") == [], "another group's teacher"


async def test_a_command_instead_of_a_cancel_reason_is_a_command(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    teacher = client_factory(301)

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Отменить занятие")
    await teacher.send("/today")
    assert "<b>Сегодня, пн, 23 ноября</b>: занятий нет." in teacher.screen()
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED
    assert await count(session_factory, LessonEvent) == 0
    assert await count(session_factory, Notification) == 0

    # The confirm button is refused without a reason typed for this lesson.
    answer = await teacher.press(LessonAct(id=lesson.id, action="cancel_yes").pack())
    assert answer == "Эта кнопка устарела. Откройте меню заново: /menu"
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED


# --- 4. moving ---------------------------------------------------------------------------------


async def test_teacher_moves_a_lesson_and_everyone_concerned_is_told(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    net = await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    chats = everyone(client_factory)
    teacher, student = chats[301], chats[101]

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Перенести")
    assert "На какой день перенести занятие? (время — по часовому поясу Europe/Moscow)" in (
        teacher.screen()
    )
    day_buttons = [label for label in labels(teacher) if label[:2] in ("пн", "вт", "ср", "чт")]
    assert day_buttons[:4] == ["пн 23.11", "вт 24.11", "ср 25.11", "чт 26.11"]
    await teacher.click("чт 26.11")
    assert "Новое время начала чт, 26 ноября?" in teacher.screen()

    await teacher.send("25:99")
    assert teacher.screen() == "Напишите время, например 15:30."
    await teacher.send("16:00")
    assert "Где? Напишите место или оставьте прежнее." in teacher.screen()
    await teacher.click("То же место")
    assert teacher.screen() == "Почему переносится? Напишите причину.\n[◀ Назад]"
    await teacher.send("Концерт в школе")
    assert teacher.screen() == (
        f"Перенести занятие «{COURSE}» ({net.group.code})\n"
        "с вт, 24 ноября, 15:00 на <b>чт, 26 ноября, 16:00</b>, место: каб. 21?\n"
        "Причина: «Концерт в школе».\n"
        "Сообщение сразу получат 7 человек: ученики, их родители, координаторы и педагог.\n"
        "[🔁 Да, перенести]\n[◀ Назад]"
    )
    assert (await lesson_by_id(session_factory, lesson.id)).status == LessonStatus.SCHEDULED
    assert await count(session_factory, Notification) == 0, "nothing before the confirmation"
    await teacher.click("Да, перенести")
    card = teacher.screen()
    assert "🔁 Вы перенесли занятие" in card
    assert "🕒 чт, 26 ноября, 16:00–17:30" in card
    assert "Статус: 🔁 перенесено" in card
    assert "перенесено с вт, 24 ноября, 15:00 на чт, 26 ноября, 16:00" in card

    moved = await lesson_by_id(session_factory, lesson.id)
    assert moved.status == LessonStatus.MOVED
    assert (moved.starts_at, moved.ends_at) == (msk(THU, 16), msk(THU, 17, 30))
    assert moved.original_starts_at == msk(TUE, 15)
    assert moved.sequence == 1
    assert (moved.place, moved.reason) == ("каб. 21", "Концерт в школе")
    async with session_factory() as s:
        event = await s.scalar(select(LessonEvent).where(LessonEvent.lesson_id == lesson.id))
    assert event is not None
    assert (event.action, event.old_starts_at, event.new_starts_at, event.actor_id) == (
        "moved",
        msk(TUE, 15),
        msk(THU, 16),
        net.teacher.id,
    )

    await deliver_all(deliverer)
    for uid in (101, 102, 103, 201, 202, 203, 401):
        told = received(telegram, uid, "Занятие перенесено")
        assert len(told) == 1, uid
        assert "с вт, 24 ноября, 15:00 на <b>чт, 26 ноября, 16:00</b>, каб. 21" in told[0], told
        assert "Причина: Концерт в школе" in told[0]

    await student.send("/schedule")
    schedule = student.screen()
    assert "<b>четверг, 26 ноября</b>" in schedule
    assert f"16:00–17:30 {COURSE} ({net.group.code}), каб. 21" in schedule
    assert "🔁 перенесено с вт, 24 ноября, 15:00: Концерт в школе" in schedule
    assert "<b>вторник, 24 ноября</b>" not in schedule

    # Moved once more, to a typed place: the first planned time is kept.
    await teacher.click("Перенести")
    await teacher.click("пт 27.11")
    await teacher.send("10.30")
    await teacher.send("Актовый зал")
    await teacher.send("Зал занят")
    await teacher.click("Да, перенести")
    again = await lesson_by_id(session_factory, lesson.id)
    assert (again.starts_at, again.place) == (msk(date(2026, 11, 27), 10, 30), "Актовый зал")
    assert again.original_starts_at == msk(TUE, 15)
    assert again.sequence == 2
    await deliver_all(deliverer)
    told = received(telegram, 102, "Занятие перенесено")
    assert len(told) == 2
    assert "с чт, 26 ноября, 16:00 на <b>пт, 27 ноября, 10:30</b>, Актовый зал" in told[1]


async def test_moving_into_the_past_is_refused_clearly(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    lesson = await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))

    await teacher.click("Перенести")
    await teacher.click("пн 23.11")  # today; it is 09:00 now
    await teacher.send("08:00")  # refused at once, before the place and the reason
    assert teacher.screen() == "Это время уже прошло. Выберите более позднее."
    assert not any("То же место" in label for label in labels(teacher))
    same = await lesson_by_id(session_factory, lesson.id)
    assert (same.status, same.starts_at, same.sequence) == (LessonStatus.SCHEDULED, msk(TUE, 15), 0)
    assert await count(session_factory, LessonEvent) == 0
    assert await count(session_factory, Notification) == 0


async def test_a_lesson_that_has_ended_cannot_be_moved(
    session_factory, session, client_factory, clock
):
    """Last week's lesson is on /week (for its roll) but it has ended: its card offers only
    attendance, and a forged move or cancel button is refused before anything is asked."""
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    past = await open_lesson(teacher, session_factory, net.group.id, msk(date(2026, 11, 17), 15))
    assert "🕒 вт, 17 ноября, 15:00–16:30" in teacher.screen()
    assert "✅ Посещаемость" in labels(teacher)
    assert "🔁 Перенести" not in labels(teacher)
    assert "❌ Отменить занятие" not in labels(teacher)

    for action in ("move", "cancel"):
        answer = await teacher.press(LessonAct(id=past.id, action=action).pack())
        assert answer == "Это занятие уже прошло."
    same = await lesson_by_id(session_factory, past.id)
    assert (same.status, same.starts_at, same.sequence) == (
        LessonStatus.SCHEDULED,
        msk(date(2026, 11, 17), 15),
        0,
    )
    assert await count(session_factory, LessonEvent) == 0
    assert await count(session_factory, Notification) == 0


async def test_after_a_refused_past_time_the_teacher_can_type_a_later_one(
    session_factory, session, client_factory, clock
):
    """The refusal says "choose a later one": the time is checked as soon as it is typed and
    the conversation still waits for a time, so typing a later one goes on to the place."""
    net = await network_with_lessons(session)
    await session.commit()
    teacher = client_factory(301)
    lesson = await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))

    await teacher.click("Перенести")
    await teacher.click("пн 23.11")
    await teacher.send("08:00")
    assert teacher.screen() == "Это время уже прошло. Выберите более позднее."

    await teacher.send("18:00")
    assert "Где? Напишите место или оставьте прежнее." in teacher.screen()
    await teacher.click("То же место")
    assert teacher.screen() == "Почему переносится? Напишите причину.\n[◀ Назад]"
    await teacher.send("Ремонт")
    await teacher.click("Да, перенести")
    assert "🔁 Вы перенесли занятие" in teacher.screen()
    moved = await lesson_by_id(session_factory, lesson.id)
    assert moved.starts_at == msk(MON, 18), teacher.texts()[-3:]
    assert moved.ends_at == msk(MON, 19, 30)
    assert moved.reason == "Ремонт"
    assert await count(session_factory, LessonEvent) == 1


async def test_moving_onto_another_lesson_of_the_group_or_teacher_is_refused(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    second = await factories.course_with_group(
        session, net.provider, title="Шахматы", teacher=net.teacher, weekday=3, start=(16, 0)
    )
    await make_lessons(session, second, net.provider.timezone)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    teacher = client_factory(301)

    for day, typed, clash_with in (
        ("вт 01.12", "15:30", "вт, 1 декабря, 15:00"),  # the same group's next lesson
        ("чт 26.11", "15:00", "чт, 26 ноября, 16:00"),  # the same teacher's other group
    ):
        await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
        await teacher.click("Перенести")
        await teacher.click(day)
        await teacher.send(typed)  # refused at once, before the place and the reason
        refusal = teacher.screen()
        assert "пересекается" in refusal, refusal
        assert refusal == (
            f"Это время пересекается с другим занятием группы или педагога ({clash_with})."
        )
        same = await lesson_by_id(session_factory, lesson.id)
        assert (same.status, same.starts_at, same.sequence) == (
            LessonStatus.SCHEDULED,
            msk(TUE, 15),
            0,
        )
    assert await count(session_factory, LessonEvent) == 0
    assert await count(session_factory, Notification) == 0

    # Onto a cancelled lesson's time it is allowed.
    async with session_factory() as s:
        blocker = await s.scalar(
            select(Lesson).where(
                Lesson.group_id == net.group.id, Lesson.starts_at == msk(NEXT_TUE, 15)
            )
        )
        assert blocker is not None
        blocker.status = LessonStatus.CANCELLED
        await s.commit()
    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Перенести")
    await teacher.click("вт 01.12")
    await teacher.send("15:30")
    await teacher.click("То же место")
    await teacher.send("Экскурсия")
    await teacher.click("Да, перенести")
    assert (await lesson_by_id(session_factory, lesson.id)).starts_at == msk(NEXT_TUE, 15, 30)


# --- 5. time zones -----------------------------------------------------------------------------


async def test_lesson_times_are_shown_in_each_readers_time_zone(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    net = await factories.network(session)
    ural = await factories.org(
        session, "Центр «Урал»", code="ural", kind=OrgKind.RESOURCE_CENTRE, timezone=EKB.key
    )
    ural_teacher = await factories.person(
        session, "Уралова Анна", Role.TEACHER, ural.id, telegram_id=311
    )
    robots = await factories.course_with_group(
        session, ural, title="Робототехника", teacher=ural_teacher, weekday=1, start=(15, 0)
    )
    await make_lessons(session, robots, EKB.key)
    await factories.enrolled(session, robots, net.student)
    await session.commit()
    lesson = await lesson_at(session_factory, robots.id, datetime.combine(TUE, time(15, 0), EKB))
    assert lesson.starts_at == msk(TUE, 13)
    student, teacher = client_factory(101), client_factory(311)
    everyone(client_factory)

    await student.send("/schedule")
    assert f"13:00–14:30 Робототехника ({robots.code}), каб. 21" in student.screen()
    assert "15:00" not in student.screen()

    await teacher.send("/week")
    assert (
        f"🕒 вт 24.11 15:00 · Робототехника ({robots.code})",
        LessonOpen(id=lesson.id).pack(),
    ) in (lesson_buttons(teacher))
    await teacher.press(LessonOpen(id=lesson.id).pack())
    assert "🕒 вт, 24 ноября, 15:00–16:30" in teacher.screen()
    await teacher.click("Перенести")
    assert "(время — по часовому поясу Asia/Yekaterinburg)" in teacher.screen()
    await teacher.click("Назад")
    await teacher.click("Отменить занятие")
    await teacher.send("Олимпиада")
    await teacher.click("Да, отменить")
    await deliver_all(deliverer)
    assert received(telegram, 101, "Занятие отменено") == [
        (
            f"❌ <b>Занятие отменено</b>: Робототехника ({robots.code}), вт, 24 ноября, 13:00. "
            "Причина: Олимпиада"
        )
    ]
    assert received(telegram, 102, "Занятие отменено") == [
        (
            "❌ <b>Занятие отменено</b> у Соколова Артёма: "
            f"Робототехника ({robots.code}), вт, 24 ноября, 13:00. "
            "Причина: Олимпиада"
        )
    ], "a parent without a school of their own reads the network's default zone"


# --- 6. the student's schedule, attendance and calendar ----------------------------------------


async def two_courses(session):
    """Math on Tuesdays and chess on Thursdays 10:00, both taught by the factory teacher."""
    net = await network_with_lessons(session)
    chess = await factories.course_with_group(
        session,
        net.provider,
        title="Шахматы",
        teacher=net.teacher,
        weekday=3,
        start=(10, 0),
        end=(11, 30),
    )
    await make_lessons(session, chess, net.provider.timezone)
    await factories.enrolled(session, chess, net.student)
    return net, chess


async def test_student_schedule_shows_two_weeks_with_changes(
    session_factory, session, client_factory, clock
):
    net, chess = await two_courses(session)
    teacher = await net.actor(session, net.teacher)
    tue = await session.scalar(select(Lesson).where(Lesson.starts_at == msk(TUE, 15)))
    next_tue = await session.scalar(select(Lesson).where(Lesson.starts_at == msk(NEXT_TUE, 15)))
    assert tue is not None
    assert next_tue is not None
    now = clock.now()
    await lessons.move_lesson(
        session, teacher, tue.id, day=WED, start=time(17), place="", reason="Концерт", now=now
    )
    await lessons.cancel_lesson(session, teacher, next_tue.id, "Каникулы", now)
    await session.commit()
    student = client_factory(101)

    await student.send("/schedule")
    screen = student.screen()
    assert "<b>Расписание</b> · Соколов Артём, эта и следующая неделя" in screen
    days = [
        line for line in screen.splitlines() if line.startswith("<b>") and line.endswith("бря</b>")
    ]
    assert days == [
        "<b>среда, 25 ноября</b>",
        "<b>четверг, 26 ноября</b>",
        "<b>вторник, 1 декабря</b>",
        "<b>четверг, 3 декабря</b>",
    ]
    assert f"17:00–18:30 {COURSE} ({net.group.code}), каб. 21" in screen
    assert "🔁 перенесено с вт, 24 ноября, 15:00: Концерт" in screen
    assert f"10:00–11:30 Шахматы ({chess.code}), каб. 21" in screen
    assert f"<s>15:00–16:30 {COURSE} ({net.group.code}), каб. 21</s>" in screen
    assert "❌ отменено: Каникулы" in screen
    assert "8 декабря" not in screen, "only this and next week"
    assert "[📊 Посещаемость]" in screen
    assert "[📅 Файл календаря (.ics)]" in screen

    # A student with no lessons sees that, not an empty message.
    other = client_factory(201)
    async with session_factory() as s:
        await s.execute(
            Application.__table__.delete().where(Application.student_id == net.other_student.id)
        )
        await s.commit()
    await other.send("/schedule")
    assert "На эти две недели занятий нет." in other.screen()


async def test_student_attendance_counts_per_course(
    session_factory, session, client_factory, clock
):
    await two_courses(session)
    await session.commit()
    teacher, student = client_factory(301), client_factory(101)

    await student.send("/attendance")
    assert "Отметок пока нет." in student.screen()

    # Math on 17 and 24 November, chess on 19 November, marked by the teacher in chat.
    for moment, label, taps in (
        (msk(date(2026, 11, 17), 15, 10), "вт 15:00", 2),  # absent
        (msk(date(2026, 11, 19), 10, 10), "чт 10:00", 1),  # present
        (msk(TUE, 15, 10), "вт 15:00", 3),  # late
    ):
        clock.set(moment)
        await open_today_lesson(teacher, label)
        await teacher.click("Посещаемость")
        for _ in range(taps):
            await teacher.click("Соколов Артём")
        await teacher.click("Сохранить")
    assert await count(session_factory, AttendanceMark) == 3

    await student.send("/attendance")
    screen = student.screen()
    assert "<b>Посещаемость</b> · Соколов Артём" in screen
    assert f"<b>{COURSE}</b>: ✅ 0 · ❌ 1 · ⏰ 1 · 📝 0 (из 2)" in screen
    assert "<b>Шахматы</b>: ✅ 1 · ❌ 0 · ⏰ 0 · 📝 0 (из 1)" in screen
    await student.click("Расписание")
    assert "<b>Расписание</b> · Соколов Артём" in student.screen()


def calendar_events(message: ChatMessage) -> dict[str, dict]:
    assert message.document is not None
    name, data = message.document
    assert name == "lessons.ics"
    cal = Calendar.from_ical(data)
    return {
        str(e["UID"]): {
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "sequence": int(e.get("SEQUENCE", 0)),
            "status": str(e.get("STATUS", "")),
            "summary": str(e["SUMMARY"]),
        }
        for e in cal.walk("VEVENT")
    }


async def test_calendar_file_keeps_uids_and_counts_changes(
    session_factory, session, client_factory, clock, telegram
):
    net = await network_with_lessons(session)
    await session.commit()
    tue = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    next_tue = await lesson_at(session_factory, net.group.id, msk(NEXT_TUE, 15))
    student = client_factory(101)

    await student.send("/calendar")
    first = telegram.last(101)
    assert "📅 Откройте файл" in first.text
    before = calendar_events(first)
    assert len(before) == 15, "every Tuesday from 17 November to 23 February"
    uid = f"lesson-{tue.id}@school-network-bot"
    assert before[uid] == {
        "start": msk(TUE, 15),
        "end": msk(TUE, 16, 30),
        "sequence": 0,
        "status": "CONFIRMED",
        "summary": f"{COURSE} ({net.group.code})",
    }
    assert len({str(k) for k in before}) == 15

    teacher = await net.actor(session, net.teacher)
    await lessons.move_lesson(
        session,
        teacher,
        tue.id,
        day=THU,
        start=time(16),
        place="",
        reason="Концерт",
        now=clock.now(),
    )
    await lessons.cancel_lesson(session, teacher, next_tue.id, "Каникулы", clock.now())
    await session.commit()

    clock.advance(timedelta(hours=1))
    await student.send("/schedule")
    await student.click("Файл календаря")
    after = calendar_events(telegram.last(101))
    assert set(after) == set(before), "the same UIDs: calendar apps update, not duplicate"
    assert after[uid]["start"] == msk(THU, 16)
    assert after[uid]["sequence"] > before[uid]["sequence"]
    assert after[uid]["status"] == "CONFIRMED"
    cancelled = f"lesson-{next_tue.id}@school-network-bot"
    assert after[cancelled]["status"] == "CANCELLED"
    assert after[cancelled]["sequence"] > before[cancelled]["sequence"]
    unchanged = [k for k in after if k not in (uid, cancelled)]
    assert all(after[k] == before[k] for k in unchanged)

    # Moved again: the sequence keeps growing.
    await lessons.move_lesson(
        session,
        teacher,
        tue.id,
        day=THU,
        start=time(17),
        place="",
        reason="Ещё раз",
        now=clock.now(),
    )
    await session.commit()
    await student.send("/calendar")
    again = calendar_events(telegram.last(101))
    assert again[uid]["sequence"] > after[uid]["sequence"]
    assert again[uid]["start"] == msk(THU, 17)


# --- 7. parents ----------------------------------------------------------------------------------


async def test_parent_sees_each_childs_schedule_and_attendance_across_schools(
    session_factory, session, client_factory, clock
):
    net = await factories.network(session)
    await make_lessons(session, net.group, net.provider.timezone)
    await factories.enrolled(session, net.group, net.student)
    chess = await factories.course_with_group(
        session,
        net.provider,
        title="Шахматы",
        teacher=net.teacher,
        weekday=3,
        start=(10, 0),
        end=(11, 30),
    )
    await make_lessons(session, chess, net.provider.timezone)
    await factories.enrolled(session, chess, net.other_student)
    await factories.link(session, net.parent, net.other_student)  # a child in each school
    stranger = await factories.person(
        session, "Ершов Кирилл", Role.STUDENT, net.home.id, grade=8, telegram_id=111
    )
    await factories.enrolled(session, net.group, stranger)
    teacher_actor = await net.actor(session, net.teacher)
    clock.set(msk(date(2026, 11, 19), 10, 10))
    chess_lesson = await session.scalar(select(Lesson).where(Lesson.group_id == chess.id))
    assert chess_lesson is not None
    await attendance.save_attendance(
        session, teacher_actor, chess_lesson.id, {net.other_student.id: A.PRESENT}, clock.now()
    )
    clock.set(msk(MON, 9))
    await session.commit()
    parent = client_factory(102)

    await parent.send("/children")
    assert "Ваши дети: Морозова Полина, Соколов Артём" in parent.screen()
    buttons = telegram_buttons(parent)
    for child in (net.student, net.other_student):
        assert (f"🗓 {child.full_name}", ChildView(id=child.id, what="schedule").pack()) in buttons
        assert ("📊", ChildView(id=child.id, what="attendance").pack()) in buttons
    assert "Ершов" not in parent.screen()

    await parent.click("🗓 Морозова Полина")
    screen = parent.screen()
    assert "<b>Расписание</b> · Морозова Полина" in screen
    assert f"10:00–11:30 Шахматы ({chess.code})" in screen
    assert COURSE not in screen
    await parent.click("Назад")
    await parent.click("🗓 Соколов Артём")
    screen = parent.screen()
    assert "<b>Расписание</b> · Соколов Артём" in screen
    assert f"15:00–16:30 {COURSE} ({net.group.code})" in screen
    assert "Шахматы" not in screen
    await parent.click("Посещаемость")
    assert "<b>Посещаемость</b> · Соколов Артём" in parent.screen()
    assert "Отметок пока нет." in parent.screen()
    await parent.click("Назад")
    await parent.press(ChildView(id=net.other_student.id, what="attendance").pack())
    assert "<b>Посещаемость</b> · Морозова Полина" in parent.screen()
    assert "<b>Шахматы</b>: ✅ 1 · ❌ 0 · ⏰ 0 · 📝 0 (из 1)" in parent.screen()

    before = parent.screen()
    for what in ("schedule", "attendance", "calendar"):
        answer = await parent.press(ChildView(id=stranger.id, what=what).pack())
        assert answer == "Действовать можно только за своих привязанных детей.", (what, answer)
    assert parent.screen() == before
    assert not any(m.document for m in parent.telegram.messages(102))

    # Another family's parent cannot look at these children either.
    other_parent = client_factory(202)
    await other_parent.send("/children")
    answer = await other_parent.press(ChildView(id=net.student.id, what="schedule").pack())
    assert answer == "Действовать можно только за своих привязанных детей."


# --- 8. writing to a group ---------------------------------------------------------------------


async def test_teacher_writes_to_students_then_to_families(
    session_factory, session, client_factory, deliverer, telegram
):
    net = await network_with_lessons(session)
    await session.commit()
    chats = everyone(client_factory)
    teacher = chats[301]

    await teacher.send("/groups")
    await teacher.click(f"✉️ {net.group.code}")
    assert f"Напишите сообщение для группы {net.group.code} ({COURSE})." in teacher.screen()
    await teacher.send("<b>x</b> & y")
    assert (
        teacher.screen()
        == "Кому отправить?\n[👩‍🎓 Только ученикам]\n[👪 Ученикам и родителям]\n[✖ Отмена]"
    )
    await teacher.click("Только ученикам")
    assert "✉️ Отправлено получателям: 2." in teacher.screen()
    await deliver_all(deliverer)
    expected = (
        f"✉️ <b>Белова Анна Сергеевна</b> — группе {net.group.code} ({COURSE}):\n"
        "&lt;b&gt;x&lt;/b&gt; &amp; y"
    )
    assert received(telegram, 101, "группе") == [expected]
    assert received(telegram, 201, "группе") == [expected]
    for uid in (102, 202, 103, 203, 301):
        assert received(telegram, uid, "группе") == [], uid

    await teacher.send("/groups")
    await teacher.click(f"✉️ {net.group.code}")
    await teacher.send("Завтра занятие в актовом зале")
    await teacher.click("Ученикам и родителям")
    assert "✉️ Отправлено получателям: 4." in teacher.screen()
    await deliver_all(deliverer)
    for uid in (101, 102, 201, 202):
        assert len(received(telegram, uid, "Завтра занятие в актовом зале")) == 1, uid
    for uid in (103, 203):
        assert received(telegram, uid, "Завтра занятие") == [], uid

    async with session_factory() as s:
        rows = (await s.scalars(select(GroupMessage).order_by(GroupMessage.id))).all()
    assert [(m.group_id, m.author_id, m.text, m.include_parents) for m in rows] == [
        (net.group.id, net.teacher.id, "<b>x</b> & y", False),
        (net.group.id, net.teacher.id, "Завтра занятие в актовом зале", True),
    ]

    # The send button pressed again does not send the message twice.
    answer = await teacher.press(f"grp:{net.group.id}:parents")
    assert answer == "Эта кнопка устарела. Откройте меню заново: /menu"
    assert await count(session_factory, GroupMessage) == 2


async def test_another_teacher_cannot_write_to_the_group(session_factory, session, client_factory):
    net = await network_with_lessons(session)
    await factories.person(session, "Орлова Вера", Role.TEACHER, net.provider.id, telegram_id=302)
    await session.commit()
    intruder, student = client_factory(302), client_factory(101)

    await intruder.send("/groups")
    for action in ("write", "add"):
        answer = await intruder.press(f"grp:{net.group.id}:{action}")
        assert answer == ("Писать группе могут только её педагог и координаторы её школы."), (
            action,
            answer,
        )
    await intruder.send("Привет всем")
    assert "Сейчас я не жду сообщения" in intruder.replies()
    await student.send("/menu")
    answer = await student.press(f"grp:{net.group.id}:write")
    assert answer is not None
    assert await count(session_factory, GroupMessage) == 0
    assert await count(session_factory, Notification) == 0


# --- 9. an extra lesson ------------------------------------------------------------------------


async def test_teacher_adds_an_extra_lesson_and_the_group_is_told(
    session_factory, session, client_factory, deliverer, telegram
):
    net = await network_with_lessons(session)
    await session.commit()
    chats = everyone(client_factory)
    teacher = chats[301]
    before = await count(session_factory, Lesson)

    await teacher.send("/groups")
    await teacher.click(f"➕ Занятие для {net.group.code}")
    assert f"Дополнительное занятие для {net.group.code}: в какой день?" in teacher.screen()
    await teacher.click("ср 25.11")
    assert "Время ср, 25 ноября? Напишите, например, 15:00-16:30." in teacher.screen()
    await teacher.send("16:30-15:00")
    assert teacher.screen() == "Конец должен быть позже начала."
    await teacher.send("15:00-16:30")
    assert "Где? Напишите место или оставьте прежнее." in teacher.screen()
    await teacher.send("Актовый зал")
    card = teacher.screen()
    assert "➕ Вы добавили занятие; группе отправляются уведомления." in card, card
    assert "🕒 ср, 25 ноября, 15:00–16:30" in card
    assert "📍 Актовый зал" in card

    assert await count(session_factory, Lesson) == before + 1
    extra = await lesson_at(session_factory, net.group.id, msk(WED, 15))
    assert extra.is_extra
    assert extra.place == "Актовый зал"
    assert extra.ends_at == msk(WED, 16, 30)
    assert extra.status == LessonStatus.SCHEDULED
    assert await count(session_factory, LessonEvent, LessonEvent.action == "added") == 1

    await deliver_all(deliverer)
    details = f": {COURSE} ({net.group.code}), ср, 25 ноября, 15:00, Актовый зал."
    for uid, whose in (
        (101, ""),
        (102, " у Соколова Артёма"),
        (201, ""),
        (202, " у Морозовой Полины"),
    ):
        assert received(telegram, uid, "Дополнительное занятие") == [
            f"➕ <b>Дополнительное занятие</b>{whose}{details}"
        ], uid
    await chats[101].send("/schedule")
    assert "<b>среда, 25 ноября</b>" in chats[101].screen()


# --- 10. schedule clash ------------------------------------------------------------------------


async def test_applying_to_an_overlapping_group_warns_student_and_coordinator(
    session_factory, session, client_factory
):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)  # Tuesday 15:00–16:30
    robots = await factories.course_with_group(
        session, net.provider, title="Робототехника", weekday=1, start=(16, 0), end=(17, 0)
    )
    choir = await factories.course_with_group(
        session, net.provider, title="Хор", weekday=2, start=(15, 0), end=(16, 30)
    )
    ural = await factories.org(session, "Центр «Урал»", code="ural", timezone=EKB.key)
    stars = await factories.course_with_group(  # 17:00 in Yekaterinburg is 15:00 in Moscow
        session, ural, title="Астрономия", weekday=1, start=(17, 0), end=(18, 0)
    )
    await session.commit()
    chats = everyone(client_factory)
    student, parent, coordinator = chats[101], chats[102], chats[103]

    await student.send("/catalogue")
    await student.click("Робототехника")
    await student.click(f"Записаться в {robots.code}")
    warning = f"⚠️ Пересекается с вашим расписанием: {COURSE}."
    assert warning in student.screen()
    await student.click("Да, подать")
    assert "Заявление отправлено" in student.screen()

    await student.send("/catalogue")
    await student.click("Астрономия")
    await student.click(f"Записаться в {stars.code}")
    assert warning in student.screen(), "slots in another time zone overlap too"
    await student.click("Отмена")

    await student.send("/catalogue")
    await student.click("Хор")
    await student.click(f"Записаться в {choir.code}")
    assert "Пересекается" not in student.screen()
    await student.click("Да, подать")

    await parent.send("/children")
    await parent.click("Робототехника")
    await parent.click("Подтвердить")
    await parent.send("/children")
    await parent.click("Хор")
    await parent.click("Подтвердить")

    await coordinator.send("/review")
    await coordinator.click("Робототехника")
    assert f"⚠️ Пересечение с расписанием ученика: {COURSE}" in coordinator.screen()
    await coordinator.send("/review")
    await coordinator.click("Хор")
    assert "Пересечение" not in coordinator.screen()


# --- 11. the profile day -----------------------------------------------------------------------


async def test_admin_sets_the_profile_day_and_the_catalogue_filters_by_it(
    session_factory, session, client_factory
):
    net = await factories.network(session)  # math on Tuesdays
    await factories.course_with_group(session, net.provider, title="Хор", weekday=2)
    await factories.course_with_group(session, net.provider, title="Шахматы", weekday=4)
    await factories.person(session, "Админов Сергей", Role.ADMIN, telegram_id=501)
    await session.commit()
    admin, student = client_factory(501), client_factory(101)

    await student.send("/catalogue")
    await student.click("День")
    assert "Профильный день" not in student.screen()
    answer = await student.press("pday:2")
    assert answer == "Это доступно только администратору сети."

    await admin.send("/profileday")
    assert "Общий профильный день сети: <b>не задан</b>" in admin.screen()
    await admin.click("ср")
    assert "Общий профильный день сети: <b>среда</b>" in admin.screen()
    assert len(admin.texts()) == 1
    async with session_factory() as s:
        settings = await s.get(NetworkSettings, 1)
        assert settings is not None
        assert settings.profile_weekday == 2

    await student.send("/catalogue")
    assert "3 курса" in student.screen()
    await student.click("День")
    day_labels = labels(student)
    assert day_labels[0] == "⭐ Профильный день (среда)"
    await student.click("Профильный день")
    screen = student.screen()
    assert "1 курс" in screen
    assert "День: среда" in screen
    assert [label for label in labels(student) if "МБУ ДО ДШИ" in label] == ["Хор · МБУ ДО ДШИ"]

    await admin.click("Без профильного дня")
    async with session_factory() as s:
        settings = await s.get(NetworkSettings, 1)
        assert settings is not None
        assert settings.profile_weekday is None
    await student.click("День")
    assert "Профильный день" not in student.screen()


async def test_all_present_fills_only_students_not_marked_yet(
    session_factory, session, client_factory, clock
):
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    clock.set(msk(TUE, 15, 5))
    teacher = everyone(client_factory)[301]
    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")
    await teacher.click("Соколов Артём")  # ❌ absent
    await teacher.click("Сохранить")

    await teacher.click("Посещаемость")
    await teacher.click("Все присутствуют")
    assert roster_labels(teacher) == [
        "✅ Морозова Полина · МАОУ «СОШ №4»",
        "❌ Соколов Артём · МБОУ СОШ № 5",
    ], "a saved absence is not overwritten"
    await teacher.click("Сохранить")
    assert await marks_of(session_factory, lesson.id) == {
        net.student.id: (A.ABSENT, net.teacher.id),
        net.other_student.id: (A.PRESENT, net.teacher.id),
    }


# --- 12. the coordinators' daily digest --------------------------------------------------------


async def test_home_coordinator_gets_one_daily_digest_of_absences_elsewhere(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    chats = everyone(client_factory)
    teacher = chats[301]

    clock.set(msk(TUE, 15, 10))
    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    await teacher.click("Все присутствуют")
    await teacher.click("Соколов Артём")
    await teacher.click("Сохранить")
    await deliver_all(deliverer)

    def digest_rows():
        return count(session_factory, Notification, Notification.kind == DIGEST_KIND)

    assert await queue_digests(session_factory, msk(TUE, 17, 59)) == 0, "not before 18:00"
    assert await digest_rows() == 0

    clock.set(msk(TUE, 18, 5))
    assert await queue_digests(session_factory, clock.now()) == 1
    await deliver_all(deliverer)
    digest = received(telegram, 103, "📋")
    assert len(digest) == 1
    assert "📋 <b>Сводка за день</b>" in digest[0]
    assert "о которых ещё не сообщали (1):" in digest[0]
    assert f"• Соколов Артём — {COURSE} (МБУ ДО ДШИ), 24.11 15:00" in digest[0]
    assert "Морозова" not in digest[0]
    for uid in (203, 401, 101, 102):
        assert received(telegram, uid, "📋") == [], uid

    # The scheduler ticks every few minutes: nothing more is queued that day.
    clock.set(msk(TUE, 18, 10))
    await queue_digests(session_factory, clock.now())
    await queue_digests(session_factory, msk(TUE, 23, 55))
    await deliver_all(deliverer)
    assert await digest_rows() == 1
    assert len(received(telegram, 103, "📋")) == 1
    # Its return value is what the scheduler logs as "queued": a repeated tick queued nothing.
    assert await queue_digests(session_factory, msk(TUE, 18, 15)) == 0


async def test_absence_marked_the_next_day_still_reaches_the_home_coordinator(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    """The teacher may mark attendance for seven days: an absence saved the day after the
    lesson comes in that day's digest, and only once."""
    net = await network_with_lessons(session)
    await session.commit()
    chats = everyone(client_factory)
    teacher = chats[301]

    clock.set(msk(TUE, 15, 10))
    await open_today_lesson(teacher)  # the teacher opens the card but marks nothing yet

    await queue_digests(session_factory, msk(TUE, 18, 5))  # nothing to report on Tuesday evening

    clock.set(msk(WED, 9))  # the teacher fills the roll in the next morning
    await teacher.click("Посещаемость")
    await teacher.click("Все присутствуют")
    await teacher.click("Соколов Артём")
    await teacher.click("Сохранить")
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    assert (await marks_of(session_factory, lesson.id))[net.student.id][0] == A.ABSENT

    for moment in (msk(WED, 18, 5), msk(THU, 18, 5)):
        clock.set(moment)
        await queue_digests(session_factory, moment)
    await deliver_all(deliverer)
    digest = received(telegram, 103, "📋")
    assert len(digest) == 1, "reported once, on Wednesday, and not again on Thursday"
    assert f"• Соколов Артём — {COURSE} (МБУ ДО ДШИ), 24.11 15:00" in digest[0]
    async with session_factory() as s:
        mark = await s.scalar(
            select(AttendanceMark).where(
                AttendanceMark.lesson_id == lesson.id, AttendanceMark.student_id == net.student.id
            )
        )
    assert mark is not None
    assert mark.reported_absences == mark.absences == 1


async def test_absence_saved_after_the_days_digest_went_out_is_reported_later(
    session_factory, session, client_factory, clock, deliverer, telegram
):
    """An evening lesson (18:30) after the 18:00 digest: its absences come in the next day's
    digest, and what was reported already is not repeated."""
    net = await network_with_lessons(session)
    evening = await factories.course_with_group(
        session,
        net.provider,
        title="Вокал",
        teacher=net.teacher,
        weekday=1,
        start=(18, 30),
        end=(19, 30),
    )
    await make_lessons(session, evening, net.provider.timezone)
    await factories.enrolled(session, evening, net.student)
    await session.commit()
    chats = everyone(client_factory)
    teacher = chats[301]

    clock.set(msk(TUE, 15, 10))
    await open_today_lesson(teacher, "вт 15:00")
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")
    await teacher.click("Соколов Артём")  # absent from math
    await teacher.click("Сохранить")
    clock.set(msk(TUE, 18, 5))
    assert await queue_digests(session_factory, clock.now()) == 1

    clock.set(msk(TUE, 18, 40))
    await open_today_lesson(teacher, "вт 18:30")
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")
    await teacher.click("Соколов Артём")  # absent from the evening lesson too
    await teacher.click("Сохранить")
    for moment in (msk(TUE, 20), msk(TUE, 23, 55), msk(WED, 18, 5)):
        clock.set(moment)
        await queue_digests(session_factory, moment)
        await deliver_all(deliverer)
    tuesday, wednesday = received(telegram, 103, "📋")
    assert f"• Соколов Артём — {COURSE} (МБУ ДО ДШИ), 24.11 15:00" in tuesday
    assert "Вокал" not in tuesday
    assert "• Соколов Артём — Вокал (МБУ ДО ДШИ), 24.11 18:30" in wednesday
    assert COURSE not in wednesday, "an absence already reported is not repeated"


# --- reaching past lessons and the organisation's lessons --------------------------------------


async def test_teacher_can_reach_yesterdays_lesson_to_correct_attendance(
    session_factory, session, client_factory, clock
):
    """Attendance is editable by the teacher for seven days: /week lists the past seven days
    too, so the day after, yesterday's lesson can be opened and its roll corrected."""
    net = await network_with_lessons(session)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    teacher = client_factory(301)

    clock.set(msk(WED, 9))
    reachable: set[str] = set()
    for command in ("/today", "/week", "/groups", "/menu"):
        await teacher.send(command)
        reachable |= {data for _, data in telegram_buttons(teacher)}
    assert LessonOpen(id=lesson.id).pack() in reachable, "yesterday's lesson is on no screen"

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Посещаемость")
    await teacher.click("Все присутствуют")
    await teacher.click("Сохранить")
    assert "💾 Сохранено отметок: 2." in teacher.screen()
    assert await marks_of(session_factory, lesson.id) == {
        net.student.id: (A.PRESENT, net.teacher.id),
        net.other_student.id: (A.PRESENT, net.teacher.id),
    }


async def test_providers_coordinator_can_reach_the_organisations_lessons(
    session_factory, session, client_factory, clock
):
    """Coordinators may cancel and move lessons and are the only ones to correct attendance
    after seven days: with the coordinator role active, /today and /week list the lessons of
    the organisations they coordinate as a provider."""
    net = await network_with_lessons(session, provider_coordinator=True)
    await session.commit()
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    coordinator = client_factory(401)

    reachable: set[str] = set()
    shown: list[str] = []
    for command in ("/menu", "/today", "/week"):
        await coordinator.send(command)
        shown.append(coordinator.screen())
        reachable |= {data for _, data in telegram_buttons(coordinator)}
    assert LessonOpen(id=lesson.id).pack() in reachable, shown
    assert "<b>Сегодня, пн, 23 ноября</b>: занятий нет." in shown[1]
    assert "<b>Прошедшие и ближайшие 7 дней</b>: 2 занятия" in shown[2]

    clock.set(msk(TUE, 8))
    await coordinator.send("/today")
    assert "<b>Сегодня, вт, 24 ноября</b>: 1 занятие" in coordinator.screen()
    assert lesson_buttons(coordinator) == [
        (f"🕒 вт 24.11 15:00 · {COURSE}", LessonOpen(id=lesson.id).pack())
    ]
    await coordinator.press(LessonOpen(id=lesson.id).pack())
    assert f"<b>{COURSE}</b>, группа {net.group.code} (МБУ ДО ДШИ)" in coordinator.screen()
    assert "❌ Отменить занятие" in labels(coordinator)


async def test_marks_of_one_lesson_never_carry_over_to_another(
    session_factory, session, client_factory, clock
):
    """The roster being marked is kept between taps; a tap on an older roster of another
    lesson starts that lesson's own marks."""
    net = await network_with_lessons(session)
    await session.commit()
    first = await lesson_at(session_factory, net.group.id, msk(TUE, 15))
    second_id = await add_lesson_row(session_factory, net.group.id, msk(TUE, 12), msk(TUE, 13))
    clock.set(msk(TUE, 15, 5))
    teacher = everyone(client_factory)[301]

    await open_today_lesson(teacher)
    await teacher.click("Посещаемость")
    await teacher.click("Соколов Артём")
    assert "✅ Соколов Артём · МБОУ СОШ № 5" in roster_labels(teacher)

    await teacher.press(Mark(lesson=second_id, student=net.student.id).pack())
    assert "вт, 24 ноября, 12:00" in teacher.screen()
    assert roster_labels(teacher) == [
        "▫️ Морозова Полина · МАОУ «СОШ №4»",
        "✅ Соколов Артём · МБОУ СОШ № 5",
    ]
    await teacher.click("Сохранить")
    assert await marks_of(session_factory, second_id) == {
        net.student.id: (A.PRESENT, net.teacher.id)
    }
    assert await marks_of(session_factory, first.id) == {}
