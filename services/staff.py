"""What teachers and the network admin see of the network."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Application, Course, Group, Organisation, Person, RoleGrant
from models.enums import Role
from services import seats
from services.actor import Actor, require_admin
from services.catalogue import GroupInfo, group_infos
from services.errors import Forbidden


@dataclass(frozen=True)
class TeacherGroup:
    course_title: str
    info: GroupInfo


async def teacher_groups(session: AsyncSession, actor: Actor) -> list[TeacherGroup]:
    if not actor.has(Role.TEACHER):
        raise Forbidden("error-teachers-only")
    groups = (
        await session.scalars(
            select(Group)
            .where(Group.teacher_id == actor.person_id, Group.cancelled_at.is_(None))
            .options(selectinload(Group.slots), selectinload(Group.course))
            .order_by(Group.start_date, Group.code)
        )
    ).all()
    infos = await group_infos(session, list(groups))
    return [TeacherGroup(g.course.title, info) for g, info in zip(groups, infos, strict=True)]


@dataclass(frozen=True)
class OrgOverview:
    organisation: Organisation
    courses: int  # courses it offers to the network
    students: int  # its own students registered in the bot
    coordinators: int
    in_courses: int = 0  # of its students, those enrolled in a network group (anywhere)
    guests: int = 0  # students of other organisations enrolled in its groups


async def _holders_per_org(session: AsyncSession, role: Role) -> dict[int | None, int]:
    rows = await session.execute(
        select(RoleGrant.organisation_id, func.count(RoleGrant.id))
        .where(RoleGrant.role == role)
        .group_by(RoleGrant.organisation_id)
    )
    return dict(rows.all())


async def network_overview(session: AsyncSession, actor: Actor) -> list[OrgOverview]:
    """Every organisation with its courses, students and coordinators (admin only)."""
    require_admin(actor)
    rows = await session.execute(
        select(Course.provider_org_id, func.count(Course.id)).group_by(Course.provider_org_id)
    )
    courses = dict(rows.all())
    students = await _holders_per_org(session, Role.STUDENT)
    coordinators = await _holders_per_org(session, Role.COORDINATOR)
    enrolled = (
        select(Person.id, Person.home_org_id, Course.provider_org_id)
        .join(Application, Application.student_id == Person.id)
        .join(Group, Group.id == Application.group_id)
        .join(Course, Course.id == Group.course_id)
        .where(seats.enrolled())
        .subquery()
    )
    in_courses: dict[int | None, int] = dict(
        (
            await session.execute(
                select(enrolled.c.home_org_id, func.count(func.distinct(enrolled.c.id))).group_by(
                    enrolled.c.home_org_id
                )
            )
        ).all()
    )
    guests: dict[int, int] = dict(
        (
            await session.execute(
                select(enrolled.c.provider_org_id, func.count(func.distinct(enrolled.c.id)))
                .where(enrolled.c.home_org_id != enrolled.c.provider_org_id)
                .group_by(enrolled.c.provider_org_id)
            )
        ).all()
    )
    orgs = (await session.scalars(select(Organisation).order_by(Organisation.name))).all()
    return [
        OrgOverview(
            o,
            courses.get(o.id, 0),
            students.get(o.id, 0),
            coordinators.get(o.id, 0),
            in_courses.get(o.id, 0),
            guests.get(o.id, 0),
        )
        for o in orgs
    ]
