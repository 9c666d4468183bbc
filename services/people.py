"""People, their messenger accounts, roles, invites and parent links."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    Account,
    Group,
    Invite,
    Organisation,
    ParentLink,
    ParentLinkCode,
    Person,
    RoleGrant,
)
from models.enums import Gender, Messenger, Role
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.names import Named
from services.outbox import notify
from services.text import NAME

INVITE_TTL = timedelta(days=14)
PARENT_CODE_TTL = timedelta(days=3)
STAFF_ROLES = (Role.TEACHER, Role.COORDINATOR, Role.ADMIN)
SELF_SERVICE_ROLES = (Role.STUDENT, Role.PARENT)
# Letters that cannot be mistaken for one another when read aloud or typed from a screen.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def actor_of(person: Person, grants: list[RoleGrant]) -> Actor:
    return Actor(
        person_id=person.id,
        roles=frozenset((g.role, g.organisation_id) for g in grants),
        home_org_id=person.home_org_id,
        grade=person.grade,
    )


async def load_actor(session: AsyncSession, person: Person) -> Actor:
    grants = (
        await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person.id))
    ).all()
    return actor_of(person, list(grants))


@dataclass(frozen=True)
class Identity:
    """Who wrote to the bot: the person, their roles, and the time zone they live in."""

    person: Person
    actor: Actor
    timezone: str | None


# Built once: this runs for every update, and building a statement costs more than running it.
_IDENTIFY = (
    select(Account, Person, Organisation.timezone, RoleGrant.role, RoleGrant.organisation_id)
    .join(Person, Person.id == Account.person_id)
    .outerjoin(Organisation, Organisation.id == Person.home_org_id)
    .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
    .where(Account.messenger == bindparam("messenger"), Account.user_id == bindparam("user_id"))
)


async def known_identity(
    session: AsyncSession,
    messenger: Messenger,
    user_id: int,
    chat_id: int,
    *,
    is_network_admin: bool = False,
) -> Identity | None:
    """The person behind an account if nothing about them must be written first (a first
    contact, a new chat, an account reachable again, an admin role to grant): one read."""
    rows = (await session.execute(_IDENTIFY, {"messenger": messenger, "user_id": user_id})).all()
    return _known(rows, chat_id, is_network_admin)


_IdentityRow = Row[Account, Person, str, Role, int | None]


def _known(rows: Sequence[_IdentityRow], chat_id: int, is_network_admin: bool) -> Identity | None:
    if not rows:
        return None
    account, person, org_timezone = rows[0][0], rows[0][1], rows[0][2]
    roles = frozenset((role, org) for *_, role, org in rows if role is not None)
    if account.chat_id != chat_id or account.unreachable_since is not None:
        return None
    if is_network_admin and (Role.ADMIN, None) not in roles:
        return None
    actor = Actor(person.id, roles, person.home_org_id, person.grade)
    return Identity(person, actor, person.timezone or org_timezone)


async def identify(
    session: AsyncSession,
    messenger: Messenger,
    user_id: int,
    chat_id: int,
    *,
    is_network_admin: bool = False,
) -> Identity:
    """The person behind a messenger account, created on first contact, their account and
    roles brought up to date; one query for a person we know (roles come as extra rows)."""
    rows = (await session.execute(_IDENTIFY, {"messenger": messenger, "user_id": user_id})).all()
    known = _known(rows, chat_id, is_network_admin)
    if known is not None:
        return known
    if not rows:
        person = Person()
        session.add(person)
        await session.flush()
        session.add(
            Account(person_id=person.id, messenger=messenger, user_id=user_id, chat_id=chat_id)
        )
        await session.flush()
        org_timezone = None
        roles: frozenset[tuple[Role, int | None]] = frozenset()
    else:
        account, person, org_timezone = rows[0][0], rows[0][1], rows[0][2]
        roles = frozenset((role, org) for *_, role, org in rows if role is not None)
        account.chat_id = chat_id
        account.unreachable_since = None  # they wrote to us, so they can be reached
    if is_network_admin and (Role.ADMIN, None) not in roles:
        await grant_role(session, person, Role.ADMIN, None)
        roles |= {(Role.ADMIN, None)}
    actor = Actor(person.id, roles, person.home_org_id, person.grade)
    return Identity(person, actor, person.timezone or org_timezone)


async def grant_role(session: AsyncSession, person: Person, role: Role, org_id: int | None) -> bool:
    """Give a role (idempotent); the first role a person gets becomes the active one."""
    exists = await session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.person_id == person.id,
            RoleGrant.role == role,
            RoleGrant.organisation_id.is_(None)
            if org_id is None
            else RoleGrant.organisation_id == org_id,
        )
    )
    if exists:
        return False
    session.add(RoleGrant(person_id=person.id, role=role, organisation_id=org_id))
    if person.active_role is None:
        person.active_role = role
    await session.flush()
    return True


def set_language(person: Person, lang: str, supported: tuple[str, ...]) -> None:
    if lang not in supported:
        raise Invalid("error-bad-choice")
    person.language = lang


def clean_name(raw: str) -> str:
    """A person's name as typed: trimmed, single-spaced, letters required."""
    name = NAME.clean(raw)
    if name.startswith("/"):  # a command, not a name
        raise Invalid("error-name", max=NAME.limit)
    return name


async def organisations(session: AsyncSession) -> list[Organisation]:
    return list((await session.scalars(select(Organisation).order_by(Organisation.name))).all())


def check_can_register(actor: Actor, role: Role) -> None:
    """Students and parents register once; staff roles come only by invite."""
    if role not in SELF_SERVICE_ROLES:
        raise Forbidden("error-bad-choice")
    if actor.has(role):
        raise Conflict("error-already-registered")


async def register_student(
    session: AsyncSession, person: Person, *, org_id: int, grade: int, name: str
) -> None:
    """Make a person a student of a home organisation and grade."""
    check_can_register(await load_actor(session, person), Role.STUDENT)
    if await session.get(Organisation, org_id) is None:
        raise NotFound("error-not-found")
    if not 1 <= grade <= 11:
        raise Invalid("error-bad-choice")
    person.full_name = clean_name(name)
    person.home_org_id = org_id
    person.grade = grade
    await grant_role(session, person, Role.STUDENT, org_id)
    person.active_role = Role.STUDENT


async def register_parent(session: AsyncSession, person: Person, *, name: str) -> None:
    check_can_register(await load_actor(session, person), Role.PARENT)
    person.full_name = clean_name(name)
    await grant_role(session, person, Role.PARENT, None)
    person.active_role = Role.PARENT


def set_gender(person: Person, gender: Gender) -> None:
    """What the person answered when their name did not tell (services/names.py)."""
    person.gender = gender


def switch_role(person: Person, actor: Actor, role: Role) -> None:
    if role not in actor.role_set:
        raise Forbidden("error-role-not-held")
    person.active_role = role


# --- invites -------------------------------------------------------------------------------


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


async def create_invite(
    session: AsyncSession, *, role: Role, org_id: int | None, now: datetime
) -> Invite:
    """A one-time invite for a staff role; teachers and coordinators need an organisation."""
    if role not in STAFF_ROLES:
        raise Invalid("error-bad-choice")
    if role != Role.ADMIN and org_id is None:
        raise Invalid("error-invite-needs-org")
    if org_id is not None and await session.get(Organisation, org_id) is None:
        raise NotFound("error-not-found")
    invite = Invite(
        code=new_code(16), role=role, organisation_id=org_id, expires_at=now + INVITE_TTL
    )
    session.add(invite)
    await session.flush()
    return invite


async def accept_invite(session: AsyncSession, person: Person, code: str, now: datetime) -> Invite:
    invite = await session.scalar(select(Invite).where(Invite.code == code.strip().upper()))
    if invite is None:
        raise NotFound("error-invite-unknown")
    if invite.used_at is not None:
        if invite.used_by_id == person.id:
            return invite
        raise Conflict("error-invite-used")
    if invite.expires_at <= now:
        raise Conflict("error-invite-expired")
    if invite.person_id is not None:
        await _become_imported(session, person, invite.person_id)
    invite.used_at = now
    invite.used_by_id = person.id
    await grant_role(session, person, invite.role, invite.organisation_id)
    person.active_role = invite.role
    await record(
        session,
        actor_id=person.id,
        action="role.granted",
        object_type="person",
        object_id=person.id,
        details={"role": invite.role.value, "organisation_id": invite.organisation_id},
        now=now,
    )
    return invite


async def _become_imported(session: AsyncSession, person: Person, imported_id: int) -> None:
    """The person accepting a join code takes over the record a spreadsheet import made for
    them (its code, roles, school and grade, the groups they teach); that record goes."""
    imported = await session.get(Person, imported_id)
    if imported is None or imported.id == person.id:
        return
    if person.external_code not in (None, imported.external_code):
        raise Conflict("error-join-other-person")
    grants = (
        await session.scalars(select(RoleGrant).where(RoleGrant.person_id == imported.id))
    ).all()
    own = await load_actor(session, person)
    for grant in grants:
        if (
            grant.role == Role.STUDENT
            and own.has(Role.STUDENT)
            and not own.has(Role.STUDENT, grant.organisation_id)
        ):
            raise Conflict("error-join-other-school")
    code, imported.external_code = imported.external_code, None
    await session.flush()
    person.external_code = code
    person.full_name = person.full_name or imported.full_name
    if any(g.role == Role.STUDENT for g in grants) or person.home_org_id is None:
        person.home_org_id = imported.home_org_id
        person.grade = imported.grade if imported.grade is not None else person.grade
    for grant in grants:
        await grant_role(session, person, grant.role, grant.organisation_id)
    await session.execute(
        update(Group).where(Group.teacher_id == imported.id).values(teacher_id=person.id)
    )
    await session.execute(delete(Person).where(Person.id == imported.id))


# --- parent links --------------------------------------------------------------------------


async def create_parent_code(session: AsyncSession, actor: Actor, now: datetime) -> ParentLinkCode:
    """A fresh one-time code the student passes to a parent; older unused codes stop working."""
    if not actor.has(Role.STUDENT):
        raise Forbidden("error-students-only")
    await session.execute(
        delete(ParentLinkCode).where(
            ParentLinkCode.child_id == actor.person_id, ParentLinkCode.used_at.is_(None)
        )
    )
    code = ParentLinkCode(
        code=new_code(8), child_id=actor.person_id, expires_at=now + PARENT_CODE_TTL
    )
    session.add(code)
    await session.flush()
    return code


async def link_parent(session: AsyncSession, parent: Person, code: str, now: datetime) -> Person:
    """Link the person holding `code` to the child who made it; returns the child."""
    normalised = "".join(code.split()).upper()
    link_code = await session.scalar(
        select(ParentLinkCode).where(ParentLinkCode.code == normalised)
    )
    if link_code is None:
        raise NotFound("error-code-unknown")
    if link_code.child_id == parent.id:
        raise Forbidden("error-code-own")
    if link_code.used_at is not None:
        raise Conflict("error-code-used")
    if link_code.expires_at <= now:
        raise Conflict("error-code-expired")
    child = await session.get(Person, link_code.child_id)
    if child is None:
        raise NotFound("error-code-unknown")
    link_code.used_at = now
    link_code.used_by_id = parent.id
    already = await session.scalar(
        select(ParentLink.id).where(
            ParentLink.parent_id == parent.id, ParentLink.child_id == child.id
        )
    )
    if not already:
        session.add(ParentLink(parent_id=parent.id, child_id=child.id))
        await notify(
            session,
            person_id=child.id,
            kind="notify-parent-linked",
            dedupe_key=f"parent-linked:{parent.id}:{child.id}",
            now=now,
            params={"parent": Named.of(parent).to_param()},
        )
    await grant_role(session, parent, Role.PARENT, None)
    parent.active_role = Role.PARENT
    await session.flush()
    return child


async def children_of(session: AsyncSession, parent_id: int) -> list[Person]:
    return list(
        (
            await session.scalars(
                select(Person)
                .join(ParentLink, ParentLink.child_id == Person.id)
                .where(ParentLink.parent_id == parent_id)
                .order_by(Person.full_name)
            )
        ).all()
    )


async def parent_ids_of(session: AsyncSession, child_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(ParentLink.parent_id).where(ParentLink.child_id == child_id)
            )
        ).all()
    )


async def is_parent_of(session: AsyncSession, parent_id: int, child_id: int) -> bool:
    found = await session.scalar(
        select(ParentLink.id).where(
            ParentLink.parent_id == parent_id, ParentLink.child_id == child_id
        )
    )
    return found is not None


async def require_self_or_child(session: AsyncSession, actor: Actor, subject_id: int) -> Person:
    """A person's own data, or a parent's linked child's: nobody else's."""
    if subject_id != actor.person_id and not (
        actor.has(Role.PARENT) and await is_parent_of(session, actor.person_id, subject_id)
    ):
        raise Forbidden("error-not-your-child")
    person = await session.get(Person, subject_id)
    if person is None:
        raise NotFound("error-not-found")
    return person


async def admin_ids(session: AsyncSession) -> list[int]:
    """The network admins."""
    found = await session.scalars(
        select(RoleGrant.person_id).where(RoleGrant.role == Role.ADMIN).distinct()
    )
    return list(found.all())


async def coordinator_ids_of(session: AsyncSession, org_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(RoleGrant.person_id).where(
                    RoleGrant.role == Role.COORDINATOR, RoleGrant.organisation_id == org_id
                )
            )
        ).all()
    )


@dataclass(frozen=True)
class Unreachable:
    parent: str
    child: str
    since: datetime


async def unreachable_parents(session: AsyncSession, actor: Actor) -> list[Unreachable]:
    """Parents of the coordinator's students whose messenger accounts all refuse our messages."""
    orgs = actor.orgs(Role.COORDINATOR)
    if not orgs:
        raise Forbidden("error-coordinators-only")
    other = aliased(Account)
    reachable = (
        select(other.id)
        .where(other.person_id == ParentLink.parent_id, other.unreachable_since.is_(None))
        .exists()
    )
    parent = aliased(Person)
    rows = await session.execute(
        select(parent.full_name, Person.full_name, func.max(Account.unreachable_since))
        .select_from(ParentLink)
        .join(Person, Person.id == ParentLink.child_id)
        .join(parent, parent.id == ParentLink.parent_id)
        .join(Account, Account.person_id == ParentLink.parent_id)
        .where(Person.home_org_id.in_(orgs), ~reachable)
        .group_by(parent.full_name, Person.full_name)
        .order_by(parent.full_name)
    )
    return [Unreachable(p, c, since) for p, c, since in rows.all() if since is not None]
