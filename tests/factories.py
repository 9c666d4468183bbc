"""Small builders for test data (all people are invented)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    Agreement,
    AgreementCourse,
    Application,
    ApplicationEvent,
    Course,
    DataConsent,
    Group,
    Organisation,
    ParentLink,
    Person,
    RoleGrant,
    WeeklySlot,
)
from models.enums import (
    AgreementState,
    ApplicationState,
    CourseFormat,
    Direction,
    Messenger,
    OrgKind,
    Role,
)
from services.actor import Actor
from services.people import load_actor
from tests.conftest import START

_seq = itertools.count(1)


async def org(
    session: AsyncSession,
    name: str = "МБОУ СОШ № 5",
    *,
    code: str | None = None,
    kind: OrgKind = OrgKind.SCHOOL,
    timezone: str = "Europe/Moscow",
) -> Organisation:
    o = Organisation(
        code=code or f"org{next(_seq)}",
        name=name,
        short_name=name,
        kind=kind,
        address="ул. Выдуманная, 1",
        timezone=timezone,
    )
    session.add(o)
    await session.flush()
    return o


async def person(
    session: AsyncSession,
    name: str,
    role: Role,
    org_id: int | None = None,
    *,
    grade: int | None = None,
    telegram_id: int | None = None,
    language: str = "ru",
) -> Person:
    p = Person(
        full_name=name,
        language=language,
        active_role=role,
        grade=grade,
        home_org_id=org_id if role in (Role.STUDENT, Role.TEACHER, Role.COORDINATOR) else None,
    )
    session.add(p)
    await session.flush()
    session.add(
        RoleGrant(
            person_id=p.id,
            role=role,
            organisation_id=None if role in (Role.PARENT, Role.ADMIN) else org_id,
        )
    )
    if telegram_id is not None:
        session.add(
            Account(
                person_id=p.id,
                messenger=Messenger.TELEGRAM,
                user_id=telegram_id,
                chat_id=telegram_id,
            )
        )
    await session.flush()
    return p


async def link(
    session: AsyncSession, parent: Person, child: Person, *, consent: bool = True
) -> None:
    """Link a parent to a child; by default the parent has consented to data processing."""
    session.add(ParentLink(parent_id=parent.id, child_id=child.id))
    if consent:
        session.add(
            DataConsent(parent_id=parent.id, child_id=child.id, version="2026-11", given_at=START)
        )
    await session.flush()


async def course_with_group(
    session: AsyncSession,
    provider: Organisation,
    *,
    title: str = "Олимпиадная математика",
    grades: tuple[int, int] = (7, 9),
    capacity: int = 12,
    min_size: int = 10,
    direction: Direction = Direction.MATH,
    fmt: CourseFormat = CourseFormat.IN_PERSON,
    teacher: Person | None = None,
    weekday: int = 1,
    start: tuple[int, int] = (15, 0),
    end: tuple[int, int] = (16, 30),
    covered: bool = True,
) -> Group:
    """A course with one group. With `covered`, the course joins every active agreement its
    provider teaches under (so the factory network's guests may be admitted to it)."""
    n = next(_seq)
    course = Course(
        code=f"C{n}",
        provider_org_id=provider.id,
        title=title,
        description="Курс для тех, кто любит задачи.",
        direction=direction,
        format=fmt,
        grade_min=grades[0],
        grade_max=grades[1],
        hours=34,
    )
    session.add(course)
    await session.flush()
    group = Group(
        code=f"G-{n}",
        course_id=course.id,
        teacher_id=teacher.id if teacher else None,
        place="каб. 21",
        capacity=capacity,
        min_size=min_size,
        start_date=date(2026, 11, 16),
        end_date=date(2027, 3, 1),
    )
    session.add(group)
    await session.flush()
    session.add(
        WeeklySlot(group_id=group.id, weekday=weekday, start_time=time(*start), end_time=time(*end))
    )
    if covered:
        found = await session.scalars(
            select(Agreement.id).where(
                Agreement.provider_org_id == provider.id, Agreement.state == AgreementState.ACTIVE
            )
        )
        for agreement_id in found.all():
            session.add(AgreementCourse(agreement_id=agreement_id, course_id=course.id))
    await session.flush()
    return group


async def agreement(
    session: AsyncSession,
    home: Organisation,
    provider: Organisation,
    *,
    courses: list[Course] | None = None,
    state: AgreementState = AgreementState.ACTIVE,
    starts_on: date = date(2026, 9, 1),
    ends_on: date = date(2027, 8, 31),
    number: str | None = None,
) -> Agreement:
    """An agreement between two organisations covering `courses` (by default every course of
    the provider)."""
    a = Agreement(
        number=number or f"{next(_seq)}/С",
        signed_on=starts_on,
        home_org_id=home.id,
        provider_org_id=provider.id,
        starts_on=starts_on,
        ends_on=ends_on,
        state=state,
        created_at=START,
        updated_at=START,
    )
    session.add(a)
    await session.flush()
    if courses is None:
        courses = list(
            await session.scalars(select(Course).where(Course.provider_org_id == provider.id))
        )
    for c in courses:
        session.add(AgreementCourse(agreement_id=a.id, course_id=c.id))
    await session.flush()
    return a


async def enrolled(
    session: AsyncSession,
    group: Group,
    student: Person,
    state: ApplicationState = ApplicationState.ENROLLED,
) -> Application:
    app = Application(
        student_id=student.id, group_id=group.id, state=state, created_at=START, updated_at=START
    )
    session.add(app)
    await session.flush()
    session.add(
        ApplicationEvent(application_id=app.id, from_state=None, to_state=state, created_at=START)
    )
    await session.flush()
    return app


@dataclass
class Network:
    """Two schools, a provider with a course, and a family of each school."""

    home: Organisation
    other: Organisation
    provider: Organisation
    group: Group
    student: Person
    parent: Person
    coordinator: Person
    other_student: Person
    other_parent: Person
    other_coordinator: Person
    teacher: Person

    async def actor(self, session: AsyncSession, who: Person) -> Actor:
        return await load_actor(session, who)


async def network(
    session: AsyncSession, *, capacity: int = 12, min_size: int = 10, agreements: bool = True
) -> Network:
    """The network; with `agreements`, both schools have an active agreement with the
    provider covering its courses (those made later too, see `course_with_group`)."""
    home = await org(session, "МБОУ СОШ № 5", code="sosh5")
    other = await org(session, "МАОУ «СОШ №4»", code="sosh4", kind=OrgKind.RESOURCE_CENTRE)
    provider = await org(session, "МБУ ДО ДШИ", code="dshi", kind=OrgKind.ART_SCHOOL)
    teacher = await person(
        session, "Белова Анна Сергеевна", Role.TEACHER, provider.id, telegram_id=301
    )
    if agreements:
        for a, b in ((home, provider), (other, provider), (home, other), (other, home)):
            await agreement(session, a, b, courses=[])
    group = await course_with_group(
        session, provider, capacity=capacity, min_size=min_size, teacher=teacher
    )
    student = await person(
        session, "Соколов Артём", Role.STUDENT, home.id, grade=8, telegram_id=101
    )
    parent = await person(session, "Соколова Елена", Role.PARENT, telegram_id=102)
    await link(session, parent, student)
    coordinator = await person(
        session, "Петрова Марина", Role.COORDINATOR, home.id, telegram_id=103
    )
    other_student = await person(
        session, "Морозова Полина", Role.STUDENT, other.id, grade=8, telegram_id=201
    )
    other_parent = await person(session, "Морозов Дмитрий", Role.PARENT, telegram_id=202)
    await link(session, other_parent, other_student)
    other_coordinator = await person(
        session, "Кузнецова Ольга", Role.COORDINATOR, other.id, telegram_id=203
    )
    return Network(
        home,
        other,
        provider,
        group,
        student,
        parent,
        coordinator,
        other_student,
        other_parent,
        other_coordinator,
        teacher,
    )
