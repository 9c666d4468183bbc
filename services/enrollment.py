"""Applications from wish to enrollment: the one place for their rules and their messages.

submitted → awaiting parent → awaiting school → enrolled or waitlisted; also declined by
parent, rejected by school, withdrawn, expired. Every change writes a history event and the
notifications it causes in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Application, ApplicationEvent, Course, Group, Organisation, ParentLink, Person
from models.enums import ACTIVE_APPLICATION_STATES, ApplicationState, Priority, Role
from services import agreements, audience, catalogue, consent, people, seats
from services.actor import Actor
from services.audit import record
from services.consent import ConsentState
from services.errors import Conflict, DomainError, Forbidden, NotFound
from services.names import Named
from services.outbox import notify_many
from services.schedule import slots_overlap
from services.text import OPTIONAL_REASON, REASON

S = ApplicationState
# Version of the consent text (`consent-application` in locales/) a parent agrees to.
CONSENT_VERSION = "2026-11"


@dataclass(frozen=True)
class ApplyCheck:
    """What a student should know before confirming an application."""

    group: Group
    course: Course
    enrolled: int
    clashes: list[str]

    @property
    def is_full(self) -> bool:
        return self.enrolled >= self.group.capacity


@dataclass(frozen=True)
class ApplicationLine:
    application: Application
    course_title: str
    group_code: str
    provider: str
    student_name: str


# --- reading -------------------------------------------------------------------------------


async def check_apply(
    session: AsyncSession, actor: Actor, group_id: int, now: datetime
) -> ApplyCheck:
    """Refuse an application that cannot be made; otherwise say what the student will get.

    A group's dates are days of the provider's calendar, so "today" is taken there.
    """
    if not actor.has(Role.STUDENT):
        raise Forbidden("error-students-only")
    if actor.grade is None:  # an import that left it empty: courses are open to grades
        raise Forbidden("error-no-grade")
    group = await catalogue.group_with_course(session, group_id)
    provider = await session.get(Organisation, group.course.provider_org_id)
    assert provider is not None  # a foreign key guarantees it
    today = now.astimezone(ZoneInfo(provider.timezone)).date()
    if not catalogue.is_open(group, today):
        raise Conflict("error-group-closed")
    course = group.course
    if not course.grade_min <= actor.grade <= course.grade_max:
        raise Forbidden("error-grade", min=course.grade_min, max=course.grade_max)
    if await _active_application(session, actor.person_id, group_id) is not None:
        raise Conflict("error-already-applied")
    if await consent.state_for_child(session, actor.person_id) == ConsentState.WITHDRAWN:
        raise Forbidden("error-consent-withdrawn")
    return ApplyCheck(
        group=group,
        course=course,
        enrolled=await seats.count(session, group_id),
        clashes=await clashes(session, actor.person_id, group_id),
    )


async def clashes(session: AsyncSession, student_id: int, group_id: int) -> list[str]:
    """Courses the student is enrolled in whose weekly slots overlap this group's."""
    rows = await session.execute(
        select(Group, Course.title, Organisation.timezone)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .where(
            (Group.id == group_id)
            | Group.id.in_(seats.groups_of(student_id).where(Application.group_id != group_id))
        )
        .options(selectinload(Group.slots))
    )
    groups = {g.id: (g, title, tz) for g, title, tz in rows.all()}
    if group_id not in groups:
        return []
    wanted, _, wanted_tz = groups.pop(group_id)
    found = []
    for other, title, other_tz in groups.values():
        first, last = max(wanted.start_date, other.start_date), min(wanted.end_date, other.end_date)
        if first > last:
            continue
        if any(
            slots_overlap(a, wanted_tz, b, other_tz, first)
            for a in wanted.slots
            for b in other.slots
        ):
            found.append(title)
    return sorted(found)


async def _active_application(
    session: AsyncSession, student_id: int, group_id: int
) -> Application | None:
    return await session.scalar(
        select(Application).where(
            Application.student_id == student_id,
            Application.group_id == group_id,
            Application.state.in_(ACTIVE_APPLICATION_STATES),
        )
    )


def _lines_query() -> Any:
    return (
        select(Application, Course.title, Group.code, Organisation.short_name, Person.full_name)
        .join(Group, Group.id == Application.group_id)
        .join(Course, Course.id == Group.course_id)
        .join(Organisation, Organisation.id == Course.provider_org_id)
        .join(Person, Person.id == Application.student_id)
    )


async def _lines(session: AsyncSession, query: Any) -> list[ApplicationLine]:
    rows = await session.execute(query)
    return [ApplicationLine(*row) for row in rows.all()]


async def student_applications(session: AsyncSession, student_id: int) -> list[ApplicationLine]:
    return await _lines(
        session,
        _lines_query()
        .where(Application.student_id == student_id)
        .order_by(Application.updated_at.desc(), Application.id.desc()),
    )


async def awaiting_parent(session: AsyncSession, parent_id: int) -> list[ApplicationLine]:
    """Applications of the parent's children that wait for the parent's decision."""
    children = select(ParentLink.child_id).where(ParentLink.parent_id == parent_id)
    return await _lines(
        session,
        _lines_query()
        .where(Application.student_id.in_(children), Application.state == S.AWAITING_PARENT)
        .order_by(Application.created_at, Application.id),
    )


async def children_applications(session: AsyncSession, parent_id: int) -> list[ApplicationLine]:
    children = select(ParentLink.child_id).where(ParentLink.parent_id == parent_id)
    return await _lines(
        session,
        _lines_query()
        .where(Application.student_id.in_(children))
        .order_by(Application.updated_at.desc(), Application.id.desc()),
    )


async def review_queue(session: AsyncSession, actor: Actor) -> list[ApplicationLine]:
    """Applications of the coordinator's own students that wait for the school."""
    orgs = actor.orgs(Role.COORDINATOR)
    if not orgs:
        raise Forbidden("error-coordinators-only")
    return await _lines(
        session,
        _lines_query()
        .where(Person.home_org_id.in_(orgs), Application.state == S.AWAITING_SCHOOL)
        .order_by(Application.updated_at, Application.id),
    )


async def application_line(session: AsyncSession, application_id: int) -> ApplicationLine:
    lines = await _lines(session, _lines_query().where(Application.id == application_id))
    if not lines:
        raise NotFound("error-not-found")
    return lines[0]


async def _may_view(session: AsyncSession, actor: Actor, app: Application) -> bool:
    if actor.person_id == app.student_id:
        return True
    if actor.has(Role.PARENT) and await people.is_parent_of(
        session, actor.person_id, app.student_id
    ):
        return True
    student = await session.get(Person, app.student_id)
    return bool(student and actor.has(Role.COORDINATOR, student.home_org_id))


async def application_detail(
    session: AsyncSession, actor: Actor, application_id: int
) -> tuple[ApplicationLine, list[ApplicationEvent]]:
    """An application with its history, for the people who may see it."""
    lines = await _lines(session, _lines_query().where(Application.id == application_id))
    if not lines or not await _may_view(session, actor, lines[0].application):
        raise NotFound("error-not-found")
    events = (
        await session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.id)
        )
    ).all()
    return lines[0], list(events)


class Action(StrEnum):
    WITHDRAW = "withdraw"
    CONFIRM = "confirm"
    DECLINE = "decline"
    APPROVE = "approve"
    REJECT = "reject"
    EXPIRE = "expire"  # nobody's: the deadline's, when no parent answered


class _Who(Enum):
    FAMILY = "family"  # the student or a linked parent
    PARENT = "parent"  # a linked parent
    SCHOOL = "school"  # a coordinator of the student's home organisation
    NOBODY = "nobody"


@dataclass(frozen=True)
class _Rule:
    states: frozenset[ApplicationState]  # the states the action applies in
    who: _Who
    not_yours: str  # what to say to someone it is not for


# The application's state table: every action, from which states, by whom. The buttons a
# person sees (`allowed_actions`), the checks before asking for input (`require_action`) and
# the changes themselves (`_expect`) all read it.
_RULES: dict[Action, _Rule] = {
    Action.WITHDRAW: _Rule(ACTIVE_APPLICATION_STATES, _Who.FAMILY, "error-not-your-child"),
    Action.CONFIRM: _Rule(frozenset({S.AWAITING_PARENT}), _Who.PARENT, "error-not-your-child"),
    Action.DECLINE: _Rule(frozenset({S.AWAITING_PARENT}), _Who.PARENT, "error-not-your-child"),
    Action.APPROVE: _Rule(frozenset({S.AWAITING_SCHOOL}), _Who.SCHOOL, "error-not-your-student"),
    Action.REJECT: _Rule(frozenset({S.AWAITING_SCHOOL}), _Who.SCHOOL, "error-not-your-student"),
    Action.EXPIRE: _Rule(frozenset({S.AWAITING_PARENT}), _Who.NOBODY, "error-not-found"),
}


async def _is(session: AsyncSession, actor: Actor, who: _Who, app: Application) -> bool:
    if who == _Who.FAMILY and actor.person_id == app.student_id:
        return True
    if who in (_Who.FAMILY, _Who.PARENT):
        return actor.has(Role.PARENT) and await people.is_parent_of(
            session, actor.person_id, app.student_id
        )
    if who == _Who.SCHOOL:
        student = await session.get(Person, app.student_id)
        return bool(
            student is not None
            and student.home_org_id is not None
            and actor.has(Role.COORDINATOR, student.home_org_id)
        )
    return False


async def allowed_actions(session: AsyncSession, actor: Actor, app: Application) -> set[Action]:
    """What this person may do with the application now (the buttons they should see)."""
    found: dict[_Who, bool] = {}  # each "who" looked up once
    for rule in _RULES.values():
        if app.state in rule.states and rule.who not in found:
            found[rule.who] = await _is(session, actor, rule.who, app)
    return {a for a, rule in _RULES.items() if app.state in rule.states and found[rule.who]}


async def require_action(
    session: AsyncSession, actor: Actor, application_id: int, action: str
) -> Application:
    """Check, before asking for more input, that this person may do `action` now."""
    app = await session.get(Application, application_id)
    if app is None or not await _may_view(session, actor, app):
        raise NotFound("error-not-found")
    rule = _RULES[Action(action)]
    _expect(app, Action(action))
    if not await _is(session, actor, rule.who, app):
        raise Forbidden(rule.not_yours)
    return app


# --- changing ------------------------------------------------------------------------------


@dataclass
class _Loaded:
    app: Application
    group: Group
    course: Course
    student: Person


async def _load(session: AsyncSession, application_id: int) -> _Loaded:
    app = await session.scalar(
        select(Application).where(Application.id == application_id).with_for_update()
    )
    if app is None:
        raise NotFound("error-not-found")
    group = await session.scalar(
        select(Group)
        .where(Group.id == app.group_id)
        .options(selectinload(Group.course))
        .with_for_update()
    )
    student = await session.get(Person, app.student_id)
    assert group is not None  # foreign keys guarantee both
    assert student is not None
    return _Loaded(app, group, group.course, student)


async def _move(
    session: AsyncSession,
    app: Application,
    to: ApplicationState,
    *,
    now: datetime,
    actor_id: int | None,
    actor_role: Role | None,
    reason: str = "",
    consent_version: str | None = None,
) -> ApplicationEvent:
    event = ApplicationEvent(
        application_id=app.id,
        from_state=app.state if app.id else None,
        to_state=to,
        actor_id=actor_id,
        actor_role=actor_role,
        reason=reason,
        consent_version=consent_version,
        created_at=now,
    )
    app.state = to
    app.updated_at = now
    if to == S.ENROLLED:
        app.enrolled_at = now
    if reason:
        app.reason = reason
    session.add(event)
    await session.flush()
    return event


def _params(loaded: _Loaded, **extra: Any) -> dict[str, Any]:
    return {
        "student": Named.of(loaded.student).to_param(),
        "course": loaded.course.title,
        "group": loaded.group.code,
        **extra,
    }


async def _tell(
    session: AsyncSession,
    recipients: list[int],
    kind: str,
    event: ApplicationEvent,
    loaded: _Loaded,
    now: datetime,
    **extra: Any,
) -> None:
    await notify_many(
        session,
        recipients,
        kind=kind,
        key_prefix=f"app-event:{event.id}:{kind}",
        now=now,
        params=_params(loaded, **extra),
        link={"to": "application", "id": loaded.app.id},
    )


def _expect(app: Application, action: Action) -> None:
    """Refuse an action the application's state does not allow (a stale button)."""
    if app.state not in _RULES[action].states:
        raise Conflict("error-application-state", state={"key": f"state-{app.state.value}"})


async def apply(session: AsyncSession, actor: Actor, group_id: int, now: datetime) -> Application:
    """A student applies to a group; the application waits for a parent's consent."""
    check = await check_apply(session, actor, group_id, now)
    student = await session.get(Person, actor.person_id)
    assert student is not None
    app = Application(
        student_id=actor.person_id,
        group_id=group_id,
        state=S.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(app)
            await session.flush()
    except IntegrityError:
        raise Conflict("error-already-applied") from None
    loaded = _Loaded(app, check.group, check.course, student)
    session.add(
        ApplicationEvent(
            application_id=app.id,
            from_state=None,
            to_state=S.SUBMITTED,
            actor_id=actor.person_id,
            actor_role=Role.STUDENT,
            created_at=now,
        )
    )
    event = await _move(
        session,
        app,
        S.AWAITING_PARENT,
        now=now,
        actor_id=actor.person_id,
        actor_role=Role.STUDENT,
    )
    parents = await people.parent_ids_of(session, actor.person_id)
    await _tell(session, parents, "notify-parent-consent-needed", event, loaded, now)
    return app


async def _require_parent(session: AsyncSession, actor: Actor, student_id: int) -> None:
    if not actor.has(Role.PARENT) or not await people.is_parent_of(
        session, actor.person_id, student_id
    ):
        raise Forbidden("error-not-your-child")


async def parent_confirm(
    session: AsyncSession,
    actor: Actor,
    application_id: int,
    now: datetime,
    *,
    with_data_consent: bool = False,
) -> Application:
    """The parent consents; the home school's coordinators get it to review.

    The child's data may be used only with the parent's consent to it: a parent who has not
    given it confirms and gives it in one decision (`with_data_consent`, pressed on a card
    that said so); otherwise confirming is refused."""
    loaded = await _load(session, application_id)
    await _require_parent(session, actor, loaded.app.student_id)
    _expect(loaded.app, Action.CONFIRM)
    if await consent.active(session, actor.person_id, loaded.app.student_id) is None:
        if not with_data_consent:
            raise Conflict("error-consent-needed")
        await consent.give(session, actor, loaded.app.student_id, now)
    event = await _move(
        session,
        loaded.app,
        S.AWAITING_SCHOOL,
        now=now,
        actor_id=actor.person_id,
        actor_role=Role.PARENT,
        consent_version=CONSENT_VERSION,
    )
    await _tell(
        session, [loaded.app.student_id], "notify-student-parent-confirmed", event, loaded, now
    )
    coordinators = await people.coordinator_ids_of(session, loaded.student.home_org_id or 0)
    await _tell(session, coordinators, "notify-coordinator-review", event, loaded, now)
    await _audit(
        session,
        actor,
        "application.parent_confirmed",
        loaded.app,
        now,
        consent_version=CONSENT_VERSION,
    )
    return loaded.app


async def parent_decline(
    session: AsyncSession, actor: Actor, application_id: int, now: datetime, reason: str = ""
) -> Application:
    loaded = await _load(session, application_id)
    await _require_parent(session, actor, loaded.app.student_id)
    _expect(loaded.app, Action.DECLINE)
    text = OPTIONAL_REASON.clean(reason)
    event = await _move(
        session,
        loaded.app,
        S.DECLINED_BY_PARENT,
        now=now,
        actor_id=actor.person_id,
        actor_role=Role.PARENT,
        reason=text,
    )
    await _tell(
        session,
        [loaded.app.student_id],
        "notify-student-parent-declined",
        event,
        loaded,
        now,
        reason=text or "—",
    )
    await _audit(session, actor, "application.parent_declined", loaded.app, now)
    return loaded.app


async def agreement_refusal(
    session: AsyncSession, app: Application, now: datetime
) -> DomainError | None:
    """Why the home school cannot approve this application for want of an agreement between
    the student's organisation and the provider (the card says it before anyone presses)."""
    group = await catalogue.group_with_course(session, app.group_id)
    student = await session.get(Person, app.student_id)
    assert student is not None  # a foreign key guarantees it
    return await agreements.approval_refusal(session, student, group.course, group, now)


async def ask_admin_for_agreement(
    session: AsyncSession, actor: Actor, application_id: int, now: datetime
) -> bool:
    """The home coordinator asks the network admins to arrange the missing agreement: each
    admin is told once per application. Returns whether they were told now (False: asked
    before)."""
    app = await require_action(session, actor, application_id, Action.APPROVE)
    refusal = await agreement_refusal(session, app, now)
    if refusal is None:
        raise Conflict("error-agreement-not-needed")
    line = await application_line(session, application_id)
    student = await session.get(Person, app.student_id)
    assert student is not None  # a foreign key guarantees it
    admins = await people.admin_ids(session)
    told = await notify_many(
        session,
        admins,
        kind="notify-admin-agreement-needed",
        key_prefix=f"agr-ask:{application_id}",
        now=now,
        params={
            **refusal.params,
            "student": Named.of(student).to_param(),
            "group": line.group_code,
        },
    )
    if told:
        await _audit(session, actor, "agreement.admin_asked", app, now)
    return told > 0


def _require_coordinator(actor: Actor, student: Person) -> None:
    if student.home_org_id is None or not actor.has(Role.COORDINATOR, student.home_org_id):
        raise Forbidden("error-not-your-student")


async def school_approve(
    session: AsyncSession, actor: Actor, application_id: int, now: datetime
) -> Application:
    """The home coordinator approves: enrolled while seats remain, else waitlisted. A guest
    student (of another organisation than the provider) only under an active agreement
    between the two that covers the course (services/agreements.approval_refusal)."""
    loaded = await _load(session, application_id)
    _require_coordinator(actor, loaded.student)
    _expect(loaded.app, Action.APPROVE)
    refusal = await agreements.approval_refusal(
        session, loaded.student, loaded.course, loaded.group, now
    )
    if refusal is not None:
        raise refusal
    has_seat = await seats.count(session, loaded.group.id) < loaded.group.capacity
    to = S.ENROLLED if has_seat else S.WAITLISTED
    event = await _move(
        session, loaded.app, to, now=now, actor_id=actor.person_id, actor_role=Role.COORDINATOR
    )
    family = [loaded.app.student_id, *await people.parent_ids_of(session, loaded.student.id)]
    kind = "notify-enrolled" if has_seat else "notify-waitlisted"
    await _tell(session, family, kind, event, loaded, now)
    await _audit(session, actor, "application.approved", loaded.app, now, result=to.value)
    if has_seat:
        await _confirm_group_if_ready(session, loaded.group, loaded.course, now)
    return loaded.app


async def school_reject(
    session: AsyncSession, actor: Actor, application_id: int, now: datetime, reason: str
) -> Application:
    loaded = await _load(session, application_id)
    _require_coordinator(actor, loaded.student)
    _expect(loaded.app, Action.REJECT)
    text = REASON.clean(reason)
    event = await _move(
        session,
        loaded.app,
        S.REJECTED,
        now=now,
        actor_id=actor.person_id,
        actor_role=Role.COORDINATOR,
        reason=text,
    )
    family = [loaded.app.student_id, *await people.parent_ids_of(session, loaded.student.id)]
    await _tell(session, family, "notify-rejected", event, loaded, now, reason=text)
    await _audit(session, actor, "application.rejected", loaded.app, now)
    return loaded.app


async def expire(session: AsyncSession, application_id: int, now: datetime) -> Application:
    """Nobody consented in time: the application lapses and the family is told."""
    loaded = await _load(session, application_id)
    _expect(loaded.app, Action.EXPIRE)
    event = await _move(session, loaded.app, S.EXPIRED, now=now, actor_id=None, actor_role=None)
    family = [loaded.app.student_id, *await people.parent_ids_of(session, loaded.student.id)]
    await _tell(session, family, "notify-expired", event, loaded, now)
    return loaded.app


async def close_for_cancelled_group(
    session: AsyncSession, actor: Actor, group: Group, now: datetime, suggestions: str
) -> list[int]:
    """Every live application of a cancelled group ends; returns the students told."""
    apps = (
        await session.scalars(
            select(Application).where(
                Application.group_id == group.id,
                Application.state.in_(ACTIVE_APPLICATION_STATES),
            )
        )
    ).all()
    told = []
    for app in apps:
        student = await session.get(Person, app.student_id)
        assert student is not None
        event = await _move(
            session,
            app,
            S.GROUP_CANCELLED,
            now=now,
            actor_id=actor.person_id,
            actor_role=Role.COORDINATOR,
        )
        family = [student.id, *await people.parent_ids_of(session, student.id)]
        await _tell(
            session,
            family,
            "notify-group-cancelled",
            event,
            _Loaded(app, group, group.course, student),
            now,
            suggestions=suggestions or "—",
        )
        told.append(student.id)
    return told


async def withdraw_consent(
    session: AsyncSession, actor: Actor, child_id: int, now: datetime
) -> int:
    """A parent withdraws consent to process the child's data: once no consent stands, the
    child's live applications end (seats go to the waitlist) and no new ones can be made
    until a parent consents again. Returns the applications ended."""
    if await consent.mark_withdrawn(session, actor, child_id, now) == ConsentState.ACTIVE:
        return 0  # the other parent's consent still stands
    return await end_live_applications(session, actor, child_id, now)


async def end_live_applications(
    session: AsyncSession, actor: Actor, student_id: int, now: datetime
) -> int:
    """Every live application of the student is withdrawn, by the student or their parent
    (`actor`); returns how many."""
    live = (
        await session.scalars(
            select(Application.id).where(
                Application.student_id == student_id,
                Application.state.in_(ACTIVE_APPLICATION_STATES),
            )
        )
    ).all()
    for app_id in live:
        await withdraw(session, actor, app_id, now)
    return len(live)


async def withdraw(
    session: AsyncSession, actor: Actor, application_id: int, now: datetime
) -> Application:
    """The student or a parent withdraws; a freed seat goes to the first on the waitlist."""
    loaded = await _load(session, application_id)
    app = loaded.app
    if actor.person_id == app.student_id:
        role = Role.STUDENT
    else:
        await _require_parent(session, actor, app.student_id)
        role = Role.PARENT
    _expect(app, Action.WITHDRAW)
    previous = app.state
    event = await _move(
        session, app, S.WITHDRAWN, now=now, actor_id=actor.person_id, actor_role=role
    )
    family = [app.student_id, *await people.parent_ids_of(session, app.student_id)]
    others = [pid for pid in family if pid != actor.person_id]
    if previous in (S.AWAITING_SCHOOL, S.ENROLLED, S.WAITLISTED):
        others += await people.coordinator_ids_of(session, loaded.student.home_org_id or 0)
    await _tell(session, others, "notify-withdrawn", event, loaded, now)
    await _audit(session, actor, "application.withdrawn", app, now)
    if previous == S.ENROLLED:
        await _promote_waitlist(session, loaded.group, loaded.course, now)
    return app


async def _promote_waitlist(
    session: AsyncSession, group: Group, course: Course, now: datetime
) -> None:
    free = group.capacity - await seats.count(session, group.id)
    if free <= 0:
        return
    waiting = (
        await session.scalars(
            select(Application)
            .where(Application.group_id == group.id, Application.state == S.WAITLISTED)
            .order_by(Application.updated_at, Application.id)
            .limit(free)
        )
    ).all()
    for app in waiting:
        student = await session.get(Person, app.student_id)
        assert student is not None
        event = await _move(session, app, S.ENROLLED, now=now, actor_id=None, actor_role=None)
        family = [student.id, *await people.parent_ids_of(session, student.id)]
        await _tell(
            session, family, "notify-promoted", event, _Loaded(app, group, course, student), now
        )
    if waiting:
        await _confirm_group_if_ready(session, group, course, now)


async def _confirm_group_if_ready(
    session: AsyncSession, group: Group, course: Course, now: datetime
) -> None:
    """The first time a group reaches its minimum size, everyone in it hears it will run."""
    if group.confirmed_at is not None or await seats.count(session, group.id) < group.min_size:
        return
    group.confirmed_at = now
    await audience.tell(
        session,
        await audience.group_families(session, group.id),
        kind="notify-group-confirmed",
        key_prefix=f"group-confirmed:{group.id}",
        now=now,
        params={"course": course.title, "group": group.code},
        priority=Priority.NORMAL,
    )


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    app: Application,
    now: datetime,
    **details: Any,
) -> None:
    await record(
        session,
        actor_id=actor.person_id,
        action=action,
        object_type="application",
        object_id=app.id,
        now=now,
        details=details,
    )
