"""Quiet hours: the local hours at night when only urgent messages go out. An organisation's
own hours, else the network's (set by the admin), else the installation's default."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import NetworkSettings, Organisation

Hours = tuple[time, time]


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(now: datetime, zone: ZoneInfo, end: time) -> datetime:
    """The next moment the quiet hours end, in the recipient's zone."""
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), end, zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, zone)
    return candidate


def chosen(own: Hours | None, network: Hours | None, default: Hours) -> Hours:
    return own or network or default


def hours_of(start: time | None, end: time | None) -> Hours | None:
    return (start, end) if start is not None and end is not None else None


async def held_until(
    session: AsyncSession, org_id: int | None, now: datetime, zone: ZoneInfo, default: Hours
) -> datetime | None:
    """If non-urgent messages to this organisation's people (or the network's, without one)
    wait now, when they go out; None if they go at once."""
    org = await session.get(Organisation, org_id) if org_id else None
    network = await session.get(NetworkSettings, 1)
    start, end = chosen(
        hours_of(org.quiet_start, org.quiet_end) if org else None,
        hours_of(network.quiet_start, network.quiet_end) if network else None,
        default,
    )
    if org is not None:
        zone = ZoneInfo(org.timezone)
    if not in_quiet_hours(now.astimezone(zone).time(), start, end):
        return None
    return quiet_until(now, zone, end)
