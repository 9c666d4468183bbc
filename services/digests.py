"""Daily digests, derived from the database each time they are looked for.

A digest is queued once per recipient and day (its dedupe key says which day), so running the
check often, or again after a restart, never repeats one.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Organisation
from services.attendance import absences_elsewhere
from services.outbox import notify_many
from services.people import coordinator_ids_of

DIGEST_LINES = 40  # a longer list is cut, with the count still right


async def queue_absence_digests(session: AsyncSession, now: datetime, at: time) -> int:
    """Tell each organisation's coordinators, after `at` local time, of their students'
    absences in other organisations that day. Returns how many digests were queued."""
    queued = 0
    for org in (await session.scalars(select(Organisation))).all():
        local = now.astimezone(ZoneInfo(org.timezone))
        if local.time() < at:
            continue
        absences = await absences_elsewhere(session, org.id, local.date(), org.timezone)
        coordinators = await coordinator_ids_of(session, org.id)
        if not absences or not coordinators:
            continue
        lines = [
            f"• {a.student} — {a.course} ({a.provider}), "
            f"{a.starts_at.astimezone(ZoneInfo(org.timezone)):%H:%M}"
            for a in absences[:DIGEST_LINES]
        ]
        if len(absences) > DIGEST_LINES:
            lines.append("…")
        await notify_many(
            session,
            coordinators,
            kind="notify-absence-digest",
            key_prefix=f"absence-digest:{org.id}:{local.date().isoformat()}",
            now=now,
            params={"count": len(absences), "lines": "\n".join(lines)},
        )
        queued += len(coordinators)
    return queued
