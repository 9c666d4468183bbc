"""Parents' consent to process their child's personal data: given as a separate step with the
version of the text, withdrawn with one command — which stops all processing for the child.

This module knows consents only; enrollment reads them (no application without one) and
`enrollment.withdraw_consent` is the whole withdrawal: the consent, then the applications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DataConsent, Person
from models.enums import Role
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, Forbidden
from services.people import children_of, is_parent_of

# The version of `consent-data` in locales/ a parent agrees to; a new text needs a new version.
DATA_CONSENT_VERSION = "2026-11"


class ConsentState(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    NONE = "none"


async def active(session: AsyncSession, parent_id: int, child_id: int) -> DataConsent | None:
    return await session.scalar(
        select(DataConsent).where(
            DataConsent.parent_id == parent_id,
            DataConsent.child_id == child_id,
            DataConsent.withdrawn_at.is_(None),
        )
    )


async def state_for_child(session: AsyncSession, child_id: int) -> ConsentState:
    """Active if any parent's consent stands; withdrawn if all there was was withdrawn."""
    rows = (
        await session.scalars(
            select(DataConsent.withdrawn_at).where(DataConsent.child_id == child_id)
        )
    ).all()
    if not rows:
        return ConsentState.NONE
    return ConsentState.ACTIVE if any(w is None for w in rows) else ConsentState.WITHDRAWN


async def _require_parent(session: AsyncSession, actor: Actor, child_id: int) -> None:
    if not actor.has(Role.PARENT) or not await is_parent_of(session, actor.person_id, child_id):
        raise Forbidden("error-not-your-child")


async def give(session: AsyncSession, actor: Actor, child_id: int, now: datetime) -> DataConsent:
    """The linked parent consents (idempotent while a consent stands)."""
    await _require_parent(session, actor, child_id)
    current = await active(session, actor.person_id, child_id)
    if current is not None:
        return current
    consent = DataConsent(
        parent_id=actor.person_id, child_id=child_id, version=DATA_CONSENT_VERSION, given_at=now
    )
    session.add(consent)
    await session.flush()
    await record(
        session,
        actor_id=actor.person_id,
        action="consent.given",
        object_type="person",
        object_id=child_id,
        now=now,
        details={"version": DATA_CONSENT_VERSION},
    )
    return consent


async def mark_withdrawn(
    session: AsyncSession, actor: Actor, child_id: int, now: datetime
) -> ConsentState:
    """The linked parent's consent ends (audited); returns the child's state now. The
    applications it allowed are enrollment's to end: call `enrollment.withdraw_consent`."""
    await _require_parent(session, actor, child_id)
    current = await active(session, actor.person_id, child_id)
    if current is None:
        raise Conflict("error-consent-none")
    current.withdrawn_at = now
    await session.flush()  # the checks below must see it
    await record(
        session,
        actor_id=actor.person_id,
        action="consent.withdrawn",
        object_type="person",
        object_id=child_id,
        now=now,
        details={"version": current.version},
    )
    return await state_for_child(session, child_id)


async def statuses(session: AsyncSession, actor: Actor) -> list[tuple[Person, DataConsent | None]]:
    """Each of the parent's children with the consent this parent gave, if it stands."""
    if not actor.has(Role.PARENT):
        raise Forbidden("error-parents-only")
    return [
        (child, await active(session, actor.person_id, child.id))
        for child in await children_of(session, actor.person_id)
    ]
