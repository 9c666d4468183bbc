"""Network-wide settings the admin changes: the common profile day, holidays."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Holiday, NetworkSettings
from models.network import MIN_GROUP_SIZE
from services import parsing
from services.actor import Actor, require_admin
from services.audit import record
from services.errors import Conflict, Invalid
from services.lessons import cancel_for_holiday
from services.text import TextRule


async def network_settings(session: AsyncSession) -> NetworkSettings:
    """The settings' row, made on the first change (for code that changes it)."""
    settings = await session.get(NetworkSettings, 1)
    if settings is None:
        settings = NetworkSettings(id=1)
        session.add(settings)
        await session.flush()
    return settings


async def read_network_settings(session: AsyncSession) -> NetworkSettings:
    """The settings as they are now, for reading: the defaults while nobody changed any
    (nothing is written, so a read-only screen can show them)."""
    settings = await session.get(NetworkSettings, 1)
    return settings or NetworkSettings(id=1, min_group_size=MIN_GROUP_SIZE)


async def profile_weekday(session: AsyncSession) -> int | None:
    settings = await session.get(NetworkSettings, 1)
    return settings.profile_weekday if settings else None


async def set_profile_weekday(
    session: AsyncSession, actor: Actor, weekday: int | None, now: datetime
) -> None:
    """The admin sets (or clears) the network's common profile day; audited."""
    require_admin(actor)
    if weekday is not None and not 0 <= weekday <= 6:
        raise Invalid("error-bad-choice")
    (await network_settings(session)).profile_weekday = weekday
    await record(
        session,
        actor_id=actor.person_id,
        action="network.profile_day",
        object_type="network",
        object_id=None,
        now=now,
        details={"weekday": weekday},
    )


HOLIDAY_NAME = TextRule(120, "error-holiday-format", "error-holiday-format")


async def upcoming_holidays(session: AsyncSession, today: date) -> list[Holiday]:
    rows = await session.scalars(select(Holiday).where(Holiday.day >= today).order_by(Holiday.day))
    return list(rows.all())


def parse_holiday(text: str) -> tuple[date, str]:
    """ "31.12.2026 Новогодние каникулы": a date (day.month.year) and a name."""
    first, _, rest = text.strip().partition(" ")
    return parsing.parse_date(first, "error-holiday-format"), HOLIDAY_NAME.clean(rest)


async def add_holiday(
    session: AsyncSession, actor: Actor, text: str, now: datetime
) -> tuple[Holiday, int]:
    """The admin adds a day without lessons; that day's lessons are cancelled and everyone
    concerned is told. Returns the holiday and how many lessons were cancelled."""
    require_admin(actor)
    day, name = parse_holiday(text)
    if day < now.date():
        raise Invalid("error-holiday-past")
    if await session.scalar(select(Holiday.id).where(Holiday.day == day)):
        raise Conflict("error-holiday-exists")
    holiday = Holiday(day=day, name=name)
    session.add(holiday)
    await session.flush()
    cancelled = await cancel_for_holiday(session, actor, day, name, now)
    await record(
        session,
        actor_id=actor.person_id,
        action="holiday.added",
        object_type="holiday",
        object_id=holiday.id,
        now=now,
        details={"day": day.isoformat(), "lessons_cancelled": cancelled},
    )
    return holiday, cancelled
