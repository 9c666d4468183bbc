"""The network admin's settings: organisations, the academic year, quiet hours, the default
minimum group size. Every value is typed in chat, so each is parsed here with a clear refusal,
and every change is written to the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import NetworkSettings, Organisation, Person, RoleGrant
from models.enums import OrgKind, Role
from models.network import MIN_GROUP_SIZE
from services import parsing
from services.actor import Actor, require_admin
from services.audit import record
from services.errors import Conflict, Invalid, NotFound
from services.network import network_settings, read_network_settings
from services.text import TextRule, clip

ORG_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,31}$")
ORG_NAME = TextRule(200, "error-org-name", "error-org-name", letters=True)
ORG_SHORT_NAME = TextRule(80, "error-org-name", "error-org-name", letters=True)
MIN_GROUP_SIZE_MAX = 100
YEAR_DAYS_MAX = 400
CLEAR = {"-", "—", "–"}


# --- parsing typed values ---------------------------------------------------------------------


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "21:00-08:00": from when to when only urgent messages go out (may span midnight)."""
    start, end = parsing.parse_time_range(text, "error-quiet-format", "error-quiet-format")
    if start == end:
        raise Invalid("error-quiet-same")
    return start, end


def parse_year(text: str) -> tuple[date, date]:
    """ "01.09.2026-31.05.2027": the first and the last day of the academic year."""
    start, end = parsing.parse_date_range(text, "error-year-format")
    if end <= start:
        raise Invalid("error-year-order")
    if (end - start).days > YEAR_DAYS_MAX:
        raise Invalid("error-year-long", days=YEAR_DAYS_MAX)
    return start, end


def parse_min_group_size(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= MIN_GROUP_SIZE_MAX:
        raise Invalid("error-min-size", max=MIN_GROUP_SIZE_MAX)
    return int(value)


@dataclass(frozen=True)
class NewOrg:
    code: str
    name: str
    short_name: str
    timezone: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "short_name": self.short_name,
            "timezone": self.timezone,
        }


def _timezone(text: str) -> str:
    value = text.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("error-timezone", value=clip(value, 64, html=False)) from None
    if "/" not in value:  # "UTC" or "EST" would parse, but schools live in a city's zone
        raise Invalid("error-timezone", value=clip(value, 64, html=False))
    return value


def parse_org(text: str) -> NewOrg:
    """ "sosh7; МБОУ СОШ № 7; СОШ № 7; Europe/Moscow": code, name, short name, time zone."""
    parts = [part.strip() for part in text.split(";")]
    if len(parts) != 4:
        raise Invalid("error-org-format")
    code, name, short_name, timezone = parts
    code = code.lower()
    if not ORG_CODE.match(code):
        raise Invalid("error-org-code")
    return NewOrg(code, ORG_NAME.clean(name), ORG_SHORT_NAME.clean(short_name), _timezone(timezone))


# --- organisations ----------------------------------------------------------------------------


async def check_new_org(session: AsyncSession, actor: Actor, text: str) -> NewOrg:
    """The typed line, checked before the admin picks the kind."""
    require_admin(actor)
    new = parse_org(text)
    if await session.scalar(select(Organisation.id).where(Organisation.code == new.code)):
        raise Conflict("error-org-code-taken", code=new.code)
    return new


async def add_organisation(
    session: AsyncSession, actor: Actor, fields: dict[str, Any], kind: OrgKind, now: datetime
) -> Organisation:
    require_admin(actor)
    try:
        text = "; ".join(str(fields[k]) for k in ("code", "name", "short_name", "timezone"))
    except KeyError:
        raise Conflict("error-stale-button") from None
    new = await check_new_org(session, actor, text)
    org = Organisation(
        code=new.code,
        name=new.name,
        short_name=new.short_name,
        kind=kind,
        timezone=new.timezone,
    )
    session.add(org)
    await session.flush()
    await _audit(session, actor, "organisation.created", "organisation", org.id, now, new.as_dict())
    return org


async def organisation(session: AsyncSession, actor: Actor, org_id: int) -> Organisation:
    require_admin(actor)
    org = await session.get(Organisation, org_id)
    if org is None:
        raise NotFound("error-not-found")
    return org


async def coordinators(session: AsyncSession, org_id: int) -> list[str]:
    """Names of the organisation's coordinators."""
    rows = await session.scalars(
        select(Person.full_name)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == Role.COORDINATOR, RoleGrant.organisation_id == org_id)
        .order_by(Person.full_name)
    )
    return [name or "—" for name in rows.all()]


async def rename_organisation(
    session: AsyncSession, actor: Actor, org_id: int, text: str, now: datetime
) -> Organisation:
    """ "Full name" or "Full name; short name"."""
    org = await organisation(session, actor, org_id)
    name, sep, short = text.partition(";")
    old = {"name": org.name, "short_name": org.short_name}
    org.name = ORG_NAME.clean(name)
    if sep:
        org.short_name = ORG_SHORT_NAME.clean(short)
    await _audit(
        session,
        actor,
        "organisation.renamed",
        "organisation",
        org.id,
        now,
        {"old": old, "new": {"name": org.name, "short_name": org.short_name}},
    )
    return org


async def set_org_quiet_hours(
    session: AsyncSession, actor: Actor, org_id: int, text: str, now: datetime
) -> Organisation:
    """An organisation's own quiet hours, or "-" for the network's."""
    org = await organisation(session, actor, org_id)
    start, end = (None, None) if text.strip() in CLEAR else parse_quiet_hours(text)
    org.quiet_start, org.quiet_end = start, end
    await _audit(
        session,
        actor,
        "organisation.quiet_hours",
        "organisation",
        org.id,
        now,
        {"quiet": _range(start, end)},
    )
    return org


# --- the network's settings -------------------------------------------------------------------


async def set_year(
    session: AsyncSession, actor: Actor, text: str, now: datetime
) -> NetworkSettings:
    require_admin(actor)
    start, end = parse_year(text)
    settings = await network_settings(session)
    settings.year_start, settings.year_end = start, end
    await _audit(
        session,
        actor,
        "network.year",
        "network",
        None,
        now,
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    return settings


async def set_quiet_hours(
    session: AsyncSession, actor: Actor, text: str, now: datetime
) -> NetworkSettings:
    """The network's quiet hours, or "-" for the default of the settings (QUIET_START/END)."""
    require_admin(actor)
    start, end = (None, None) if text.strip() in CLEAR else parse_quiet_hours(text)
    settings = await network_settings(session)
    settings.quiet_start, settings.quiet_end = start, end
    await _audit(
        session, actor, "network.quiet_hours", "network", None, now, {"quiet": _range(start, end)}
    )
    return settings


async def set_min_group_size(
    session: AsyncSession, actor: Actor, text: str, now: datetime
) -> NetworkSettings:
    require_admin(actor)
    size = parse_min_group_size(text)
    settings = await network_settings(session)
    old = settings.min_group_size
    settings.min_group_size = size
    await _audit(
        session, actor, "network.min_group_size", "network", None, now, {"old": old, "new": size}
    )
    return settings


@dataclass(frozen=True)
class GroupDefaults:
    """What a new group gets when its creator says nothing: the network's minimum size and
    the academic year's dates (None where the admin has not set them)."""

    min_size: int
    start: date | None
    end: date | None


async def group_defaults(session: AsyncSession) -> GroupDefaults:
    settings = await session.get(NetworkSettings, 1)
    if settings is None:
        return GroupDefaults(MIN_GROUP_SIZE, None, None)
    return GroupDefaults(settings.min_group_size, settings.year_start, settings.year_end)


async def current_settings(session: AsyncSession, actor: Actor) -> NetworkSettings:
    require_admin(actor)
    return await read_network_settings(session)


def _range(start: time | None, end: time | None) -> str | None:
    return f"{start:%H:%M}-{end:%H:%M}" if start and end else None


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    now: datetime,
    details: dict[str, Any],
) -> None:
    await record(
        session,
        actor_id=actor.person_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        now=now,
        details=details,
    )
