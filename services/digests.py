"""Digests, derived from the database each time they are looked for.

A digest is queued once per recipient and period (its key says which day or week), so running
the check often, or again after a restart, never repeats one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    ApplicationEvent,
    AttendanceMark,
    Lesson,
    LessonEvent,
    Organisation,
    Person,
    RoleGrant,
)
from models.enums import ApplicationState, AttendanceStatus, Role
from services.attendance import absences_elsewhere
from services.outbox import notify_many
from services.people import coordinator_ids_of
from services.reminders import undersized_groups

DIGEST_LINES = 30  # longer lists are cut; the counts stay right
UNDERSIZED_WITHIN_DAYS = 14


def _lines(items: list[str]) -> str:
    shown = items[:DIGEST_LINES]
    return "\n".join(f"• {item}" for item in shown) + ("\n…" if len(items) > len(shown) else "")


async def queue_coordinator_digests(session: AsyncSession, now: datetime, at: time) -> int:
    """Each coordinator, after `at` local time: applications to review, own groups below
    their minimum starting within two weeks, own students' absences elsewhere today."""
    queued = 0
    for org in (await session.scalars(select(Organisation))).all():
        zone = ZoneInfo(org.timezone)
        local = now.astimezone(zone)
        if local.time() < at:
            continue
        coordinators = await coordinator_ids_of(session, org.id)
        if not coordinators:
            continue
        to_review = (
            await session.scalar(
                select(func.count(Application.id))
                .join(Person, Person.id == Application.student_id)
                .where(
                    Person.home_org_id == org.id,
                    Application.state == ApplicationState.AWAITING_SCHOOL,
                )
            )
            or 0
        )
        small = [
            f"{title} ({group.code}): {enrolled}/{group.min_size}, {group.start_date:%d.%m}"
            for group, title, enrolled in await undersized_groups(
                session, {org.id}, now, UNDERSIZED_WITHIN_DAYS
            )
        ]
        absences = [
            f"{a.student} — {a.course} ({a.provider}), {a.starts_at.astimezone(zone):%H:%M}"
            for a in await absences_elsewhere(session, org.id, local.date(), org.timezone)
        ]
        if not (to_review or small or absences):
            continue
        await notify_many(
            session,
            coordinators,
            kind="notify-coordinator-digest",
            key_prefix=f"digest:{org.id}:{local.date().isoformat()}",
            now=now,
            params={
                "review": to_review,
                "small_count": len(small),
                "small": _lines(small) or "—",
                "absent_count": len(absences),
                "absent": _lines(absences) or "—",
            },
        )
        queued += len(coordinators)
    return queued


async def queue_admin_summaries(
    session: AsyncSession, now: datetime, at: time, timezone: str, weekday: int = 0
) -> int:
    """The network admin, once a week: what the last seven days brought."""
    local = now.astimezone(ZoneInfo(timezone))
    if local.weekday() != weekday or local.time() < at:
        return 0
    admins = (
        await session.scalars(select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN))
    ).all()
    if not admins:
        return 0
    since = now - timedelta(days=7)

    async def count(query: Select[int]) -> int:
        return int(await session.scalar(query) or 0)

    submitted = await count(
        select(func.count(ApplicationEvent.id)).where(
            ApplicationEvent.to_state == ApplicationState.SUBMITTED,
            ApplicationEvent.created_at >= since,
        )
    )
    enrolled = await count(
        select(func.count(ApplicationEvent.id)).where(
            ApplicationEvent.to_state == ApplicationState.ENROLLED,
            ApplicationEvent.created_at >= since,
        )
    )
    changed = await count(
        select(func.count(LessonEvent.id)).where(
            LessonEvent.action.in_(("cancelled", "moved")), LessonEvent.created_at >= since
        )
    )
    marks = (
        await session.execute(
            select(AttendanceMark.status, func.count(AttendanceMark.id))
            .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
            .where(Lesson.starts_at >= since, Lesson.starts_at < now)
            .group_by(AttendanceMark.status)
        )
    ).all()
    total = sum(n for _, n in marks)
    attended = sum(n for s, n in marks if s in (AttendanceStatus.PRESENT, AttendanceStatus.LATE))
    year, week, _ = local.isocalendar()
    await notify_many(
        session,
        admins,
        kind="notify-admin-weekly",
        key_prefix=f"weekly:{year}-{week:02d}",
        now=now,
        params={
            "submitted": submitted,
            "enrolled": enrolled,
            "changed": changed,
            "rate": round(100 * attended / total) if total else 0,
            "marks": total,
        },
    )
    return len(admins)
