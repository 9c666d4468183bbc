"""Broadcasts: a coordinator writes to their own organisation's students and parents, the
network admin to a role across the network or to one organisation.

A broadcast goes through the outbox at bulk priority (urgent and ordinary messages overtake
it, quiet hours hold it); each of its rows points back to it, so its progress is counted from
their states and the author's progress message is edited from that count.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from models import (
    Account,
    Broadcast,
    DataConsent,
    Notification,
    Organisation,
    ParentLink,
    Person,
    RoleGrant,
)
from models.enums import NotificationState, Priority, Role
from services import quiet
from services.actor import Actor
from services.audit import record
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.outbox import notify_many
from services.text import TextRule

TEXT_MAX = 3000  # the preview (heading, counts, sender) stays within 4000 characters
TEXT = TextRule(TEXT_MAX, "error-message-empty", lines=True)
# Who a broadcast can reach, in the order they are listed; a letter each in callback data.
AUDIENCE_ROLES = (Role.STUDENT, Role.PARENT, Role.TEACHER, Role.COORDINATOR)
LETTERS = {Role.STUDENT: "s", Role.PARENT: "p", Role.TEACHER: "t", Role.COORDINATOR: "c"}
COORDINATOR_AUDIENCE = frozenset({Role.STUDENT, Role.PARENT})
KIND = "notify-broadcast"


@dataclass(frozen=True)
class Audience:
    """Whom a broadcast reaches: roles, in one organisation or (org_id None) the network."""

    org_id: int | None
    roles: frozenset[Role]

    @property
    def code(self) -> str:
        """Short form for callback data: "sp" is students and parents."""
        return "".join(LETTERS[r] for r in AUDIENCE_ROLES if r in self.roles)

    @classmethod
    def parse(cls, org_id: int | None, code: str) -> Audience:
        by_letter = {letter: role for role, letter in LETTERS.items()}
        if not code or any(ch not in by_letter for ch in code) or len(set(code)) != len(code):
            raise Invalid("error-bad-choice")
        return cls(org_id or None, frozenset(by_letter[ch] for ch in code))

    def stored(self) -> str:
        return ",".join(r.value for r in AUDIENCE_ROLES if r in self.roles)


def can_broadcast(actor: Actor) -> bool:
    return actor.has(Role.ADMIN) or actor.has(Role.COORDINATOR)


def check_audience(actor: Actor, audience: Audience) -> None:
    """The admin may reach anyone; a coordinator only their own organisation's students and
    parents. Checked on every step, since callback data can be forged."""
    if not audience.roles or not audience.roles <= set(AUDIENCE_ROLES):
        raise Invalid("error-bad-choice")
    reach = actor.org_scope()
    if reach is None:
        return
    if not reach:
        raise Forbidden("error-broadcast-not-allowed")
    if audience.org_id is None or audience.org_id not in reach:
        raise Forbidden("error-broadcast-own-org")
    if not audience.roles <= COORDINATOR_AUDIENCE:
        raise Forbidden("error-broadcast-own-org")


def clean_text(text: str) -> str:
    return TEXT.clean(text)


def new_token() -> str:
    return secrets.token_hex(8)


async def organisation_choices(session: AsyncSession, actor: Actor) -> list[Organisation]:
    """The organisations the actor may write to."""
    query = select(Organisation).order_by(Organisation.short_name)
    reach = actor.org_scope()
    if reach is not None:
        query = query.where(Organisation.id.in_(reach))
    return list((await session.scalars(query)).all())


def _withdrawn_consent(column: QueryableAttribute[int]) -> ColumnElement[bool]:
    """A child whose parents all withdrew consent to process their data: nobody writes to them
    (services/consent: withdrawing stops all processing for the child)."""
    any_consent = select(DataConsent.id).where(DataConsent.child_id == column).exists()
    standing = (
        select(DataConsent.id)
        .where(DataConsent.child_id == column, DataConsent.withdrawn_at.is_(None))
        .exists()
    )
    return and_(any_consent, ~standing)


def _holders(role: Role, org_id: int | None) -> Select[int]:
    query = (
        select(Person.id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == role, Person.full_name != "")
    )
    if org_id is not None:
        query = query.where(RoleGrant.organisation_id == org_id)
    if role == Role.STUDENT:
        query = query.where(~_withdrawn_consent(Person.id))
    return query


def _parents(org_id: int | None) -> Select[int]:
    if org_id is None:
        return _holders(Role.PARENT, None)
    child = aliased(Person)
    return (
        select(Person.id)
        .join(ParentLink, ParentLink.parent_id == Person.id)
        .join(child, child.id == ParentLink.child_id)
        .join(
            RoleGrant,
            and_(
                RoleGrant.person_id == child.id,
                RoleGrant.role == Role.STUDENT,
                RoleGrant.organisation_id == org_id,
            ),
        )
        .where(Person.full_name != "", ~_withdrawn_consent(child.id))
    )


async def recipient_ids(session: AsyncSession, audience: Audience, author_id: int) -> list[int]:
    """Everyone the audience takes in, once each, without the author and without people
    whose data has been deleted (their name is gone)."""
    found: dict[int, None] = {}
    for role in AUDIENCE_ROLES:
        if role not in audience.roles:
            continue
        query = (
            _parents(audience.org_id) if role == Role.PARENT else _holders(role, audience.org_id)
        )
        for person_id in (await session.scalars(query.order_by(Person.id))).all():
            found.setdefault(person_id, None)
    found.pop(author_id, None)
    return list(found)


@dataclass(frozen=True)
class Unreachable:
    """People a message cannot reach now: every account of theirs blocked the bot, or they
    never started it (imported from a school's list, not joined yet)."""

    blocked: int
    never_started: int

    @property
    def total(self) -> int:
        return self.blocked + self.never_started


async def unreachable(session: AsyncSession, person_ids: Iterable[int]) -> Unreachable:
    ids = set(person_ids)
    if not ids:
        return Unreachable(0, 0)
    rows = await session.execute(
        select(Account.person_id, Account.unreachable_since).where(Account.person_id.in_(ids))
    )
    with_account: set[int] = set()
    reachable: set[int] = set()
    for person_id, since in rows.all():
        with_account.add(person_id)
        if since is None:
            reachable.add(person_id)
    return Unreachable(len(with_account - reachable), len(ids - with_account))


@dataclass(frozen=True)
class Preview:
    recipients: int
    unreachable: Unreachable
    # Non-urgent messages wait for the end of the quiet hours now: until then (local time).
    held_until: datetime | None = None


async def preview(
    session: AsyncSession,
    actor: Actor,
    audience: Audience,
    now: datetime,
    zone: ZoneInfo,
    default_quiet: quiet.Hours,
) -> Preview:
    """Who a broadcast reaches, who it cannot, and whether it waits for the morning (the
    audience organisation's quiet hours, or the network's in the author's zone)."""
    await check(session, actor, audience)
    ids = await recipient_ids(session, audience, actor.person_id)
    held = await quiet.held_until(session, audience.org_id, now, zone, default_quiet)
    return Preview(len(ids), await unreachable(session, ids), held)


async def check(session: AsyncSession, actor: Actor, audience: Audience) -> None:
    """May the actor write to this audience (of an organisation that exists)?"""
    check_audience(actor, audience)
    await audience_org(session, audience)


async def audience_org(session: AsyncSession, audience: Audience) -> Organisation | None:
    """The organisation a broadcast is for, None for the whole network; refused if it is
    gone (a stale button)."""
    if audience.org_id is None:
        return None
    org = await session.get(Organisation, audience.org_id)
    if org is None:
        raise NotFound("error-not-found")
    return org


async def message_params(
    session: AsyncSession, actor: Actor, audience: Audience, text: str
) -> dict[str, Any]:
    """What the recipients' message shows: who sends it (the network office, or the
    coordinator's organisation), the author's name and the text (escaped when rendered)."""
    author = await session.get(Person, actor.person_id)
    sender: Any
    if actor.has(Role.ADMIN):
        sender = {"key": "broadcast-from-network"}
    else:
        org = await audience_org(session, audience)
        sender = org.short_name if org else ""
    return {"sender": sender, "author": (author.full_name if author else "") or "—", "text": text}


async def check_not_sent(session: AsyncSession, token: str) -> None:
    if await session.scalar(select(Broadcast.id).where(Broadcast.token == token)):
        raise Conflict("error-broadcast-sent")


async def send(
    session: AsyncSession,
    actor: Actor,
    audience: Audience,
    text: str,
    *,
    token: str,
    now: datetime,
    chat_id: int | None = None,
    message_id: int | None = None,
    messenger: str = "telegram",
) -> Broadcast:
    """Queue the broadcast for its audience at bulk priority; a draft is sent once only."""
    await check(session, actor, audience)
    body = clean_text(text)
    await check_not_sent(session, token)
    recipients = await recipient_ids(session, audience, actor.person_id)
    if not recipients:
        raise Invalid("error-broadcast-nobody")
    params = await message_params(session, actor, audience, body)
    broadcast = Broadcast(
        token=token,
        author_id=actor.person_id,
        org_id=audience.org_id,
        audience=audience.stored(),
        text=body,
        created_at=now,
        progress_messenger=messenger,
        progress_chat_id=chat_id,
        progress_message_id=message_id,
        # What the handler shows at once; the progress job edits from here.
        progress_shown=Progress(len(recipients), 0, 0, len(recipients)).shown,
        progress_at=now,
    )
    session.add(broadcast)
    await session.flush()
    broadcast.recipients = await notify_many(
        session,
        recipients,
        kind=KIND,
        key_prefix=f"broadcast:{broadcast.id}",
        now=now,
        params=params,
        priority=Priority.BULK,
        broadcast_id=broadcast.id,
    )
    await record(
        session,
        actor_id=actor.person_id,
        action="broadcast.sent",
        object_type="broadcast",
        object_id=broadcast.id,
        now=now,
        details={
            "org_id": audience.org_id,
            "audience": audience.stored(),
            "recipients": broadcast.recipients,
        },
    )
    return broadcast


@dataclass(frozen=True)
class Progress:
    total: int
    delivered: int
    unreachable: int
    waiting: int

    @property
    def finished(self) -> bool:
        return self.waiting == 0

    @property
    def shown(self) -> str:
        return f"{self.delivered}:{self.unreachable}:{self.waiting}"


async def progress(session: AsyncSession, broadcast: Broadcast) -> Progress:
    """Counted from the broadcast's outbox rows: sent, failed for good, still to go."""
    rows = await session.execute(
        select(Notification.state, func.count(Notification.id))
        .where(Notification.broadcast_id == broadcast.id)
        .group_by(Notification.state)
    )
    counts: dict[NotificationState, int] = dict(rows.all())
    waiting = counts.get(NotificationState.PENDING, 0) + counts.get(NotificationState.SENDING, 0)
    return Progress(
        total=broadcast.recipients,
        delivered=counts.get(NotificationState.SENT, 0),
        unreachable=counts.get(NotificationState.FAILED, 0),
        waiting=waiting,
    )


async def unfinished(session: AsyncSession) -> list[tuple[Broadcast, str | None, str | None]]:
    """Broadcasts whose progress message still changes, with the author's language and
    time zone (their own, else their organisation's)."""
    rows = await session.execute(
        select(Broadcast, Person.language, func.coalesce(Person.timezone, Organisation.timezone))
        .outerjoin(Person, Person.id == Broadcast.author_id)
        .outerjoin(Organisation, Organisation.id == Person.home_org_id)
        .where(Broadcast.finished_at.is_(None), Broadcast.progress_message_id.is_not(None))
        .order_by(Broadcast.id)
    )
    return [(b, lang, tz) for b, lang, tz in rows.all()]


def stored_audience(broadcast: Broadcast) -> Audience:
    roles = frozenset(Role(value) for value in broadcast.audience.split(",") if value)
    return Audience(broadcast.org_id, roles)


async def mark_shown(
    session: AsyncSession, broadcast_id: int, shown: Progress, now: datetime
) -> None:
    """The progress message now shows these counts; a finished broadcast is not looked at
    again."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return
    broadcast.progress_shown = shown.shown
    broadcast.progress_at = now
    if shown.finished:
        broadcast.finished_at = now


async def give_up_progress(session: AsyncSession, broadcast_id: int, now: datetime) -> None:
    """The progress message cannot be edited any more (deleted, too old): stop trying."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is not None:
        broadcast.finished_at = now
