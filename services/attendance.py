"""Attendance: who may mark which lesson and when, the roster, and absences told to parents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, AttendanceMark, Course, Group, Lesson, Organisation, Person
from models.enums import AttendanceStatus, LessonStatus, Priority, Role
from services import seats
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, Forbidden, Invalid
from services.lessons import LessonInfo, lesson_info, may_manage
from services.names import Named
from services.outbox import notify_many
from services.people import parent_ids_of

A = AttendanceStatus
# One tap moves a student to the next status.
CYCLE = (A.PRESENT, A.ABSENT, A.LATE, A.EXCUSED)
TEACHER_EDIT_WINDOW = timedelta(days=7)
# Marking opens a little before the start, so a teacher can take the roll as people arrive.
OPENS_BEFORE_START = timedelta(minutes=30)


def next_status(current: AttendanceStatus | None) -> AttendanceStatus:
    if current is None:
        return CYCLE[0]
    return CYCLE[(CYCLE.index(current) + 1) % len(CYCLE)]


@dataclass(frozen=True)
class RosterLine:
    student_id: int
    name: str
    school: str
    status: AttendanceStatus | None


@dataclass(frozen=True)
class Roster:
    info: LessonInfo
    lines: list[RosterLine]


def check_can_mark(actor: Actor, info: LessonInfo, now: datetime) -> None:
    """The teacher for seven days after the lesson; the provider's coordinators any time."""
    if not may_manage(actor, info):
        raise Forbidden("error-not-your-lesson")
    lesson = info.lesson
    if lesson.status == LessonStatus.CANCELLED:
        raise Conflict("error-lesson-cancelled")
    if now < lesson.starts_at - OPENS_BEFORE_START:
        raise Conflict("error-attendance-too-early")
    if actor.has(Role.COORDINATOR, info.provider.id):
        return
    if now > lesson.starts_at + TEACHER_EDIT_WINDOW:
        raise Forbidden("error-attendance-closed", days=TEACHER_EDIT_WINDOW.days)


async def roster(session: AsyncSession, actor: Actor, lesson_id: int, now: datetime) -> Roster:
    """Students expected at the lesson — name and home school only — with their marks."""
    info = await lesson_info(session, lesson_id)
    check_can_mark(actor, info, now)
    lesson = info.lesson
    marks = {
        m.student_id: m.status
        for m in await session.scalars(
            select(AttendanceMark).where(AttendanceMark.lesson_id == lesson.id)
        )
    }
    # Those enrolled by the time the lesson began; someone enrolled later was not expected.
    enrolled = seats.students_of(lesson.group_id).where(
        or_(Application.enrolled_at.is_(None), Application.enrolled_at <= lesson.starts_at)
    )
    rows = await session.execute(
        select(Person.id, Person.full_name, Organisation.short_name)
        .outerjoin(Organisation, Organisation.id == Person.home_org_id)
        .where(or_(Person.id.in_(enrolled), Person.id.in_(list(marks))))
        .order_by(Person.full_name, Person.id)
    )
    lines = [
        RosterLine(pid, name, school or "—", marks.get(pid)) for pid, name, school in rows.all()
    ]
    return Roster(info, lines)


async def save_attendance(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    marks: Mapping[int, AttendanceStatus],
    now: datetime,
) -> int:
    """Save marks; parents of each student who turned absent are told once per turn.

    Returns how many parents' notices were queued.
    """
    current = await roster(session, actor, lesson_id, now)
    expected = {line.student_id for line in current.lines}
    if not set(marks) <= expected:
        raise Invalid("error-not-in-roster")
    existing = {
        m.student_id: m
        for m in await session.scalars(
            select(AttendanceMark).where(AttendanceMark.lesson_id == lesson_id)
        )
    }
    info = current.info
    told = 0
    for student_id, status in marks.items():
        mark = existing.get(student_id)
        was = mark.status if mark else None
        if mark is None:
            mark = AttendanceMark(
                lesson_id=lesson_id,
                student_id=student_id,
                status=status,
                marked_by_id=actor.person_id,
                marked_at=now,
                absences=0,
            )
            session.add(mark)
        elif was != status:
            if now > info.lesson.ends_at:
                await record(
                    session,
                    actor_id=actor.person_id,
                    action="attendance.changed",
                    object_type="attendance_mark",
                    object_id=mark.id,
                    now=now,
                    details={
                        "lesson_id": lesson_id,
                        "student_id": student_id,
                        "from": was.value if was else None,
                        "to": status.value,
                    },
                )
            mark.status, mark.marked_by_id, mark.marked_at = status, actor.person_id, now
        if status == A.ABSENT and was != A.ABSENT:
            mark.absences += 1
            parents = await parent_ids_of(session, student_id)
            student = await session.get(Person, student_id)
            assert student is not None
            await notify_many(
                session,
                parents,
                kind="notify-absent",
                key_prefix=f"absent:{lesson_id}:{student_id}:{mark.absences}",
                now=now,
                params={
                    "student": Named.of(student).to_param(),
                    "course": info.course.title,
                    "when": {"dt": info.lesson.starts_at.isoformat()},
                },
                priority=Priority.NORMAL,
            )
            told += len(parents)
    await session.flush()
    return told


@dataclass(frozen=True)
class CourseAttendance:
    course: str
    counts: Counter[AttendanceStatus]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def student_attendance(session: AsyncSession, student_id: int) -> list[CourseAttendance]:
    """How often the student was present, absent, late or excused, per course."""
    rows = await session.execute(
        select(Course.title, AttendanceMark.status, func.count(AttendanceMark.id))
        .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
        .join(Group, Group.id == Lesson.group_id)
        .join(Course, Course.id == Group.course_id)
        .where(AttendanceMark.student_id == student_id)
        .group_by(Course.title, AttendanceMark.status)
    )
    per_course: dict[str, Counter[AttendanceStatus]] = {}
    for title, status, n in rows.all():
        per_course.setdefault(title, Counter())[status] += n
    return [CourseAttendance(t, c) for t, c in sorted(per_course.items())]


@dataclass(frozen=True)
class AbsenceLine:
    mark_id: int
    student: str
    course: str
    provider: str
    starts_at: datetime


async def unreported_absences(session: AsyncSession, org_id: int) -> list[AbsenceLine]:
    """Absences of an organisation's students at other organisations' lessons that its
    coordinators have not yet been told of, whenever they were marked."""
    rows = await session.execute(
        select(
            AttendanceMark.id,
            Person.full_name,
            Course.title,
            Organisation.short_name,
            Lesson.starts_at,
        )
        .select_from(AttendanceMark)
        .join(Person, Person.id == AttendanceMark.student_id)
        .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
        .join(Group, Group.id == Lesson.group_id)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(
            Person.home_org_id == org_id,
            Course.provider_org_id != org_id,
            AttendanceMark.status == A.ABSENT,
            AttendanceMark.absences > AttendanceMark.reported_absences,
        )
        .order_by(Lesson.starts_at, Person.full_name)
    )
    return [AbsenceLine(*row) for row in rows.all()]


async def mark_reported(session: AsyncSession, mark_ids: list[int]) -> None:
    await session.execute(
        update(AttendanceMark)
        .where(AttendanceMark.id.in_(mark_ids))
        .values(reported_absences=AttendanceMark.absences)
    )
