"""Agreements between organisations on the network form of a programme (договор о сетевой
форме реализации образовательной программы; seeds 002, rules R36–R38).

A student's home organisation and the organisation that teaches a course sign an agreement that
names the courses it covers and its term; a guest student is admitted to a course only under
an active one (services/enrollment asks `approval_refusal`). draft → active → expired (its
term ended: `process_agreement_deadlines`) or terminated (by a party, with a reason). Every
change writes a history event and an audit record in the same transaction; every refusal is
raised before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    AgreementCourse,
    AgreementEvent,
    Application,
    Course,
    Group,
    NetworkSettings,
    Organisation,
    Person,
)
from models.enums import AgreementEventKind, AgreementState, ApplicationState, Role
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from services.exports import Cell, ExportKind, Table
from services.i18n import Text
from services.outbox import notify_many
from services.parsing import parse_date
from services.people import coordinator_ids_of
from services.text import REASON, TextRule

A = AgreementState
E = AgreementEventKind
NUMBER = TextRule(64, "error-agreement-number", "error-agreement-number")
# Both parties' coordinators hear this many days before an active agreement ends, each once.
REMIND_DAYS = (30, 7)


@dataclass(frozen=True)
class AgreementLine:
    """An agreement in a list: its parties' short names and how many courses it covers."""

    agreement: Agreement
    home: str
    provider: str
    courses: int


@dataclass(frozen=True)
class HistoryLine:
    event: AgreementEvent
    actor: str | None  # None: the system (the term ended)


@dataclass(frozen=True)
class AgreementCard:
    line: AgreementLine
    courses: list[Course]
    history: list[HistoryLine]


@dataclass(frozen=True)
class AnnexRow:
    """One line of the agreement's annex: a student enrolled under it."""

    student: str
    grade: int | None
    home: str
    course: str
    group: str


# --- who may ----------------------------------------------------------------------------------


def may_act(actor: Actor, home_org_id: int, provider_org_id: int) -> bool:
    """The network admin for any pair; a coordinator only for an agreement of their own
    organisation (as either party)."""
    return (
        actor.has(Role.ADMIN)
        or actor.has(Role.COORDINATOR, home_org_id)
        or actor.has(Role.COORDINATOR, provider_org_id)
    )


def require_parties(actor: Actor, home_org_id: int, provider_org_id: int) -> None:
    """Refuse an agreement between two organisations this person does not act for."""
    _require_staff(actor)
    if not may_act(actor, home_org_id, provider_org_id):
        raise Forbidden("error-agreement-not-yours")
    if home_org_id == provider_org_id:
        raise Invalid("error-agreement-same-org")


async def require_active(session: AsyncSession, actor: Actor, agreement_id: int) -> AgreementCard:
    """An active agreement's card, before asking for a reason to end it."""
    info = await card(session, actor, agreement_id)
    _expect(info.line.agreement, A.ACTIVE)
    return info


def _require_staff(actor: Actor) -> None:
    if not (actor.has(Role.ADMIN) or actor.has(Role.COORDINATOR)):
        raise Forbidden("error-agreement-staff-only")


async def _load(session: AsyncSession, actor: Actor, agreement_id: int) -> Agreement:
    """The agreement, locked for the change, if this person may act on it."""
    agreement = await session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update()
    )
    if agreement is None or not may_act(actor, agreement.home_org_id, agreement.provider_org_id):
        raise NotFound("error-not-found")
    return agreement


def _expect(agreement: Agreement, *states: AgreementState) -> None:
    if agreement.state not in states:
        raise Conflict(
            "error-agreement-state", state={"key": f"agreement-state-{agreement.state.value}"}
        )


# --- reading ----------------------------------------------------------------------------------


def _lines_query() -> Any:
    home = Organisation.__table__.alias("home")
    provider = Organisation.__table__.alias("provider")
    count = (
        select(func.count())
        .where(AgreementCourse.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    return (
        select(Agreement, home.c.short_name, provider.c.short_name, count)
        .join(home, home.c.id == Agreement.home_org_id)
        .join(provider, provider.c.id == Agreement.provider_org_id)
        .order_by(Agreement.ends_on.desc(), Agreement.id.desc())
    )


async def list_for(session: AsyncSession, actor: Actor) -> list[AgreementLine]:
    """The agreements this person may see: the admin every one, a coordinator their own
    organisation's."""
    _require_staff(actor)
    query = _lines_query()
    if not actor.has(Role.ADMIN):
        orgs = actor.orgs(Role.COORDINATOR)
        query = query.where(
            or_(Agreement.home_org_id.in_(orgs), Agreement.provider_org_id.in_(orgs))
        )
    rows = (await session.execute(query)).all()
    return [AgreementLine(a, h, p, n) for a, h, p, n in rows]


async def card(session: AsyncSession, actor: Actor, agreement_id: int) -> AgreementCard:
    rows = (await session.execute(_lines_query().where(Agreement.id == agreement_id))).all()
    if not rows:
        raise NotFound("error-not-found")
    agreement, home, provider, count = rows[0]
    if not may_act(actor, agreement.home_org_id, agreement.provider_org_id):
        raise NotFound("error-not-found")
    courses = await covered_courses(session, agreement_id)
    events = (
        await session.execute(
            select(AgreementEvent, Person.full_name)
            .outerjoin(Person, Person.id == AgreementEvent.actor_id)
            .where(AgreementEvent.agreement_id == agreement_id)
            .order_by(AgreementEvent.id)
        )
    ).all()
    return AgreementCard(
        AgreementLine(agreement, home, provider, count),
        courses,
        [HistoryLine(e, name if e.actor_id is not None else None) for e, name in events],
    )


async def covered_courses(session: AsyncSession, agreement_id: int) -> list[Course]:
    return list(
        (
            await session.scalars(
                select(Course)
                .join(AgreementCourse, AgreementCourse.course_id == Course.id)
                .where(AgreementCourse.agreement_id == agreement_id)
                .order_by(Course.title)
            )
        ).all()
    )


async def home_choices(session: AsyncSession, actor: Actor) -> list[Organisation]:
    """The organisations a new agreement may have as the students' home (every one: a
    coordinator's own organisation may be either party)."""
    _require_staff(actor)
    return list(
        (await session.scalars(select(Organisation).order_by(Organisation.short_name))).all()
    )


async def provider_choices(
    session: AsyncSession, actor: Actor, home_org_id: int
) -> list[Organisation]:
    """The organisations that may teach under an agreement with `home_org_id` for this
    person: any other one, but only their own when the home is not theirs."""
    _require_staff(actor)
    query = select(Organisation).where(Organisation.id != home_org_id)
    if not may_act(actor, home_org_id, home_org_id):
        query = query.where(Organisation.id.in_(actor.orgs(Role.COORDINATOR)))
    return list((await session.scalars(query.order_by(Organisation.short_name))).all())


async def provider_courses(session: AsyncSession, provider_org_id: int) -> list[Course]:
    return list(
        (
            await session.scalars(
                select(Course)
                .where(Course.provider_org_id == provider_org_id)
                .order_by(Course.title)
            )
        ).all()
    )


def parse_number(text: str) -> str:
    return NUMBER.clean(text)


def parse_signed(text: str) -> date:
    return parse_date(text, "error-agreement-date")


async def _today(session: AsyncSession, org_id: int, now: datetime) -> date:
    org = await session.get(Organisation, org_id)
    assert org is not None  # a foreign key guarantees it
    return now.astimezone(ZoneInfo(org.timezone)).date()


async def academic_year(session: AsyncSession, today: date) -> tuple[date, date]:
    """The network's academic year as the admin set it; while it is unset (or over), the
    year that begins on 1 September this summer (from June on) or last autumn."""
    settings = await session.get(NetworkSettings, 1)
    if settings and settings.year_start and settings.year_end and settings.year_end >= today:
        return settings.year_start, settings.year_end
    first = today.year if today.month >= 6 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


# --- the rule the enrollment asks ---------------------------------------------------------------


async def covers(
    session: AsyncSession, home_org_id: int, course_id: int, on_day: date
) -> Agreement | None:
    """The active agreement under which students of `home_org_id` attend the course on
    `on_day`, if there is one."""
    return await session.scalar(
        select(Agreement)
        .join(AgreementCourse, AgreementCourse.agreement_id == Agreement.id)
        .join(Course, Course.id == AgreementCourse.course_id)
        .where(
            AgreementCourse.course_id == course_id,
            Agreement.home_org_id == home_org_id,
            Agreement.provider_org_id == Course.provider_org_id,
            Agreement.state == A.ACTIVE,
            Agreement.starts_on <= on_day,
            Agreement.ends_on >= on_day,
        )
        .order_by(Agreement.ends_on.desc())
        .limit(1)
    )


async def approval_refusal(
    session: AsyncSession, student: Person, course: Course, group: Group, now: datetime
) -> DomainError | None:
    """Why a student may not be admitted to this group for want of an agreement, or None.

    A student of the provider's own organisation needs none; a guest needs an active agreement
    between their home organisation and the provider covering the course on the group's start
    date, or today (the provider's) if the group has already begun."""
    home_id = student.home_org_id
    if home_id is None or home_id == course.provider_org_id:
        return None
    day = max(group.start_date, await _today(session, course.provider_org_id, now))
    if await covers(session, home_id, course.id, day) is not None:
        return None
    home = await session.get(Organisation, home_id)
    provider = await session.get(Organisation, course.provider_org_id)
    assert home is not None
    assert provider is not None
    return Forbidden(
        "error-no-agreement",
        home=home.short_name,
        provider=provider.short_name,
        course=course.title,
    )


# --- changing ---------------------------------------------------------------------------------


async def _event(
    session: AsyncSession,
    agreement: Agreement,
    kind: AgreementEventKind,
    actor_id: int | None,
    now: datetime,
    **details: Any,
) -> AgreementEvent:
    event = AgreementEvent(
        agreement_id=agreement.id, kind=kind, actor_id=actor_id, details=details, created_at=now
    )
    agreement.updated_at = now
    session.add(event)
    await session.flush()
    return event


async def _audit(
    session: AsyncSession, actor: Actor, action: str, agreement: Agreement, now: datetime, **d: Any
) -> None:
    await record(
        session,
        actor_id=actor.person_id,
        action=action,
        object_type="agreement",
        object_id=agreement.id,
        now=now,
        details=d,
    )


async def _require_courses_of(
    session: AsyncSession, provider_org_id: int, course_ids: list[int]
) -> None:
    if not course_ids:
        return
    owners = (
        await session.execute(
            select(Course.id, Course.provider_org_id).where(Course.id.in_(course_ids))
        )
    ).all()
    if len(owners) != len(set(course_ids)) or any(o != provider_org_id for _, o in owners):
        raise Invalid("error-agreement-course-not-provider")


async def create(
    session: AsyncSession,
    actor: Actor,
    *,
    home_org_id: int,
    provider_org_id: int,
    number: str,
    signed_on: date,
    course_ids: list[int],
    now: datetime,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Agreement:
    """A draft agreement; its term is the network's academic year unless given."""
    require_parties(actor, home_org_id, provider_org_id)
    if await session.get(Organisation, home_org_id) is None:
        raise NotFound("error-not-found")
    if await session.get(Organisation, provider_org_id) is None:
        raise NotFound("error-not-found")
    number = parse_number(number)
    await _require_courses_of(session, provider_org_id, course_ids)
    taken = await session.scalar(
        select(Agreement.id).where(
            Agreement.home_org_id == home_org_id,
            Agreement.provider_org_id == provider_org_id,
            Agreement.number == number,
        )
    )
    if taken is not None:
        raise Conflict("error-agreement-number-taken", number=number)
    if starts_on is None or ends_on is None:
        year = await academic_year(session, await _today(session, provider_org_id, now))
        starts_on, ends_on = starts_on or year[0], ends_on or year[1]
    if ends_on < starts_on:
        raise Invalid("error-agreement-term")
    agreement = Agreement(
        number=number,
        signed_on=signed_on,
        home_org_id=home_org_id,
        provider_org_id=provider_org_id,
        starts_on=starts_on,
        ends_on=ends_on,
        state=A.DRAFT,
        created_by=actor.person_id,
        created_at=now,
        updated_at=now,
    )
    session.add(agreement)
    await session.flush()
    for course_id in dict.fromkeys(course_ids):
        session.add(AgreementCourse(agreement_id=agreement.id, course_id=course_id))
    await _event(session, agreement, E.CREATED, actor.person_id, now, courses=len(course_ids))
    await _audit(session, actor, "agreement.created", agreement, now, number=number)
    return agreement


async def set_course(
    session: AsyncSession,
    actor: Actor,
    agreement_id: int,
    course_id: int,
    included: bool,
    now: datetime,
) -> Agreement:
    """Add a course to a draft agreement, or take one off: only while it is a draft (what is
    signed is signed)."""
    agreement = await _load(session, actor, agreement_id)
    _expect(agreement, A.DRAFT)
    await _require_courses_of(session, agreement.provider_org_id, [course_id])
    link = await session.get(AgreementCourse, (agreement_id, course_id))
    if included == (link is not None):
        return agreement
    if included:
        session.add(AgreementCourse(agreement_id=agreement_id, course_id=course_id))
    else:
        await session.execute(
            delete(AgreementCourse).where(
                AgreementCourse.agreement_id == agreement_id,
                AgreementCourse.course_id == course_id,
            )
        )
    course = await session.get(Course, course_id)
    assert course is not None
    kind = E.COURSE_ADDED if included else E.COURSE_REMOVED
    await _event(session, agreement, kind, actor.person_id, now, course=course.title)
    await _audit(
        session, actor, "agreement.courses_changed", agreement, now, course=course_id, on=included
    )
    return agreement


async def _tell_parties(
    session: AsyncSession,
    agreement: Agreement,
    kind: str,
    key: str,
    now: datetime,
    leave_out: int | None = None,
    **extra: Any,
) -> int:
    """Both organisations' coordinators (not the person who made the change)."""
    people = [
        *await coordinator_ids_of(session, agreement.home_org_id),
        *await coordinator_ids_of(session, agreement.provider_org_id),
    ]
    home = await session.get(Organisation, agreement.home_org_id)
    provider = await session.get(Organisation, agreement.provider_org_id)
    assert home is not None
    assert provider is not None
    return await notify_many(
        session,
        [p for p in people if p != leave_out],
        kind=kind,
        key_prefix=key,
        now=now,
        params={
            "number": agreement.number,
            "home": home.short_name,
            "provider": provider.short_name,
            "end": {"date": agreement.ends_on.isoformat()},
            **extra,
        },
        link={"to": "agreement", "id": agreement.id},
    )


async def activate(
    session: AsyncSession, actor: Actor, agreement_id: int, now: datetime
) -> Agreement:
    """The agreement is signed: guest students may be admitted to its courses."""
    agreement = await _load(session, actor, agreement_id)
    _expect(agreement, A.DRAFT)
    if not await covered_courses(session, agreement_id):
        raise Invalid("error-agreement-no-courses")
    if agreement.ends_on < await _today(session, agreement.provider_org_id, now):
        raise Invalid("error-agreement-ended")
    agreement.state = A.ACTIVE
    event = await _event(session, agreement, E.ACTIVATED, actor.person_id, now)
    await _tell_parties(
        session,
        agreement,
        "notify-agreement-activated",
        f"agr-event:{event.id}",
        now,
        leave_out=actor.person_id,
    )
    await _audit(session, actor, "agreement.activated", agreement, now)
    return agreement


async def terminate(
    session: AsyncSession, actor: Actor, agreement_id: int, reason: str, now: datetime
) -> Agreement:
    """A party ends the agreement early (by mutual consent, seeds 002, 4.3): no new guest
    students are admitted under it; those already enrolled stay (their home school decides)."""
    agreement = await _load(session, actor, agreement_id)
    _expect(agreement, A.ACTIVE)
    text = REASON.clean(reason)
    agreement.state = A.TERMINATED
    agreement.reason = text
    event = await _event(session, agreement, E.TERMINATED, actor.person_id, now, reason=text)
    await _tell_parties(
        session,
        agreement,
        "notify-agreement-terminated",
        f"agr-event:{event.id}",
        now,
        leave_out=actor.person_id,
        reason=text,
    )
    await _audit(session, actor, "agreement.terminated", agreement, now)
    return agreement


async def next_term_end(session: AsyncSession, agreement: Agreement) -> date:
    """Where an extension moves the end: the network's next academic year if the admin has set
    it (it ends after this term), else the same day a year later."""
    settings = await session.get(NetworkSettings, 1)
    if (
        settings
        and settings.year_start
        and settings.year_end
        and settings.year_start > agreement.starts_on
        and settings.year_end > agreement.ends_on
    ):
        return settings.year_end
    end = agreement.ends_on
    try:
        return end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        return end.replace(year=end.year + 1, day=28)


async def extend(
    session: AsyncSession, actor: Actor, agreement_id: int, now: datetime
) -> Agreement:
    """Prolong the agreement to the next academic year with the same courses.

    The sample contract (seeds 002, 4.4) says the agreement «может быть пролонгирован на
    следующий год»: a prolongation keeps the same agreement — its number, date of signing,
    parties and courses — and moves the end of its term, which the paperwork records as an
    additional agreement to it. So this moves `ends_on` (the history keeps the old end) rather
    than making a new agreement; the annex then lists the students of both years."""
    agreement = await _load(session, actor, agreement_id)
    _expect(agreement, A.ACTIVE)
    old = agreement.ends_on
    agreement.ends_on = await next_term_end(session, agreement)
    event = await _event(
        session,
        agreement,
        E.EXTENDED,
        actor.person_id,
        now,
        old_end=old.isoformat(),
        new_end=agreement.ends_on.isoformat(),
    )
    await _tell_parties(
        session,
        agreement,
        "notify-agreement-extended",
        f"agr-event:{event.id}",
        now,
        leave_out=actor.person_id,
    )
    await _audit(
        session, actor, "agreement.extended", agreement, now, end=agreement.ends_on.isoformat()
    )
    return agreement


# --- the annex ----------------------------------------------------------------------------------


async def annex(
    session: AsyncSession, actor: Actor, agreement_id: int
) -> tuple[Agreement, list[AnnexRow]]:
    """The students enrolled under the agreement: of its home organisation, in groups of its
    courses that meet within its term."""
    info = await card(session, actor, agreement_id)
    agreement = info.line.agreement
    rows = (
        await session.execute(
            select(
                Person.full_name, Person.grade, Organisation.short_name, Course.title, Group.code
            )
            .select_from(Application)
            .join(Person, Person.id == Application.student_id)
            .join(Organisation, Organisation.id == Person.home_org_id)
            .join(Group, Group.id == Application.group_id)
            .join(Course, Course.id == Group.course_id)
            .join(AgreementCourse, AgreementCourse.course_id == Course.id)
            .where(
                AgreementCourse.agreement_id == agreement_id,
                Application.state == ApplicationState.ENROLLED,
                Person.home_org_id == agreement.home_org_id,
                Group.start_date <= agreement.ends_on,
                Group.end_date >= agreement.starts_on,
            )
            .order_by(Course.title, Group.code, Person.full_name)
        )
    ).all()
    return agreement, [AnnexRow(*row) for row in rows]


ANNEX_COLUMNS = (
    ("xlsx-student", Cell.TEXT),
    ("xlsx-grade", Cell.NUMBER),
    ("xlsx-school", Cell.TEXT),
    ("xlsx-course", Cell.TEXT),
    ("xlsx-group", Cell.TEXT),
)


async def annex_table(
    session: AsyncSession, actor: Actor, agreement_id: int, tr: Text, now: datetime
) -> Table:
    """The annex as a sheet (services/exports writes it): one row per student under it. It
    holds students' data, so the export is recorded in the audit log."""
    agreement, rows = await annex(session, actor, agreement_id)
    if rows:
        await _audit(session, actor, "agreement.annex_exported", agreement, now, rows=len(rows))
    return Table(
        kind=ExportKind.ENROLLMENTS,
        title=tr.label("agreement-annex-title", number=agreement.number),
        headers=[tr.label(key) for key, _ in ANNEX_COLUMNS],
        kinds=[kind for _, kind in ANNEX_COLUMNS],
        rows=[[r.student, r.grade, r.home, r.course, r.group] for r in rows],
        subject=agreement.number,
    )


def annex_file_name(agreement_id: int) -> str:
    return f"agreement-{agreement_id}-annex.xlsx"


# --- the scheduler's part -------------------------------------------------------------------------


async def process_agreement_deadlines(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """Active agreements: both parties' coordinators are reminded 30 and 7 days before the end
    (each once, under a key naming the end, so an extended agreement is reminded again), and an
    agreement whose last day is past expires. Days are the provider's. Returns (reminded,
    expired)."""
    rows = (
        await session.execute(
            select(Agreement, Organisation.timezone)
            .join(Organisation, Organisation.id == Agreement.provider_org_id)
            .where(
                Agreement.state == A.ACTIVE,
                Agreement.ends_on <= now.date() + timedelta(days=max(REMIND_DAYS) + 1),
            )
            .with_for_update(of=Agreement)
        )
    ).all()
    reminded = expired = 0
    for agreement, tz in rows:
        today = now.astimezone(ZoneInfo(tz)).date()
        left = (agreement.ends_on - today).days
        if left < 0:
            agreement.state = A.EXPIRED
            await _event(session, agreement, E.EXPIRED, None, now)
            expired += 1
            continue
        # Only the nearest reminder is due: one made 5 days before the end sends the 7-day one.
        due = [d for d in sorted(REMIND_DAYS) if left <= d]
        if not due:
            continue
        days = due[0]
        key = f"agr-ends:{agreement.id}:{agreement.ends_on.isoformat()}:{days}"
        reminded += await _tell_parties(
            session, agreement, "notify-agreement-ending", key, now, days=left
        )
    return reminded, expired
