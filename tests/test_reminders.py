"""Reminders that run themselves: derived from the database each tick, never lost on a
restart, never repeated, never sent late for a lesson that has begun."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from models import Application, Lesson, Notification, WeeklySlot
from models.enums import ApplicationState, AttendanceStatus, LessonStatus, Role
from services import attendance, digests, enrollment, groups, lessons, reminders
from services.reminders import ReminderRules
from tests import factories

RULES = ReminderRules()


async def _kinds(session, kind: str) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Notification.person_id, Notification.dedupe_key)
        .where(Notification.kind == kind)
        .order_by(Notification.id)
    )
    found = list(rows.all())
    await session.commit()  # an open SQLite transaction would hold the write lock
    return found


async def _setup(session):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    slots = list((await session.scalars(select(WeeklySlot))).all())
    await lessons.generate_lessons(session, net.group, slots, "Europe/Moscow")
    tuesday = await session.scalar(
        select(Lesson).where(Lesson.starts_at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    )
    await session.commit()
    return net, tuesday


async def test_evening_before_and_an_hour_before(session, clock):
    net, _tuesday = await _setup(session)  # Tuesday 24th, 15:00 Moscow
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # Monday 18:00 in Moscow
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 1
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=UTC))  # 14:00, an hour before
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 1
    assert [p for p, _ in await _kinds(session, "notify-lesson-tomorrow")] == [net.student.id]
    assert [p for p, _ in await _kinds(session, "notify-lesson-soon")] == [net.student.id]


async def test_downtime_catches_up_once_and_drops_what_has_begun(session, clock):
    _net, _tuesday = await _setup(session)
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 17:00 Monday: nothing yet
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    # Down from 17:00 to 19:30: the evening reminder came due meanwhile; sent once after.
    clock.set(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 1
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    # Down again through the lesson's start: the hour-before reminder is not sent late.
    clock.set(datetime(2026, 11, 24, 12, 10, tzinfo=UTC))
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    assert await _kinds(session, "notify-lesson-soon") == []


async def test_cancelled_lessons_are_not_reminded_and_moved_ones_are_at_their_new_time(
    session, clock
):
    net, tuesday = await _setup(session)
    teacher = await net.actor(session, net.teacher)
    await lessons.cancel_lesson(session, teacher, tuesday.id, "Карантин", clock.now())
    clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 0
    next_one = await session.scalar(
        select(Lesson).where(Lesson.starts_at == datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    )
    await lessons.move_lesson(
        session,
        teacher,
        next_one.id,
        day=date(2026, 11, 25),
        start=time(16, 0),
        place="",
        reason="Концерт",
        now=clock.now(),
    )
    clock.set(datetime(2026, 11, 24, 15, 5, tzinfo=UTC))  # Tuesday 18:05, eve of the 25th
    assert await reminders.queue_lesson_reminders(session, clock.now(), RULES) == 1


async def test_teacher_reminded_when_attendance_is_missing(session, clock):
    net, _tuesday = await _setup(session)
    clock.set(datetime(2026, 11, 24, 13, 40, tzinfo=UTC))  # 16:40, lesson ended at 16:30
    assert await reminders.queue_roll_reminders(session, clock.now(), RULES) == 0
    clock.set(datetime(2026, 11, 24, 13, 46, tzinfo=UTC))
    assert await reminders.queue_roll_reminders(session, clock.now(), RULES) == 1
    assert await reminders.queue_roll_reminders(session, clock.now(), RULES) == 0
    clock.set(datetime(2026, 11, 25, 6, 5, tzinfo=UTC))  # 09:05 the next morning
    assert await reminders.queue_roll_reminders(session, clock.now(), RULES) == 1
    rows = await _kinds(session, "notify-roll-missing")
    assert [p for p, _ in rows] == [net.teacher.id, net.teacher.id]


async def test_no_attendance_reminder_once_marked(session, clock):
    net, tuesday = await _setup(session)
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    teacher = await net.actor(session, net.teacher)
    await attendance.save_attendance(
        session, teacher, tuesday.id, {net.student.id: AttendanceStatus.PRESENT}, clock.now()
    )
    clock.set(datetime(2026, 11, 25, 6, 5, tzinfo=UTC))
    assert await reminders.queue_roll_reminders(session, clock.now(), RULES) == 0


async def test_consent_reminder_then_expiry(session, clock):
    net = await factories.network(session)
    actor = await net.actor(session, net.student)
    app = await enrollment.apply(session, actor, net.group.id, clock.now())
    await session.commit()
    clock.advance(timedelta(days=1))
    assert await reminders.process_consent_deadlines(session, clock.now(), RULES) == (0, 0)
    clock.advance(timedelta(days=1, minutes=1))
    assert await reminders.process_consent_deadlines(session, clock.now(), RULES) == (1, 0)
    assert await reminders.process_consent_deadlines(session, clock.now(), RULES) == (0, 0)
    assert [p for p, _ in await _kinds(session, "notify-consent-reminder")] == [net.parent.id]
    clock.advance(timedelta(days=5))
    assert await reminders.process_consent_deadlines(session, clock.now(), RULES) == (0, 1)
    await session.refresh(app)
    assert app.state == ApplicationState.EXPIRED
    told = {p for p, _ in await _kinds(session, "notify-expired")}
    assert told == {net.student.id, net.parent.id}


async def test_coordinator_digest_once_a_day(session, clock):
    net = await factories.network(session)
    actor = await net.actor(session, net.student)
    app = await enrollment.apply(session, actor, net.group.id, clock.now())
    await enrollment.parent_confirm(
        session, await net.actor(session, net.parent), app.id, clock.now()
    )
    at = time(18, 0)
    assert await digests.queue_coordinator_digests(session, clock.now(), at) == 0  # 09:00
    clock.set(datetime(2026, 11, 23, 15, 1, tzinfo=UTC))  # 18:01 Moscow
    assert await digests.queue_coordinator_digests(session, clock.now(), at) == 1
    assert await digests.queue_coordinator_digests(session, clock.now(), at) == 0
    (row,) = (
        await session.scalars(
            select(Notification).where(Notification.kind == "notify-coordinator-digest")
        )
    ).all()
    assert row.person_id == net.coordinator.id
    assert row.params["review"] == 1


async def test_admin_weekly_summary_on_mondays(session, clock):
    admin = await factories.person(session, "Лебедева Ирина", Role.ADMIN)
    at = time(18, 0)
    clock.set(datetime(2026, 11, 23, 15, 1, tzinfo=UTC))  # Monday 18:01
    assert await digests.queue_admin_summaries(session, clock.now(), at, "Europe/Moscow") == 1
    clock.advance(timedelta(hours=2))
    assert await digests.queue_admin_summaries(session, clock.now(), at, "Europe/Moscow") == 0
    clock.advance(timedelta(days=1))
    assert await digests.queue_admin_summaries(session, clock.now(), at, "Europe/Moscow") == 0
    assert (await _kinds(session, "notify-admin-weekly"))[0][0] == admin.id


async def test_a_weekly_summary_missed_on_monday_is_caught_up_once(session, clock):
    """The bot was down all Monday evening: Tuesday's first tick sends the week's summary,
    once; the next one comes the next Monday."""
    await factories.person(session, "Лебедева Ирина", Role.ADMIN)
    at = time(18, 0)
    tuesday = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 10:00 Moscow, the day after
    assert await digests.queue_admin_summaries(session, tuesday, at, "Europe/Moscow") == 1
    later = tuesday + timedelta(days=3)
    assert await digests.queue_admin_summaries(session, later, at, "Europe/Moscow") == 0
    next_monday = datetime(2026, 11, 30, 15, 1, tzinfo=UTC)  # 18:01 Moscow
    assert await digests.queue_admin_summaries(session, next_monday, at, "Europe/Moscow") == 1
    keys = [k for (_, k) in await _kinds(session, "notify-admin-weekly")]
    assert keys == sorted(keys)
    assert len(set(keys)) == 2


async def _small_group(session, clock):
    net = await factories.network(session)
    provider_coordinator = await factories.person(
        session, "Григорьева Наталья", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    net.group.start_date = date(2026, 11, 30)  # a week from the frozen Monday
    await factories.enrolled(session, net.group, net.student)
    waiting = await factories.enrolled(
        session, net.group, net.other_student, ApplicationState.AWAITING_SCHOOL
    )
    other = await factories.course_with_group(session, net.provider, title="Алгебра+", capacity=20)
    slots = list(
        (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == net.group.id))).all()
    )
    await lessons.generate_lessons(session, net.group, slots, "Europe/Moscow")
    await session.commit()
    return net, provider_coordinator, waiting, other


async def test_small_group_warned_a_week_ahead_and_cancelled(session, clock):
    net, coordinator, _waiting, other = await _small_group(session, clock)
    assert await groups.queue_undersized_warnings(session, clock.now()) == 1
    assert await groups.queue_undersized_warnings(session, clock.now()) == 0  # told once
    rows = await _kinds(session, "notify-group-undersized")
    assert [p for p, _ in rows] == [coordinator.id]
    actor = await net.actor(session, coordinator)
    told = await groups.cancel_group(session, actor, net.group.id, clock.now())
    assert told == 2
    states = (await session.scalars(select(Application.state).order_by(Application.id))).all()
    assert set(states) == {ApplicationState.GROUP_CANCELLED}
    future = (
        await session.scalars(
            select(Lesson.status).where(
                Lesson.group_id == net.group.id, Lesson.starts_at > clock.now()
            )
        )
    ).all()
    assert future
    assert set(future) == {LessonStatus.CANCELLED}
    cancelled = (
        await session.scalars(
            select(Notification).where(Notification.kind == "notify-group-cancelled")
        )
    ).all()
    assert {n.person_id for n in cancelled} == {
        net.student.id,
        net.parent.id,
        net.other_student.id,
        net.other_parent.id,
    }
    assert other.code in cancelled[0].params["suggestions"]


async def test_run_anyway_stops_the_warnings(session, clock):
    net, coordinator, _, _ = await _small_group(session, clock)
    await groups.run_anyway(
        session, await net.actor(session, coordinator), net.group.id, clock.now()
    )
    await session.commit()
    clock.advance(timedelta(days=1))
    assert await groups.queue_undersized_warnings(session, clock.now()) == 0
    count = await session.scalar(select(func.count(Notification.id)))
    assert count == 0


async def test_the_scheduler_catches_up_after_a_restart_once_and_not_late(
    session, session_factory, settings, clock
):
    """Ticks, then the bot is down from 17:00 Monday to 14:30 Tuesday, then ticks again."""
    from bot.scheduler import Jobs

    net, _tuesday = await _setup(session)
    late_student = await factories.person(
        session, "Новиков Павел", Role.STUDENT, net.home.id, grade=8
    )
    evening_group = await factories.course_with_group(
        session, net.provider, title="Вокал", weekday=1, start=(18, 30), end=(20, 0)
    )
    await factories.enrolled(session, evening_group, late_student)
    slots = list(
        (
            await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == evening_group.id))
        ).all()
    )
    await lessons.generate_lessons(session, evening_group, slots, "Europe/Moscow")
    await session.commit()
    jobs = Jobs(session_factory, settings, clock)

    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # Monday 17:00
    assert await jobs.tick() == []
    clock.set(datetime(2026, 11, 24, 11, 30, tzinfo=UTC))  # back at Tuesday 14:30
    assert await jobs.tick() == []
    assert await jobs.tick() == []
    tomorrow = await _kinds(session, "notify-lesson-tomorrow")
    soon = await _kinds(session, "notify-lesson-soon")
    # Both evening reminders fell in the downtime. The 18:30 lesson's is sent once; for the
    # 15:00 lesson it is too late for "tomorrow": its "soon" (due at 14:00) goes instead.
    assert [p for p, _ in tomorrow] == [late_student.id]
    assert [p for p, _ in soon] == [net.student.id]
    clock.set(datetime(2026, 11, 24, 15, 40, tzinfo=UTC))  # 18:40: the evening one began
    assert await jobs.tick() == []
    assert [p for p, _ in await _kinds(session, "notify-lesson-soon")] == [net.student.id], (
        "a reminder for a lesson that has begun is dropped, not sent late"
    )
