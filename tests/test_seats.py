"""Seats: one rule for "the student is enrolled", read the same way by every screen, report,
reminder and notice (services/seats.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Group
from models.enums import ApplicationState, Role
from services import catalogue, reports, seats
from tests import factories

S = ApplicationState


async def test_only_an_enrolled_application_holds_a_seat(session):
    net = await factories.network(session, capacity=3, min_size=2)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student, S.WAITLISTED)
    for n, state in enumerate((S.WITHDRAWN, S.AWAITING_SCHOOL, S.REJECTED, S.ENROLLED)):
        who = await factories.person(session, f"Ученик {n}", Role.STUDENT, net.home.id, grade=8)
        await factories.enrolled(session, net.group, who, state)
        if state == S.ENROLLED:
            last = who
    empty = await factories.course_with_group(session, net.provider, title="Хоровое пение")

    assert await seats.count(session, net.group.id) == 2
    assert await seats.counts(session, [net.group.id, empty.id]) == {net.group.id: 2, empty.id: 0}
    assert await seats.student_ids(session, net.group.id) == [net.student.id, last.id]
    by_state = await seats.counts_by_state(session, [net.group.id], (S.ENROLLED, S.WAITLISTED))
    assert by_state[net.group.id] == {S.ENROLLED: 2, S.WAITLISTED: 1}
    assert await seats.families(session, net.group.id) == [net.student.id, last.id, net.parent.id]
    taken = await session.scalar(select(seats.taken(Group.id)).where(Group.id == net.group.id))
    assert taken == 2

    # Every reader counts the same seats.
    (info,) = await catalogue.group_infos(
        session,
        list(
            await session.scalars(
                select(Group)
                .where(Group.id == net.group.id)
                .options(catalogue.selectinload(Group.slots))
            )
        ),
    )
    assert (info.enrolled, info.seats_left) == (2, 1)
    assert await seats.student_ids(session, net.group.id) == [net.student.id, last.id]
    term = reports.Period(date(2026, 9, 1), date(2026, 12, 31))
    (line,) = [
        g
        for g in await reports.visible_groups(
            session, reports.Scope(Role.ADMIN, 0, everything=True), term
        )
        if g.id == net.group.id
    ]
    assert (line.enrolled, line.waitlisted) == (2, 1)
