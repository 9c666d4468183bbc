"""One person on several messengers: linking accounts by a one-time code, and choosing
where notifications go."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    AccountLinkCode,
    Application,
    DataConsent,
    ParentLink,
    Person,
    RoleGrant,
)
from models.enums import Messenger
from services.errors import Conflict, Invalid
from services.people import new_code

CODE_LIFETIME = timedelta(minutes=15)
# No 0/O or 1/I: the code is read on one screen and typed on another.
CODE_LENGTH = 8


async def accounts_of(session: AsyncSession, person_id: int) -> list[Account]:
    return list(
        (
            await session.scalars(
                select(Account).where(Account.person_id == person_id).order_by(Account.id)
            )
        ).all()
    )


async def create_link_code(session: AsyncSession, person_id: int, now: datetime) -> AccountLinkCode:
    """A fresh code for this person; an earlier unused one stops working."""
    await session.execute(
        delete(AccountLinkCode).where(
            AccountLinkCode.person_id == person_id, AccountLinkCode.used_at.is_(None)
        )
    )
    code = AccountLinkCode(
        code=new_code(CODE_LENGTH),
        person_id=person_id,
        expires_at=now + CODE_LIFETIME,
    )
    session.add(code)
    await session.flush()
    return code


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper().replace("-", "")


async def link_account(
    session: AsyncSession, code: str, messenger: Messenger, user_id: int, now: datetime
) -> Person:
    """Attach the account that typed `code` to the person who was shown it.

    The typing account's own profile must still be empty (it was made on first contact):
    two profiles with their own roles, children or applications are not merged silently.
    """
    link = await session.scalar(
        select(AccountLinkCode)
        .where(AccountLinkCode.code == normalise_code(code))
        .with_for_update()
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise Invalid("accounts-code-invalid")
    account = await session.scalar(
        select(Account).where(Account.messenger == messenger, Account.user_id == user_id)
    )
    if account is None:
        raise Invalid("accounts-code-invalid")
    if account.person_id == link.person_id:
        raise Conflict("accounts-already-linked")
    taken = await session.scalar(
        select(Account.id).where(
            Account.person_id == link.person_id, Account.messenger == messenger
        )
    )
    if taken is not None:
        raise Conflict("accounts-messenger-taken", messenger=messenger.value)
    if await _has_own_data(session, account.person_id):
        raise Conflict("accounts-has-own-data")
    empty_person_id = account.person_id
    account.person_id = link.person_id
    account.notify = True
    link.used_at = now
    await session.flush()
    await session.execute(delete(Person).where(Person.id == empty_person_id))
    person = await session.get(Person, link.person_id)
    assert person is not None
    return person


async def _has_own_data(session: AsyncSession, person_id: int) -> bool:
    """A role, a family link, an application or a consent: one query for all of them."""
    return bool(
        await session.scalar(
            select(
                or_(
                    exists().where(RoleGrant.person_id == person_id),
                    exists().where(
                        or_(ParentLink.parent_id == person_id, ParentLink.child_id == person_id)
                    ),
                    exists().where(Application.student_id == person_id),
                    exists().where(
                        or_(DataConsent.parent_id == person_id, DataConsent.child_id == person_id)
                    ),
                )
            )
        )
    )


async def set_notify(
    session: AsyncSession, person_id: int, messenger: Messenger, on: bool
) -> list[Account]:
    """Turn notifications on or off in one messenger; the last one cannot be turned off,
    or the person would miss cancellations without knowing it."""
    accounts = await accounts_of(session, person_id)
    target = next((a for a in accounts if a.messenger == messenger), None)
    if target is None:
        raise Invalid("accounts-not-connected", messenger=messenger.value)
    if not on and not any(a.notify for a in accounts if a is not target):
        raise Conflict("accounts-last-notify")
    target.notify = on
    await session.flush()
    return accounts
