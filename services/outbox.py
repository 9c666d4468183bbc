"""The transactional outbox: services write what people must be told, a sender delivers it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, NetworkSettings, Notification, Organisation, Person
from models.enums import NotificationState, Priority
from services import quiet as quiet_hours

# Delivery attempts back off up to this delay; a row is never dropped for failing.
MAX_BACKOFF = timedelta(minutes=10)
# A row claimed this long ago by a sender that never reported back (it crashed) is retried.
CLAIM_TIMEOUT = timedelta(minutes=2)


@dataclass(frozen=True)
class Message:
    """One message to queue: for whom, what (a text key and its values), under which key."""

    person_id: int
    kind: str
    dedupe_key: str
    params: dict[str, Any] = field(default_factory=dict)
    priority: Priority = Priority.NORMAL
    link: dict[str, Any] | None = None
    broadcast_id: int | None = None


async def queue(session: AsyncSession, messages: Sequence[Message], now: datetime) -> int:
    """Queue messages in the current transaction, many rows a statement; a key already in
    the outbox (or twice in `messages`) is ignored. Returns how many are new."""
    rows: dict[str, dict[str, Any]] = {}
    for m in messages:
        rows.setdefault(
            m.dedupe_key,
            {
                "person_id": m.person_id,
                "kind": m.kind,
                "params": m.params,
                "link": m.link,
                "dedupe_key": m.dedupe_key,
                "priority": int(m.priority),
                "state": NotificationState.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
                "broadcast_id": m.broadcast_id,
            },
        )
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Notification)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    )
    # Many rows at once: SQLAlchemy sends them as multi-row INSERTs (its "insertmanyvalues"),
    # and only the rows inserted come back.
    result = await session.execute(statement, list(rows.values()))
    return len(result.all())


async def notify(
    session: AsyncSession,
    *,
    person_id: int,
    kind: str,
    dedupe_key: str,
    now: datetime,
    params: dict[str, Any] | None = None,
    priority: Priority = Priority.NORMAL,
    link: dict[str, Any] | None = None,
    broadcast_id: int | None = None,
) -> bool:
    """Queue a message for a person in the current transaction; a repeated key is ignored.

    Returns whether the message is new.
    """
    message = Message(person_id, kind, dedupe_key, params or {}, priority, link, broadcast_id)
    return bool(await queue(session, [message], now))


async def notify_many(
    session: AsyncSession,
    person_ids: Iterable[int],
    *,
    kind: str,
    key_prefix: str,
    now: datetime,
    params: dict[str, Any] | None = None,
    priority: Priority = Priority.NORMAL,
    link: dict[str, Any] | None = None,
    broadcast_id: int | None = None,
) -> int:
    """Queue one message per person (each once), in as few statements as the rows need;
    returns how many are new."""
    messages = [
        Message(pid, kind, f"{key_prefix}:{pid}", params or {}, priority, link, broadcast_id)
        for pid in dict.fromkeys(person_ids)
    ]
    return await queue(session, messages, now)


@dataclass(frozen=True)
class Outgoing:
    """A claimed notification with what the sender needs to render and address it."""

    id: int
    person_id: int
    kind: str
    params: dict[str, Any]
    link: dict[str, Any] | None
    priority: int
    language: str | None
    timezone: str | None
    # The organisation's own quiet hours if it set them, else the network's if the admin set
    # them; None leaves the sender's default (the QUIET_START/QUIET_END settings).
    quiet: tuple[time, time] | None
    chats: list[tuple[str, int]]
    attempts: int


async def claim_due(session: AsyncSession, now: datetime, limit: int = 50) -> list[Outgoing]:
    """Take due rows, most urgent first, and mark them as being sent (commit afterwards).

    A claim that is never reported back (its sender died) makes the row due again after
    CLAIM_TIMEOUT; a sender starting up releases all claims at once (`release_claims`).
    """
    rows = (
        await session.scalars(
            select(Notification)
            .where(
                Notification.state.in_([NotificationState.PENDING, NotificationState.SENDING]),
                Notification.next_attempt_at <= now,
            )
            .order_by(Notification.priority, Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    person_ids = {row.person_id for row in rows}
    readers = {
        pid: (lang, own_tz or org_tz, quiet_hours.hours_of(q_start, q_end))
        for pid, lang, own_tz, org_tz, q_start, q_end in (
            await session.execute(
                select(
                    Person.id,
                    Person.language,
                    Person.timezone,
                    Organisation.timezone,
                    Organisation.quiet_start,
                    Organisation.quiet_end,
                )
                .outerjoin(Organisation, Organisation.id == Person.home_org_id)
                .where(Person.id.in_(person_ids))
            )
        )
    }
    network = await session.get(NetworkSettings, 1)
    network_quiet = (
        quiet_hours.hours_of(network.quiet_start, network.quiet_end) if network else None
    )
    chosen: dict[int, list[tuple[str, int]]] = {pid: [] for pid in person_ids}
    others: dict[int, list[tuple[str, int]]] = {pid: [] for pid in person_ids}
    for account in await session.scalars(
        select(Account)
        .where(Account.person_id.in_(person_ids), Account.unreachable_since.is_(None))
        .order_by(Account.id)
    ):
        target = chosen if account.notify else others
        target[account.person_id].append((account.messenger.value, account.chat_id))
    # Where the person chose to be told; if none of those can be reached, anywhere they can.
    chats = {pid: chosen[pid] or others[pid] for pid in person_ids}
    claimed = []
    for row in rows:
        row.state = NotificationState.SENDING
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_TIMEOUT
        language, timezone, quiet = readers[row.person_id]
        claimed.append(
            Outgoing(
                id=row.id,
                person_id=row.person_id,
                kind=row.kind,
                params=dict(row.params),
                link=row.link,
                priority=row.priority,
                language=language,
                timezone=timezone,
                quiet=quiet or network_quiet,
                chats=chats[row.person_id],
                attempts=row.attempts,
            )
        )
    await session.flush()
    return claimed


async def release_claims(session: AsyncSession, now: datetime) -> int:
    """A sender starting up takes back what a dead one had claimed: due again at once."""
    result = await session.execute(
        update(Notification)
        .where(Notification.state == NotificationState.SENDING)
        .values(state=NotificationState.PENDING, next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def postpone(session: AsyncSession, notification_id: int, until: datetime) -> None:
    """Not now (quiet hours, the chat's own pace): due again later, not counted as a failure."""
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(
            state=NotificationState.PENDING,
            next_attempt_at=until,
            attempts=Notification.attempts - 1,
        )
    )


async def mark_sent(session: AsyncSession, notification_id: int, now: datetime) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(state=NotificationState.SENT, sent_at=now, last_error="")
    )


async def mark_failed(
    session: AsyncSession,
    notification_id: int,
    now: datetime,
    error: str,
    *,
    attempts: int,
    permanent: bool = False,
    retry_after: float | None = None,
) -> None:
    """Record a failed attempt: permanent failures stop, others are retried with backoff
    (or exactly when the messenger asked us to come back)."""
    if retry_after is not None:
        delay = timedelta(seconds=retry_after)
    else:
        delay = min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(
            state=NotificationState.FAILED if permanent else NotificationState.PENDING,
            next_attempt_at=now + delay,
            last_error=error[:1000],
        )
    )


async def mark_unreachable(
    session: AsyncSession, messenger: str, chat_id: int, now: datetime
) -> None:
    await session.execute(
        update(Account)
        .where(Account.messenger == messenger, Account.chat_id == chat_id)
        .values(unreachable_since=now)
    )
