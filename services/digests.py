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
    Notification,
    Organisation,
    Person,
    RoleGrant,
)
from models.enums import ApplicationState, AttendanceStatus, Role
from services.attendance import mark_reported, unreported_absences
from services.outbox import notify_many
from services.people import coordinator_ids_of
from services.reminders import undersized_groups

DIGEST_LINES = 30  # longer lists are cut; the counts stay right
UNDERSIZED_WITHIN_DAYS = 14


def _lines(items: list[str]) -> str:
    shown = items[:DIGEST_LINES]
    return "\n".join(f"• {item}" for item in shown) + ("\n…" if len(items) > len(shown) else "")


async def queue_coordinator_digests(session: AsyncSession, now: datetime, at: time) -> int:
    """Each coordinator, once a day after `at` local time: applications to review, own groups
    below their minimum starting within two weeks, and own students' absences elsewhere not
    reported yet (marked late, or after yesterday's digest, they come in the next one)."""
    queued = 0
    for org in (await session.scalars(select(Organisation))).all():
        zone = ZoneInfo(org.timezone)
        local = now.astimezone(zone)
        if local.time() < at:
            continue
        coordinators = await coordinator_ids_of(session, org.id)
        prefix = f"digest:{org.id}:{local.date().isoformat()}"
        if not coordinators or await _already(session, prefix, coordinators):
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
        found = await unreported_absences(session, org.id)
        absences = [
            f"{a.student} — {a.course} ({a.provider}), {a.starts_at.astimezone(zone):%d.%m %H:%M}"
            for a in found
        ]
        if not (to_review or small or absences):
            continue
        queued += await notify_many(
            session,
            coordinators,
            kind="notify-coordinator-digest",
            key_prefix=prefix,
            now=now,
            params={
                "review": to_review,
                "small_count": len(small),
                "small": _lines(small) or "—",
                "absent_count": len(absences),
                "absent": _lines(absences) or "—",
            },
        )
        await mark_reported(session, [a.mark_id for a in found])
    return queued


async def _already(session: AsyncSession, prefix: str, people: list[int]) -> bool:
    keys = [f"{prefix}:{p}" for p in people]
    found = await session.scalar(
        select(func.count(Notification.id)).where(Notification.dedupe_key.in_(keys))
    )
    return bool(found)


async def queue_admin_summaries(
    session: AsyncSession, now: datetime, at: time, timezone: str, weekday: int = 0
) -> int:
    """The network admin, once a week: what the seven days before `weekday` at `at` brought.
    Due from that moment until the next one: a tick missed then (a restart, downtime) is
    caught up by the next tick, once (the week's key)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    due_day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    due = datetime.combine(due_day, at, zone)
    if due > now:
        due -= timedelta(days=7)
    admins = (
        await session.scalars(select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN))
    ).all()
    if not admins:
        return 0
    year, week, _ = due.isocalendar()
    prefix = f"weekly:{year}-{week:02d}"
    if await _already(session, prefix, list(admins)):
        return 0
    since, until = due - timedelta(days=7), due

    async def count(query: Select[int]) -> int:
        return int(await session.scalar(query) or 0)

    submitted = await count(
        select(func.count(ApplicationEvent.id)).where(
            ApplicationEvent.to_state == ApplicationState.SUBMITTED,
            ApplicationEvent.created_at >= since,
            ApplicationEvent.created_at < until,
        )
    )
    enrolled = await count(
        select(func.count(ApplicationEvent.id)).where(
            ApplicationEvent.to_state == ApplicationState.ENROLLED,
            ApplicationEvent.created_at >= since,
            ApplicationEvent.created_at < until,
        )
    )
    changed = await count(
        select(func.count(LessonEvent.id)).where(
            LessonEvent.action.in_(("cancelled", "moved")),
            LessonEvent.created_at >= since,
            LessonEvent.created_at < until,
        )
    )
    marks = (
        await session.execute(
            select(AttendanceMark.status, func.count(AttendanceMark.id))
            .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
            .where(Lesson.starts_at >= since, Lesson.starts_at < until)
            .group_by(AttendanceMark.status)
        )
    ).all()
    total = sum(n for _, n in marks)
    attended = sum(n for s, n in marks if s in (AttendanceStatus.PRESENT, AttendanceStatus.LATE))
    return await notify_many(
        session,
        admins,
        kind="notify-admin-weekly",
        key_prefix=prefix,
        now=now,
        params={
            "submitted": submitted,
            "enrolled": enrolled,
            "changed": changed,
            "rate": round(100 * attended / total) if total else 0,
            "marks": total,
        },
    )
