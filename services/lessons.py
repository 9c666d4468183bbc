"""Lessons: generated from weekly slots, added one-off, cancelled or moved with a reason.

Every change is kept as a LessonEvent and tells, at once and as urgent, everyone it concerns:
enrolled students, their parents, their home coordinators and the provider's coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Course,
    Group,
    Holiday,
    Lesson,
    LessonEvent,
    Organisation,
    WeeklySlot,
)
from models.enums import LessonStatus, Priority, Role
from services import audience, catalogue, parsing, seats
from services.actor import Actor
from services.audience import Recipient
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.seats import groups_of
from services.text import REASON, TextRule

URGENT_WITHIN = timedelta(hours=24)
PLACE = TextRule(200)  # optional: a lesson keeps its group's place


@dataclass(frozen=True)
class LessonInfo:
    """A lesson with what every screen about it needs."""

    lesson: Lesson
    group: Group
    course: Course
    provider: Organisation

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.provider.timezone)


# --- generating -----------------------------------------------------------------------------


async def holidays_between(session: AsyncSession, start: date, end: date) -> set[date]:
    rows = await session.scalars(select(Holiday.day).where(Holiday.day.between(start, end)))
    return set(rows.all())


def slot_times(day: date, slot: WeeklySlot, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A slot on a given day of the provider's calendar, as aware datetimes."""
    return (
        datetime.combine(day, slot.start_time, zone),
        datetime.combine(day, slot.end_time, zone),
    )


async def generate_lessons(
    session: AsyncSession,
    group: Group,
    slots: list[WeeklySlot],
    timezone: str,
    *,
    since: datetime | None = None,
) -> int:
    """Create the group's lessons from its weekly slots, skipping holidays; idempotent.

    With `since`, only lessons starting after that moment. A lesson moved away from a slot
    still occupies it (by its original time), so it is not planned a second time.
    """
    zone = ZoneInfo(timezone)
    off = await holidays_between(session, group.start_date, group.end_date)
    existing = set()
    for starts_at, original in await session.execute(
        select(Lesson.starts_at, Lesson.original_starts_at).where(Lesson.group_id == group.id)
    ):
        existing.add(starts_at)
        if original is not None:
            existing.add(original)
    created = 0
    day = group.start_date
    while day <= group.end_date:
        if day not in off:
            for slot in slots:
                if slot.weekday != day.weekday():
                    continue
                starts, ends = slot_times(day, slot, zone)
                if starts in existing or (since is not None and starts <= since):
                    continue
                session.add(
                    Lesson(group_id=group.id, starts_at=starts, ends_at=ends, place=group.place)
                )
                created += 1
        day += timedelta(days=1)
    await session.flush()
    return created


async def follow_timetable(
    session: AsyncSession, group: Group, slots: list[WeeklySlot], timezone: str, now: datetime
) -> int:
    """After a group's weekly slots, dates or place changed: its future planned lessons follow.

    Lessons that no longer fit a slot or the dates are dropped, the rest take the group's
    place, and missing ones are planned. Past, cancelled, moved and extra lessons stay as they
    are. Returns how many lessons were planned anew.
    """
    zone = ZoneInfo(timezone)
    wanted = {(s.weekday, s.start_time, s.end_time) for s in slots}
    future = await session.scalars(
        select(Lesson).where(
            Lesson.group_id == group.id,
            Lesson.starts_at > now,
            Lesson.status == LessonStatus.SCHEDULED,
            Lesson.is_extra.is_(False),
        )
    )
    for lesson in future.all():
        starts, ends = lesson.starts_at.astimezone(zone), lesson.ends_at.astimezone(zone)
        fits = (starts.weekday(), starts.time(), ends.time()) in wanted
        if not fits or not group.start_date <= starts.date() <= group.end_date:
            await session.delete(lesson)
        elif lesson.place != group.place:
            lesson.place = group.place
            lesson.sequence += 1
            lesson.updated_at = now
    await session.flush()
    return await generate_lessons(session, group, slots, timezone, since=now)


# --- reading --------------------------------------------------------------------------------


async def lesson_info(session: AsyncSession, lesson_id: int) -> LessonInfo:
    found = await _infos(session, Lesson.id == lesson_id)
    if not found:
        raise NotFound("error-not-found")
    return found[0]


def may_manage(actor: Actor, info: LessonInfo) -> bool:
    """The group's teacher and the provider's coordinators manage its lessons."""
    return catalogue.may_manage(actor, info.group, info.provider.id)


def require_manager(actor: Actor, info: LessonInfo) -> None:
    if not may_manage(actor, info):
        raise Forbidden("error-not-your-lesson")


def _with_course(query: Any) -> Any:
    return (
        query.join(Group, Group.id == Lesson.group_id)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
    )


async def _infos(session: AsyncSession, *conditions: Any) -> list[LessonInfo]:
    rows = await session.execute(
        _with_course(select(Lesson, Group, Course, Organisation))
        .where(*conditions)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [LessonInfo(*row) for row in rows.all()]


async def lessons_for_staff(
    session: AsyncSession, actor: Actor, role: Role | None, start: datetime, end: datetime
) -> list[LessonInfo]:
    """Lessons between two moments: a teacher's own; for a coordinator, those of the
    organisations they coordinate as a provider."""
    if role == Role.COORDINATOR and actor.orgs(Role.COORDINATOR):
        whose: Any = Course.provider_org_id.in_(actor.orgs(Role.COORDINATOR))
    elif actor.has(Role.TEACHER):
        whose = Group.teacher_id == actor.person_id
    else:
        raise Forbidden("error-teachers-only")
    return await _infos(session, whose, Lesson.starts_at >= start, Lesson.starts_at < end)


async def lessons_of_student(
    session: AsyncSession, student_id: int, start: datetime, end: datetime
) -> list[LessonInfo]:
    """Lessons of the groups a student is enrolled in, cancelled and moved ones included."""
    return await _infos(
        session,
        Lesson.group_id.in_(groups_of(student_id)),
        Lesson.starts_at >= start,
        Lesson.starts_at < end,
    )


async def history(session: AsyncSession, lesson_id: int) -> list[LessonEvent]:
    rows = await session.scalars(
        select(LessonEvent).where(LessonEvent.lesson_id == lesson_id).order_by(LessonEvent.id)
    )
    return list(rows.all())


# --- who hears of a change ------------------------------------------------------------------


async def concerned(
    session: AsyncSession, info: LessonInfo, actor_id: int | None = None
) -> list[Recipient]:
    """Students, their parents, the group's teacher, the students' home coordinators and the
    provider's coordinators; not the person making the change (their screen says it)."""
    students = await seats.student_ids(session, info.group.id)
    return audience.join(
        await audience.families(session, students),
        await audience.staff(
            session,
            provider_id=info.provider.id,
            teacher_id=info.group.teacher_id,
            student_ids=students,
        ),
        leave_out=actor_id,
    )


async def cancel_for_holiday(
    session: AsyncSession, actor: Actor, day: date, name: str, now: datetime
) -> int:
    """A new network holiday cancels that day's lessons (each provider's calendar day)."""
    candidates = await _infos(
        session,
        Lesson.status != LessonStatus.CANCELLED,
        Lesson.starts_at >= datetime.combine(day - timedelta(days=1), time(0), ZoneInfo("UTC")),
        Lesson.starts_at < datetime.combine(day + timedelta(days=2), time(0), ZoneInfo("UTC")),
        Lesson.starts_at > now,
    )
    cancelled = 0
    for info in candidates:
        if info.lesson.starts_at.astimezone(info.timezone).date() == day:
            await _cancel(session, info, name, actor.person_id, now)
            cancelled += 1
    return cancelled


def change_priority(first_affected: datetime, now: datetime) -> Priority:
    """A change to something within the next day cannot wait: it goes out before all else
    and even in quiet hours. Later changes are ordinary news."""
    return Priority.URGENT if first_affected - now <= URGENT_WITHIN else Priority.NORMAL


async def _tell_everyone(
    session: AsyncSession,
    info: LessonInfo,
    event: LessonEvent,
    kind: str,
    now: datetime,
    **params: Any,
) -> None:
    affected = min(t for t in (event.old_starts_at, event.new_starts_at) if t is not None)
    await audience.tell(
        session,
        await concerned(session, info, event.actor_id),
        kind=kind,
        key_prefix=f"lesson-event:{event.id}",
        now=now,
        params={"course": info.course.title, "group": info.group.code, **params},
        priority=change_priority(affected, now),
    )


# --- changing -------------------------------------------------------------------------------


def clean_reason(text: str) -> str:
    return REASON.clean(text)


def clean_place(text: str) -> str:
    return PLACE.clean(text)


async def _load_for_change(session: AsyncSession, actor: Actor, lesson_id: int) -> LessonInfo:
    info = await lesson_info(session, lesson_id)
    require_manager(actor, info)
    if info.lesson.status == LessonStatus.CANCELLED:
        raise Conflict("error-lesson-cancelled")
    return info


async def changeable(
    session: AsyncSession, actor: Actor, lesson_id: int, now: datetime
) -> LessonInfo:
    """A lesson this person may still cancel or move: theirs, not cancelled, not over."""
    info = await _load_for_change(session, actor, lesson_id)
    if info.lesson.ends_at <= now:
        raise Conflict("error-lesson-past")
    return info


async def cancel_lesson(
    session: AsyncSession, actor: Actor, lesson_id: int, reason: str, now: datetime
) -> LessonInfo:
    """Cancel a lesson that has not yet ended; everyone concerned is told at once."""
    text = clean_reason(reason)
    info = await changeable(session, actor, lesson_id, now)
    await _cancel(session, info, text, actor.person_id, now)
    return info


async def _cancel(
    session: AsyncSession, info: LessonInfo, reason: str, actor_id: int | None, now: datetime
) -> None:
    lesson = info.lesson
    lesson.status = LessonStatus.CANCELLED
    lesson.reason = reason
    lesson.sequence += 1
    lesson.updated_at = now
    event = LessonEvent(
        lesson_id=lesson.id,
        action="cancelled",
        old_starts_at=lesson.starts_at,
        old_place=lesson.place,
        reason=reason,
        actor_id=actor_id,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    await _tell_everyone(
        session,
        info,
        event,
        "notify-lesson-cancelled",
        now,
        when={"dt": lesson.starts_at.isoformat()},
        reason=reason,
    )


async def _clash(
    session: AsyncSession, info: LessonInfo, starts: datetime, ends: datetime
) -> Lesson | None:
    """Another live lesson of the same group or the same teacher overlapping the new time."""
    same_owner = Lesson.group_id == info.group.id
    if info.group.teacher_id is not None:
        taught = select(Group.id).where(Group.teacher_id == info.group.teacher_id)
        same_owner = same_owner | Lesson.group_id.in_(taught)
    return await session.scalar(
        select(Lesson).where(
            same_owner,
            Lesson.id != info.lesson.id,
            Lesson.status != LessonStatus.CANCELLED,
            Lesson.starts_at < ends,
            Lesson.ends_at > starts,
        )
    )


async def check_move(
    session: AsyncSession, actor: Actor, lesson_id: int, *, day: date, start: time, now: datetime
) -> LessonInfo:
    """Whether the lesson may move to that day and time: not past, clashing with nothing."""
    info = await changeable(session, actor, lesson_id, now)
    lesson = info.lesson
    starts = datetime.combine(day, start, info.timezone)
    if starts <= now:
        raise Invalid("error-move-to-past")
    other = await _clash(session, info, starts, starts + (lesson.ends_at - lesson.starts_at))
    if other is not None:
        raise Conflict("error-move-clash", when={"dt": other.starts_at.isoformat()})
    return info


async def move_lesson(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    *,
    day: date,
    start: time,
    place: str,
    reason: str,
    now: datetime,
) -> LessonInfo:
    """Move a lesson to another day, time (provider's local time) and place."""
    text = clean_reason(reason)
    new_place = clean_place(place)
    info = await check_move(session, actor, lesson_id, day=day, start=start, now=now)
    lesson = info.lesson
    starts = datetime.combine(day, start, info.timezone)
    ends = starts + (lesson.ends_at - lesson.starts_at)
    if starts == lesson.starts_at and (new_place or lesson.place) == lesson.place:
        raise Invalid("error-move-same")
    event = LessonEvent(
        lesson_id=lesson.id,
        action="moved",
        old_starts_at=lesson.starts_at,
        new_starts_at=starts,
        old_place=lesson.place,
        new_place=new_place or lesson.place,
        reason=text,
        actor_id=actor.person_id,
        created_at=now,
    )
    if lesson.original_starts_at is None:
        lesson.original_starts_at = lesson.starts_at
    old_starts = lesson.starts_at
    lesson.starts_at, lesson.ends_at = starts, ends
    lesson.place = new_place or lesson.place
    lesson.status = LessonStatus.MOVED
    lesson.reason = text
    lesson.sequence += 1
    lesson.updated_at = now
    session.add(event)
    await session.flush()
    await _tell_everyone(
        session,
        info,
        event,
        "notify-lesson-moved",
        now,
        old={"dt": old_starts.isoformat()},
        new={"dt": starts.isoformat()},
        place=lesson.place or "—",
        reason=text,
    )
    return info


async def check_new_lesson(
    session: AsyncSession,
    actor: Actor,
    group_id: int,
    *,
    day: date,
    start: time,
    end: time,
    now: datetime,
) -> LessonInfo:
    """Whether an extra lesson may be held then; returns it unsaved."""
    group = await catalogue.group_with_course(session, group_id)
    provider = await session.get(Organisation, group.course.provider_org_id)
    assert provider is not None
    info = LessonInfo(
        Lesson(group_id=group.id, starts_at=now, ends_at=now, place=group.place),
        group,
        group.course,
        provider,
    )
    require_manager(actor, info)
    if group.cancelled_at is not None:
        raise Conflict("error-group-closed")
    starts = datetime.combine(day, start, info.timezone)
    ends = datetime.combine(day, end, info.timezone)
    if ends <= starts:
        raise Invalid("error-times")
    if starts <= now:
        raise Invalid("error-move-to-past")
    other = await _clash(session, info, starts, ends)
    if other is not None:
        raise Conflict("error-move-clash", when={"dt": other.starts_at.isoformat()})
    info.lesson.starts_at, info.lesson.ends_at = starts, ends
    return info


async def add_lesson(
    session: AsyncSession,
    actor: Actor,
    group_id: int,
    *,
    day: date,
    start: time,
    end: time,
    place: str,
    now: datetime,
) -> LessonInfo:
    """A one-off lesson outside the weekly slots (a make-up, an extra class)."""
    info = await check_new_lesson(session, actor, group_id, day=day, start=start, end=end, now=now)
    lesson = info.lesson
    lesson.place = clean_place(place) or info.group.place
    lesson.is_extra = True
    lesson.updated_at = now
    session.add(lesson)
    await session.flush()
    event = LessonEvent(
        lesson_id=lesson.id,
        action="added",
        new_starts_at=lesson.starts_at,
        new_place=lesson.place,
        actor_id=actor.person_id,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    await _tell_everyone(
        session,
        info,
        event,
        "notify-lesson-added",
        now,
        when={"dt": lesson.starts_at.isoformat()},
        place=lesson.place or "—",
    )
    return info


def parse_time(text: str) -> time:
    """A lesson's time as people type it: 15:30, 15.30, 9:05."""
    return parsing.parse_time(text)


def parse_time_range(text: str) -> tuple[time, time]:
    """ "15:00-16:30" (any dash) as two times, the second later: a lesson ends the day it
    begins."""
    start, end = parsing.parse_time_range(text)
    if end <= start:
        raise Invalid("error-times")
    return start, end
