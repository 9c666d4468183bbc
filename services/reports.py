"""Reports and the city programme's indicators, each within the reader's scope.

Scope is decided here, never by which buttons a screen shows: the network admin sees the whole
network; a coordinator their organisation — its students wherever they study and the groups it
provides (a group elsewhere where its students study is seen too, its students' rows only); a
teacher their own groups; students and parents get nothing. Every figure, export row and chart
point is read through these rules, so a forged button cannot widen them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    AttendanceMark,
    Course,
    Group,
    Lesson,
    Organisation,
    Person,
    RoleGrant,
)
from models.enums import ApplicationState, AttendanceStatus, Direction, LessonStatus, Role
from services import parsing, seats
from services.actor import Actor
from services.errors import Forbidden, Invalid, NotFound

STAFF = (Role.ADMIN, Role.COORDINATOR, Role.TEACHER)
# The city programme (seeds 003): at least half the organisations and teachers involved.
INDICATOR_TARGET = 0.5
PERIOD_MAX_DAYS = 731
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


# --- who sees what ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one reader may see, in the role they act in."""

    role: Role
    person_id: int
    org_ids: frozenset[int] = frozenset()
    everything: bool = False  # every organisation: the network admin's reach


def scope_of(actor: Actor, role: Role | None) -> Scope:
    """The scope of the role the person acts in; refused for students, parents and guests."""
    if role not in STAFF or role not in actor.role_set:
        raise Forbidden("error-reports-staff-only")
    if role == Role.TEACHER:
        return Scope(role, actor.person_id)
    orgs = actor.org_scope(role)
    return Scope(role, actor.person_id, orgs or frozenset(), everything=orgs is None)


def _own_students_groups(org_ids: frozenset[int]) -> Select[int]:
    return (
        select(Application.group_id)
        .join(Person, Person.id == Application.student_id)
        .where(Person.home_org_id.in_(org_ids))
    )


def groups_seen(scope: Scope) -> ColumnElement[bool]:
    """Groups the scope sees (a query with Group and Course joined)."""
    if scope.everything:
        return true()
    if scope.role == Role.COORDINATOR:
        return or_(
            Course.provider_org_id.in_(scope.org_ids),
            Group.id.in_(_own_students_groups(scope.org_ids)),
        )
    return Group.teacher_id == scope.person_id


def rows_seen(scope: Scope) -> ColumnElement[bool]:
    """Rows about a student (Person) in a group (Group, Course joined) the scope may read."""
    if scope.everything:
        return true()
    if scope.role == Role.COORDINATOR:
        return or_(Course.provider_org_id.in_(scope.org_ids), Person.home_org_id.in_(scope.org_ids))
    return Group.teacher_id == scope.person_id


class SubjectKind(StrEnum):
    ALL = "all"
    ORG = "org"
    GROUP = "group"
    STUDENT = "student"


@dataclass(frozen=True)
class Subject:
    """Whose data: everything in scope, an organisation, a group or a student."""

    kind: SubjectKind
    id: int = 0


async def check_subject(session: AsyncSession, scope: Scope, subject: Subject) -> str:
    """Refuse a subject outside the scope; returns its name for a caption ("" for all)."""
    if subject.kind == SubjectKind.ALL:
        return ""
    if subject.kind == SubjectKind.ORG:
        org = await session.get(Organisation, subject.id)
        if scope.role == Role.TEACHER or (not scope.everything and subject.id not in scope.org_ids):
            raise Forbidden("error-report-not-your-org")
        if org is None:
            raise NotFound("error-not-found")
        return org.short_name
    if subject.kind == SubjectKind.GROUP:
        row = (
            await session.execute(
                select(Group.code, Course.title, groups_seen(scope))
                .join(Course, Course.id == Group.course_id)
                .where(Group.id == subject.id)
            )
        ).first()
        if row is None:
            raise NotFound("error-not-found")
        if not row[2]:
            raise Forbidden("error-report-not-your-group")
        return f"{row[1]} ({row[0]})"
    student = await session.get(Person, subject.id)
    if student is None or student.grade is None:
        raise NotFound("error-not-found")
    if not scope.everything:
        seen = await session.scalar(
            select(func.count(Application.id))
            .join(Person, Person.id == Application.student_id)
            .join(Group, Group.id == Application.group_id)
            .join(Course, Course.id == Group.course_id)
            .where(Person.id == subject.id, rows_seen(scope))
        )
        at_home = scope.role == Role.COORDINATOR and student.home_org_id in scope.org_ids
        if not seen and not at_home:
            raise Forbidden("error-report-not-your-student")
    return student.full_name


def subject_condition(subject: Subject) -> ColumnElement[bool]:
    if subject.kind == SubjectKind.ORG:
        return or_(Course.provider_org_id == subject.id, Person.home_org_id == subject.id)
    if subject.kind == SubjectKind.GROUP:
        return Group.id == subject.id
    if subject.kind == SubjectKind.STUDENT:
        return Person.id == subject.id
    return true()


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


async def organisations_seen(session: AsyncSession, scope: Scope) -> list[Choice]:
    if scope.role == Role.TEACHER:
        return []
    query = select(Organisation.id, Organisation.short_name).order_by(Organisation.short_name)
    if not scope.everything:
        query = query.where(Organisation.id.in_(scope.org_ids))
    return [Choice(i, name) for i, name in (await session.execute(query)).all()]


async def groups_to_choose(session: AsyncSession, scope: Scope) -> list[Choice]:
    rows = await session.execute(
        select(Group.id, Group.code, Course.title)
        .join(Course, Course.id == Group.course_id)
        .where(groups_seen(scope))
        .order_by(Course.title, Group.code)
    )
    return [Choice(i, f"{title} ({code})") for i, code, title in rows.all()]


SEARCH_LIMIT = 10


async def find_students(session: AsyncSession, scope: Scope, text: str) -> list[Choice]:
    """Students in scope whose name contains the typed words (any case, any alphabet)."""
    words = text.casefold().split()
    if not words or sum(len(w) for w in words) < 2:
        raise Invalid("error-report-search-short")
    query = select(Person.id, Person.full_name).where(Person.grade.is_not(None))
    if not scope.everything:
        in_groups = (
            select(Application.student_id)
            .join(Group, Group.id == Application.group_id)
            .join(Course, Course.id == Group.course_id)
            .join(Person, Person.id == Application.student_id)
            .where(rows_seen(scope))
        )
        condition: ColumnElement[bool] = Person.id.in_(in_groups)
        if scope.role == Role.COORDINATOR:
            condition = or_(condition, Person.home_org_id.in_(scope.org_ids))
        query = query.where(condition)
    found = [
        Choice(i, name)
        for i, name in (await session.execute(query.order_by(Person.full_name))).all()
        if all(w in name.casefold() for w in words)
    ]
    return found[:SEARCH_LIMIT]


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as moments: from its first midnight to the midnight after its last day."""
        return (
            datetime.combine(self.start, time(), tz),
            datetime.combine(self.end + timedelta(days=1), time(), tz),
        )

    def runs(self) -> ColumnElement[bool]:
        """A group runs in the period: not cancelled, and its dates meet the period's."""
        return and_(
            Group.cancelled_at.is_(None),
            Group.start_date <= self.end,
            Group.end_date >= self.start,
        )


class Preset(StrEnum):
    MONTH = "month"
    TERM = "term"
    LAST30 = "last30"


def preset_period(preset: str, today: date) -> Period:
    """This month; this term (the academic half-year: September–December or January–May);
    the last 30 days up to today."""
    if preset == Preset.MONTH:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(first, following - timedelta(days=1))
    if preset == Preset.TERM:
        if today.month >= 9:
            return Period(date(today.year, 9, 1), date(today.year, 12, 31))
        return Period(date(today.year, 1, 1), date(today.year, 5, 31))
    if preset == Preset.LAST30:
        return Period(today - timedelta(days=29), today)
    raise Invalid("error-bad-choice")


def parse_period(text: str) -> Period:
    """A typed range, "01.09.2026–31.12.2026" (a hyphen or a dash between the dates)."""
    start, end = parsing.parse_date_range(text, "error-period-format", "error-period-no-such-date")
    if end < start:
        raise Invalid("error-period-order")
    if (end - start).days >= PERIOD_MAX_DAYS:
        raise Invalid("error-period-too-long", days=PERIOD_MAX_DAYS)
    return Period(start, end)


# --- groups and enrollment ----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupLine:
    id: int
    code: str
    course_id: int
    course: str
    direction: Direction
    hours: int
    provider_id: int
    provider: str
    capacity: int
    min_size: int
    start_date: date
    run_anyway: bool
    enrolled: int
    waitlisted: int


async def visible_groups(session: AsyncSession, scope: Scope, period: Period) -> list[GroupLine]:
    """Groups in scope that run in the period (not cancelled), with the whole group's counts:
    totals are not personal data, and a group's size is what its minimum is measured against."""
    shown = (groups_seen(scope), period.runs())
    in_scope = (
        select(Group.id)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(*shown)
    )
    counts: defaultdict[int, Counter[ApplicationState]] = defaultdict(Counter)
    counts.update(
        await seats.counts_by_state(
            session, in_scope, (ApplicationState.ENROLLED, ApplicationState.WAITLISTED)
        )
    )
    groups = await session.execute(
        select(Group, Course, Organisation.short_name)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(*shown)
        .order_by(Course.title, Group.code)
    )
    return [
        GroupLine(
            g.id,
            g.code,
            c.id,
            c.title,
            c.direction,
            c.hours,
            c.provider_org_id,
            provider,
            g.capacity,
            g.min_size,
            g.start_date,
            g.run_anyway_at is not None,
            counts[g.id][ApplicationState.ENROLLED],
            counts[g.id][ApplicationState.WAITLISTED],
        )
        for g, c, provider in groups.all()
    ]


@dataclass(frozen=True)
class EnrollmentLine:
    """One course (or one direction): its groups, seats and students."""

    name: str
    provider: str
    groups: int
    capacity: int
    enrolled: int
    waitlisted: int


async def enrollment_by_course(
    session: AsyncSession, scope: Scope, period: Period
) -> list[EnrollmentLine]:
    per_course: dict[int, list[GroupLine]] = defaultdict(list)
    for g in await visible_groups(session, scope, period):
        per_course[g.course_id].append(g)
    lines = [_sum(gs[0].course, gs[0].provider, gs) for gs in per_course.values()]
    return sorted(lines, key=lambda line: (-line.enrolled, line.name))


async def enrollment_by_direction(
    session: AsyncSession, scope: Scope, period: Period
) -> list[EnrollmentLine]:
    per_direction: dict[Direction, list[GroupLine]] = defaultdict(list)
    for g in await visible_groups(session, scope, period):
        per_direction[g.direction].append(g)
    lines = [_sum(d.value, "", gs) for d, gs in per_direction.items()]
    return sorted(lines, key=lambda line: (-line.enrolled, line.name))


def _sum(name: str, provider: str, groups: list[GroupLine]) -> EnrollmentLine:
    return EnrollmentLine(
        name,
        provider,
        len(groups),
        sum(g.capacity for g in groups),
        sum(g.enrolled for g in groups),
        sum(g.waitlisted for g in groups),
    )


async def below_minimum(session: AsyncSession, scope: Scope, period: Period) -> list[GroupLine]:
    """Groups with fewer students enrolled than their minimum, the furthest from it first."""
    found = [g for g in await visible_groups(session, scope, period) if g.enrolled < g.min_size]
    return sorted(found, key=lambda g: (g.enrolled - g.min_size, g.start_date, g.code))


# --- attendance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    """Marks of present or late, of all marks."""

    attended: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.total if self.total else None


@dataclass(frozen=True)
class Rate(Attendance):
    """Attendance of one organisation or course."""

    name: str


@dataclass(frozen=True)
class Week(Attendance):
    """Attendance of the week beginning that Monday."""

    monday: date


def marks(scope: Scope, period: Period, tz: ZoneInfo, *columns: Any) -> Select[Any]:
    """`columns` of the attendance marks the scope may read, at the lessons held (not
    cancelled) in the period; the mark's lesson, group, course and student (Person) joined."""
    start, end = period.bounds(tz)
    return (
        select(*columns)
        .select_from(AttendanceMark)
        .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
        .join(Group, Group.id == Lesson.group_id)
        .join(Course, Course.id == Group.course_id)
        .join(Person, Person.id == AttendanceMark.student_id)
        .where(
            rows_seen(scope),
            Lesson.status != LessonStatus.CANCELLED,
            Lesson.starts_at >= start,
            Lesson.starts_at < end,
        )
    )


# Counted by the database: one row per name (or lesson), not one per mark.
_ATTENDED = func.sum(case((AttendanceMark.status.in_(ATTENDED), 1), else_=0))
_TOTAL = func.count(AttendanceMark.id)


async def _rates(session: AsyncSession, query: Select[Any]) -> list[Rate]:
    rows = await session.execute(query)
    return sorted(
        (Rate(int(attended or 0), int(total), name or "—") for name, attended, total in rows),
        key=lambda r: r.name,
    )


async def attendance_by_organisation(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo
) -> list[Rate]:
    """Attendance of each organisation's students, wherever the lessons were."""
    query = (
        marks(scope, period, tz, Organisation.short_name, _ATTENDED, _TOTAL)
        .outerjoin(Organisation, Organisation.id == Person.home_org_id)
        .group_by(Organisation.short_name)
    )
    return await _rates(session, query)


async def attendance_by_course(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo
) -> list[Rate]:
    query = marks(scope, period, tz, Course.title, _ATTENDED, _TOTAL).group_by(Course.title)
    return await _rates(session, query)


async def attendance_by_week(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo, today: date
) -> list[Week]:
    """Every week of the period up to today, with its attendance (a week without marks too).

    The database counts per lesson; which week a lesson falls in is the reader's calendar's
    question, answered here."""
    rows = await session.execute(
        marks(scope, period, tz, Lesson.starts_at, _ATTENDED, _TOTAL).group_by(Lesson.starts_at)
    )
    attended: Counter[date] = Counter()
    total: Counter[date] = Counter()
    for starts_at, lesson_attended, lesson_total in rows.all():
        day = starts_at.astimezone(tz).date()
        monday = day - timedelta(days=day.weekday())
        total[monday] += lesson_total
        attended[monday] += lesson_attended or 0
    weeks = []
    monday = period.start - timedelta(days=period.start.weekday())
    last = min(period.end, today)
    while monday <= last:
        weeks.append(Week(attended[monday], total[monday], monday))
        monday += timedelta(days=7)
    return weeks


# --- the city programme's indicators and hours --------------------------------------------------


@dataclass(frozen=True)
class Share:
    involved: int
    total: int

    @property
    def share(self) -> float | None:
        return self.involved / self.total if self.total else None

    @property
    def met(self) -> bool:
        return self.share is not None and self.share >= INDICATOR_TARGET


@dataclass(frozen=True)
class Indicators:
    organisations: Share
    teachers: Share


async def indicators(session: AsyncSession, scope: Scope, period: Period) -> Indicators:
    """Share of organisations involved in network courses (providing a group that runs in the
    period with students enrolled, or having students enrolled in one) and share of teachers
    involved (teaching such a group), of those the bot knows; the target is 50% (seeds 003)."""
    if scope.role == Role.TEACHER:
        raise Forbidden("error-report-not-for-teachers")
    running = (
        select(Group.id, Group.teacher_id, Course.provider_org_id, Person.home_org_id)
        .join(Course, Course.id == Group.course_id)
        .join(Application, Application.group_id == Group.id)
        .join(Person, Person.id == Application.student_id)
        .where(seats.enrolled(), period.runs())
    )
    involved_orgs: set[int] = set()
    teachers_involved: set[int] = set()
    for _, teacher_id, provider_id, home_id in (await session.execute(running)).all():
        involved_orgs.add(provider_id)
        if home_id is not None:
            involved_orgs.add(home_id)
        if teacher_id is not None:
            teachers_involved.add(teacher_id)
    org_ids = set((await session.scalars(select(Organisation.id))).all())
    teacher_rows = await session.execute(
        select(RoleGrant.person_id, RoleGrant.organisation_id).where(RoleGrant.role == Role.TEACHER)
    )
    teachers = {
        person for person, org in teacher_rows.all() if scope.everything or org in scope.org_ids
    }
    if not scope.everything:
        org_ids &= scope.org_ids
    return Indicators(
        Share(len(involved_orgs & org_ids), len(org_ids)),
        Share(len(teachers_involved & teachers), len(teachers)),
    )


@dataclass(frozen=True)
class CourseHours:
    course: str
    provider: str
    hours: int  # the programme's hours
    groups: int
    lessons_held: int

    @property
    def planned(self) -> int:
        return self.hours * self.groups


@dataclass(frozen=True)
class OrgHours:
    provider: str
    courses: int
    planned: int
    lessons_held: int


async def hours(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo, now: datetime
) -> tuple[list[CourseHours], list[OrgHours]]:
    """Programme hours of each course times its groups running in the period (the art
    school's four circles of 6 hours: 24), and the lessons held so far in the period."""
    groups = await visible_groups(session, scope, period)
    start, end = period.bounds(tz)
    held: Counter[int] = Counter()
    if groups:
        rows = await session.execute(
            select(Lesson.group_id, func.count(Lesson.id))
            .where(
                Lesson.group_id.in_([g.id for g in groups]),
                Lesson.status != LessonStatus.CANCELLED,
                Lesson.starts_at >= start,
                Lesson.starts_at < end,
                Lesson.ends_at <= now,
            )
            .group_by(Lesson.group_id)
        )
        held.update(dict(rows.all()))
    per_course: dict[int, list[GroupLine]] = defaultdict(list)
    for g in groups:
        per_course[g.course_id].append(g)
    courses = sorted(
        (
            CourseHours(
                gs[0].course, gs[0].provider, gs[0].hours, len(gs), sum(held[g.id] for g in gs)
            )
            for gs in per_course.values()
        ),
        key=lambda c: (c.provider, c.course),
    )
    per_org: dict[str, list[CourseHours]] = defaultdict(list)
    for c in courses:
        per_org[c.provider].append(c)
    orgs = [
        OrgHours(name, len(cs), sum(c.planned for c in cs), sum(c.lessons_held for c in cs))
        for name, cs in sorted(per_org.items())
    ]
    return courses, orgs
