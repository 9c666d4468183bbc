"""Seats: "the student is enrolled in the group", the one place that says it.

An application holds a seat while its state is enrolled; nothing else does (a waitlisted one
waits for a seat, a withdrawn one gave it back). Every query about who is in a group or how
many seats are taken is built here: the condition, the count per group (as a number, per
group at once, or as a subquery for a query about groups), the ids of a group's students and
of their families.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models import Application, ParentLink
from models.enums import ApplicationState

ENROLLED = ApplicationState.ENROLLED
# A group by its id, or a column to correlate with (Group.id, Lesson.group_id).
GroupRef = int | ColumnElement[int] | QueryableAttribute[int]


def enrolled() -> ColumnElement[bool]:
    """The application holds a seat (a condition on Application)."""
    return Application.state == ENROLLED


def students_of(group_id: GroupRef) -> Select[int]:
    """The ids of a group's enrolled students, as a subquery; `group_id` may be a column
    (Lesson.group_id) to correlate with."""
    return select(Application.student_id).where(Application.group_id == group_id, enrolled())


def groups_of(student_id: int) -> Select[int]:
    """The ids of the groups a student is enrolled in, as a subquery."""
    return select(Application.group_id).where(Application.student_id == student_id, enrolled())


def taken(group_id: GroupRef) -> ScalarSelect[int]:
    """Seats taken in each group of a query about groups (`taken(Group.id) < Group.capacity`)."""
    return (
        select(func.count(Application.id))
        .where(Application.group_id == group_id, enrolled())
        .scalar_subquery()
    )


async def count(session: AsyncSession, group_id: int) -> int:
    """Seats taken in one group."""
    found = await session.scalar(
        select(func.count(Application.id)).where(Application.group_id == group_id, enrolled())
    )
    return int(found or 0)


async def counts_by_state(
    session: AsyncSession,
    groups: Iterable[int] | Select[Any],
    states: Iterable[ApplicationState] = (ENROLLED,),
) -> dict[int, Counter[ApplicationState]]:
    """Applications in each of `states` per group, in one query (`groups`: ids, or a query
    of ids); every group asked about is there, with zero counts if it has none."""
    wanted = list(groups) if not isinstance(groups, Select) else None
    if wanted == []:
        return {}
    found: dict[int, Counter[ApplicationState]] = {gid: Counter() for gid in wanted or ()}
    rows = await session.execute(
        select(Application.group_id, Application.state, func.count(Application.id))
        .where(
            Application.group_id.in_(groups if wanted is None else wanted),
            Application.state.in_(list(states)),
        )
        .group_by(Application.group_id, Application.state)
    )
    for group_id, state, n in rows.all():
        found.setdefault(group_id, Counter())[state] = n
    return found


async def counts(session: AsyncSession, group_ids: Iterable[int]) -> dict[int, int]:
    """Seats taken per group, in one query; a group without students counts zero."""
    return {gid: c[ENROLLED] for gid, c in (await counts_by_state(session, group_ids)).items()}


async def student_ids(session: AsyncSession, group_id: int) -> list[int]:
    """A group's enrolled students, in the order they got their seats."""
    rows = await session.scalars(students_of(group_id).order_by(Application.id))
    return list(rows.all())


async def students_by_group(
    session: AsyncSession, group_ids: Iterable[int]
) -> dict[int, list[int]]:
    """The enrolled students of several groups at once."""
    wanted = list(group_ids)
    found: dict[int, list[int]] = {gid: [] for gid in wanted}
    if wanted:
        rows = await session.execute(
            select(Application.group_id, Application.student_id)
            .where(Application.group_id.in_(wanted), enrolled())
            .order_by(Application.id)
        )
        for group_id, student_id in rows.all():
            found[group_id].append(student_id)
    return found


async def with_parents(session: AsyncSession, student_ids: list[int]) -> list[int]:
    """The students and then their parents, each once."""
    parents = (
        await session.scalars(
            select(ParentLink.parent_id)
            .where(ParentLink.child_id.in_(student_ids))
            .order_by(ParentLink.id)
        )
    ).all()
    return list(dict.fromkeys([*student_ids, *parents]))


async def families(session: AsyncSession, group_id: int) -> list[int]:
    """A group's enrolled students and their parents, each once: whom news of it concerns."""
    return await with_parents(session, await student_ids(session, group_id))
