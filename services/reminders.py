"""Reminders and deadlines, derived from the database on every tick.

Nothing is scheduled ahead: each tick looks at what is due now and queues it under a key that
names the occasion (which lesson, which start time, which day), so a tick repeated, missed or
run after a restart neither loses nor repeats a reminder. A reminder for a lesson that has
already begun is not sent late: it is simply no longer due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    AttendanceMark,
    Course,
    Group,
    Lesson,
    Notification,
    Organisation,
    Person,
)
from models.enums import ApplicationState, LessonStatus, Priority
from services import enrollment, seats
from services.names import Named
from services.outbox import Message, queue
from services.people import parent_ids_of

S = ApplicationState
LOOKAHEAD = timedelta(hours=36)
LOOKBACK = timedelta(hours=36)
STALE_ROLL_REMINDER = timedelta(hours=6)
STALE_MORNING = timedelta(hours=12)


@dataclass(frozen=True)
class ReminderRules:
    evening_at: time = time(18, 0)
    minutes_before: int = 60
    roll_after: timedelta = timedelta(minutes=15)
    roll_morning_at: time = time(9, 0)
    consent_remind_after: timedelta = timedelta(days=2)
    consent_expire_after: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class _Due:
    person_id: int
    kind: str
    key: str
    params: dict[str, Any]
    link: dict[str, Any] | None = None


async def _queue_new(session: AsyncSession, due: list[_Due], now: datetime) -> int:
    """Queue the reminders whose keys are not in the outbox yet (one look-up, not one each)."""
    if not due:
        return 0
    keys = [d.key for d in due]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        known.update(
            (
                await session.scalars(
                    select(Notification.dedupe_key).where(
                        Notification.dedupe_key.in_(keys[start : start + 500])
                    )
                )
            ).all()
        )
    fresh = [
        Message(d.person_id, d.kind, d.key, d.params, Priority.NORMAL, d.link)
        for d in due
        if d.key not in known
    ]
    return await queue(session, fresh, now)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M")


async def _timezones(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Organisation.timezone).distinct())).all())


def _days_when(at: time, zone: ZoneInfo, since: datetime, now: datetime) -> list[date]:
    """Local days whose `at` o'clock fell in (since, now]."""
    first = since.astimezone(zone).date() - timedelta(days=1)
    last = now.astimezone(zone).date()
    days = []
    while first <= last:
        moment = datetime.combine(first, at, zone)
        if since < moment <= now:
            days.append(first)
        first += timedelta(days=1)
    return days


def _local_days(zone_name: str, days: list[date], shift: int) -> list[ColumnElement[bool]]:
    """Lessons of the providers in a zone that start on `day + shift` there."""
    zone = ZoneInfo(zone_name)
    return [
        (Organisation.timezone == zone_name)
        & (Lesson.starts_at >= datetime.combine(day + timedelta(days=shift), time(0), zone))
        & (Lesson.starts_at < datetime.combine(day + timedelta(days=shift + 1), time(0), zone))
        for day in days
    ]


async def queue_lesson_reminders(
    session: AsyncSession, now: datetime, rules: ReminderRules, since: datetime | None = None
) -> int:
    """Students: the evening before a lesson, and shortly before it starts.

    Only occasions that came due after `since` (the last tick) are looked at; a lesson that
    has begun is never reminded of."""
    since = since or now - LOOKBACK
    soon = timedelta(minutes=rules.minutes_before)
    windows: list[ColumnElement[bool]] = [
        (Lesson.starts_at > since + soon) & (Lesson.starts_at <= now + soon)
    ]
    for zone_name in await _timezones(session):
        evenings = _days_when(rules.evening_at, ZoneInfo(zone_name), since, now)
        windows += _local_days(zone_name, evenings, shift=1)
    # Lessons first (a range on their start), then their students: a planner that starts
    # from the students would look at every lesson of every group.
    due_lessons = (
        await session.execute(
            select(
                Lesson.id, Lesson.starts_at, Lesson.place, Lesson.group_id, Course.title, Group.code
            )
            .join(Group, Group.id == Lesson.group_id)
            .join(Course, Course.id == Group.course_id)
            .join(Organisation, Organisation.id == Course.provider_org_id)
            .where(Lesson.status != LessonStatus.CANCELLED, Lesson.starts_at > now, or_(*windows))
        )
    ).all()
    students = await seats.students_by_group(session, {row.group_id for row in due_lessons})
    rows = [
        (lesson_id, starts_at, place, title, code, student_id)
        for lesson_id, starts_at, place, group_id, title, code in due_lessons
        for student_id in students.get(group_id, [])
    ]
    due: list[_Due] = []
    for lesson_id, starts_at, place, title, code, student_id in rows:
        params = {
            "course": title,
            "group": code,
            "place": place or "—",
            "when": {"dt": starts_at.isoformat()},
        }
        occasion = f"{lesson_id}:{student_id}:{_stamp(starts_at)}"
        if now >= starts_at - soon:
            due.append(_Due(student_id, "notify-lesson-soon", f"remind-soon:{occasion}", params))
        else:
            due.append(_Due(student_id, "notify-lesson-tomorrow", f"remind-eve:{occasion}", params))
    return await _queue_new(session, due, now)


async def queue_roll_reminders(
    session: AsyncSession, now: datetime, rules: ReminderRules, since: datetime | None = None
) -> int:
    """Teachers: attendance not marked soon after the lesson, and again the next morning."""
    since = since or now - LOOKBACK
    after = rules.roll_after
    first_window = (
        (Lesson.ends_at > since - after)
        & (Lesson.ends_at <= now - after)
        & (Lesson.ends_at > now - after - STALE_ROLL_REMINDER)
    )
    morning_windows: list[ColumnElement[bool]] = []
    mornings: dict[str, set[date]] = {}
    for zone_name in await _timezones(session):
        zone = ZoneInfo(zone_name)
        days = [
            d
            for d in _days_when(rules.roll_morning_at, zone, since, now)
            if now < datetime.combine(d, rules.roll_morning_at, zone) + STALE_MORNING
        ]
        mornings[zone_name] = set(days)
        morning_windows += _local_days(zone_name, days, shift=-1)
    marked = exists().where(AttendanceMark.lesson_id == Lesson.id)
    has_students = seats.students_of(Lesson.group_id).exists()
    rows = await session.execute(
        select(
            Lesson.id,
            Lesson.starts_at,
            Lesson.ends_at,
            Course.title,
            Group.code,
            Group.teacher_id,
            Organisation.timezone,
        )
        .join(Group, Group.id == Lesson.group_id)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(
            Lesson.status != LessonStatus.CANCELLED,
            Lesson.ends_at <= now - after,
            Group.teacher_id.is_not(None),
            or_(first_window, *morning_windows),
            ~marked,
            has_students,
        )
    )
    due: list[_Due] = []
    for lesson_id, starts_at, ends_at, title, code, teacher_id, tz in rows.all():
        if teacher_id is None:
            continue
        params = {"course": title, "group": code, "when": {"dt": starts_at.isoformat()}}
        link = {"to": "lesson", "id": lesson_id}
        came_due = since - after < ends_at <= now - after
        if came_due and ends_at > now - after - STALE_ROLL_REMINDER:
            due.append(
                _Due(teacher_id, "notify-roll-missing", f"remind-roll:{lesson_id}", params, link)
            )
        next_day = ends_at.astimezone(ZoneInfo(tz)).date() + timedelta(days=1)
        if next_day in mornings.get(tz, set()):
            due.append(
                _Due(
                    teacher_id,
                    "notify-roll-missing",
                    f"remind-roll-morning:{lesson_id}",
                    params,
                    link,
                )
            )
    return await _queue_new(session, due, now)


async def process_consent_deadlines(
    session: AsyncSession, now: datetime, rules: ReminderRules
) -> tuple[int, int]:
    """Parents: a reminder after two days without an answer; after seven the application
    expires and the student is told. Returns (reminded, expired)."""
    waiting = (
        await session.execute(
            select(Application.id, Application.updated_at, Application.student_id).where(
                Application.state == S.AWAITING_PARENT,
                Application.updated_at <= now - rules.consent_remind_after,
            )
        )
    ).all()
    expired = 0
    due: list[_Due] = []
    for app_id, since, student_id in waiting:
        if since <= now - rules.consent_expire_after:
            await enrollment.expire(session, app_id, now)
            expired += 1
            continue
        line = await enrollment.application_line(session, app_id)
        student = await session.get(Person, student_id)
        assert student is not None
        due.extend(
            _Due(
                parent_id,
                "notify-consent-reminder",
                f"remind-consent:{app_id}:{parent_id}",
                {
                    "student": Named.of(student).to_param(),
                    "course": line.course_title,
                    "group": line.group_code,
                },
                {"to": "application", "id": app_id},
            )
            for parent_id in await parent_ids_of(session, student_id)
        )
    return await _queue_new(session, due, now), expired


async def undersized_groups(
    session: AsyncSession, org_ids: set[int] | None, today_from: datetime, days: int
) -> list[tuple[Group, str, int]]:
    """Groups below their minimum that start within `days` (of the providers in `org_ids`)."""
    enrolled = seats.taken(Group.id)
    query = (
        select(Group, Course.title, enrolled, Organisation.timezone)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(
            Group.cancelled_at.is_(None),
            Group.confirmed_at.is_(None),
            Group.run_anyway_at.is_(None),
            enrolled < Group.min_size,
        )
        .order_by(Group.start_date, Group.code)
    )
    if org_ids is not None:
        query = query.where(Course.provider_org_id.in_(org_ids))
    found = []
    for group, title, count, tz in (await session.execute(query)).all():
        today = today_from.astimezone(ZoneInfo(tz)).date()
        if today <= group.start_date <= today + timedelta(days=days):
            found.append((group, title, count))
    return found
