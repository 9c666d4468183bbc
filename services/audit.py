"""Audit records for sensitive actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditRecord, Person
from services.actor import Actor, require_admin


async def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditRecord(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details or {},
            created_at=now,
        )
    )


# Every action recorded; each has a text `audit-<action with dashes>` in locales/.
ACTIONS = (
    "role.granted",
    "application.parent_confirmed",
    "application.parent_declined",
    "application.approved",
    "application.rejected",
    "application.withdrawn",
    "attendance.changed",
    "group.cancelled",
    "group.run_anyway",
    "consent.given",
    "consent.withdrawn",
    "data.exported",
    "data.deleted",
    "report.exported",
    "broadcast.sent",
    "organisation.created",
    "organisation.renamed",
    "organisation.quiet_hours",
    "network.year",
    "network.quiet_hours",
    "network.min_group_size",
    "network.profile_day",
    "holiday.added",
    "import.applied",
    "agreement.created",
    "agreement.courses_changed",
    "agreement.activated",
    "agreement.extended",
    "agreement.terminated",
    "agreement.admin_asked",
    "agreement.annex_exported",
)


def action_key(action: str) -> str:
    return "audit-" + action.replace(".", "-").replace("_", "-")


# What audited actions act on (their records' object_type), each with a name in locales/.
OBJECT_TYPES = (
    "agreement",
    "application",
    "attendance_mark",
    "broadcast",
    "group",
    "holiday",
    "import",
    "network",
    "organisation",
    "person",
    # what an export covered (services/reports.SubjectKind)
    "all",
    "org",
    "student",
)


def object_key(object_type: str) -> str:
    return "audit-object-" + object_type.replace("_", "-")


@dataclass(frozen=True)
class AuditLine:
    record: AuditRecord
    actor: str


async def recent(session: AsyncSession, actor: Actor, limit: int = 30) -> list[AuditLine]:
    """The newest sensitive actions, for the network admin."""
    require_admin(actor)
    rows = await session.execute(
        select(AuditRecord, Person.full_name)
        .outerjoin(Person, Person.id == AuditRecord.actor_id)
        .order_by(AuditRecord.created_at.desc(), AuditRecord.id.desc())
        .limit(limit)
    )
    return [AuditLine(record, name or "—") for record, name in rows.all()]
