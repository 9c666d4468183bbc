"""Groups below their minimum size: warned a week ahead, then cancelled or run anyway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, Course, Group, Lesson, Organisation
from models.enums import ACTIVE_APPLICATION_STATES, LessonStatus, Role
from services import audience, catalogue, enrollment, seats
from services.actor import Actor
from services.audience import Recipient
from services.audit import record
from services.errors import Conflict, Forbidden
from services.outbox import notify_many
from services.people import coordinator_ids_of
from services.reminders import undersized_groups

WARN_DAYS_BEFORE = 7
SUGGESTIONS = 5


async def queue_undersized_warnings(session: AsyncSession, now: datetime) -> int:
    """A week before the start, the provider's coordinators decide about small groups."""
    queued = 0
    for group, title, enrolled in await undersized_groups(session, None, now, WARN_DAYS_BEFORE):
        coordinators = await _provider_coordinators(session, group)
        queued += await notify_many(
            session,
            coordinators,
            kind="notify-group-undersized",
            key_prefix=f"undersized:{group.id}",
            now=now,
            params={
                "course": title,
                "group": group.code,
                "enrolled": enrolled,
                "minimum": group.min_size,
                "start": {"date": group.start_date.isoformat()},
            },
            link={"to": "undersized", "id": group.id},
        )
    return queued


async def _provider_coordinators(session: AsyncSession, group: Group) -> list[int]:
    provider = await session.scalar(
        select(Course.provider_org_id).where(Course.id == group.course_id)
    )
    return await coordinator_ids_of(session, provider or 0)


async def _load(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    group = await catalogue.group_with_course(session, group_id)
    if not actor.has(Role.COORDINATOR, group.course.provider_org_id):
        raise Forbidden("error-not-your-group")
    if group.cancelled_at is not None:
        raise Conflict("error-group-closed")
    return group


async def suggestions_for(session: AsyncSession, group: Group, now: datetime) -> list[str]:
    """Other open groups of the same direction with seats left: "Course (GROUP) — provider"."""
    rows = await session.execute(
        select(Group, Course.title, Organisation.short_name, Organisation.timezone)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(
            Course.direction == group.course.direction,
            Group.id != group.id,
            seats.taken(Group.id) < Group.capacity,
        )
        .order_by(Group.start_date, Course.title)
    )
    return [
        f"{title} ({other.code}) — {provider}"
        for other, title, provider, tz in rows.all()
        if catalogue.is_open(other, now.astimezone(ZoneInfo(tz)).date())
    ][:SUGGESTIONS]


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling a group does, shown before it is done."""

    course: str
    group: str
    students: int  # live applications that end
    told: int  # the students and their parents, each told once


async def cancel_preview(session: AsyncSession, actor: Actor, group_id: int) -> CancelPreview:
    group = await _load(session, actor, group_id)
    students = list(
        (
            await session.scalars(
                select(Application.student_id).where(
                    Application.group_id == group.id,
                    Application.state.in_(ACTIVE_APPLICATION_STATES),
                )
            )
        ).all()
    )
    told = audience.join(
        await audience.families(session, students),
        await _staff(session, group, students),
        leave_out=actor.person_id,
    )
    return CancelPreview(group.course.title, group.code, len(students), len(told))


async def _staff(session: AsyncSession, group: Group, students: list[int]) -> list[Recipient]:
    return await audience.staff(
        session,
        provider_id=group.course.provider_org_id,
        teacher_id=group.teacher_id,
        student_ids=students,
    )


async def cancel_group(session: AsyncSession, actor: Actor, group_id: int, now: datetime) -> int:
    """Cancel a group: its applications end, its lessons are cancelled, everyone is told with
    other open groups of the same direction suggested. Returns how many students were told."""
    group = await _load(session, actor, group_id)
    group.cancelled_at = now
    suggestions = "\n".join(f"• {s}" for s in await suggestions_for(session, group, now))
    for lesson in await session.scalars(
        select(Lesson).where(Lesson.group_id == group.id, Lesson.starts_at > now)
    ):
        lesson.status = LessonStatus.CANCELLED
        lesson.sequence += 1
        lesson.updated_at = now
    told = await enrollment.close_for_cancelled_group(session, actor, group, now, suggestions)
    families = {r.person_id for r in await audience.families(session, told)}
    staff = [
        r
        for r in audience.join(await _staff(session, group, told), leave_out=actor.person_id)
        if r.person_id not in families
    ]
    await audience.tell(
        session,
        staff,
        kind="notify-group-cancelled-staff",
        key_prefix=f"group-cancelled-staff:{group.id}",
        now=now,
        params={"course": group.course.title, "group": group.code, "count": len(told)},
    )
    await record(
        session,
        actor_id=actor.person_id,
        action="group.cancelled",
        object_type="group",
        object_id=group.id,
        now=now,
        details={"students": len(told)},
    )
    return len(told)


async def run_anyway(session: AsyncSession, actor: Actor, group_id: int, now: datetime) -> Group:
    group = await _load(session, actor, group_id)
    group.run_anyway_at = now
    await record(
        session,
        actor_id=actor.person_id,
        action="group.run_anyway",
        object_type="group",
        object_id=group.id,
        now=now,
    )
    return group
