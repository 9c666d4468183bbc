"""Who hears of news about a group, and how each is addressed: a parent is told which of
their children it is about (a parent of two cannot tell otherwise)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ParentLink, Person, RoleGrant
from models.enums import Priority, Role
from services import outbox, seats
from services.names import Named


@dataclass(frozen=True)
class Recipient:
    person_id: int
    children: tuple[Person, ...] = ()  # a parent's children the news is about


async def families(session: AsyncSession, student_ids: Sequence[int]) -> list[Recipient]:
    """The students, then their parents, each once; a parent with the children it concerns."""
    students = list(dict.fromkeys(student_ids))
    if not students:
        return []
    rows = (
        await session.execute(
            select(ParentLink.parent_id, Person)
            .join(Person, Person.id == ParentLink.child_id)
            .where(ParentLink.child_id.in_(students))
            .order_by(ParentLink.id)
        )
    ).all()
    children: dict[int, list[Person]] = {}
    for parent_id, child in rows:
        children.setdefault(parent_id, []).append(child)
    told = [Recipient(s) for s in students]
    told += [
        Recipient(parent_id, tuple(kids))
        for parent_id, kids in children.items()
        if parent_id not in students
    ]
    return told


async def group_families(session: AsyncSession, group_id: int) -> list[Recipient]:
    """A group's enrolled students and their parents."""
    return await families(session, await seats.student_ids(session, group_id))


async def staff(
    session: AsyncSession, *, provider_id: int, teacher_id: int | None, student_ids: Sequence[int]
) -> list[Recipient]:
    """Who runs a group: its teacher, the coordinators of its students' home organisations and
    of the providing organisation."""
    home_orgs = select(Person.home_org_id).where(Person.id.in_(list(student_ids)))
    coordinators = (
        await session.scalars(
            select(RoleGrant.person_id)
            .where(
                RoleGrant.role == Role.COORDINATOR,
                RoleGrant.organisation_id.in_(home_orgs)
                | (RoleGrant.organisation_id == provider_id),
            )
            .order_by(RoleGrant.id)
        )
    ).all()
    teacher = [teacher_id] if teacher_id is not None else []
    return [Recipient(pid) for pid in dict.fromkeys([*teacher, *coordinators])]


def join(*groups: Iterable[Recipient], leave_out: int | None = None) -> list[Recipient]:
    """Several audiences as one, each person once (the first mention kept), without the
    person whose own action it is: they see it on their screen."""
    seen: dict[int, Recipient] = {}
    for group in groups:
        for recipient in group:
            if recipient.person_id != leave_out:
                seen.setdefault(recipient.person_id, recipient)
    return list(seen.values())


def params_for(recipient: Recipient, params: dict[str, Any]) -> dict[str, Any]:
    """A text's values for this reader: `$reader` is parent (with `$child`) or other."""
    if recipient.children:
        return {**params, "reader": "parent", "child": Named.of(*recipient.children).to_param()}
    return {**params, "reader": "other"}


async def tell(
    session: AsyncSession,
    recipients: Iterable[Recipient],
    *,
    kind: str,
    key_prefix: str,
    now: datetime,
    params: dict[str, Any],
    priority: Priority = Priority.NORMAL,
    link: dict[str, Any] | None = None,
) -> int:
    """Queue the news for each recipient, addressed to them; returns how many are new."""
    messages = [
        outbox.Message(
            r.person_id, kind, f"{key_prefix}:{r.person_id}", params_for(r, params), priority, link
        )
        for r in recipients
    ]
    return await outbox.queue(session, messages, now)
