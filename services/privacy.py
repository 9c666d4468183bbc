"""A person's own data (or their child's), gathered into one file on request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    Application,
    ApplicationEvent,
    AttendanceMark,
    Course,
    DataConsent,
    Group,
    Lesson,
    Notification,
    Organisation,
    ParentLink,
    ParentLinkCode,
    Person,
    RoleGrant,
)
from models.enums import Role
from services import enrollment, seats
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, NotFound
from services.people import require_self_or_child


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def export(
    session: AsyncSession, actor: Actor, subject_id: int, now: datetime
) -> dict[str, Any]:
    """Everything stored about the person: oneself, or a parent's linked child."""
    person = await require_self_or_child(session, actor, subject_id)
    home = await session.get(Organisation, person.home_org_id) if person.home_org_id else None

    async def names(ids: list[int]) -> list[str]:
        rows = await session.scalars(select(Person.full_name).where(Person.id.in_(ids)))
        return sorted(rows.all())

    applications = []
    for app, title, code in (
        await session.execute(
            select(Application, Course.title, Group.code)
            .join(Group, Group.id == Application.group_id)
            .join(Course, Course.id == Group.course_id)
            .where(Application.student_id == subject_id)
            .order_by(Application.id)
        )
    ).all():
        events = (
            await session.scalars(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == app.id)
                .order_by(ApplicationEvent.id)
            )
        ).all()
        applications.append(
            {
                "course": title,
                "group": code,
                "state": app.state.value,
                "reason": app.reason,
                "created_at": _when(app.created_at),
                "history": [
                    {
                        "at": _when(e.created_at),
                        "state": e.to_state.value,
                        "by_role": e.actor_role.value if e.actor_role else None,
                        "reason": e.reason,
                        "consent_version": e.consent_version,
                    }
                    for e in events
                ],
            }
        )
    attendance = [
        {"course": title, "lesson": _when(starts), "status": status.value}
        for title, starts, status in (
            await session.execute(
                select(Course.title, Lesson.starts_at, AttendanceMark.status)
                .join(Lesson, Lesson.id == AttendanceMark.lesson_id)
                .join(Group, Group.id == Lesson.group_id)
                .join(Course, Course.id == Group.course_id)
                .where(AttendanceMark.student_id == subject_id)
                .order_by(Lesson.starts_at)
            )
        ).all()
    ]
    data = {
        "exported_at": _when(now),
        "person": {
            "name": person.full_name,
            "language": person.language,
            "grade": person.grade,
            "school": home.name if home else None,
            "created_at": _when(person.created_at),
        },
        "accounts": [
            {"messenger": a.messenger.value, "user_id": a.user_id, "since": _when(a.created_at)}
            for a in (
                await session.scalars(select(Account).where(Account.person_id == subject_id))
            ).all()
        ],
        "roles": sorted(
            g.role.value
            for g in (
                await session.scalars(select(RoleGrant).where(RoleGrant.person_id == subject_id))
            ).all()
        ),
        "parents": await names(
            list(
                (
                    await session.scalars(
                        select(ParentLink.parent_id).where(ParentLink.child_id == subject_id)
                    )
                ).all()
            )
        ),
        "children": await names(
            list(
                (
                    await session.scalars(
                        select(ParentLink.child_id).where(ParentLink.parent_id == subject_id)
                    )
                ).all()
            )
        ),
        "consents": [
            {
                "version": c.version,
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in (
                await session.scalars(
                    select(DataConsent).where(
                        (DataConsent.child_id == subject_id) | (DataConsent.parent_id == subject_id)
                    )
                )
            ).all()
        ],
        "applications": applications,
        "attendance": attendance,
        "messages": [
            {"kind": n.kind, "at": _when(n.created_at), "state": n.state.value}
            for n in (
                await session.scalars(
                    select(Notification)
                    .where(Notification.person_id == subject_id)
                    .order_by(Notification.id)
                )
            ).all()
        ],
    }
    await record(
        session,
        actor_id=actor.person_id,
        action="data.exported",
        object_type="person",
        object_id=subject_id,
        now=now,
    )
    return data


@dataclass(frozen=True)
class Deleted:
    scope: list[str]
    withdrawn: int


KEPT_ROLES = (Role.STUDENT, Role.PARENT)


async def check_can_delete(
    session: AsyncSession, actor: Actor, subject_id: int, now: datetime
) -> Person:
    """Who may ask, and whether the law lets the data go now."""
    person = await require_self_or_child(session, actor, subject_id)
    if not person.full_name and not await _accounts(session, subject_id):
        raise NotFound("error-not-found")
    roles = set(
        (
            await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == subject_id))
        ).all()
    )
    if roles - set(KEPT_ROLES):
        # Staff act for their school: their records belong to its documents.
        raise Conflict("error-delete-staff")
    running = await session.scalar(
        select(Application.id)
        .join(Group, Group.id == Application.group_id)
        .where(
            Application.student_id == subject_id,
            seats.enrolled(),
            Group.end_date >= now.date(),
            Group.cancelled_at.is_(None),
        )
        .limit(1)
    )
    if running is not None:
        # The school keeps the records of a course in progress (the register).
        raise Conflict("error-delete-enrolled")
    return person


async def _accounts(session: AsyncSession, person_id: int) -> list[Account]:
    return list(
        (await session.scalars(select(Account).where(Account.person_id == person_id))).all()
    )


async def delete_person(
    session: AsyncSession, actor: Actor, subject_id: int, now: datetime
) -> Deleted:
    """Destroy a person's personal data: name, messenger accounts, links, codes, messages,
    and any text they wrote. What remains — grade, school, applications, attendance marks —
    no longer names anyone, so the network's statistics still add up."""
    person = await check_can_delete(session, actor, subject_id, now)
    withdrawn = await enrollment.end_live_applications(session, actor, subject_id, now)
    name = person.full_name
    scope = [
        "name",
        "messenger accounts",
        "parent links",
        "link codes",
        "messages",
        "texts written",
    ]
    person.full_name = ""
    # Without the school's code, a later spreadsheet import cannot put the name back.
    person.external_code = None
    person.language = None
    person.timezone = None
    for account in await _accounts(session, subject_id):
        await session.delete(account)
    await session.execute(
        delete(ParentLink).where(
            (ParentLink.parent_id == subject_id) | (ParentLink.child_id == subject_id)
        )
    )
    await session.execute(delete(ParentLinkCode).where(ParentLinkCode.child_id == subject_id))
    await session.execute(delete(Notification).where(Notification.person_id == subject_id))
    # Texts the person wrote (reasons) go from the history, the applications and messages.
    written = set(
        (
            await session.scalars(
                select(ApplicationEvent.reason).where(
                    ApplicationEvent.actor_id == subject_id, ApplicationEvent.reason != ""
                )
            )
        ).all()
    )
    await session.execute(
        update(ApplicationEvent).where(ApplicationEvent.actor_id == subject_id).values(reason="")
    )
    if written:
        await session.execute(
            update(Application).where(Application.reason.in_(written)).values(reason="")
        )
    traces = {t for t in (name, *written) if t}
    if traces:
        # Messages to others that named the person, or quoted them, keep their place only.
        for note in (await session.scalars(select(Notification))).all():
            params = dict(note.params)
            # A value is a text or a person named with their gender (services/names.Named).
            changed = {
                k: "—"
                for k, v in params.items()
                if any(t in json.dumps(v, ensure_ascii=False) for t in traces)
            }
            if changed:
                note.params = {**params, **changed}
    await session.flush()
    await record(
        session,
        actor_id=actor.person_id if actor.person_id != subject_id else None,
        action="data.deleted",
        object_type="person",
        object_id=subject_id,
        now=now,
        details={"scope": scope, "at": now.isoformat(), "applications_withdrawn": withdrawn},
    )
    return Deleted(scope, withdrawn)
