"""Network-wide settings the admin changes: the common profile day, holidays."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import NetworkSettings
from models.enums import Role
from services.errors import Forbidden, Invalid
from services.people import Actor


async def network_settings(session: AsyncSession) -> NetworkSettings:
    settings = await session.get(NetworkSettings, 1)
    if settings is None:
        settings = NetworkSettings(id=1)
        session.add(settings)
        await session.flush()
    return settings


async def profile_weekday(session: AsyncSession) -> int | None:
    settings = await session.get(NetworkSettings, 1)
    return settings.profile_weekday if settings else None


async def set_profile_weekday(session: AsyncSession, actor: Actor, weekday: int | None) -> None:
    """The admin sets (or clears) the network's common profile day."""
    if not actor.has(Role.ADMIN):
        raise Forbidden("error-admins-only")
    if weekday is not None and not 0 <= weekday <= 6:
        raise Invalid("error-bad-choice")
    (await network_settings(session)).profile_weekday = weekday
