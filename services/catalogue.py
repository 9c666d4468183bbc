"""The network's catalogue: courses open to a student, their groups, seats and schedules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Application, Course, Group, Organisation, Person, WeeklySlot
from models.enums import ACTIVE_APPLICATION_STATES, CourseFormat, Direction, Role
from services import seats
from services.actor import Actor
from services.errors import NotFound

PAGE_SIZE = 6


@dataclass(frozen=True)
class CatalogueFilter:
    direction: Direction | None = None
    provider_id: int | None = None
    weekday: int | None = None
    format: CourseFormat | None = None


@dataclass(frozen=True)
class CourseLine:
    id: int
    title: str
    provider: str
    direction: Direction
    hours: int


@dataclass(frozen=True)
class Page:
    items: list[CourseLine]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class GroupInfo:
    id: int
    code: str
    teacher: str
    place: str
    capacity: int
    min_size: int
    enrolled: int
    start_date: date
    end_date: date
    slots: list[WeeklySlot] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled, 0)

    @property
    def is_full(self) -> bool:
        return self.enrolled >= self.capacity


@dataclass(frozen=True)
class CourseCard:
    course: Course
    provider: Organisation
    groups: list[GroupInfo]
    open_to_grade: bool
    # The reader's own live application to each group they applied to: group -> application.
    mine: dict[int, Application] = field(default_factory=dict)


def open_groups(today: date | BindParameter[date]) -> Select[int]:
    """Groups still taking students: not cancelled and not finished (`today` on the
    provider's calendar)."""
    return select(Group.id).where(Group.cancelled_at.is_(None), Group.end_date >= today)


def is_open(group: Group, today: date) -> bool:
    """The same rule as `open_groups`, for a group at hand."""
    return group.cancelled_at is None and group.end_date >= today


def _grade_clause(grade: int | None) -> list[ColumnElement[bool]]:
    if grade is None:
        return []
    return [Course.grade_min <= grade, Course.grade_max >= grade]


async def list_courses(
    session: AsyncSession,
    *,
    grade: int | None,
    flt: CatalogueFilter,
    today: date,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> Page:
    """Courses with an open group, open to `grade`, matching the filter; one page of them."""
    page_query, count_query = _list_queries(
        grade is not None,
        flt.direction is not None,
        flt.provider_id is not None,
        flt.weekday is not None,
        flt.format is not None,
    )
    params = {
        "today": today,
        "grade": grade,
        "direction": flt.direction,
        "provider": flt.provider_id,
        "weekday": flt.weekday,
        "format": flt.format,
    }
    # One round trip: the page, with the total count alongside each row.
    rows = (
        await session.execute(
            page_query, {**params, "offset": max(page, 0) * page_size, "limit": page_size}
        )
    ).all()
    total = int(rows[0].total) if rows else await session.scalar(count_query, params) or 0
    pages = max((total + page_size - 1) // page_size, 1)
    if not rows and total and page >= pages:  # a page past the end: show the last one
        return await list_courses(
            session, grade=grade, flt=flt, today=today, page=pages - 1, page_size=page_size
        )
    page = min(max(page, 0), pages - 1)
    items = [CourseLine(r.id, r.title, r.short_name, r.direction, r.hours) for r in rows]
    return Page(items=items, page=page, pages=pages, total=total)


@cache
def _list_queries(
    grade: bool, direction: bool, provider: bool, weekday: bool, course_format: bool
) -> tuple[Select[*tuple[Any, ...]], Select[int]]:
    """The catalogue page and its count for one combination of filters, built once (building
    a statement costs more than running it); the values come as parameters."""
    groups = open_groups(bindparam("today")).where(Group.course_id == Course.id)
    if weekday:
        groups = groups.where(
            select(WeeklySlot.id)
            .where(WeeklySlot.group_id == Group.id, WeeklySlot.weekday == bindparam("weekday"))
            .exists()
        )
    conditions: list[ColumnElement[bool]] = [groups.exists()]
    if grade:
        conditions += [
            Course.grade_min <= bindparam("grade"),
            Course.grade_max >= bindparam("grade"),
        ]
    if direction:
        conditions.append(Course.direction == bindparam("direction"))
    if provider:
        conditions.append(Course.provider_org_id == bindparam("provider"))
    if course_format:
        conditions.append(Course.format == bindparam("format"))
    page = (
        select(
            Course.id,
            Course.title,
            Course.direction,
            Course.hours,
            Organisation.short_name,
            func.count().over().label("total"),
        )
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(*conditions)
        .order_by(Course.title, Course.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return page, select(func.count(Course.id)).where(*conditions)


async def available_directions(
    session: AsyncSession, grade: int | None, today: date
) -> list[Direction]:
    rows = await session.scalars(
        select(Course.direction)
        .where(open_groups(today).where(Group.course_id == Course.id).exists())
        .where(*_grade_clause(grade))
        .distinct()
    )
    return sorted(set(rows.all()), key=list(Direction).index)


async def available_providers(
    session: AsyncSession, grade: int | None, today: date
) -> list[Organisation]:
    rows = await session.scalars(
        select(Organisation)
        .where(
            select(Course.id)
            .where(
                Course.provider_org_id == Organisation.id,
                open_groups(today).where(Group.course_id == Course.id).exists(),
                *_grade_clause(grade),
            )
            .exists()
        )
        .order_by(Organisation.short_name)
    )
    return list(rows.all())


async def group_infos(session: AsyncSession, groups: list[Group]) -> list[GroupInfo]:
    """Seats, teacher and slots for groups whose `slots` are loaded."""
    counts = await seats.counts(session, [g.id for g in groups])
    teacher_ids = {g.teacher_id for g in groups if g.teacher_id}
    teachers: dict[int, str] = {}
    if teacher_ids:
        rows = await session.execute(
            select(Person.id, Person.full_name).where(Person.id.in_(teacher_ids))
        )
        teachers = dict(rows.all())
    return [
        GroupInfo(
            id=g.id,
            code=g.code,
            teacher=teachers.get(g.teacher_id or 0, ""),
            place=g.place,
            capacity=g.capacity,
            min_size=g.min_size,
            enrolled=counts[g.id],
            start_date=g.start_date,
            end_date=g.end_date,
            slots=list(g.slots),
        )
        for g in groups
    ]


@dataclass(frozen=True)
class Offer:
    """What a family needs to decide on a group: who teaches it, where, when."""

    provider: Organisation
    group: GroupInfo


async def offer(session: AsyncSession, group_id: int) -> Offer:
    """The group's provider (with its address), teacher, place, weekly times and dates."""
    group = await session.scalar(
        select(Group)
        .where(Group.id == group_id)
        .options(selectinload(Group.course), selectinload(Group.slots))
    )
    if group is None:
        raise NotFound("error-not-found")
    provider = await session.get(Organisation, group.course.provider_org_id)
    assert provider is not None  # a foreign key guarantees it
    (info,) = await group_infos(session, [group])
    return Offer(provider, info)


async def group_with_course(session: AsyncSession, group_id: int) -> Group:
    """A group with its course loaded; refused if there is none."""
    group = await session.scalar(
        select(Group).where(Group.id == group_id).options(selectinload(Group.course))
    )
    if group is None:
        raise NotFound("error-not-found")
    return group


def may_manage(actor: Actor, group: Group, provider_id: int) -> bool:
    """The group's teacher and the providing organisation's coordinators manage a group: its
    lessons, its roll, its messages."""
    is_teacher = actor.has(Role.TEACHER) and group.teacher_id == actor.person_id
    return is_teacher or actor.has(Role.COORDINATOR, provider_id)


async def course_card(
    session: AsyncSession,
    course_id: int,
    *,
    grade: int | None,
    today: date,
    student_id: int | None = None,
) -> CourseCard:
    course = await session.get(Course, course_id)
    if course is None:
        raise NotFound("error-not-found")
    provider = await session.get(Organisation, course.provider_org_id)
    assert provider is not None  # a foreign key guarantees it
    groups = (
        await session.scalars(
            select(Group)
            .where(Group.course_id == course.id, Group.id.in_(open_groups(today)))
            .options(selectinload(Group.slots))
            .order_by(Group.start_date, Group.id)
        )
    ).all()
    open_to_grade = grade is None or course.grade_min <= grade <= course.grade_max
    mine: dict[int, Application] = {}
    if student_id is not None and groups:
        live = await session.scalars(
            select(Application).where(
                Application.student_id == student_id,
                Application.group_id.in_([g.id for g in groups]),
                Application.state.in_(ACTIVE_APPLICATION_STATES),
            )
        )
        mine = {app.group_id: app for app in live}
    infos = await group_infos(session, list(groups))
    return CourseCard(course, provider, infos, open_to_grade, mine)
