"""Lessons, attendance and calendars as services: the rules without the chat."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from models import AttendanceMark, Holiday, Lesson, LessonEvent, Notification, WeeklySlot
from models.enums import AttendanceStatus, LessonStatus, Role
from services import attendance, calendar, lessons, network
from services.errors import Conflict, Forbidden, Invalid
from services.schedule import slots_overlap
from services.text import REASON_MAX
from tests import factories


async def _lessons(session, group):
    slots = await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == group.id))
    await lessons.generate_lessons(session, group, list(slots.all()), "Europe/Moscow")
    rows = await session.scalars(
        select(Lesson).where(Lesson.group_id == group.id).order_by(Lesson.starts_at)
    )
    return list(rows.all())


async def test_lessons_come_from_weekly_slots_and_skip_holidays(session):
    net = await factories.network(session)
    session.add(Holiday(day=date(2026, 11, 24), name="День открытых дверей"))
    await session.flush()
    made = await _lessons(session, net.group)
    days = [
        lesson.starts_at.astimezone(lessons.ZoneInfo("Europe/Moscow")).date() for lesson in made
    ]
    assert all(d.weekday() == 1 for d in days), "the factory slot is on Tuesdays"
    assert date(2026, 11, 24) not in days
    assert date(2026, 12, 1) in days
    assert days[0] == date(2026, 11, 17)
    assert days[-1] <= net.group.end_date
    assert made[0].starts_at == datetime(2026, 11, 17, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
    again = await lessons.generate_lessons(session, net.group, [], "Europe/Moscow")
    assert again == 0
    slots = list((await session.scalars(select(WeeklySlot))).all())
    assert await lessons.generate_lessons(session, net.group, slots, "Europe/Moscow") == 0


async def test_cancel_tells_everyone_concerned_once(session, clock):
    net = await factories.network(session)
    provider_coordinator = await factories.person(
        session, "Григорьева Наталья", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    made = await _lessons(session, net.group)
    lesson = made[1]  # 24 November 15:00, tomorrow
    clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 16:00 the day before: within 24 h
    teacher = await net.actor(session, net.teacher)
    await lessons.cancel_lesson(session, teacher, lesson.id, "  Педагог   заболел ", clock.now())
    assert lesson.status == LessonStatus.CANCELLED
    assert lesson.reason == "Педагог заболел"
    assert lesson.sequence == 1
    rows = (await session.scalars(select(Notification))).all()
    told = sorted(n.person_id for n in rows)
    expected = sorted(
        [
            net.student.id,
            net.other_student.id,
            net.parent.id,
            net.other_parent.id,
            net.coordinator.id,
            net.other_coordinator.id,
            provider_coordinator.id,
        ]
    )
    assert told == expected
    assert {n.priority for n in rows} == {0}, "a change within a day is urgent"
    with pytest.raises(Conflict):
        await lessons.cancel_lesson(session, teacher, lesson.id, "ещё раз", clock.now())
    await lessons.cancel_lesson(session, teacher, made[2].id, "Концерт", clock.now())
    later = (
        await session.scalars(
            select(Notification.priority).where(Notification.id > max(n.id for n in rows))
        )
    ).all()
    assert set(later) == {1}, "a change a week ahead is ordinary news"


async def test_only_the_teacher_and_provider_coordinators_manage_lessons(session, clock):
    net = await factories.network(session)
    lesson = (await _lessons(session, net.group))[1]
    other_teacher = await factories.person(session, "Орлов Сергей", Role.TEACHER, net.home.id)
    for who in (other_teacher, net.student, net.parent, net.coordinator):
        with pytest.raises(Forbidden):
            await lessons.cancel_lesson(
                session, await net.actor(session, who), lesson.id, "нет", clock.now()
            )
    assert lesson.status == LessonStatus.SCHEDULED


async def test_move_rules(session, clock):
    net = await factories.network(session)
    made = await _lessons(session, net.group)
    tomorrow, next_week = made[1], made[2]
    teacher = await net.actor(session, net.teacher)
    with pytest.raises(Invalid, match="error-move-to-past"):
        await lessons.move_lesson(
            session,
            teacher,
            tomorrow.id,
            day=date(2026, 11, 23),
            start=time(8, 0),
            place="",
            reason="r",
            now=clock.now(),
        )
    with pytest.raises(Conflict, match="error-move-clash"):  # onto next week's lesson
        await lessons.move_lesson(
            session,
            teacher,
            tomorrow.id,
            day=date(2026, 12, 1),
            start=time(16, 0),
            place="",
            reason="r",
            now=clock.now(),
        )
    with pytest.raises(Invalid, match="error-reason-required"):
        await lessons.move_lesson(
            session,
            teacher,
            tomorrow.id,
            day=date(2026, 11, 25),
            start=time(16, 0),
            place="",
            reason="  ",
            now=clock.now(),
        )
    assert tomorrow.status == LessonStatus.SCHEDULED
    original = tomorrow.starts_at
    await lessons.move_lesson(
        session,
        teacher,
        tomorrow.id,
        day=date(2026, 11, 25),
        start=time(16, 0),
        place="каб. 5",
        reason="Концерт",
        now=clock.now(),
    )
    assert tomorrow.status == LessonStatus.MOVED
    assert tomorrow.original_starts_at == original
    assert tomorrow.starts_at == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    assert tomorrow.ends_at - tomorrow.starts_at == timedelta(minutes=90)
    assert tomorrow.place == "каб. 5"
    assert tomorrow.sequence == 1
    event = await session.scalar(select(LessonEvent).where(LessonEvent.lesson_id == tomorrow.id))
    assert (event.action, event.old_starts_at, event.reason) == ("moved", original, "Концерт")
    assert next_week.status == LessonStatus.SCHEDULED


async def test_a_teachers_other_group_blocks_a_move(session, clock):
    net = await factories.network(session)
    second = await factories.course_with_group(
        session, net.provider, title="Хоровое пение", teacher=net.teacher, weekday=2
    )
    first_lessons = await _lessons(session, net.group)
    await _lessons(session, second)
    teacher = await net.actor(session, net.teacher)
    with pytest.raises(Conflict, match="error-move-clash"):  # Wednesday 25th, 15:30
        await lessons.move_lesson(
            session,
            teacher,
            first_lessons[1].id,
            day=date(2026, 11, 25),
            start=time(15, 30),
            place="",
            reason="r",
            now=clock.now(),
        )


async def test_absence_notices_once_per_turn_to_absent(session, clock):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    lesson = (await _lessons(session, net.group))[0]  # last Tuesday
    teacher = await net.actor(session, net.teacher)
    absent = {
        net.student.id: AttendanceStatus.ABSENT,
        net.other_student.id: AttendanceStatus.PRESENT,
    }

    async def notices() -> int:
        return await session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "notify-absent")
        )

    assert await attendance.save_attendance(session, teacher, lesson.id, absent, clock.now()) == 1
    await attendance.save_attendance(session, teacher, lesson.id, absent, clock.now())
    assert await notices() == 1
    present = {net.student.id: AttendanceStatus.PRESENT}
    await attendance.save_attendance(session, teacher, lesson.id, present, clock.now())
    await attendance.save_attendance(session, teacher, lesson.id, absent, clock.now())
    assert await notices() == 2
    marks = (await session.scalars(select(AttendanceMark))).all()
    assert len(marks) == 2


async def test_attendance_window_and_roster(session, clock):
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student)
    late_app = await factories.enrolled(session, net.group, net.other_student)
    made = await _lessons(session, net.group)
    app.enrolled_at = datetime(2026, 11, 10, tzinfo=UTC)
    late_app.enrolled_at = datetime(2026, 11, 20, tzinfo=UTC)  # after the 17th's lesson
    await session.flush()
    teacher = await net.actor(session, net.teacher)
    roster = await attendance.roster(session, teacher, made[0].id, clock.now())
    assert [line.name for line in roster.lines] == ["Соколов Артём"]
    assert roster.lines[0].school == "МБОУ СОШ № 5"
    with pytest.raises(Conflict, match="too-early"):
        await attendance.roster(session, teacher, made[2].id, clock.now())
    with pytest.raises(Invalid):
        await attendance.save_attendance(
            session,
            teacher,
            made[0].id,
            {net.other_student.id: AttendanceStatus.ABSENT},
            clock.now(),
        )
    clock.advance(timedelta(days=8))
    with pytest.raises(Forbidden, match="closed"):
        await attendance.roster(session, teacher, made[0].id, clock.now())
    provider_coordinator = await factories.person(
        session, "Григорьева Наталья", Role.COORDINATOR, net.provider.id
    )
    coordinator = await net.actor(session, provider_coordinator)
    await attendance.save_attendance(
        session, coordinator, made[0].id, {net.student.id: AttendanceStatus.EXCUSED}, clock.now()
    )


def test_status_cycle() -> None:
    seen = [attendance.next_status(None)]
    for _ in range(4):
        seen.append(attendance.next_status(seen[-1]))
    assert [s.value for s in seen] == ["present", "absent", "late", "excused", "present"]


async def test_calendar_file_keeps_uids_and_marks_changes(session, clock):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    made = await _lessons(session, net.group)
    window = (clock.now() - timedelta(days=30), clock.now() + timedelta(days=30))

    async def parsed():
        infos = await lessons.lessons_of_student(session, net.student.id, *window)
        return Calendar.from_ical(calendar.calendar_file(infos, "Занятия", clock.now()))

    before = {str(e["uid"]): e for e in (await parsed()).walk("VEVENT")}
    teacher = await net.actor(session, net.teacher)
    await lessons.cancel_lesson(session, teacher, made[1].id, "Карантин", clock.now())
    await lessons.move_lesson(
        session,
        teacher,
        made[2].id,
        day=date(2026, 12, 2),
        start=time(15, 0),
        place="",
        reason="Концерт",
        now=clock.now(),
    )
    after = {str(e["uid"]): e for e in (await parsed()).walk("VEVENT")}
    assert before.keys() == after.keys()
    cancelled = after[calendar.lesson_uid(made[1].id)]
    moved = after[calendar.lesson_uid(made[2].id)]
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) == 1
    assert int(moved["sequence"]) == 1
    assert str(moved["status"]) == "CONFIRMED"
    assert moved.decoded("dtstart") == datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert int(before[calendar.lesson_uid(made[2].id)]["sequence"]) == 0


def test_slots_overlap_across_time_zones() -> None:
    moscow = WeeklySlot(weekday=1, start_time=time(13, 0), end_time=time(14, 0))
    ekb = WeeklySlot(weekday=1, start_time=time(15, 30), end_time=time(16, 30))  # 13:30 Moscow
    later = WeeklySlot(weekday=1, start_time=time(16, 0), end_time=time(17, 0))  # 14:00 Moscow
    monday = date(2026, 11, 23)
    assert slots_overlap(moscow, "Europe/Moscow", ekb, "Asia/Yekaterinburg", monday)
    assert not slots_overlap(moscow, "Europe/Moscow", later, "Asia/Yekaterinburg", monday)
    sunday_late = WeeklySlot(weekday=6, start_time=time(23, 0), end_time=time(23, 59))
    monday_early = WeeklySlot(weekday=0, start_time=time(1, 0), end_time=time(2, 0))
    assert slots_overlap(sunday_late, "Europe/Moscow", monday_early, "Asia/Yekaterinburg", monday)


@pytest.mark.parametrize(
    ("text", "expected"), [("15:30", time(15, 30)), ("9.05", time(9, 5)), (" 7:00 ", time(7, 0))]
)
def test_times_as_people_type_them(text, expected) -> None:
    assert lessons.parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "15:7", "ten", "", "15:60", "-1:00"])
def test_bad_times_are_refused(text) -> None:
    with pytest.raises(Invalid):
        lessons.parse_time(text)


def test_time_ranges() -> None:
    assert lessons.parse_time_range("15:00–16:30") == (time(15), time(16, 30))
    with pytest.raises(Invalid, match="error-times"):
        lessons.parse_time_range("16:00-15:00")


async def test_a_new_holiday_cancels_that_days_lessons(session, clock):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    made = await _lessons(session, net.group)
    admin = await factories.person(session, "Лебедева Ирина", Role.ADMIN)
    actor = await net.actor(session, admin)
    holiday, cancelled = await network.add_holiday(
        session, actor, "01.12.2026  День  здоровья", clock.now()
    )
    assert (holiday.day, holiday.name, cancelled) == (date(2026, 12, 1), "День здоровья", 1)
    assert made[2].status == LessonStatus.CANCELLED
    assert made[2].reason == "День здоровья"
    assert made[1].status == LessonStatus.SCHEDULED
    told = (
        await session.scalars(
            select(Notification.person_id).where(Notification.kind == "notify-lesson-cancelled")
        )
    ).all()
    assert set(told) >= {net.student.id, net.parent.id}
    with pytest.raises(Conflict, match="exists"):
        await network.add_holiday(session, actor, "01.12.2026 Ещё раз", clock.now())
    for bad in ("1 декабря праздник", "31.02.2026 Нет такого дня", "01.12.2026", ""):
        with pytest.raises(Invalid, match="format"):
            await network.add_holiday(session, actor, bad, clock.now())
    with pytest.raises(Forbidden):
        await network.add_holiday(
            session, await net.actor(session, net.coordinator), "02.12.2026 Праздник", clock.now()
        )


async def test_admin_adds_a_holiday_in_chat(session, client_factory):
    await factories.person(session, "Лебедева Ирина", Role.ADMIN, telegram_id=900)
    await session.commit()
    admin = client_factory(900)
    await admin.send("/holidays")
    assert "Впереди выходных дней нет." in admin.screen()
    await admin.send("завтра")
    assert "Напишите дату и название" in admin.screen()
    await admin.send("31.12.2026 Новогодние каникулы")
    assert "чт, 31 декабря — Новогодние каникулы: добавлено" in admin.screen()
    await admin.send("/holidays")
    assert "• чт, 31 декабря — Новогодние каникулы" in admin.screen()


async def test_a_lessons_reason_and_place_keep_their_limits(session, clock):
    """One reason rule for cancelling and moving a lesson as for an application; a place has
    its own limit. Nothing changes on a refusal."""
    net = await factories.network(session)
    tomorrow = (await _lessons(session, net.group))[1]
    teacher = await net.actor(session, net.teacher)
    with pytest.raises(Invalid) as refused:
        await lessons.cancel_lesson(
            session, teacher, tomorrow.id, "я" * (REASON_MAX + 1), clock.now()
        )
    assert (refused.value.key, refused.value.params) == (
        "error-reason-too-long",
        {"max": REASON_MAX},
    )
    move = {"day": date(2026, 11, 25), "start": time(16, 0), "now": clock.now()}
    with pytest.raises(Invalid) as refused:
        await lessons.move_lesson(
            session, teacher, tomorrow.id, place="", reason="я" * (REASON_MAX + 1), **move
        )
    assert refused.value.key == "error-reason-too-long"
    with pytest.raises(Invalid) as refused:
        await lessons.move_lesson(
            session,
            teacher,
            tomorrow.id,
            place="к" * (lessons.PLACE.limit + 1),
            reason="Концерт",
            **move,
        )
    assert (refused.value.key, refused.value.params) == (
        "error-too-long",
        {"max": lessons.PLACE.limit},
    )
    assert tomorrow.status == LessonStatus.SCHEDULED
    assert tomorrow.sequence == 0
    await lessons.move_lesson(
        session,
        teacher,
        tomorrow.id,
        place="к" * lessons.PLACE.limit,
        reason="я" * REASON_MAX,
        **move,
    )
    assert tomorrow.status == LessonStatus.MOVED
