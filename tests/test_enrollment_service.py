"""The application rules in services/enrollment.py, called directly over a session.

Each test drives applications through the service functions, commits after every successful
step (as the bot does per update) and checks what a person would notice: the state, the
history with who did it in which role and why, and who is told what. A refusal must change
nothing: the service raises before writing and the bot then rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Application, ApplicationEvent, AuditRecord, Group, Notification, Person
from models.enums import ApplicationState, Role
from services import enrollment
from services.actor import Actor
from services.clock import ManualClock
from services.enrollment import CONSENT_VERSION, Action
from services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from services.text import REASON_MAX
from tests import factories

S = ApplicationState
REASON = "Нет свободного времени в расписании"


# --- helpers -------------------------------------------------------------------------------


@dataclass
class World:
    """The demo network with an Actor for each of its people."""

    net: factories.Network
    session: AsyncSession
    clock: ManualClock

    async def actor(self, who: Person) -> Actor:
        return await self.net.actor(self.session, who)


@pytest.fixture
async def world(session: AsyncSession, clock: ManualClock) -> World:
    net = await factories.network(session)
    await session.commit()
    return World(net, session, clock)


async def make_world(session: AsyncSession, clock: ManualClock, **sizes: int) -> World:
    net = await factories.network(session, **sizes)
    await session.commit()
    return World(net, session, clock)


async def family(
    w: World, name: str, *, org_id: int | None = None, grade: int = 8
) -> tuple[Person, Person]:
    """Another student (of the home school unless told) with one linked parent."""
    student = await factories.person(
        w.session, name, Role.STUDENT, org_id or w.net.home.id, grade=grade
    )
    parent = await factories.person(w.session, f"Родитель: {name}", Role.PARENT)
    await factories.link(w.session, parent, student)
    await w.session.commit()
    return student, parent


async def count(session: AsyncSession, model: Any) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def state_of(session: AsyncSession, app_id: int) -> ApplicationState:
    state = await session.scalar(select(Application.state).where(Application.id == app_id))
    assert state is not None
    return state


async def history(session: AsyncSession, app_id: int) -> list[tuple[Any, ...]]:
    """(from, to, actor, role, reason, consent version) of each step, oldest first."""
    rows = await session.execute(
        select(
            ApplicationEvent.from_state,
            ApplicationEvent.to_state,
            ApplicationEvent.actor_id,
            ApplicationEvent.actor_role,
            ApplicationEvent.reason,
            ApplicationEvent.consent_version,
        )
        .where(ApplicationEvent.application_id == app_id)
        .order_by(ApplicationEvent.id)
    )
    return [tuple(row) for row in rows.all()]


async def told(session: AsyncSession, kind: str) -> list[int]:
    """Who got a notification of this kind, with repeats (so a duplicate shows)."""
    rows = await session.scalars(
        select(Notification.person_id)
        .where(Notification.kind == kind)
        .order_by(Notification.person_id)
    )
    return list(rows.all())


async def kinds(session: AsyncSession) -> dict[str, list[int]]:
    """Every notification written so far, as kind → sorted recipients."""
    result: dict[str, list[int]] = {}
    for person_id, kind in await session.execute(
        select(Notification.person_id, Notification.kind).order_by(Notification.person_id)
    ):
        result.setdefault(kind, []).append(person_id)
    return result


async def snapshot(session: AsyncSession) -> dict[str, Any]:
    """Everything a refusal must leave alone."""
    return {
        "applications": (
            await session.execute(
                select(
                    Application.id,
                    Application.student_id,
                    Application.state,
                    Application.reason,
                    Application.updated_at,
                ).order_by(Application.id)
            )
        ).all(),
        "events": await count(session, ApplicationEvent),
        "notifications": await count(session, Notification),
        "audit": await count(session, AuditRecord),
        "groups": (
            await session.execute(select(Group.id, Group.confirmed_at).order_by(Group.id))
        ).all(),
    }


async def refused(
    session: AsyncSession,
    call: Awaitable[Any],
    error: type[DomainError],
    key: str | None = None,
) -> DomainError:
    """Expect a refusal that writes nothing, then roll back as the bot's middleware does."""
    before = await snapshot(session)
    with pytest.raises(error) as info:
        await call
    if key is not None:
        assert info.value.key == key
    assert not session.new, "a refusal left changes pending"
    assert not session.dirty, "a refusal left changes pending"
    assert await snapshot(session) == before, "a refusal wrote to the database"
    await session.rollback()
    assert await snapshot(session) == before
    # The rollback expired every loaded object; load them again so the test can go on.
    for obj in list(session.identity_map.values()):
        await session.refresh(obj)
    return info.value


async def submit(w: World, student: Person | None = None) -> int:
    """The student applies to the network's group; returns the application id."""
    student = student or w.net.student
    app = await enrollment.apply(w.session, await w.actor(student), w.net.group.id, w.clock.now())
    await w.session.commit()
    return app.id


async def consent(w: World, app_id: int, parent: Person | None = None) -> None:
    actor = await w.actor(parent or w.net.parent)
    await enrollment.parent_confirm(w.session, actor, app_id, w.clock.now())
    await w.session.commit()


async def approve(w: World, app_id: int, coordinator: Person | None = None) -> None:
    actor = await w.actor(coordinator or w.net.coordinator)
    await enrollment.school_approve(w.session, actor, app_id, w.clock.now())
    await w.session.commit()


async def to_school(w: World, student: Person | None = None, parent: Person | None = None) -> int:
    app_id = await submit(w, student)
    await consent(w, app_id, parent)
    return app_id


async def enrol(w: World, student: Person | None = None, parent: Person | None = None) -> int:
    app_id = await to_school(w, student, parent)
    await approve(w, app_id)
    return app_id


async def withdraw(w: World, app_id: int, who: Person) -> None:
    await enrollment.withdraw(w.session, await w.actor(who), app_id, w.clock.now())
    await w.session.commit()


# --- apply ---------------------------------------------------------------------------------


async def test_student_applies_and_every_linked_parent_is_asked(world: World):
    w, net = world, world.net
    second_parent = await factories.person(w.session, "Соколов Игорь", Role.PARENT)
    await factories.link(w.session, second_parent, net.student)
    await w.session.commit()

    app_id = await submit(w)

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert (app.student_id, app.group_id, app.state) == (
        net.student.id,
        net.group.id,
        S.AWAITING_PARENT,
    )
    assert app.created_at == app.updated_at == w.clock.now()
    assert await history(w.session, app_id) == [
        (None, S.SUBMITTED, net.student.id, Role.STUDENT, "", None),
        (S.SUBMITTED, S.AWAITING_PARENT, net.student.id, Role.STUDENT, "", None),
    ]
    assert await kinds(w.session) == {
        "notify-parent-consent-needed": sorted([net.parent.id, second_parent.id])
    }
    params = await w.session.scalar(select(Notification.params).limit(1))
    assert params == {
        "student": {"named": [{"id": net.student.id, "name": "Соколов Артём", "gender": "male"}]},
        "course": "Олимпиадная математика",
        "group": net.group.code,
    }


async def test_student_without_a_linked_parent_can_apply_and_nobody_is_told_yet(world: World):
    w = world
    lonely = await factories.person(w.session, "Иванов Пётр", Role.STUDENT, w.net.home.id, grade=7)
    await w.session.commit()

    app_id = await submit(w, lonely)

    assert await state_of(w.session, app_id) == S.AWAITING_PARENT
    assert await count(w.session, Notification) == 0


async def test_check_apply_reports_seats_taken(session: AsyncSession, clock: ManualClock):
    w = await make_world(session, clock, capacity=1)
    student = await w.actor(w.net.student)
    check = await enrollment.check_apply(session, student, w.net.group.id, clock.now())
    assert (check.enrolled, check.is_full) == (0, False)
    assert check.course.title == "Олимпиадная математика"

    await factories.enrolled(session, w.net.group, w.net.other_student)
    await session.commit()
    check = await enrollment.check_apply(session, student, w.net.group.id, clock.now())
    assert (check.enrolled, check.is_full) == (1, True)


async def test_second_application_to_the_same_group_is_refused(world: World):
    w = world
    first = await submit(w)
    actor = await w.actor(w.net.student)

    await refused(
        w.session,
        enrollment.apply(w.session, actor, w.net.group.id, w.clock.now()),
        Conflict,
        "error-already-applied",
    )
    assert await count(w.session, Application) == 1
    assert await state_of(w.session, first) == S.AWAITING_PARENT


async def test_student_may_apply_again_after_withdrawing(world: World):
    w = world
    first = await submit(w)
    await withdraw(w, first, w.net.student)
    w.clock.advance(timedelta(hours=1))

    second = await submit(w)

    assert second != first
    assert await state_of(w.session, first) == S.WITHDRAWN
    assert await state_of(w.session, second) == S.AWAITING_PARENT


async def test_grade_outside_the_course_is_refused(world: World):
    w = world
    senior, _ = await family(w, "Лебедев Кирилл", grade=10)

    error = await refused(
        w.session,
        enrollment.apply(w.session, await w.actor(senior), w.net.group.id, w.clock.now()),
        Forbidden,
        "error-grade",
    )
    assert error.params == {"min": 7, "max": 9}
    assert await count(w.session, Application) == 0


@pytest.mark.parametrize("who", ["parent", "coordinator", "teacher", "other_parent"])
async def test_only_students_can_apply(world: World, who: str):
    w = world
    actor = await w.actor(getattr(w.net, who))

    await refused(
        w.session,
        enrollment.apply(w.session, actor, w.net.group.id, w.clock.now()),
        Forbidden,
        "error-students-only",
    )
    assert await count(w.session, Application) == 0


@pytest.mark.parametrize("closed", ["cancelled", "finished"])
async def test_closed_group_takes_no_applications(world: World, closed: str):
    w = world
    if closed == "cancelled":
        w.net.group.cancelled_at = w.clock.now() - timedelta(days=1)
    else:
        w.net.group.end_date = w.clock.now().date() - timedelta(days=1)
    await w.session.commit()

    await refused(
        w.session,
        enrollment.apply(w.session, await w.actor(w.net.student), w.net.group.id, w.clock.now()),
        Conflict,
        "error-group-closed",
    )
    assert await count(w.session, Application) == 0


async def test_group_on_its_last_day_still_takes_applications(world: World):
    w = world
    w.net.group.end_date = w.clock.now().date()
    await w.session.commit()

    app_id = await submit(w)

    assert await state_of(w.session, app_id) == S.AWAITING_PARENT


async def test_group_that_ended_yesterday_in_moscow_is_closed_after_midnight_utc(world: World):
    """A group's dates are the provider's calendar: at 01:00 on 2 March in Moscow
    (22:00 UTC on 1 March) a group that ended on 1 March is over."""
    w = world
    w.net.group.end_date = date(2027, 3, 1)
    await w.session.commit()
    w.clock.set(datetime(2027, 3, 1, 22, 0, tzinfo=UTC))  # 2 March, 01:00 in Moscow

    await refused(
        w.session,
        enrollment.apply(w.session, await w.actor(w.net.student), w.net.group.id, w.clock.now()),
        Conflict,
        "error-group-closed",
    )


async def test_unknown_group_is_not_found(world: World):
    w = world
    await refused(
        w.session,
        enrollment.apply(w.session, await w.actor(w.net.student), 999_999, w.clock.now()),
        NotFound,
        "error-not-found",
    )


async def test_full_group_takes_applications_and_approval_waitlists(
    session: AsyncSession, clock: ManualClock
):
    w = await make_world(session, clock, capacity=1)
    net = w.net
    await factories.enrolled(session, net.group, net.other_student)
    await session.commit()
    check = await enrollment.check_apply(
        session, await w.actor(net.student), net.group.id, clock.now()
    )
    assert check.is_full

    app_id = await to_school(w)
    await approve(w, app_id)

    assert await state_of(session, app_id) == S.WAITLISTED
    assert (await history(session, app_id))[-1] == (
        S.AWAITING_SCHOOL,
        S.WAITLISTED,
        net.coordinator.id,
        Role.COORDINATOR,
        "",
        None,
    )
    assert await told(session, "notify-waitlisted") == sorted([net.student.id, net.parent.id])
    assert await told(session, "notify-enrolled") == []


# --- parent_confirm ------------------------------------------------------------------------


async def test_parent_confirms_and_the_home_school_is_asked_to_review(world: World):
    w, net = world, world.net
    app_id = await submit(w)
    w.clock.advance(timedelta(hours=2))

    await consent(w, app_id)

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert app.state == S.AWAITING_SCHOOL
    assert app.updated_at == w.clock.now()
    assert (await history(w.session, app_id))[-1] == (
        S.AWAITING_PARENT,
        S.AWAITING_SCHOOL,
        net.parent.id,
        Role.PARENT,
        "",
        CONSENT_VERSION,
    )
    assert await told(w.session, "notify-student-parent-confirmed") == [net.student.id]
    # The home school's coordinator, not the other school's.
    assert await told(w.session, "notify-coordinator-review") == [net.coordinator.id]
    audit = await w.session.scalar(
        select(AuditRecord).where(AuditRecord.action == "application.parent_confirmed")
    )
    assert audit is not None
    assert (audit.actor_id, audit.object_id) == (net.parent.id, app_id)
    assert audit.details == {"consent_version": CONSENT_VERSION}


async def test_every_home_coordinator_is_asked_to_review(world: World):
    w, net = world, world.net
    deputy = await factories.person(w.session, "Зайцева Нина", Role.COORDINATOR, net.home.id)
    await w.session.commit()

    await to_school(w)

    assert await told(w.session, "notify-coordinator-review") == sorted(
        [net.coordinator.id, deputy.id]
    )


@pytest.mark.parametrize("who", ["student", "other_parent", "coordinator"])
async def test_only_a_linked_parent_can_confirm(world: World, who: str):
    w = world
    app_id = await submit(w)
    actor = await w.actor(getattr(w.net, who))

    await refused(
        w.session,
        enrollment.parent_confirm(w.session, actor, app_id, w.clock.now()),
        Forbidden,
        "error-not-your-child",
    )
    assert await state_of(w.session, app_id) == S.AWAITING_PARENT


async def test_a_second_confirmation_is_stale_and_changes_nothing(world: World):
    w = world
    app_id = await to_school(w)
    events, notes = await count(w.session, ApplicationEvent), await count(w.session, Notification)
    w.clock.advance(timedelta(minutes=5))

    error = await refused(
        w.session,
        enrollment.parent_confirm(w.session, await w.actor(w.net.parent), app_id, w.clock.now()),
        Conflict,
        "error-application-state",
    )
    assert error.params == {"state": {"key": "state-awaiting_school"}}
    assert await count(w.session, ApplicationEvent) == events
    assert await count(w.session, Notification) == notes


# --- parent_decline ------------------------------------------------------------------------


async def test_parent_declines_without_a_reason(world: World):
    w, net = world, world.net
    app_id = await submit(w)

    await enrollment.parent_decline(
        w.session, await w.actor(net.parent), app_id, w.clock.now(), reason="   "
    )
    await w.session.commit()

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert (app.state, app.reason) == (S.DECLINED_BY_PARENT, "")
    assert (await history(w.session, app_id))[-1] == (
        S.AWAITING_PARENT,
        S.DECLINED_BY_PARENT,
        net.parent.id,
        Role.PARENT,
        "",
        None,
    )
    assert await told(w.session, "notify-student-parent-declined") == [net.student.id]
    params = await w.session.scalar(
        select(Notification.params).where(Notification.kind == "notify-student-parent-declined")
    )
    assert params is not None
    assert params["reason"] == "—"
    # The school never saw it, so it is not told.
    assert net.coordinator.id not in await told(w.session, "notify-coordinator-review")


async def test_parent_declines_with_a_reason(world: World):
    w, net = world, world.net
    app_id = await submit(w)

    await enrollment.parent_decline(
        w.session,
        await w.actor(net.parent),
        app_id,
        w.clock.now(),
        reason="  В это время\nмузыкальная   школа ",
    )
    await w.session.commit()

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert (app.state, app.reason) == (S.DECLINED_BY_PARENT, "В это время музыкальная школа")
    assert (await history(w.session, app_id))[-1][4] == "В это время музыкальная школа"
    params = await w.session.scalar(
        select(Notification.params).where(Notification.kind == "notify-student-parent-declined")
    )
    assert params is not None
    assert params["reason"] == "В это время музыкальная школа"


async def test_decline_reason_too_long_is_invalid(world: World):
    w = world
    app_id = await submit(w)

    error = await refused(
        w.session,
        enrollment.parent_decline(
            w.session,
            await w.actor(w.net.parent),
            app_id,
            w.clock.now(),
            reason="я" * (REASON_MAX + 1),
        ),
        Invalid,
        "error-reason-too-long",
    )
    assert error.params == {"max": REASON_MAX}
    assert await state_of(w.session, app_id) == S.AWAITING_PARENT


async def test_decline_reason_of_exactly_the_maximum_is_accepted(world: World):
    w = world
    app_id = await submit(w)

    await enrollment.parent_decline(
        w.session, await w.actor(w.net.parent), app_id, w.clock.now(), reason="я" * REASON_MAX
    )
    await w.session.commit()

    assert await state_of(w.session, app_id) == S.DECLINED_BY_PARENT


@pytest.mark.parametrize("who", ["student", "other_parent"])
async def test_only_a_linked_parent_can_decline(world: World, who: str):
    w = world
    app_id = await submit(w)

    await refused(
        w.session,
        enrollment.parent_decline(
            w.session, await w.actor(getattr(w.net, who)), app_id, w.clock.now()
        ),
        Forbidden,
        "error-not-your-child",
    )


async def test_decline_after_confirming_is_stale(world: World):
    w = world
    app_id = await to_school(w)

    await refused(
        w.session,
        enrollment.parent_decline(w.session, await w.actor(w.net.parent), app_id, w.clock.now()),
        Conflict,
        "error-application-state",
    )
    assert await state_of(w.session, app_id) == S.AWAITING_SCHOOL


# --- school_approve ------------------------------------------------------------------------


async def test_home_coordinator_approves_and_the_family_is_told(world: World):
    w, net = world, world.net
    app_id = await to_school(w)
    w.clock.advance(timedelta(days=1))

    await approve(w, app_id)

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert (app.state, app.updated_at) == (S.ENROLLED, w.clock.now())
    assert await history(w.session, app_id) == [
        (None, S.SUBMITTED, net.student.id, Role.STUDENT, "", None),
        (S.SUBMITTED, S.AWAITING_PARENT, net.student.id, Role.STUDENT, "", None),
        (S.AWAITING_PARENT, S.AWAITING_SCHOOL, net.parent.id, Role.PARENT, "", CONSENT_VERSION),
        (S.AWAITING_SCHOOL, S.ENROLLED, net.coordinator.id, Role.COORDINATOR, "", None),
    ]
    assert await told(w.session, "notify-enrolled") == sorted([net.student.id, net.parent.id])
    assert await told(w.session, "notify-waitlisted") == []
    # One student of a minimum of ten: the group is not confirmed yet.
    assert await w.session.scalar(select(Group.confirmed_at)) is None
    assert await told(w.session, "notify-group-confirmed") == []


@pytest.mark.parametrize("who", ["other_coordinator", "teacher", "student", "parent"])
async def test_only_the_home_coordinator_can_approve(world: World, who: str):
    w = world
    app_id = await to_school(w)

    await refused(
        w.session,
        enrollment.school_approve(
            w.session, await w.actor(getattr(w.net, who)), app_id, w.clock.now()
        ),
        Forbidden,
        "error-not-your-student",
    )
    assert await state_of(w.session, app_id) == S.AWAITING_SCHOOL


async def test_other_school_coordinator_approves_own_student(world: World):
    w, net = world, world.net
    app_id = await to_school(w, net.other_student, net.other_parent)

    await refused(
        w.session,
        enrollment.school_approve(w.session, await w.actor(net.coordinator), app_id, w.clock.now()),
        Forbidden,
        "error-not-your-student",
    )
    await approve(w, app_id, net.other_coordinator)

    assert await state_of(w.session, app_id) == S.ENROLLED


async def test_approval_before_parent_consent_is_refused(world: World):
    w = world
    app_id = await submit(w)

    error = await refused(
        w.session,
        enrollment.school_approve(
            w.session, await w.actor(w.net.coordinator), app_id, w.clock.now()
        ),
        Conflict,
        "error-application-state",
    )
    assert error.params == {"state": {"key": "state-awaiting_parent"}}
    assert await state_of(w.session, app_id) == S.AWAITING_PARENT


async def test_approving_twice_is_stale(world: World):
    w = world
    app_id = await enrol(w)

    await refused(
        w.session,
        enrollment.school_approve(
            w.session, await w.actor(w.net.coordinator), app_id, w.clock.now()
        ),
        Conflict,
        "error-application-state",
    )
    assert await told(w.session, "notify-enrolled") == sorted([w.net.student.id, w.net.parent.id])


async def test_approval_fills_seats_then_waitlists(session: AsyncSession, clock: ManualClock):
    w = await make_world(session, clock, capacity=2, min_size=5)
    second, second_parent = await family(w, "Васильева Дарья")
    third, third_parent = await family(w, "Попов Глеб")

    first_id = await enrol(w)
    second_id = await enrol(w, second, second_parent)
    third_id = await enrol(w, third, third_parent)

    assert [await state_of(session, i) for i in (first_id, second_id, third_id)] == [
        S.ENROLLED,
        S.ENROLLED,
        S.WAITLISTED,
    ]
    assert await told(session, "notify-waitlisted") == sorted([third.id, third_parent.id])


# --- school_reject -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n  "])
async def test_rejection_needs_a_reason(world: World, reason: str):
    w = world
    app_id = await to_school(w)

    await refused(
        w.session,
        enrollment.school_reject(
            w.session, await w.actor(w.net.coordinator), app_id, w.clock.now(), reason
        ),
        Invalid,
        "error-reason-required",
    )
    assert await state_of(w.session, app_id) == S.AWAITING_SCHOOL


async def test_rejection_stores_the_reason_and_tells_the_family(world: World):
    w, net = world, world.net
    app_id = await to_school(w)

    await enrollment.school_reject(
        w.session, await w.actor(net.coordinator), app_id, w.clock.now(), f"  {REASON} "
    )
    await w.session.commit()

    app = await w.session.get(Application, app_id)
    assert app is not None
    assert (app.state, app.reason) == (S.REJECTED, REASON)
    assert (await history(w.session, app_id))[-1] == (
        S.AWAITING_SCHOOL,
        S.REJECTED,
        net.coordinator.id,
        Role.COORDINATOR,
        REASON,
        None,
    )
    assert await told(w.session, "notify-rejected") == sorted([net.student.id, net.parent.id])
    params = await w.session.scalar(
        select(Notification.params).where(Notification.kind == "notify-rejected")
    )
    assert params is not None
    assert params["reason"] == REASON


async def test_rejection_reason_too_long_is_invalid(world: World):
    w = world
    app_id = await to_school(w)

    await refused(
        w.session,
        enrollment.school_reject(
            w.session,
            await w.actor(w.net.coordinator),
            app_id,
            w.clock.now(),
            "x" * (REASON_MAX + 1),
        ),
        Invalid,
        "error-reason-too-long",
    )


@pytest.mark.parametrize("who", ["other_coordinator", "parent"])
async def test_only_the_home_coordinator_can_reject(world: World, who: str):
    w = world
    app_id = await to_school(w)

    await refused(
        w.session,
        enrollment.school_reject(
            w.session, await w.actor(getattr(w.net, who)), app_id, w.clock.now(), REASON
        ),
        Forbidden,
        "error-not-your-student",
    )


async def test_rejecting_before_parent_consent_is_refused(world: World):
    w = world
    app_id = await submit(w)

    await refused(
        w.session,
        enrollment.school_reject(
            w.session, await w.actor(w.net.coordinator), app_id, w.clock.now(), REASON
        ),
        Conflict,
        "error-application-state",
    )


# --- withdraw ------------------------------------------------------------------------------


async def test_student_withdraws_before_consent_and_only_the_family_hears(world: World):
    w, net = world, world.net
    app_id = await submit(w)

    await withdraw(w, app_id, net.student)

    assert await state_of(w.session, app_id) == S.WITHDRAWN
    assert (await history(w.session, app_id))[-1] == (
        S.AWAITING_PARENT,
        S.WITHDRAWN,
        net.student.id,
        Role.STUDENT,
        "",
        None,
    )
    # The one who withdrew is not told about it; the school never saw the application.
    assert await told(w.session, "notify-withdrawn") == [net.parent.id]


async def test_parent_withdraws_under_review_and_student_and_school_hear(world: World):
    w, net = world, world.net
    app_id = await to_school(w)

    await withdraw(w, app_id, net.parent)

    assert await state_of(w.session, app_id) == S.WITHDRAWN
    assert (await history(w.session, app_id))[-1] == (
        S.AWAITING_SCHOOL,
        S.WITHDRAWN,
        net.parent.id,
        Role.PARENT,
        "",
        None,
    )
    assert await told(w.session, "notify-withdrawn") == sorted([net.student.id, net.coordinator.id])


async def test_withdrawing_a_seat_promotes_the_earliest_waitlisted(
    session: AsyncSession, clock: ManualClock
):
    w = await make_world(session, clock, capacity=1)
    net = w.net
    early, early_parent = await family(w, "Новикова Вера")
    late, late_parent = await family(w, "Фёдоров Лев")
    seat = await enrol(w)

    # `late` applies first but is approved (so waitlisted) after `early`.
    clock.advance(timedelta(hours=1))
    late_app = await to_school(w, late, late_parent)
    clock.advance(timedelta(hours=1))
    early_app = await to_school(w, early, early_parent)
    clock.advance(timedelta(hours=1))
    await approve(w, early_app)
    clock.advance(timedelta(hours=1))
    await approve(w, late_app)
    assert await state_of(session, early_app) == await state_of(session, late_app) == S.WAITLISTED

    clock.advance(timedelta(hours=1))
    await withdraw(w, seat, net.student)

    assert await state_of(session, seat) == S.WITHDRAWN
    assert await state_of(session, early_app) == S.ENROLLED
    assert await state_of(session, late_app) == S.WAITLISTED
    assert (await history(session, early_app))[-1] == (
        S.WAITLISTED,
        S.ENROLLED,
        None,
        None,
        "",
        None,
    )
    assert await told(session, "notify-promoted") == sorted([early.id, early_parent.id])
    assert await told(session, "notify-withdrawn") == sorted([net.parent.id, net.coordinator.id])


async def test_withdrawing_from_the_waitlist_promotes_nobody(
    session: AsyncSession, clock: ManualClock
):
    w = await make_world(session, clock, capacity=1)
    second, second_parent = await family(w, "Семёнова Ирина")
    third, third_parent = await family(w, "Голубев Максим")
    await enrol(w)
    waiting = await enrol(w, second, second_parent)
    behind = await enrol(w, third, third_parent)

    await withdraw(w, waiting, second)

    assert await state_of(session, waiting) == S.WITHDRAWN
    assert await state_of(session, behind) == S.WAITLISTED
    assert await told(session, "notify-promoted") == []


@pytest.mark.parametrize("who", ["other_parent", "other_student", "coordinator", "teacher"])
async def test_unrelated_people_cannot_withdraw(world: World, who: str):
    w = world
    app_id = await enrol(w)

    await refused(
        w.session,
        enrollment.withdraw(w.session, await w.actor(getattr(w.net, who)), app_id, w.clock.now()),
        Forbidden,
        "error-not-your-child",
    )
    assert await state_of(w.session, app_id) == S.ENROLLED


async def test_withdrawing_twice_is_stale(world: World):
    w = world
    app_id = await submit(w)
    await withdraw(w, app_id, w.net.student)

    error = await refused(
        w.session,
        enrollment.withdraw(w.session, await w.actor(w.net.parent), app_id, w.clock.now()),
        Conflict,
        "error-application-state",
    )
    assert error.params == {"state": {"key": "state-withdrawn"}}
    assert await told(w.session, "notify-withdrawn") == [w.net.parent.id]


@pytest.mark.parametrize("ended", [S.DECLINED_BY_PARENT, S.REJECTED])
async def test_ended_applications_cannot_be_withdrawn(world: World, ended: ApplicationState):
    w = world
    app_id = await reach(w, ended)

    await refused(
        w.session,
        enrollment.withdraw(w.session, await w.actor(w.net.student), app_id, w.clock.now()),
        Conflict,
        "error-application-state",
    )


# --- group confirmation --------------------------------------------------------------------


async def test_group_is_confirmed_once_when_it_reaches_its_minimum(
    session: AsyncSession, clock: ManualClock
):
    w = await make_world(session, clock, capacity=4, min_size=2)
    net = w.net
    stepfather = await factories.person(session, "Соколов Игорь", Role.PARENT)
    await factories.link(session, stepfather, net.student)
    second, second_parent = await family(w, "Орлова Софья")
    third, third_parent = await family(w, "Зуев Тимур")
    undecided, undecided_parent = await family(w, "Киселёва Алиса")

    await enrol(w)
    assert await session.scalar(select(Group.confirmed_at)) is None
    assert await told(session, "notify-group-confirmed") == []

    await to_school(w, undecided, undecided_parent)  # not enrolled: not part of the news
    clock.advance(timedelta(days=1))
    confirmed_at = clock.now()
    await enrol(w, second, second_parent)

    assert await session.scalar(select(Group.confirmed_at)) == confirmed_at
    everyone = sorted([net.student.id, net.parent.id, stepfather.id, second.id, second_parent.id])
    assert await told(session, "notify-group-confirmed") == everyone
    rows = await session.execute(
        select(Notification.person_id, Notification.params).where(
            Notification.kind == "notify-group-confirmed"
        )
    )
    params = dict(rows.all())
    # Each parent reads which of their children the group is about; a student reads it plain.
    assert params[net.student.id] == {
        "course": "Олимпиадная математика",
        "group": net.group.code,
        "reader": "other",
    }
    assert params[net.parent.id]["reader"] == "parent"
    assert params[net.parent.id]["child"]["named"][0]["name"] == "Соколов Артём"

    clock.advance(timedelta(days=1))
    await enrol(w, third, third_parent)

    assert await session.scalar(select(Group.confirmed_at)) == confirmed_at
    assert await told(session, "notify-group-confirmed") == everyone


async def test_a_parent_of_two_enrolled_children_hears_of_confirmation_once(
    session: AsyncSession, clock: ManualClock
):
    w = await make_world(session, clock, min_size=2)
    net = w.net
    sibling = await factories.person(session, "Соколова Ева", Role.STUDENT, net.home.id, grade=7)
    await factories.link(session, net.parent, sibling)
    await session.commit()

    await enrol(w)
    await enrol(w, sibling)

    assert await told(session, "notify-group-confirmed") == sorted(
        [net.student.id, sibling.id, net.parent.id]
    )


# --- what each person may do ---------------------------------------------------------------

PEOPLE = [
    "student",
    "parent",
    "coordinator",
    "other_coordinator",
    "other_parent",
    "other_student",
    "teacher",
]
EXPECTED: dict[ApplicationState, dict[str, set[str]]] = {
    S.AWAITING_PARENT: {
        "student": {Action.WITHDRAW},
        "parent": {Action.WITHDRAW, Action.CONFIRM, Action.DECLINE},
    },
    S.AWAITING_SCHOOL: {
        "student": {Action.WITHDRAW},
        "parent": {Action.WITHDRAW},
        "coordinator": {Action.APPROVE, Action.REJECT},
    },
    S.ENROLLED: {"student": {Action.WITHDRAW}, "parent": {Action.WITHDRAW}},
    S.WAITLISTED: {"student": {Action.WITHDRAW}, "parent": {Action.WITHDRAW}},
    S.DECLINED_BY_PARENT: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
}


async def reach(w: World, state: ApplicationState) -> int:
    """The network's student's application to its group, brought to `state` by the services."""
    net = w.net
    if state == S.WAITLISTED:
        net.group.capacity = 1
        await factories.enrolled(w.session, net.group, net.other_student)
        await w.session.commit()
    if state in (S.AWAITING_PARENT, S.DECLINED_BY_PARENT, S.WITHDRAWN):
        app_id = await submit(w)
    elif state in (S.AWAITING_SCHOOL, S.REJECTED):
        app_id = await to_school(w)
    else:
        app_id = await enrol(w)
    now = w.clock.now()
    if state == S.DECLINED_BY_PARENT:
        await enrollment.parent_decline(w.session, await w.actor(net.parent), app_id, now)
    elif state == S.REJECTED:
        await enrollment.school_reject(
            w.session, await w.actor(net.coordinator), app_id, now, REASON
        )
    elif state == S.WITHDRAWN:
        await enrollment.withdraw(w.session, await w.actor(net.student), app_id, now)
    await w.session.commit()
    assert await state_of(w.session, app_id) == state
    return app_id


def perform(w: World, action: str, actor: Actor, app_id: int) -> Awaitable[Application]:
    now = w.clock.now()
    if action == Action.WITHDRAW:
        return enrollment.withdraw(w.session, actor, app_id, now)
    if action == Action.CONFIRM:
        return enrollment.parent_confirm(w.session, actor, app_id, now)
    if action == Action.DECLINE:
        return enrollment.parent_decline(w.session, actor, app_id, now, "")
    if action == Action.APPROVE:
        return enrollment.school_approve(w.session, actor, app_id, now)
    assert action == Action.REJECT
    return enrollment.school_reject(w.session, actor, app_id, now, REASON)


@pytest.mark.parametrize("state", list(EXPECTED))
async def test_allowed_actions_per_person(world: World, state: ApplicationState):
    w = world
    app_id = await reach(w, state)
    app = await w.session.get(Application, app_id)
    assert app is not None

    seen = {
        who: await enrollment.allowed_actions(w.session, await w.actor(getattr(w.net, who)), app)
        for who in PEOPLE
    }

    assert seen == {who: EXPECTED[state].get(who, set()) for who in PEOPLE}


ACTIONS = [Action.WITHDRAW, Action.CONFIRM, Action.DECLINE, Action.APPROVE, Action.REJECT]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(EXPECTED))
async def test_services_refuse_exactly_what_allowed_actions_hides(
    world: World, state: ApplicationState, action: str
):
    """A hidden button cannot be pressed anyway (a stale one, a forged callback)."""
    w = world
    app_id = await reach(w, state)
    app = await w.session.get(Application, app_id)
    assert app is not None
    permitted: list[Actor] = []
    for who in PEOPLE:
        actor = await w.actor(getattr(w.net, who))
        if action in await enrollment.allowed_actions(w.session, actor, app):
            permitted.append(actor)
        else:
            await refused(w.session, perform(w, action, actor, app_id), DomainError)
            assert await state_of(w.session, app_id) == state

    if permitted:
        await perform(w, action, permitted[0], app_id)
        await w.session.commit()
        assert await state_of(w.session, app_id) != state


# --- queues --------------------------------------------------------------------------------


async def test_review_queue_lists_own_students_awaiting_the_school(world: World):
    w, net = world, world.net
    earlier, earlier_parent = await family(w, "Андреев Марк")
    unconfirmed, _ = await family(w, "Борисова Яна")
    enrolled_one, enrolled_parent = await family(w, "Волков Илья")

    first = await to_school(w, earlier, earlier_parent)
    w.clock.advance(timedelta(hours=1))
    second = await to_school(w)
    await submit(w, unconfirmed)
    await enrol(w, enrolled_one, enrolled_parent)
    other = await to_school(w, net.other_student, net.other_parent)

    queue = await enrollment.review_queue(w.session, await w.actor(net.coordinator))
    assert [line.application.id for line in queue] == [first, second]
    line = queue[1]
    assert (line.student_name, line.course_title, line.group_code, line.provider) == (
        "Соколов Артём",
        "Олимпиадная математика",
        net.group.code,
        "МБУ ДО ДШИ",
    )

    other_queue = await enrollment.review_queue(w.session, await w.actor(net.other_coordinator))
    assert [line.application.id for line in other_queue] == [other]


@pytest.mark.parametrize("who", ["parent", "student", "teacher"])
async def test_review_queue_is_for_coordinators(world: World, who: str):
    w = world
    await refused(
        w.session,
        enrollment.review_queue(w.session, await w.actor(getattr(w.net, who))),
        Forbidden,
        "error-coordinators-only",
    )


async def test_awaiting_parent_lists_only_own_children_waiting_for_consent(world: World):
    w, net = world, world.net
    sister = await factories.person(w.session, "Соколова Ева", Role.STUDENT, net.home.id, grade=7)
    brother = await factories.person(w.session, "Соколов Марк", Role.STUDENT, net.home.id, grade=9)
    await factories.link(w.session, net.parent, sister)
    await factories.link(w.session, net.parent, brother)
    await w.session.commit()

    mine = await submit(w)
    w.clock.advance(timedelta(minutes=10))
    sisters = await submit(w, sister)
    await to_school(w, brother)  # already confirmed: nothing to decide
    theirs = await submit(w, net.other_student)

    assert [
        line.application.id for line in await enrollment.awaiting_parent(w.session, net.parent.id)
    ] == [mine, sisters]
    assert [
        line.application.id
        for line in await enrollment.awaiting_parent(w.session, net.other_parent.id)
    ] == [theirs]
    assert await enrollment.awaiting_parent(w.session, net.coordinator.id) == []


@pytest.mark.parametrize(
    ("who", "may_see"),
    [
        ("student", True),
        ("parent", True),
        ("coordinator", True),
        ("other_parent", False),
        ("other_student", False),
        ("other_coordinator", False),
        ("teacher", False),
    ],
)
async def test_application_detail_only_for_the_people_involved(
    world: World, who: str, may_see: bool
):
    w = world
    app_id = await enrol(w)
    actor = await w.actor(getattr(w.net, who))

    if may_see:
        line, events = await enrollment.application_detail(w.session, actor, app_id)
        assert line.application.id == app_id
        assert [e.to_state for e in events] == [
            S.SUBMITTED,
            S.AWAITING_PARENT,
            S.AWAITING_SCHOOL,
            S.ENROLLED,
        ]
    else:
        await refused(
            w.session,
            enrollment.application_detail(w.session, actor, app_id),
            NotFound,
            "error-not-found",
        )


@pytest.mark.parametrize("state", list(ApplicationState))
async def test_buttons_checks_and_changes_read_one_state_table(world: World, state):
    """In every state, for each person, the buttons shown (`allowed_actions`) are exactly the
    actions `require_action` lets through, and a change refused as stale is never shown."""
    w = world
    app = await factories.enrolled(w.session, w.net.group, w.net.student, state)
    app_id = app.id
    await w.session.commit()
    people = [w.net.student, w.net.parent, w.net.coordinator, w.net.other_coordinator]
    actors = [(who.full_name, await w.actor(who)) for who in people]
    calls = {
        Action.CONFIRM: lambda a: enrollment.parent_confirm(w.session, a, app_id, w.clock.now()),
        Action.DECLINE: lambda a: enrollment.parent_decline(w.session, a, app_id, w.clock.now()),
        Action.APPROVE: lambda a: enrollment.school_approve(w.session, a, app_id, w.clock.now()),
        Action.REJECT: lambda a: enrollment.school_reject(
            w.session, a, app_id, w.clock.now(), REASON
        ),
        Action.WITHDRAW: lambda a: enrollment.withdraw(w.session, a, app_id, w.clock.now()),
    }
    for name, actor in actors:
        shown = await enrollment.allowed_actions(w.session, actor, app)
        for action, call in calls.items():
            try:
                await enrollment.require_action(w.session, actor, app_id, action)
                passed = True
            except (Conflict, Forbidden, NotFound):
                passed = False
            assert passed == (action in shown), (name, action)
            if action not in shown:
                with pytest.raises((Conflict, Forbidden, NotFound)):
                    await call(actor)
                await w.session.rollback()
                assert await state_of(w.session, app_id) == state
                app = await w.session.get(Application, app_id, populate_existing=True)
                assert app is not None
