"""Join codes for the people an import brought in who have never used the bot, and the
organisation the template's example rows name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Invite, Organisation, Person, RoleGrant
from models.enums import Role
from services.actor import Actor
from services.import_match import batches, importable_orgs
from services.people import new_code

JOIN_TTL = timedelta(days=60)
JOIN_REISSUE_BEFORE = timedelta(days=7)  # a code about to expire is replaced by a fresh one


@dataclass(frozen=True)
class JoinCode:
    role: Role
    org_code: str
    code: str
    name: str
    grade: int | None
    invite: str
    expires_at: datetime


async def join_codes(session: AsyncSession, actor: Actor, now: datetime) -> list[JoinCode]:
    """One-time codes for the imported teachers and students of one's organisations who have
    not joined yet; a valid code is handed out again, so the sheet can be downloaded twice."""
    allowed = importable_orgs(actor)
    has_account = select(Account.id).where(Account.person_id == Person.id).exists()
    query = (
        select(Person, RoleGrant.role, RoleGrant.organisation_id, Organisation.code)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .join(Organisation, Organisation.id == RoleGrant.organisation_id)
        .where(
            Person.external_code.is_not(None),
            RoleGrant.role.in_([Role.TEACHER, Role.STUDENT]),
            ~has_account,
        )
        .order_by(Organisation.code, RoleGrant.role.desc(), Person.grade, Person.full_name)
    )
    if allowed is not None:
        query = query.where(RoleGrant.organisation_id.in_(allowed))
    rows = (await session.execute(query)).all()
    valid: dict[tuple[int, Role, int | None], Invite] = {}
    for batch in batches(person.id for person, *_ in rows):
        for invite in await session.scalars(
            select(Invite).where(
                Invite.person_id.in_(batch),
                Invite.used_at.is_(None),
                Invite.expires_at > now + JOIN_REISSUE_BEFORE,
            )
        ):
            assert invite.person_id is not None
            valid[(invite.person_id, invite.role, invite.organisation_id)] = invite
    result = []
    fresh: list[Invite] = []
    for person, role, org_id, org_code in rows:
        found = valid.get((person.id, role, org_id))
        if found is not None:
            invite = found
        else:
            invite = Invite(
                code=new_code(16),
                role=role,
                organisation_id=org_id,
                person_id=person.id,
                expires_at=now + JOIN_TTL,
            )
            fresh.append(invite)
        result.append(
            JoinCode(
                role,
                org_code,
                person.external_code or "",
                person.full_name,
                person.grade,
                invite.code,
                invite.expires_at,
            )
        )
    session.add_all(fresh)
    await session.flush()
    return result


def example_dates(today: date) -> tuple[date, date]:
    """Dates for the template's example group: from today for half a year."""
    return today, today + timedelta(days=182)


async def example_org_code(session: AsyncSession, actor: Actor) -> str:
    """The organisation the template's example rows name: one's own (the admin: the first)."""
    allowed = importable_orgs(actor)
    query = select(Organisation.code).order_by(Organisation.code).limit(1)
    if allowed is not None:
        query = query.where(Organisation.id.in_(allowed))
    return await session.scalar(query) or "org"
